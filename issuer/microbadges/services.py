"""Microbadges (OB 3.0 Achievements) of a provider: definition, public document, images.

An Achievement's id is the public URL `<origin>/achievements/<uuid>`, which serves its JSON.
Credentials embed a snapshot of the definition at award time; editing a microbadge never
changes a credential already issued.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Final, NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.clock import Clock
from badges.credential import serialize
from badges.document_loader import OB_V3P0_CONTEXT, VC_V2
from badges.errors import InvalidDocumentError
from badges.micro_credential import (
    VOCABULARIES,
    EuElements,
    criteria_sections,
    eu_alignments,
    missing_elements,
)
from badges.model import (
    Achievement,
    AchievementType,
    Alignment,
    Criteria,
    Image,
    ResultDescription,
)
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord
from issuer.frameworks.services import competence_url
from issuer.microbadges.models import AchievementRecord, AchievementSkillRecord, ImageRecord
from issuer.platform import urls
from issuer.platform.errors import InvalidInputError, NotFoundError
from issuer.providers.models import ProviderRecord

__all__ = [
    "AchievementInput",
    "GradingInput",
    "SkillInput",
    "achievement_document",
    "achievement_model",
    "achievement_url",
    "count_micro_credentials",
    "create_achievement",
    "find_achievement",
    "grade_id",
    "image_url",
    "list_achievements",
    "resolve_skill",
    "update_achievement",
]

MAX_VALIDITY_DAYS: Final = 100 * 366


@dataclass(frozen=True, slots=True)
class SkillInput:
    """A framework competence the microbadge proves, at a level of that framework."""

    framework: str
    version: str
    competence: str
    level: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GradingInput:
    """The grade a credential of the microbadge may record (EU element "grade")."""

    name: str
    result_type: str
    allowed_values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementInput:
    """A microbadge definition as the provider gives it."""

    name: str
    description: str
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    achievement_type: str | None = None
    image_caption: str | None = None
    alignment: tuple[Alignment, ...] = ()
    credits_available: Decimal | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    tags: tuple[str, ...] = ()
    in_language: str | None = None
    validity_days: int | None = None
    skills: tuple[SkillInput, ...] = ()
    elements: EuElements = field(default_factory=EuElements)
    grading: GradingInput | None = None


def achievement_url(base_url: str, record: AchievementRecord) -> str:
    """The public id URL of a microbadge."""
    return urls.achievement_url(base_url, record.public_id)


def image_url(base_url: str, image: ImageRecord) -> str:
    """The public URL of a stored image."""
    return urls.image_url(base_url, image.public_id)


def _skill_alignments(base_url: str, skill: AchievementSkillRecord) -> list[Alignment]:
    """The framework competence at its level, then each ESCO skill it maps to."""
    competence = skill.competence
    framework = competence.framework
    label = next((level["label"] for level in framework.levels
                  if level["code"] == skill.level), skill.level)
    alignments = [Alignment(
        target_name=competence.name,
        target_url=competence_url(base_url, framework, competence.code),
        target_code=competence.code, target_framework=f"{framework.name} ({framework.version})",
        target_type=framework.alignment_type, target_description=f"Level: {label}")]
    alignments += [Alignment(target_name=competence.name, target_url=uri,
                             target_code=uri.rsplit("/", 1)[-1], target_framework="ESCO",
                             target_type="ext:ESCOSkill") for uri in competence.esco_skills]
    return alignments


def grade_id(base_url: str, record: AchievementRecord) -> str:
    """The id of the microbadge's grade ResultDescription (what a Result names)."""
    return urls.grade_id(base_url, record.public_id)


def _grading(base_url: str, record: AchievementRecord) -> tuple[ResultDescription, ...]:
    if not record.grading:
        return ()
    return (ResultDescription(id=grade_id(base_url, record), name=record.grading["name"],
                              result_type=record.grading["resultType"],
                              allowed_value=tuple(record.grading.get("allowedValues", ()))),)


def eu_elements(record: AchievementRecord) -> EuElements:
    """The EU micro-credential elements a microbadge states."""
    return EuElements(
        learning_outcomes=tuple(record.learning_outcomes or ()), eqf_level=record.eqf_level,
        assessment=record.assessment, participation=record.participation,
        quality_assurance=record.quality_assurance,
        quality_assurance_url=record.quality_assurance_url, supervision=record.supervision,
        prerequisites=record.prerequisites, stackability=record.stackability,
        further_information=record.further_information)


def _narrative(record: AchievementRecord, elements: EuElements) -> str | None:
    sections = criteria_sections(elements)
    if not sections:
        return record.criteria_narrative
    return f"{record.criteria_narrative}\n\n{sections}" if record.criteria_narrative else sections


def achievement_model(base_url: str, record: AchievementRecord) -> Achievement:
    """The typed OB Achievement of a stored microbadge: its own alignments, then those of
    its framework skills and of its EU micro-credential elements. Raises
    InvalidDocumentError only if the stored definition was corrupted (input is validated
    on the way in)."""
    image = None
    if record.image is not None:
        image = Image(id=image_url(base_url, record.image),
                      caption=record.image_caption or record.name)
    elements = eu_elements(record)
    alignment = [Alignment(**item) for item in record.alignment]
    for skill in record.skills:
        alignment += _skill_alignments(base_url, skill)
    alignment += eu_alignments(base_url, elements, record.credits_available)
    return Achievement(
        id=achievement_url(base_url, record),
        name=record.name,
        description=record.description,
        criteria=Criteria(id=record.criteria_url, narrative=_narrative(record, elements)),
        achievement_type=record.achievement_type,
        image=image,
        credits_available=record.credits_available,
        field_of_study=record.field_of_study,
        human_code=record.human_code,
        in_language=record.in_language,
        alignment=tuple(alignment),
        result_description=_grading(base_url, record),
        tag=tuple(record.tags),
    )


def achievement_document(base_url: str, record: AchievementRecord) -> dict[str, Any]:
    """The public JSON-LD document served at the Achievement's id URL."""
    return {"@context": [VC_V2, OB_V3P0_CONTEXT],
            **serialize(achievement_model(base_url, record))}


def _columns(data: AchievementInput) -> dict[str, Any]:
    if data.validity_days is not None and not 1 <= data.validity_days <= MAX_VALIDITY_DAYS:
        raise InvalidInputError(f"validityDays must be between 1 and {MAX_VALIDITY_DAYS}",
                                pointer="/validityDays")
    columns = asdict(data)
    del columns["skills"], columns["elements"]
    columns["grading"] = None if data.grading is None else {
        "name": data.grading.name, "resultType": data.grading.result_type,
        **({"allowedValues": list(data.grading.allowed_values)}
           if data.grading.allowed_values else {})}
    elements = data.elements
    columns.update(asdict(elements))
    columns["learning_outcomes"] = list(elements.learning_outcomes)
    for scheme, name in (("assessment", "assessment"), ("participation", "participation"),
                         ("quality-assurance", "quality_assurance"),
                         ("supervision", "supervision")):
        code = columns[name]
        if code is not None and VOCABULARIES[scheme].term(code) is None:
            terms = ", ".join(term.code for term in VOCABULARIES[scheme].terms)
            pointer = "/" + "".join(part if i == 0 else part.capitalize()
                                    for i, part in enumerate(name.split("_")))
            raise InvalidInputError(f"{code!r} is not a {VOCABULARIES[scheme].element}; "
                                    f"one of: {terms}", pointer=pointer)
    if elements.eqf_level is not None and not 1 <= elements.eqf_level <= 8:
        raise InvalidInputError("eqfLevel is an EQF level from 1 to 8", pointer="/eqfLevel")
    columns["alignment"] = [{key: value for key, value in asdict(item).items()
                             if value is not None} for item in data.alignment]
    columns["tags"] = list(data.tags)
    return columns


def resolve_skill(session: Session, skill: SkillInput, index: int) -> CompetenceRecord:
    """The stored competence a skill names, its level checked against its framework's.
    Raises InvalidInputError (pointer /skills/<index>)."""
    competence = session.scalar(
        select(CompetenceRecord).join(FrameworkRecord)
        .where(FrameworkRecord.slug == skill.framework,
               FrameworkRecord.version == skill.version,
               CompetenceRecord.code == skill.competence))
    if competence is None:
        _raise_missing(session, skill, index)
    levels = [level["code"] for level in competence.framework.levels]
    if skill.level not in levels:
        raise InvalidInputError(f"{skill.level!r} is not a level of {skill.framework!r}; "
                                f"one of: {', '.join(levels)}", pointer=f"/skills/{index}/level")
    return competence


def _raise_missing(session: Session, skill: SkillInput, index: int) -> NoReturn:
    """Says which part of a skill names nothing: the framework, its version or the
    competence. Raises InvalidInputError (pointer /skills/<index>/<that part>)."""
    versions = list(session.scalars(
        select(FrameworkRecord.version).where(FrameworkRecord.slug == skill.framework)
        .order_by(FrameworkRecord.id)))
    if not versions:
        raise InvalidInputError(f"the framework {skill.framework!r} does not exist (no "
                                "version of it has been imported)",
                                pointer=f"/skills/{index}/framework")
    if skill.version not in versions:
        raise InvalidInputError(f"the framework {skill.framework!r} has no version "
                                f"{skill.version!r}; its versions: {', '.join(versions)}",
                                pointer=f"/skills/{index}/version")
    raise InvalidInputError(f"no competence {skill.competence!r} in version "
                            f"{skill.version!r} of the framework {skill.framework!r}",
                            pointer=f"/skills/{index}/competence")


def _skills(session: Session, skills: Sequence[SkillInput]) -> list[AchievementSkillRecord]:
    """The stored competences the inputs name. Raises InvalidInputError (pointer /skills/N)."""
    found: list[AchievementSkillRecord] = []
    for index, skill in enumerate(skills):
        competence = resolve_skill(session, skill, index)
        if any(item.competence_id == competence.id for item in found):
            raise InvalidInputError("names a competence twice", pointer=f"/skills/{index}")
        found.append(AchievementSkillRecord(competence=competence, competence_id=competence.id,
                                            level=skill.level))
    return found


def count_micro_credentials(session: Session, provider: ProviderRecord) -> int:
    """How many of the provider's microbadges are MicroCredentials (each needs the
    provider's country in every credential)."""
    return session.scalar(
        select(func.count()).select_from(AchievementRecord)
        .where(AchievementRecord.provider_id == provider.id,
               AchievementRecord.achievement_type == AchievementType.MICRO_CREDENTIAL.value)
    ) or 0


def _validate(base_url: str, provider: ProviderRecord, record: AchievementRecord) -> None:
    """The OB model accepts the microbadge, and a MicroCredential states every mandatory
    EU micro-credential element (each missing one is named)."""
    if record.achievement_type == AchievementType.MICRO_CREDENTIAL.value:
        missing = missing_elements(eu_elements(record),
                                   credits_available=record.credits_available,
                                   issuer_country_code=(provider.address or {}).get(
                                       "address_country_code"))
        if missing:
            raise InvalidInputError(
                "a MicroCredential must state every EU micro-credential element; missing: "
                + ", ".join(element for _, element in missing),
                errors=[{"pointer": "/" + name.replace(".", "/"), "detail": f"{element} is "
                         "required for a MicroCredential"} for name, element in missing])
    try:
        achievement_model(base_url, record)
    except InvalidDocumentError as error:
        raise InvalidInputError(f"invalid microbadge: {error.message}") from None


def create_achievement(session: Session, provider: ProviderRecord, data: AchievementInput,
                       *, base_url: str, clock: Clock) -> AchievementRecord:
    """Create a microbadge (not committed). Raises InvalidInputError."""
    now = clock()
    record = AchievementRecord(public_id=str(uuid.uuid4()), provider_id=provider.id,
                               created_at=now, updated_at=now, **_columns(data),
                               skills=_skills(session, data.skills))
    _validate(base_url, provider, record)
    session.add(record)
    session.flush()
    return record


def update_achievement(session: Session, provider: ProviderRecord, record: AchievementRecord,
                       data: AchievementInput, *, base_url: str, clock: Clock) -> None:
    """Replace a microbadge's definition (credentials issued keep their snapshot)."""
    columns = _columns(data)
    skills = _skills(session, data.skills)
    probe = AchievementRecord(public_id=record.public_id, image=record.image, **columns,
                              skills=skills)
    _validate(base_url, provider, probe)
    for name, value in columns.items():
        setattr(record, name, value)
    # Rows of competences kept are updated in place (unique per microbadge and competence).
    wanted = {skill.competence_id: skill for skill in skills}
    kept = []
    for row in record.skills:
        if row.competence_id in wanted:
            row.level = wanted.pop(row.competence_id).level
            kept.append(row)
    record.skills = kept + list(wanted.values())
    record.updated_at = clock()


def set_achievement_image(record: AchievementRecord, image: ImageRecord, *,
                          clock: Clock) -> None:
    """Attach an uploaded image to a microbadge."""
    record.image = image
    record.updated_at = clock()


def find_achievement(session: Session, provider: ProviderRecord,
                     public_id: str) -> AchievementRecord:
    """One of this provider's microbadges. Raises NotFoundError (also for another
    provider's microbadge: tenants never learn of each other's data)."""
    record = session.scalar(select(AchievementRecord).where(
        AchievementRecord.public_id == public_id,
        AchievementRecord.provider_id == provider.id))
    if record is None:
        raise NotFoundError(f"no microbadge {public_id!r}")
    return record


def list_achievements(session: Session, provider: ProviderRecord, *, limit: int,
                      after: int | None = None) -> Sequence[AchievementRecord]:
    """Up to `limit` of this provider's microbadges, newest first, strictly older than the
    row id `after` (keyset pagination, like `issuer.awards.issuing.list_credentials`)."""
    query = select(AchievementRecord).where(AchievementRecord.provider_id == provider.id)
    if after is not None:
        query = query.where(AchievementRecord.id < after)
    return session.scalars(query.order_by(AchievementRecord.id.desc()).limit(limit)).all()
