"""Pathways: composite credentials awarded automatically when a learner holds every
required microbadge (or every required competence at its level).

A pathway belongs to one provider, which awards its composite microbadge; credentials
from the providers it accepts count too. After every award that created credentials,
`complete_pathways` looks at the pathways the awarding provider's credentials count for
and awards each completed one. Exactly once per learner, even when two awards race: the
composite award carries an Idempotency-Key derived from the pathway and the learner, so
the unique (provider, idempotency key) constraint lets one transaction store it and hands
the other the stored credential. It runs after the award committed, in a new transaction,
so of two racing awards at least the later one sees both.

Held means: an active or suspended-then-unsuspended credential (state active), not
expired. The composite credential lists its constituents as evidence (their ids).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from badges.clock import Clock
from badges.model import Evidence
from issuer.awards.issuance import Issuance
from issuer.awards.issuing import AwardInput, Learner, award_credentials
from issuer.awards.models import CredentialRecord, CredentialState
from issuer.awards.queries import learner_key
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord, JobRoleRecord
from issuer.frameworks.services import level_ranks
from issuer.microbadges.models import AchievementRecord, AchievementSkillRecord
from issuer.microbadges.services import SkillInput, find_achievement, resolve_skill
from issuer.pathways.models import PathwayProviderRecord, PathwayRecord
from issuer.platform.database import writing
from issuer.platform.errors import InvalidInputError, IssuerError, NotFoundError
from issuer.providers.models import ProviderRecord

__all__ = [
    "PathwayInput",
    "Progress",
    "RequirementProgress",
    "complete_pathways",
    "counted_providers",
    "create_pathway",
    "find_pathway",
    "list_pathways",
    "pathway_progress",
]

_KEY_PREFIX: Final = "pathway:"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayInput:
    """A pathway as the provider defines it: the composite microbadge, and either explicit
    requirements (microbadge ids and/or skills) or a job role whose requirements it takes."""

    name: str
    achievement_id: str
    description: str | None = None
    achievements: tuple[str, ...] = ()
    skills: tuple[SkillInput, ...] = ()
    job_role: tuple[str, str, str] | None = None  # framework slug, version, job role code
    accepted_providers: tuple[str, ...] = ()  # provider slugs


@dataclass(frozen=True, slots=True)
class RequirementProgress:
    """One requirement and the credentials that meet it (empty: not met yet)."""

    requirement: dict[str, Any]
    credentials: tuple[str, ...]

    @property
    def met(self) -> bool:
        return bool(self.credentials)


@dataclass(frozen=True, slots=True)
class Progress:
    """A learner's progress: every requirement, and the composite credential once awarded."""

    requirements: tuple[RequirementProgress, ...]
    completed_by: str | None = None

    @property
    def complete(self) -> bool:
        return all(item.met for item in self.requirements)


def create_pathway(session: Session, provider: ProviderRecord, data: PathwayInput, *,
                   clock: Clock) -> PathwayRecord:
    """Define a pathway (not committed). Raises NotFoundError (the composite microbadge),
    InvalidInputError (unknown requirement, provider or job role; no requirement)."""
    composite = find_achievement(session, provider, data.achievement_id)
    requirements: list[dict[str, Any]] = []
    job_role = None
    if data.job_role is not None:
        slug, version, code = data.job_role
        job_role = session.scalar(
            select(JobRoleRecord).join(FrameworkRecord)
            .where(FrameworkRecord.slug == slug, FrameworkRecord.version == version,
                   JobRoleRecord.code == code))
        if job_role is None:
            raise InvalidInputError(f"no job role {code!r} in version {version!r} of {slug!r}",
                                    pointer="/jobRole")
        competences = {item.code: item.id for item in job_role.framework.competences}
        requirements += [{"competence_id": competences[item["competence"]],
                          "level": item["level"]} for item in job_role.requirements]
    accepted = [provider]
    for index, slug in enumerate(data.accepted_providers):
        other = session.scalar(select(ProviderRecord).where(ProviderRecord.slug == slug))
        if other is None:
            raise InvalidInputError(f"no provider {slug!r}",
                                    pointer=f"/acceptedProviders/{index}")
        if other not in accepted:
            accepted.append(other)
    for index, public_id in enumerate(data.achievements):
        required = session.scalar(select(AchievementRecord).where(
            AchievementRecord.public_id == public_id,
            AchievementRecord.provider_id.in_([item.id for item in accepted])))
        if required is None:
            raise InvalidInputError("no microbadge of this or an accepted provider with "
                                    f"id {public_id!r}", pointer=f"/achievements/{index}")
        if required.id == composite.id:
            raise InvalidInputError("a pathway cannot require its own composite microbadge",
                                    pointer=f"/achievements/{index}")
        requirements.append({"achievement_id": required.id})
    requirements += [{"competence_id": resolve_skill(session, skill, index).id,
                      "level": skill.level} for index, skill in enumerate(data.skills)]
    unique = list({repr(sorted(item.items())): item for item in requirements}.values())
    if not unique:
        raise InvalidInputError("a pathway needs at least one requirement (achievements, "
                                "skills or a jobRole)", pointer="/achievements")
    record = PathwayRecord(public_id=str(uuid.uuid4()), provider_id=provider.id,
                           name=data.name, description=data.description,
                           achievement_id=composite.id, job_role=job_role,
                           requirements=unique, created_at=clock(),
                           accepted=[PathwayProviderRecord(provider_id=item.id)
                                     for item in accepted])
    session.add(record)
    session.flush()
    return record


def find_pathway(session: Session, provider: ProviderRecord, public_id: str) -> PathwayRecord:
    """One of this provider's pathways. Raises NotFoundError."""
    record = session.scalar(select(PathwayRecord).where(
        PathwayRecord.public_id == public_id, PathwayRecord.provider_id == provider.id))
    if record is None:
        raise NotFoundError(f"no pathway {public_id!r}")
    return record


def list_pathways(session: Session, provider: ProviderRecord) -> Sequence[PathwayRecord]:
    return session.scalars(select(PathwayRecord).where(PathwayRecord.provider_id == provider.id)
                           .order_by(PathwayRecord.id)).all()


def _holdings(session: Session, pathway: PathwayRecord, key: int,
              now: datetime) -> list[CredentialRecord]:
    """The learner's credentials that count for the pathway: active, unexpired, from an
    accepted provider, other than the pathway's own composite credential."""
    providers = counted_providers(session, pathway)
    return list(session.scalars(
        select(CredentialRecord)
        .where(CredentialRecord.learner_key == key,
               CredentialRecord.provider_id.in_(providers),
               CredentialRecord.state == CredentialState.ACTIVE,
               CredentialRecord.achievement_id.is_not(None),
               CredentialRecord.achievement_id != pathway.achievement_id,
               or_(CredentialRecord.valid_until.is_(None), CredentialRecord.valid_until > now))
        .order_by(CredentialRecord.id)))


def counted_providers(session: Session, pathway: PathwayRecord) -> list[int]:
    """The providers whose credentials count: the owner, and each accepted provider that
    lists the owner among its pathway partners (its consent to share its learners'
    credentials with the owner)."""
    providers = [pathway.provider_id]
    for item in pathway.accepted:
        if item.provider_id != pathway.provider_id and pathway.provider_id in (
                item.provider.pathway_partners or []):
            providers.append(item.provider_id)
    return providers


def _evaluate(session: Session, pathway: PathwayRecord, key: int,
              now: datetime) -> tuple[RequirementProgress, ...]:
    held = _holdings(session, pathway, key, now)
    skills: dict[int, list[AchievementSkillRecord]] = {}
    achievement_ids = {record.achievement_id for record in held}
    if achievement_ids:
        for skill in session.scalars(
                select(AchievementSkillRecord)
                .where(AchievementSkillRecord.achievement_id.in_(achievement_ids))
                .options(selectinload(AchievementSkillRecord.competence)
                         .selectinload(CompetenceRecord.framework))):
            skills.setdefault(skill.achievement_id, []).append(skill)
    progress = []
    for requirement in pathway.requirements:
        if "achievement_id" in requirement:
            meeting = [record.credential_id for record in held
                       if record.achievement_id == requirement["achievement_id"]]
        else:
            meeting = []
            for record in held:
                for skill in skills.get(record.achievement_id or 0, []):
                    if skill.competence_id != requirement["competence_id"]:
                        continue
                    framework = skill.competence.framework
                    ranks = level_ranks(framework)
                    if ranks[skill.level] >= ranks[requirement["level"]]:
                        meeting.append(record.credential_id)
        progress.append(RequirementProgress(requirement, tuple(meeting)))
    return tuple(progress)


def _idempotency_key(pathway: PathwayRecord, key: int) -> str:
    digest = hashlib.sha256(f"{pathway.public_id}:{key}".encode()).hexdigest()
    return f"{_KEY_PREFIX}{digest}"


def pathway_progress(session: Session, pathway: PathwayRecord, *, email: str | None,
                     did: str | None, now: datetime) -> Progress:
    """Where a learner stands on a pathway: each requirement and what meets it."""
    key = learner_key(email, did)
    if key is None:
        raise InvalidInputError("name the learner by email or did", pointer="/learner")
    completed = session.scalar(select(CredentialRecord.credential_id).where(
        CredentialRecord.provider_id == pathway.provider_id,
        CredentialRecord.idempotency_key == _idempotency_key(pathway, key)))
    return Progress(_evaluate(session, pathway, key, now), completed)


@dataclass(frozen=True, slots=True)
class _Holder:
    email: str | None
    did: str | None
    name: str | None
    achievement_id: int | None


def complete_pathways(session: Session, provider: ProviderRecord,
                      credentials: Sequence[CredentialRecord], signer: Issuance) -> None:
    """Award the composite credential of every pathway the new `credentials` (just
    committed by `provider`) complete for their learners.

    Runs in a session of its own (the caller's records stay loaded), each check and award
    in a short writer transaction. A composite that cannot be awarded is logged, never
    raised: the learner's own award has been committed and stands."""
    holders = {record.learner_key: _Holder(record.learner_email, record.learner_did,
                                           record.learner_name, record.achievement_id)
               for record in credentials
               if record.learner_key is not None and record.achievement_id is not None}
    if not holders:
        return
    with Session(session.get_bind(), expire_on_commit=False) as own:
        pathway_ids = list(own.scalars(
            select(PathwayRecord.id).join(PathwayProviderRecord)
            .where(PathwayProviderRecord.provider_id == provider.id)
            .order_by(PathwayRecord.id)))
        own.rollback()
        for pathway_id in pathway_ids:
            for key, holder in holders.items():
                writing(own)  # SQLite: the check and the award under one write lock
                try:
                    _complete(own, pathway_id, key, holder, signer)
                except Exception as error:  # logged, not raised: the award stands
                    own.rollback()
                    reason = error.message if isinstance(error, IssuerError) else (
                        type(error).__name__)
                    _log.warning("pathway %s: the composite credential was not awarded: %s",
                                 pathway_id, reason)


def _complete(session: Session, pathway_id: int, key: int, holder: _Holder,
              signer: Issuance) -> None:
    """Award the pathway's composite to the learner if every requirement is met; ends
    the transaction either way."""
    pathway = session.get_one(PathwayRecord, pathway_id)
    if holder.achievement_id == pathway.achievement_id:
        session.rollback()
        return
    progress = _evaluate(session, pathway, key, signer.clock())
    if not all(item.met for item in progress):
        session.rollback()
        return
    owner = session.get_one(ProviderRecord, pathway.provider_id)
    constituents = sorted({credential for item in progress for credential in item.credentials})
    data = AwardInput(
        achievement_id=pathway.achievement.public_id,
        learner=Learner(email=holder.email, did=holder.did, name=holder.name),
        evidence=tuple(Evidence(id=credential, name="Constituent credential",
                                genre="Credential") for credential in constituents))
    key_text = _idempotency_key(pathway, key)
    # Recursion: the composite award completes pathways built on it in turn.
    _, created = award_credentials(session, owner, [data], signer, idempotency_keys=[key_text],
                                   request_digest=key_text[len(_KEY_PREFIX):][:64])
    if not created:
        session.rollback()  # an idempotent replay read, and wrote nothing
