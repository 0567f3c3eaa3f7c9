"""Awarding microbadges: build, sign and store a credential in one transaction.

The learner appears in the credential as a salted SHA-256 of the e-mail address
(IdentityObject) and/or a DID. An Idempotency-Key makes retries safe: the same key returns
the credential first created for it (never a duplicate), and the same key with a different
request is refused. The signed JSON text is stored once and served byte for byte.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from badges.credential import build_credential
from badges.data_integrity import add_proof
from badges.errors import InvalidDocumentError
from badges.json_document import dump_json_object
from badges.model import AchievementSubject, Evidence, IdentityObject, Result
from issuer.achievements import achievement_model
from issuer.clock import Clock
from issuer.credential_queries import normalise_email
from issuer.errors import IdempotencyConflictError, InvalidInputError, NotFoundError
from issuer.key_vault import KeyVault
from issuer.models import (
    AchievementRecord,
    CredentialKind,
    CredentialRecord,
    CredentialState,
    ProviderRecord,
)
from issuer.providers import active_signing_key, provider_profile
from issuer.status_lists import (
    DEFAULT_LIST_VALIDITY,
    Allocation,
    ListSigner,
    allocate_status_entries,
    record_status_entries,
)

__all__ = [
    "AwardInput",
    "Learner",
    "award_credential",
    "reissue_credential",
]

_SALT_BYTES: Final = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Learner:
    """Who receives the badge: an e-mail address and/or a DID, and an optional name."""

    email: str | None = None
    did: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.email is None and self.did is None:
            raise InvalidInputError("the learner needs an email or a did", pointer="/learner")


@dataclass(frozen=True, slots=True, kw_only=True)
class AwardInput:
    """One award: which microbadge, to whom, with what evidence and result."""

    achievement_id: str
    learner: Learner
    evidence: tuple[Evidence, ...] = ()
    result: tuple[Result, ...] = ()


def _subject(achievement: AchievementRecord, base_url: str, data: AwardInput,
             salt: str) -> AchievementSubject:
    identifier: tuple[IdentityObject, ...] = ()
    if data.learner.email is not None:
        identifier = (IdentityObject.hashed_email(normalise_email(data.learner.email),
                                                  salt=salt),)
    return AchievementSubject(id=data.learner.did, identifier=identifier,
                              achievement=achievement_model(base_url, achievement),
                              result=data.result)


def _find_idempotent(session: Session, provider: ProviderRecord, key: str,
                     digest: str | None) -> CredentialRecord | None:
    record = session.scalar(select(CredentialRecord).where(
        CredentialRecord.provider_id == provider.id, CredentialRecord.idempotency_key == key))
    if record is not None and record.request_digest != digest:
        raise IdempotencyConflictError(
            "this Idempotency-Key was used for a different request; use a new key")
    return record


def award_credential(session: Session, provider: ProviderRecord, data: AwardInput, *,
                     vault: KeyVault, base_url: str, clock: Clock,
                     idempotency_key: str | None = None, request_digest: str | None = None,
                     replaces: CredentialRecord | None = None,
                     list_validity: timedelta = DEFAULT_LIST_VALIDITY,
                     ) -> tuple[CredentialRecord, bool]:
    """Issue one credential and commit. Returns (record, created): `created` is False when
    the Idempotency-Key had already produced a credential, which is returned instead.

    The credential carries a revocation status entry (and a suspension entry when the
    provider enabled suspension), allocated in the same transaction; `list_validity` is
    how long a status list started by this award is signed for.

    Raises NotFoundError (unknown microbadge), InvalidInputError, IdempotencyConflictError.
    """
    if idempotency_key is not None:
        existing = _find_idempotent(session, provider, idempotency_key, request_digest)
        if existing is not None:
            return existing, False
    achievement = session.scalar(select(AchievementRecord).where(
        AchievementRecord.public_id == data.achievement_id,
        AchievementRecord.provider_id == provider.id)
        .options(joinedload(AchievementRecord.image)))  # one query, not two
    if achievement is None:
        raise NotFoundError(f"no microbadge {data.achievement_id!r}", )
    now = clock()
    valid_until = (now + timedelta(days=achievement.validity_days)
                   if achievement.validity_days else None)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    allocations = allocate_status_entries(
        session, provider, ListSigner(vault=vault, base_url=base_url, clock=clock,
                                      validity=list_validity))
    entries = [entry for _, _, entry in allocations]
    try:
        document = build_credential(
            credential_id=credential_id,
            issuer=provider_profile(provider),
            subject=_subject(achievement, base_url, data, secrets.token_hex(_SALT_BYTES)),
            valid_from=now,
            valid_until=valid_until,
            name=achievement.name,
            description=achievement.description,
            evidence=data.evidence,
            awarded_date=now,
            credential_status=entries[0] if len(entries) == 1 else entries,
        )
    except InvalidDocumentError as error:
        session.rollback()
        raise InvalidInputError(f"cannot build the credential: {error.message}") from None
    method, key_pair = active_signing_key(provider, vault)
    signed = add_proof(document, key_pair, verification_method=method, created=now)
    record = CredentialRecord(
        credential_id=credential_id,
        provider_id=provider.id,
        achievement_id=achievement.id,
        kind=CredentialKind.AWARD.value,
        state=CredentialState.ACTIVE.value,
        learner_email=(normalise_email(data.learner.email)
                       if data.learner.email is not None else None),
        learner_did=data.learner.did,
        learner_name=data.learner.name,
        issued_at=now,
        valid_until=valid_until,
        verification_method=method,
        document=dump_json_object(signed),
        idempotency_key=idempotency_key,
        request_digest=request_digest,
        award_input=_award_input_json(data),
        replaces_id=replaces.id if replaces is not None else None,
    )
    record_status_entries(record, allocations)
    session.add(record)
    try:
        session.flush()
        if replaces is not None:
            replaces.state = CredentialState.SUPERSEDED.value
            replaces.replaced_by_id = record.id
        session.commit()
    except IntegrityError:
        session.rollback()
        if idempotency_key is None:
            raise
        # A concurrent retry with the same key committed first: answer with its credential.
        existing = _find_idempotent(session, provider, idempotency_key, request_digest)
        if existing is None:
            raise
        return existing, False
    return record, True


def store_signed_credential(session: Session, provider: ProviderRecord,
                            signed: dict[str, Any], *, method: str,
                            issued_at: datetime, valid_until: datetime | None,
                            kind: CredentialKind,
                            allocations: Sequence[Allocation] = ()) -> CredentialRecord:
    """Store a credential signed elsewhere in this service (VC-API), with the status
    entries allocated for it in this transaction, and commit."""
    record = CredentialRecord(
        credential_id=str(signed["id"]), provider_id=provider.id, achievement_id=None,
        kind=kind.value, state=CredentialState.ACTIVE.value, issued_at=issued_at,
        valid_until=valid_until, verification_method=method, document=dump_json_object(signed))
    record_status_entries(record, allocations)
    session.add(record)
    session.commit()
    return record


def _award_input_json(data: AwardInput) -> dict[str, Any]:
    def clean(item: Any) -> dict[str, Any]:
        return {key: value for key, value in asdict(item).items()
                if value is not None and value != ()}

    return {"learner": clean(data.learner), "evidence": [clean(e) for e in data.evidence],
            "result": [clean(r) for r in data.result]}


def _award_input(record: CredentialRecord) -> AwardInput:
    stored = record.award_input
    if stored is None or record.achievement is None:
        raise InvalidInputError("only microbadge awards can be re-issued")
    return AwardInput(
        achievement_id=record.achievement.public_id,
        learner=Learner(**stored["learner"]),
        evidence=tuple(Evidence(**item) for item in stored["evidence"]),
        result=tuple(Result(**item) for item in stored["result"]),
    )


def reissue_credential(session: Session, provider: ProviderRecord, record: CredentialRecord,
                       *, vault: KeyVault, base_url: str, clock: Clock) -> CredentialRecord:
    """Issue a fresh credential for the same award (current definition and key) and mark
    the old one superseded. Raises InvalidInputError for a credential already superseded."""
    if record.state != CredentialState.ACTIVE:
        raise InvalidInputError(f"credential {record.credential_id} is {record.state}; "
                                "only active credentials can be re-issued")
    new_record, _ = award_credential(session, provider, _award_input(record), vault=vault,
                                     base_url=base_url, clock=clock, replaces=record)
    return new_record
