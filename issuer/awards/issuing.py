"""Awarding microbadges: build, sign and store credentials, one or many per transaction.

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

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from badges.credential import build_credential
from badges.errors import InvalidDocumentError
from badges.json_document import dump_json_object
from badges.model import Achievement, AchievementSubject, Evidence, IdentityObject, Result
from issuer.awards.issuance import Issuance
from issuer.awards.models import CredentialKind, CredentialRecord, CredentialState
from issuer.awards.queries import learner_key, normalise_email
from issuer.awards.sharing import new_share_token
from issuer.awards.status_lists import Allocation, allocate_status_entries, insert_status_entries
from issuer.frameworks.models import CompetenceRecord
from issuer.microbadges.models import AchievementRecord, AchievementSkillRecord
from issuer.microbadges.services import achievement_model
from issuer.platform.errors import IdempotencyConflictError, InvalidInputError, NotFoundError
from issuer.providers.models import ProviderRecord
from issuer.providers.services import provider_profile
from issuer.providers.signer import active_signer

__all__ = [
    "AwardInput",
    "Learner",
    "award_credential",
    "award_credentials",
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


def _subject(achievement: Achievement, data: AwardInput, salt: str) -> AchievementSubject:
    identifier: tuple[IdentityObject, ...] = ()
    if data.learner.email is not None:
        identifier = (IdentityObject.hashed_email(normalise_email(data.learner.email),
                                                  salt=salt),)
    return AchievementSubject(id=data.learner.did, identifier=identifier,
                              achievement=achievement, result=data.result)


def _check_grade(achievement: Achievement, data: AwardInput) -> None:
    """A result naming one of the microbadge's result descriptions has one of its allowed
    values. Raises InvalidInputError."""
    allowed = {item.id: item.allowed_value for item in achievement.result_description}
    for index, result in enumerate(data.result):
        values = allowed.get(result.result_description or "")
        if values and result.value not in values:
            raise InvalidInputError(f"the grade must be one of: {', '.join(values)}",
                                    pointer=f"/result/{index}/value")


def _find_idempotent(session: Session, provider: ProviderRecord, keys: Sequence[str],
                     digest: str | None) -> list[CredentialRecord] | None:
    """The credentials a retry with these keys had produced (in key order), or None.

    Raises IdempotencyConflictError when the keys were used for another request."""
    found = {record.idempotency_key: record for record in session.scalars(
        select(CredentialRecord).where(CredentialRecord.provider_id == provider.id,
                                       CredentialRecord.idempotency_key.in_(keys)))}
    if not found:
        return None
    if len(found) != len(keys) or any(record.request_digest != digest
                                      for record in found.values()):
        raise IdempotencyConflictError(
            "this Idempotency-Key was used for a different request; use a new key")
    return [found[key] for key in keys]


def _achievements(session: Session, provider: ProviderRecord,
                  inputs: Sequence[AwardInput]) -> dict[str, AchievementRecord]:
    """The provider's microbadges the inputs name, in one query. Raises NotFoundError
    (`index` names the first input whose microbadge is unknown)."""
    wanted = {data.achievement_id for data in inputs}
    found = {record.public_id: record for record in session.scalars(
        select(AchievementRecord).where(AchievementRecord.public_id.in_(wanted),
                                        AchievementRecord.provider_id == provider.id)
        .options(joinedload(AchievementRecord.image),
                 selectinload(AchievementRecord.skills).joinedload(AchievementSkillRecord.competence)
                 .joinedload(CompetenceRecord.framework)))}
    for index, data in enumerate(inputs):
        if data.achievement_id not in found:
            error = NotFoundError(f"no microbadge {data.achievement_id!r}")
            error.index = index
            raise error
    return found


def award_credential(session: Session, provider: ProviderRecord, data: AwardInput,
                     signer: Issuance, *, idempotency_key: str | None = None,
                     request_digest: str | None = None,
                     replaces: CredentialRecord | None = None,
                     ) -> tuple[CredentialRecord, bool]:
    """Issue one credential and commit: `award_credentials` with one award. Returns
    (record, created): `created` is False when the Idempotency-Key had already produced a
    credential, which is returned instead; `replaces` becomes superseded by it.

    Raises NotFoundError (unknown microbadge), InvalidInputError, IdempotencyConflictError.
    """
    records, created = award_credentials(
        session, provider, [data], signer,
        idempotency_keys=None if idempotency_key is None else [idempotency_key],
        request_digest=request_digest, replaces=replaces)
    return records[0], created


def award_credentials(session: Session, provider: ProviderRecord,
                      inputs: Sequence[AwardInput], signer: Issuance, *,
                      idempotency_keys: Sequence[str] | None = None,
                      request_digest: str | None = None,
                      replaces: CredentialRecord | None = None,
                      ) -> tuple[list[CredentialRecord], bool]:
    """Build, sign and store one credential per input in one transaction, and commit: all
    of them or none. Returns (records, created); with `idempotency_keys` (one per input) a
    retry returns the credentials first created (created False), never duplicates.

    Each credential carries a revocation status entry (and a suspension entry when the
    provider enabled suspension), allocated in the same transaction; `signer` holds the
    provider keys, the public origin, the clock and the validity of a list started here.
    Once committed, `signer.listeners` are told of the new credentials (pathway
    completion, in transactions of its own).

    Raises NotFoundError (unknown microbadge; `index` names the input),
    InvalidInputError, IdempotencyConflictError.
    """
    if not inputs:
        raise InvalidInputError("no award to make")
    if replaces is not None and len(inputs) != 1:
        raise ValueError("only a single award re-issues a credential")
    if idempotency_keys is not None:
        if len(idempotency_keys) != len(inputs):
            raise ValueError("one idempotency key per award")
        existing = _find_idempotent(session, provider, idempotency_keys, request_digest)
        if existing is not None:
            return existing, False
    achievements = _achievements(session, provider, inputs)
    models = {public_id: achievement_model(signer.base_url, record)  # once per microbadge
              for public_id, record in achievements.items()}
    for data in inputs:  # before anything is written
        _check_grade(models[data.achievement_id], data)
    now = signer.clock()
    issuer = provider_profile(provider)
    key = active_signer(provider, signer.vault)
    allocations = allocate_status_entries(session, provider, signer, count=len(inputs))
    rows: list[dict[str, Any]] = []
    for index, data in enumerate(inputs):
        achievement = achievements[data.achievement_id]
        valid_until = (now + timedelta(days=achievement.validity_days)
                       if achievement.validity_days else None)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        entries = [entry for _, _, entry in allocations[index]]
        try:
            document = build_credential(
                credential_id=credential_id, issuer=issuer,
                subject=_subject(models[data.achievement_id], data,
                                 secrets.token_hex(_SALT_BYTES)),
                valid_from=now, valid_until=valid_until, name=achievement.name,
                description=achievement.description, evidence=data.evidence,
                awarded_date=now,
                credential_status=entries[0] if len(entries) == 1 else entries)
        except InvalidDocumentError as error:
            session.rollback()
            raise InvalidInputError(f"cannot build the credential: {error.message}") from None
        signed = key.sign(document, created=now)
        rows.append({
            "credential_id": credential_id, "provider_id": provider.id,
            "achievement_id": achievement.id, "kind": CredentialKind.AWARD,
            "state": CredentialState.ACTIVE,
            "learner_email": (normalise_email(data.learner.email)
                              if data.learner.email is not None else None),
            "learner_did": data.learner.did, "learner_name": data.learner.name,
            "learner_key": learner_key(data.learner.email, data.learner.did),
            "issued_at": now, "valid_until": valid_until,
            "verification_method": key.verification_method,
            "document": dump_json_object(signed),
            "idempotency_key": idempotency_keys[index] if idempotency_keys else None,
            "request_digest": request_digest, "award_input": _award_input_json(data),
            "replaces_id": replaces.id if replaces is not None else None,
            "share_token": new_share_token()})
    try:
        # One INSERT … RETURNING for the batch (SQLAlchemy's insertmanyvalues), not the
        # unit of work's per-object bookkeeping: the records come back as ORM objects.
        records = list(session.scalars(
            insert(CredentialRecord).returning(CredentialRecord, sort_by_parameter_order=True),
            rows))
        insert_status_entries(session, [(record.id, allocations[index])
                                        for index, record in enumerate(records)])
        if replaces is not None:
            replaces.state = CredentialState.SUPERSEDED
            replaces.replaced_by_id = records[0].id
        session.commit()
    except IntegrityError:
        session.rollback()
        if idempotency_keys is None:
            raise
        # A concurrent retry with the same keys committed first: answer with its credentials.
        existing = _find_idempotent(session, provider, idempotency_keys, request_digest)
        if existing is None:
            raise
        return existing, False
    for listener in signer.listeners:
        listener(session, provider, records, signer)
    return records, True


def store_signed_credential(session: Session, provider: ProviderRecord,
                            signed: dict[str, Any], *, method: str,
                            issued_at: datetime, valid_until: datetime | None,
                            kind: CredentialKind,
                            allocations: Sequence[Allocation] = ()) -> CredentialRecord:
    """Store a credential signed elsewhere in this service (VC-API), with the status
    entries allocated for it in this transaction, and commit."""
    record = CredentialRecord(
        credential_id=str(signed["id"]), provider_id=provider.id, achievement_id=None,
        kind=kind, state=CredentialState.ACTIVE, issued_at=issued_at,
        valid_until=valid_until, verification_method=method, document=dump_json_object(signed))
    session.add(record)
    session.flush()
    insert_status_entries(session, [(record.id, allocations)])
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
                       signer: Issuance) -> CredentialRecord:
    """Issue a fresh credential for the same award (current definition and key) and mark
    the old one superseded. Raises InvalidInputError for a credential already superseded."""
    if record.state != CredentialState.ACTIVE:
        raise InvalidInputError(f"credential {record.credential_id} is {record.state}; "
                                "only active credentials can be re-issued")
    new_record, _ = award_credential(session, provider, _award_input(record), signer,
                                     replaces=record)
    return new_record
