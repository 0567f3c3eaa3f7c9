"""The OB 3.0 value objects: identity hashes, vocabularies, and what construction rejects."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from badges.errors import BadgeError, InvalidDateTimeError, InvalidDocumentError
from badges.model import (
    Achievement,
    AchievementSubject,
    AchievementType,
    Address,
    Alignment,
    AlignmentTargetType,
    Criteria,
    Evidence,
    IdentifierEntry,
    IdentifierType,
    IdentityObject,
    Image,
    Profile,
    Result,
    ResultDescription,
    ResultStatus,
    ResultType,
    RubricCriterionLevel,
    hash_identity,
    identity_hash_matches,
)

ESCO_TEAMWORK = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d"
ACHIEVEMENT_ID = "https://badges.example.org/achievements/pass-teamwork-practitioner"
LEVEL_ID = "https://badges.example.org/frameworks/drives/levels/practitioner"
RESULT_ID = "https://badges.example.org/achievements/pass-teamwork-practitioner/results/level"


def _achievement(**changes: object) -> Achievement:
    fields: dict[str, object] = {
        "id": ACHIEVEMENT_ID,
        "name": "Teamwork (Practitioner)",
        "description": "Collaborates effectively in cross-functional automotive teams.",
        "criteria": Criteria(narrative="Passed the PASS teamwork assessment."),
    }
    fields.update(changes)
    return Achievement(**fields)  # type: ignore[arg-type]


def _subject(**changes: object) -> AchievementSubject:
    fields: dict[str, object] = {"id": "did:example:learner-42", "achievement": _achievement()}
    fields.update(changes)
    return AchievementSubject(**fields)  # type: ignore[arg-type]


# --- IdentityHash --------------------------------------------------------------------------


def test_hash_identity_matches_spec_notes_check_value() -> None:
    assert (
        hash_identity("a@example.com", "Kosher")
        == "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_hash_identity_does_not_normalise() -> None:
    assert hash_identity("A@example.com", "Kosher") != hash_identity("a@example.com", "Kosher")


def test_hashed_email_identity_object() -> None:
    identity = IdentityObject.hashed_email("a@example.com", salt="Kosher")
    assert identity == IdentityObject(
        identity_type=IdentifierType.EMAIL_ADDRESS,
        hashed=True,
        identity_hash="sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
        salt="Kosher",
    )


@pytest.mark.parametrize(
    ("identity_hash", "identity", "salt", "expected"),
    [
        (
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
            "a@example.com",
            "Kosher",
            True,
        ),
        (
            "sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399",
            "a@example.com",
            "Kosher",
            True,
        ),
        (
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
            "a@example.com",
            "kosher",
            False,
        ),
        ("md5$2f1d6dbf5d8a4a5bc5e0f9e8d7a0f1a9", "a@example.com", None, False),
        ("sha1$00", "a@example.com", None, False),
        ("sha256$" + "é" * 64, "a@example.com", None, False),
    ],
)
def test_identity_hash_matches(
    identity_hash: str, identity: str, salt: str | None, expected: bool
) -> None:
    assert identity_hash_matches(identity_hash, identity, salt) is expected


def test_identity_hash_matches_legacy_md5() -> None:
    # md5("a@example.com" + "Kosher"), as OB 2.0 issuers produced it
    digest = hashlib.md5(b"a@example.comKosher", usedforsecurity=False).hexdigest()
    assert identity_hash_matches(f"md5${digest}", "a@example.com", "Kosher")


# --- vocabularies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CFItem", AlignmentTargetType.CF_ITEM),
        ("ceasn:Competency", AlignmentTargetType.CEASN_COMPETENCY),
        ("ext:ESCOSkill", "ext:ESCOSkill"),
        ("ext:EQFLevel", "ext:EQFLevel"),
        ("ext:PASSKeyCompetence", "ext:PASSKeyCompetence"),
    ],
)
def test_alignment_target_type_accepts_list_and_ext_terms(value: str, expected: str) -> None:
    alignment = Alignment(
        target_name="establish collaborative relations",
        target_url=ESCO_TEAMWORK,
        target_type=value,
    )
    assert alignment.target_type == expected
    assert type(alignment.target_type) is type(expected)


def test_vocabulary_values_become_enum_members() -> None:
    achievement = _achievement(achievement_type="MicroCredential")
    assert achievement.achievement_type is AchievementType.MICRO_CREDENTIAL
    description = ResultDescription(id=RESULT_ID, name="Level", result_type="ext:DRIVESLevel")
    assert description.result_type == "ext:DRIVESLevel"
    entry = IdentifierEntry(identifier="PASS-KC-TEAMWORK", identifier_type="identifier")
    assert entry.identifier_type is IdentifierType.IDENTIFIER


def test_text_may_contain_tab_and_newlines() -> None:
    criteria = Criteria(narrative="# Criteria\n\n1.\tAttend\r\n2.\tPass the assessment")
    assert criteria.narrative is not None


def test_lists_are_frozen_into_tuples() -> None:
    achievement = _achievement(tag=["teamwork", "automotive"])
    assert achievement.tag == ("teamwork", "automotive")
    with pytest.raises(dataclasses.FrozenInstanceError):
        achievement.name = "changed"  # type: ignore[misc]


def test_errors_have_stable_codes() -> None:
    assert issubclass(InvalidDocumentError, BadgeError)
    assert InvalidDocumentError.code == "invalid_document"
    assert issubclass(InvalidDateTimeError, InvalidDocumentError)
    assert InvalidDateTimeError.code == "invalid_datetime"


# --- what construction rejects: one table --------------------------------------------------

NAIVE = datetime(2025, 3, 1, 9, 0)  # noqa: DTZ001 (no tzinfo on purpose)


REJECTED = [
    pytest.param(
        lambda: Profile(id="https://e.org", name="ASA\x07"),
        "invalid_document",
        id="control character in name",
    ),
    pytest.param(
        lambda: _achievement(description="bad\x00"), "invalid_document", id="NUL in description"
    ),
    pytest.param(
        lambda: Alignment(target_name="x\x7f", target_url=ESCO_TEAMWORK),
        "invalid_document",
        id="DEL in target name",
    ),
    pytest.param(
        lambda: _achievement(tag=("ok", "\x1b[31m")), "invalid_document", id="ESC in a tag"
    ),
    pytest.param(lambda: Criteria(narrative="\ud800"), "invalid_document", id="lone surrogate"),
    pytest.param(
        lambda: Alignment(target_name="x", target_url=ESCO_TEAMWORK, target_type="ESCOSkill"),
        "invalid_document",
        id="target type outside the list",
    ),
    pytest.param(
        lambda: Alignment(target_name="x", target_url=ESCO_TEAMWORK, target_type="cfitem"),
        "invalid_document",
        id="target type case differs",
    ),
    pytest.param(
        lambda: Alignment(target_name="x", target_url=ESCO_TEAMWORK, target_type="ext:"),
        "invalid_document",
        id="bare ext: prefix",
    ),
    pytest.param(
        lambda: Alignment(target_name="x", target_url=ESCO_TEAMWORK, target_type="ext:ESCO Skill"),
        "invalid_document",
        id="space in ext: term",
    ),
    pytest.param(
        lambda: Alignment(target_name="x", target_url="esco skill"),
        "invalid_document",
        id="target url not a URI",
    ),
    pytest.param(
        lambda: _achievement(achievement_type="Microcredential"),
        "invalid_document",
        id="achievement type outside the list",
    ),
    pytest.param(
        lambda: Result(status="Passed"),  # type: ignore[arg-type]
        "invalid_document",
        id="result status outside the list",
    ),
    pytest.param(lambda: Result(), "invalid_document", id="empty result"),
    pytest.param(lambda: Criteria(), "invalid_document", id="criteria without id or narrative"),
    pytest.param(
        lambda: Evidence(name="Portfolio"),
        "invalid_document",
        id="evidence without id or narrative",
    ),
    pytest.param(lambda: _achievement(name="  "), "invalid_document", id="empty achievement name"),
    pytest.param(
        lambda: _achievement(id="teamwork"), "invalid_document", id="achievement id not a URI"
    ),
    pytest.param(
        lambda: _achievement(in_language="english"), "invalid_document", id="bad language code"
    ),
    pytest.param(
        lambda: _achievement(credits_available=-1), "invalid_document", id="negative credits"
    ),
    pytest.param(
        lambda: _achievement(credits_available=Decimal("NaN")), "invalid_document", id="NaN credits"
    ),
    pytest.param(
        lambda: _achievement(credits_available=True), "invalid_document", id="boolean credits"
    ),
    pytest.param(
        lambda: _achievement(
            result_description=(
                ResultDescription(id=RESULT_ID, name="a", result_type=ResultType.STATUS),
            )
            * 2
        ),
        "invalid_document",
        id="duplicate result descriptions",
    ),
    pytest.param(
        lambda: ResultDescription(
            id=RESULT_ID,
            name="Level",
            result_type=ResultType.RUBRIC_CRITERION_LEVEL,
            required_level=LEVEL_ID,
        ),
        "invalid_document",
        id="required level not among levels",
    ),
    pytest.param(lambda: Image(id="badge.png"), "invalid_document", id="image id not a URI"),
    pytest.param(
        lambda: Address(address_country_code="BEL"),
        "invalid_document",
        id="country code not alpha-2",
    ),
    pytest.param(lambda: Address(), "invalid_document", id="empty address"),
    pytest.param(
        lambda: Profile(id="https://e.org", name="E", email="not-an-email"),
        "invalid_document",
        id="bad profile email",
    ),
    pytest.param(
        lambda: IdentityObject(
            identity_type="emailAddress", hashed=True, identity_hash="a@example.com"
        ),
        "invalid_document",
        id="unhashed hash not sha256$",
    ),
    pytest.param(
        lambda: IdentityObject(identity_type="email", hashed=False, identity_hash="a@example.com"),
        "invalid_document",
        id="unknown identity type",
    ),
    pytest.param(
        lambda: IdentityObject.hashed_email("a@example.com", salt=""),
        "invalid_document",
        id="hashed email without salt",
    ),
    pytest.param(
        lambda: AchievementSubject(achievement=_achievement()),
        "invalid_document",
        id="subject without id or identifier",
    ),
    pytest.param(lambda: _subject(id="learner 42"), "invalid_document", id="subject id not a URI"),
    pytest.param(
        lambda: _subject(
            activity_start_date=datetime(2025, 3, 2, tzinfo=UTC),
            activity_end_date=datetime(2025, 3, 1, tzinfo=UTC),
        ),
        "invalid_document",
        id="activity ends before it starts",
    ),
    pytest.param(
        lambda: _subject(activity_start_date=NAIVE), "invalid_datetime", id="naive activity date"
    ),
    pytest.param(
        lambda: _subject(
            result=(Result(result_description=RESULT_ID, status=ResultStatus.COMPLETED),)
        ),
        "invalid_document",
        id="result for an unknown description",
    ),
]


@pytest.mark.parametrize(("build", "code"), REJECTED)
def test_construction_rejects(build: Callable[[], object], code: str) -> None:
    with pytest.raises(InvalidDocumentError) as caught:
        build()
    assert caught.value.code == code


def test_result_may_reference_a_known_description() -> None:
    level = RubricCriterionLevel(id=LEVEL_ID, name="Practitioner", level="2")
    description = ResultDescription(
        id=RESULT_ID,
        name="DRIVES level",
        result_type=ResultType.RUBRIC_CRITERION_LEVEL,
        rubric_criterion_level=(level,),
        required_level=LEVEL_ID,
    )
    subject = _subject(
        achievement=_achievement(result_description=(description,)),
        result=(Result(result_description=RESULT_ID, achieved_level=LEVEL_ID),),
    )
    assert subject.result[0].achieved_level == LEVEL_ID


def test_subject_identified_by_hashed_email_only() -> None:
    subject = AchievementSubject(
        identifier=(IdentityObject.hashed_email("a@example.com", salt="Kosher"),),
        achievement=_achievement(),
    )
    assert subject.id is None
