"""The typed OB 3.0 data model (OB 3.0 §B.1): Achievement, AchievementSubject and their parts.

Value objects validate themselves on construction and raise `InvalidDocumentError`; names
follow the spec in snake_case, and `badges.credential.serialize` is the one place they become
camelCase JSON. Profile and its parts live in `badges.profile`, IdentityObject in
`badges.recipient`, the enumerations in `badges.vocabulary`; all are re-exported here, the
model's one import point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from badges.datatypes import (
    check_language_code,
    check_node,
    check_non_empty,
    check_number,
    check_uri,
    check_vocabulary,
)
from badges.errors import InvalidDocumentError
from badges.profile import Address, GeoCoordinates, IdentifierEntry, Image, Profile
from badges.recipient import IdentityObject, hash_identity, identity_hash_matches
from badges.vocabulary import (
    AchievementType,
    AlignmentTargetType,
    IdentifierType,
    ResultStatus,
    ResultType,
)

__all__ = [
    "Achievement",
    "AchievementSubject",
    "AchievementType",
    "Address",
    "Alignment",
    "AlignmentTargetType",
    "Criteria",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentifierType",
    "IdentityObject",
    "Image",
    "Number",
    "Profile",
    "Related",
    "Result",
    "ResultDescription",
    "ResultStatus",
    "ResultType",
    "RubricCriterionLevel",
    "hash_identity",
    "identity_hash_matches",
]

Number = int | float | Decimal
"""A JSON number; serialised as a JSON integer when integral (see `badges.credential`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Criteria:
    """OB 3.0 Criteria: a URI and/or a Markdown narrative of how the achievement is earned."""

    id: str | None = None
    narrative: str | None = None

    def __post_init__(self) -> None:
        check_node(self)
        if self.id is None and self.narrative is None:
            raise InvalidDocumentError("Criteria needs an id or a narrative")
        if self.id is not None:
            check_uri(self.id, "Criteria.id")
        if self.narrative is not None:
            check_non_empty(self.narrative, "Criteria.narrative")


@dataclass(frozen=True, slots=True, kw_only=True)
class Alignment:
    """OB 3.0 Alignment to a framework node (ESCO skill, EQF level, PASS competence, …)."""

    TYPE: ClassVar[tuple[str, ...]] = ("Alignment",)

    target_name: str
    target_url: str
    target_code: str | None = None
    target_description: str | None = None
    target_framework: str | None = None
    target_type: AlignmentTargetType | str | None = None

    def __post_init__(self) -> None:
        check_node(self)
        check_non_empty(self.target_name, "Alignment.target_name")
        check_uri(self.target_url, "Alignment.target_url")
        if self.target_type is not None:
            target_type = check_vocabulary(
                self.target_type, AlignmentTargetType, "Alignment.target_type"
            )
            object.__setattr__(self, "target_type", target_type)


@dataclass(frozen=True, slots=True, kw_only=True)
class RubricCriterionLevel:
    """OB 3.0 RubricCriterionLevel: one level of a rubric criterion."""

    TYPE: ClassVar[tuple[str, ...]] = ("RubricCriterionLevel",)

    id: str
    name: str
    description: str | None = None
    level: str | None = None
    points: str | None = None
    alignment: tuple[Alignment, ...] = ()

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "RubricCriterionLevel.id")
        check_non_empty(self.name, "RubricCriterionLevel.name")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultDescription:
    """OB 3.0 ResultDescription: a kind of result an Achievement can record."""

    TYPE: ClassVar[tuple[str, ...]] = ("ResultDescription",)

    id: str
    name: str
    result_type: ResultType | str
    allowed_value: tuple[str, ...] = ()
    required_level: str | None = None
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    rubric_criterion_level: tuple[RubricCriterionLevel, ...] = ()
    alignment: tuple[Alignment, ...] = ()

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "ResultDescription.id")
        check_non_empty(self.name, "ResultDescription.name")
        result_type = check_vocabulary(
            self.result_type, ResultType, "ResultDescription.result_type"
        )
        object.__setattr__(self, "result_type", result_type)
        levels = {level.id for level in self.rubric_criterion_level}
        if self.required_level is not None and self.required_level not in levels:
            raise InvalidDocumentError(
                "ResultDescription.required_level must be the id of one of its "
                "rubric_criterion_level entries",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """OB 3.0 Result: what the subject achieved for one ResultDescription (by its id)."""

    TYPE: ClassVar[tuple[str, ...]] = ("Result",)

    result_description: str | None = None
    value: str | None = None
    status: ResultStatus | None = None
    achieved_level: str | None = None
    alignment: tuple[Alignment, ...] = ()

    def __post_init__(self) -> None:
        check_node(self)
        if self.value is None and self.status is None and self.achieved_level is None:
            raise InvalidDocumentError("Result needs a value, a status or an achieved_level")
        if self.status is not None:
            try:
                object.__setattr__(self, "status", ResultStatus(self.status))
            except ValueError:
                raise InvalidDocumentError(
                    f"Result.status must be one of {', '.join(ResultStatus)}, got {self.status!r}",
                ) from None
        for name in ("result_description", "achieved_level"):
            reference = getattr(self, name)
            if reference is not None:
                check_uri(reference, f"Result.{name}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """OB 3.0 Evidence: a URI and/or narrative supporting the award (sits on the credential)."""

    TYPE: ClassVar[tuple[str, ...]] = ("Evidence",)

    id: str | None = None
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None

    def __post_init__(self) -> None:
        check_node(self)
        if self.id is None and self.narrative is None:
            raise InvalidDocumentError("Evidence needs an id or a narrative")
        if self.id is not None:
            check_uri(self.id, "Evidence.id")


@dataclass(frozen=True, slots=True, kw_only=True)
class Related:
    """OB 3.0 Related: another version of the same achievement (e.g. another language)."""

    TYPE: ClassVar[tuple[str, ...]] = ("Related",)

    id: str
    in_language: str | None = None
    version: str | None = None

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "Related.id")
        if self.in_language is not None:
            check_language_code(self.in_language, "Related.in_language")


@dataclass(frozen=True, slots=True, kw_only=True)
class Achievement:
    """OB 3.0 Achievement: what is awarded (the micro-credential definition)."""

    TYPE: ClassVar[tuple[str, ...]] = ("Achievement",)

    id: str
    name: str
    description: str
    criteria: Criteria
    achievement_type: AchievementType | str | None = None
    image: Image | None = None
    creator: Profile | None = None
    credits_available: Number | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    human_code: str | None = None
    in_language: str | None = None
    version: str | None = None
    alignment: tuple[Alignment, ...] = ()
    result_description: tuple[ResultDescription, ...] = ()
    related: tuple[Related, ...] = ()
    other_identifier: tuple[IdentifierEntry, ...] = ()
    tag: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_node(self)
        check_uri(self.id, "Achievement.id")
        check_non_empty(self.name, "Achievement.name")
        check_non_empty(self.description, "Achievement.description")
        if self.achievement_type is not None:
            achievement_type = check_vocabulary(
                self.achievement_type, AchievementType, "Achievement.achievement_type"
            )
            object.__setattr__(self, "achievement_type", achievement_type)
        if self.credits_available is not None:
            check_number(self.credits_available, "Achievement.credits_available")
        if self.in_language is not None:
            check_language_code(self.in_language, "Achievement.in_language")
        ids = [description.id for description in self.result_description]
        if len(ids) != len(set(ids)):
            raise InvalidDocumentError("Achievement.result_description ids must be unique")


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementSubject:
    """OB 3.0 AchievementSubject: the recipient (DID `id` and/or `identifier`) and the award."""

    TYPE: ClassVar[tuple[str, ...]] = ("AchievementSubject",)

    id: str | None = None
    identifier: tuple[IdentityObject, ...] = ()
    achievement: Achievement
    result: tuple[Result, ...] = ()
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None
    credits_earned: Number | None = None
    license_number: str | None = None
    narrative: str | None = None
    role: str | None = None
    term: str | None = None
    image: Image | None = None
    source: Profile | None = None

    def __post_init__(self) -> None:
        check_node(self)
        if self.id is None and not self.identifier:
            raise InvalidDocumentError("AchievementSubject needs an id (a DID) or an identifier")
        if self.id is not None:
            check_uri(self.id, "AchievementSubject.id")
        if self.credits_earned is not None:
            check_number(self.credits_earned, "AchievementSubject.credits_earned")
        start, end = self.activity_start_date, self.activity_end_date
        if start is not None and end is not None and end < start:
            raise InvalidDocumentError(
                "AchievementSubject.activity_end_date is before activity_start_date",
            )
        known = {description.id for description in self.achievement.result_description}
        for result in self.result:
            if result.result_description is not None and result.result_description not in known:
                raise InvalidDocumentError(
                    f"Result.result_description {result.result_description!r} is not the id "
                    "of a ResultDescription of the achievement",
                )
