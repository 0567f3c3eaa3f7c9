"""The issuer's W3C Bitstring Status Lists: index allocation, signing and publication, bits.

Every credential gets a revocation entry (and a suspension entry when its provider enabled
suspension). Indexes are drawn uniformly at random from the unused positions of a list of
131,072 entries (Bitstring Status List v1.0 §6.1, herd privacy); a new list is started when
one is full. Allocation happens in the transaction that stores the credential, under the
list's row lock (SELECT … FOR UPDATE on PostgreSQL; on SQLite the writer already holds the
database lock from BEGIN IMMEDIATE), and the unique (list, index) constraint of
`status_entries` backs it: no two credentials ever share an index, across processes and
machines, and `StatusListRecord.allocated` always equals the list's number of entries.

Row locks are FOR NO KEY UPDATE: they serialise writers of the row but do not block the
FOR KEY SHARE locks that foreign-key checks take (a credential inserted for the provider,
an entry for the list); FOR UPDATE would, and deadlocks awards against list starts.

A list credential is signed with the provider's active key whenever its bits change, when
it is created, and when half of its validity has passed (checked when it is served).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker, undefer

from badges.json_document import dump_json_object
from badges.status_documents import (
    StatusPurpose,
    build_status_entry,
    build_status_list_credential,
)
from badges.status_list import MIN_LIST_BITS, set_status
from issuer.awards.issuance import Issuance
from issuer.awards.models import CredentialRecord, StatusEntryRecord, StatusListRecord
from issuer.platform import urls
from issuer.platform.database import writing
from issuer.providers.models import ProviderRecord
from issuer.providers.signer import active_signer

__all__ = [
    "LIST_SIZE",
    "Allocation",
    "allocate_status_entries",
    "find_status_list",
    "insert_status_entries",
    "needs_refresh",
    "publish_status_list",
    "refresh_status_list",
    "set_credential_status_bit",
]

LIST_SIZE: Final = MIN_LIST_BITS
# Rounds of random draws before choosing among the listed free positions (a nearly full
# list: at 97% full, one index needs ~33 draws on average).
_RANDOM_DRAWS: Final = 32
_RANDOM: Final = secrets.SystemRandom()


def _list_url(signer: Issuance, provider: ProviderRecord, record: StatusListRecord) -> str:
    return urls.status_list_url(signer.base_url, provider.slug, record.public_id)


Allocation = tuple[StatusListRecord, int, dict[str, str]]
"""An allocated index: (its list, the index, the credentialStatus entry naming it)."""


def allocate_status_entries(session: Session, provider: ProviderRecord, signer: Issuance,
                            count: int = 1) -> list[list[Allocation]]:
    """Allocate, for each of `count` credentials, one index per status purpose of the
    provider (revocation, then suspension when enabled) in the current transaction.

    The caller stores the entries (`insert_status_entries`) in the same transaction
    and commits it; a rollback releases the indexes.
    """
    purposes = [StatusPurpose.REVOCATION]
    if provider.suspension_enabled:
        purposes.append(StatusPurpose.SUSPENSION)
    allocations: list[list[Allocation]] = [[] for _ in range(count)]
    for purpose in purposes:
        position = 0
        while position < count:  # a batch may fill a list and go on in a new one
            record = _open_list(session, provider, purpose)
            if record is None:
                # Starting a list is serialised on the provider's row, so that processes
                # that all find the last list full start one new list, not one each.
                session.refresh(provider, with_for_update={"key_share": True})
                record = (_open_list(session, provider, purpose)
                          or _start_list(session, provider, purpose, signer))
            indexes = _draw_indexes(session, record, count - position)
            record.allocated += len(indexes)
            url = _list_url(signer, provider, record)
            for index in indexes:
                allocations[position].append((record, index, build_status_entry(
                    list_url=url, index=index, purpose=purpose)))
                position += 1
    return allocations


def _open_list(session: Session, provider: ProviderRecord,
               purpose: StatusPurpose) -> StatusListRecord | None:
    """The provider's oldest list for `purpose` with a free index, row-locked."""
    return session.scalar(
        select(StatusListRecord)
        .where(StatusListRecord.provider_id == provider.id,
               StatusListRecord.purpose == purpose,
               StatusListRecord.allocated < StatusListRecord.size)
        .order_by(StatusListRecord.id).limit(1).with_for_update(key_share=True)
        .execution_options(populate_existing=True))  # the locked row, not a cached copy


def insert_status_entries(session: Session,
                          credentials: Sequence[tuple[int, Sequence[Allocation]]]) -> None:
    """Store the allocated entries of credentials already inserted in this transaction,
    given as (credential row id, its allocations): one executemany, no ORM objects."""
    rows = [{"credential_id": credential_id, "status_list_id": record.id,
             "status_list_index": index}
            for credential_id, allocations in credentials
            for record, index, _ in allocations]
    if rows:
        session.execute(insert(StatusEntryRecord), rows)


def _start_list(session: Session, provider: ProviderRecord, purpose: StatusPurpose,
                signer: Issuance) -> StatusListRecord:
    record = StatusListRecord(public_id=str(uuid.uuid4()), provider_id=provider.id,
                              purpose=purpose, size=LIST_SIZE, allocated=0,
                              bits=bytes(LIST_SIZE // 8), created_at=signer.clock())
    session.add(record)
    session.flush()
    publish_status_list(record, provider, signer)
    return record


def _draw_indexes(session: Session, record: StatusListRecord, wanted: int) -> list[int]:
    """Up to `wanted` distinct unused indexes of `record` (whose row lock the caller holds),
    each uniformly random among the unused ones: random draws, the taken ones refused
    with one query per round; when the list is nearly full, a choice among the listed
    free positions."""
    wanted = min(wanted, record.size - record.allocated)
    chosen: dict[int, None] = {}  # insertion-ordered
    for _ in range(_RANDOM_DRAWS):
        if len(chosen) >= wanted:
            break
        candidates = {secrets.randbelow(record.size)
                      for _ in range(2 * (wanted - len(chosen)))} - chosen.keys()
        taken = set(session.scalars(select(StatusEntryRecord.status_list_index).where(
            StatusEntryRecord.status_list_id == record.id,
            StatusEntryRecord.status_list_index.in_(candidates))))
        for index in candidates - taken:
            if len(chosen) < wanted:
                chosen[index] = None
    if len(chosen) < wanted:
        used = set(session.scalars(select(StatusEntryRecord.status_list_index).where(
            StatusEntryRecord.status_list_id == record.id))) | chosen.keys()
        free = [index for index in range(record.size) if index not in used]
        for index in _RANDOM.sample(free, wanted - len(chosen)):
            chosen[index] = None
    return list(chosen)


def publish_status_list(record: StatusListRecord, provider: ProviderRecord,
                        signer: Issuance) -> None:
    """Sign the list's current bits as a BitstringStatusListCredential, valid from now for
    `signer.validity`, and keep its exact JSON text and ETag on the record (not committed)."""
    now = signer.clock()
    document = build_status_list_credential(
        list_url=_list_url(signer, provider, record), issuer_id=provider.issuer_id,
        purpose=StatusPurpose(record.purpose), bits=record.bits, valid_from=now,
        valid_until=now + signer.validity)
    text = dump_json_object(active_signer(provider, signer.vault).sign(document, created=now))
    record.document = text
    record.etag = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record.signed_at = now
    record.valid_until = now + signer.validity


def needs_refresh(record: StatusListRecord, signer: Issuance) -> bool:
    """True when the list was never signed or half of its validity has passed."""
    if record.document is None or record.valid_until is None:
        return True
    return record.valid_until - signer.clock() < signer.validity / 2


def find_status_list(session: Session, provider: ProviderRecord,
                     public_id: str) -> StatusListRecord | None:
    """The provider's status list with this public id, if any, its document and ETag read
    together (one row version: never an old ETag with a new list)."""
    return session.scalar(select(StatusListRecord).where(
        StatusListRecord.provider_id == provider.id, StatusListRecord.public_id == public_id)
        .options(undefer(StatusListRecord.document)))


def refresh_status_list(sessions: sessionmaker[Session], list_id: int,
                        signer: Issuance) -> StatusListRecord:
    """The list, re-signed if it still needs it once its row lock is held, committed in a
    writing session of its own (concurrent readers may race: the row lock makes one sign).
    Callers check `needs_refresh` first."""
    with sessions() as session:
        writing(session)
        record = session.get_one(StatusListRecord, list_id, populate_existing=True,
                                 with_for_update={"key_share": True})
        if needs_refresh(record, signer):
            publish_status_list(record, record.provider, signer)
        _ = record.document  # loaded before the session closes
        session.commit()
        return record


def _entry(session: Session, credential: CredentialRecord,
           purpose: StatusPurpose) -> tuple[StatusListRecord, int] | None:
    row = session.execute(
        select(StatusListRecord, StatusEntryRecord.status_list_index)
        .join(StatusEntryRecord, StatusEntryRecord.status_list_id == StatusListRecord.id)
        .where(StatusEntryRecord.credential_id == credential.id,
               StatusListRecord.purpose == purpose)).one_or_none()
    return None if row is None else (row[0], row[1])


def set_credential_status_bit(session: Session, credential: CredentialRecord,
                              purpose: StatusPurpose, value: bool) -> StatusListRecord | None:
    """Set or clear the credential's bit for `purpose` under the list's row lock; returns
    the list to re-publish, or None when the credential has no entry for `purpose`."""
    found = _entry(session, credential, purpose)
    if found is None:
        return None
    record, index = found
    session.refresh(record, with_for_update={"key_share": True})
    bits = bytearray(record.bits)
    set_status(bits, index, value)
    record.bits = bytes(bits)
    return record
