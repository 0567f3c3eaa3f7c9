"""Provider actions on issued credentials: revoke (final), suspend and unsuspend, and bulk
revocation by filter; every change is written to the audit log in the same transaction.

The reason is kept privately (credential row and audit log): status lists carry bits only,
so a published list never says who was revoked or why. Each action sets the bits, records
the new state, re-signs every touched status list and commits once; an action that changes
nothing (revoking a revoked credential) writes nothing and is not logged.

"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.status_documents import StatusPurpose
from issuer.awards.issuance import Issuance
from issuer.awards.models import (
    AuditEventRecord,
    CredentialRecord,
    CredentialState,
    StatusListRecord,
)
from issuer.awards.queries import CredentialFilter, filtered_credentials
from issuer.awards.status_lists import publish_status_list, set_credential_status_bit
from issuer.platform.errors import InvalidInputError
from issuer.providers.models import ProviderRecord

__all__ = [
    "MAX_BULK_REVOCATIONS",
    "StatusAction",
    "StatusChange",
    "change_status",
    "list_audit_events",
    "revoke_matching",
]

MAX_BULK_REVOCATIONS: Final = 10_000


class StatusAction(StrEnum):
    """What a provider can do to an issued credential's status."""

    REVOKE = "revoke"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """One requested action: by whom (`client:<id>` or `cli:<user>`) and why."""

    action: StatusAction
    actor: str
    reason: str | None = None


def _apply(session: Session, provider: ProviderRecord, credential: CredentialRecord,
           change: StatusChange, now: datetime) -> StatusListRecord | None:
    """Set the bit and the state for one credential; returns the touched list (None when
    nothing changes). Raises InvalidInputError for a change the state does not allow."""
    state = CredentialState(credential.state)
    if change.action is StatusAction.REVOKE:
        if state is CredentialState.REVOKED:
            return None
        touched = set_credential_status_bit(session, credential, StatusPurpose.REVOCATION, True)
        if touched is None:
            raise InvalidInputError(f"credential {credential.credential_id} has no revocation "
                                    "status entry")
        credential.state = CredentialState.REVOKED
        credential.revoked_at = now
        credential.revocation_reason = change.reason
        return touched
    if state is CredentialState.REVOKED:
        raise InvalidInputError(f"credential {credential.credential_id} is revoked; "
                                "revocation is final")
    if change.action is StatusAction.SUSPEND:
        if state is CredentialState.SUSPENDED:
            return None
        touched = set_credential_status_bit(session, credential, StatusPurpose.SUSPENSION, True)
        if touched is None:
            raise InvalidInputError(
                f"credential {credential.credential_id} has no suspension status entry: only "
                "credentials issued while the provider has suspension enabled can be suspended")
        credential.state = CredentialState.SUSPENDED
        credential.suspended_at = now
        return touched
    if state is not CredentialState.SUSPENDED:
        return None
    touched = set_credential_status_bit(session, credential, StatusPurpose.SUSPENSION, False)
    credential.state = (CredentialState.SUPERSEDED if credential.replaced_by_id
                        else CredentialState.ACTIVE)
    credential.suspended_at = None
    return touched


def _audit(provider: ProviderRecord, change: StatusChange, now: datetime, *,
           credential: CredentialRecord | None, detail: dict[str, Any]) -> AuditEventRecord:
    return AuditEventRecord(provider_id=provider.id, actor=change.actor,
                            action=change.action.value,
                            credential_id=credential.id if credential is not None else None,
                            reason=change.reason, detail=detail, occurred_at=now)


def _publish(touched: Sequence[StatusListRecord], provider: ProviderRecord,
             signer: Issuance) -> None:
    for record in {record.id: record for record in touched}.values():
        publish_status_list(record, provider, signer)


def change_status(session: Session, provider: ProviderRecord, credential: CredentialRecord,
                  change: StatusChange, signer: Issuance) -> bool:
    """Apply `change` to one of the provider's credentials, re-sign its list and commit.
    Returns whether anything changed.

    Raises InvalidInputError (revoked is final; no suspension entry).
    """
    session.refresh(credential, with_for_update={"key_share": True})
    now = signer.clock()
    try:
        touched = _apply(session, provider, credential, change, now)
    except InvalidInputError:
        session.rollback()
        raise
    if touched is None:
        session.rollback()
        return False
    session.add(_audit(provider, change, now, credential=credential,
                       detail={"credential": credential.credential_id,
                               "state": credential.state}))
    _publish([touched], provider, signer)
    session.commit()
    return True


def revoke_matching(session: Session, provider: ProviderRecord, where: CredentialFilter,
                    change: StatusChange, signer: Issuance, *,
                    filter_description: dict[str, Any]) -> list[CredentialRecord]:
    """Revoke every credential of the provider that matches `where` and is not revoked yet,
    in one transaction, with an audit event for each; returns the revoked credentials.

    Raises InvalidInputError when more than MAX_BULK_REVOCATIONS match (narrow the filter).
    """
    if change.action is not StatusAction.REVOKE:
        raise ValueError("bulk changes only revoke")
    query = (filtered_credentials(provider, where)
             .where(CredentialRecord.state != CredentialState.REVOKED)
             .order_by(CredentialRecord.id).limit(MAX_BULK_REVOCATIONS + 1)
             .with_for_update(key_share=True, of=CredentialRecord))
    matching = list(session.scalars(query))
    if len(matching) > MAX_BULK_REVOCATIONS:
        session.rollback()
        raise InvalidInputError(f"more than {MAX_BULK_REVOCATIONS} credentials match; narrow "
                                "the filter and repeat", pointer="/filter")
    now = signer.clock()
    try:
        touched = [record for credential in matching
                   if (record := _apply(session, provider, credential, change, now))
                   is not None]
    except InvalidInputError:  # e.g. a credential without a revocation entry
        session.rollback()
        raise
    if not matching:
        session.rollback()
        return []
    # One event per credential (so that a credential's history shows it), each naming the
    # bulk action it was part of.
    session.add_all(_audit(provider, change, now, credential=credential, detail={
        "credential": credential.credential_id, "state": credential.state,
        "bulk": {"filter": filter_description, "count": len(matching)}})
        for credential in matching)
    _publish(touched, provider, signer)
    session.commit()
    return matching


def list_audit_events(session: Session, provider: ProviderRecord, *, limit: int,
                      after: int | None = None,
                      credential: CredentialRecord | None = None) -> Sequence[AuditEventRecord]:
    """Up to `limit` of the provider's audit events, newest first, strictly older than row
    id `after`; only those about `credential` (directly or in a bulk action) when given."""
    query = select(AuditEventRecord).where(AuditEventRecord.provider_id == provider.id)
    if credential is not None:
        query = query.where(AuditEventRecord.credential_id == credential.id)
    if after is not None:
        query = query.where(AuditEventRecord.id < after)
    return session.scalars(query.order_by(AuditEventRecord.id.desc()).limit(limit)).all()
