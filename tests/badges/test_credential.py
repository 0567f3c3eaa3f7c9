"""The credential builder: exact output shape, schema validity, timestamps, what it rejects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from badges.canonicalization import canonicalize
from badges.credential import build_credential, format_datetime, parse_datetime, serialize
from badges.errors import InvalidDateTimeError, InvalidDocumentError
from badges.model import (
    Achievement,
    AchievementSubject,
    AchievementType,
    Address,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    Result,
    ResultDescription,
    ResultType,
    RubricCriterionLevel,
)
from badges.schema import PROFILE_SCHEMA, validate_against_schema

BASE = "https://badges.example.org"
CET = timezone(timedelta(hours=1))
# Values from shared/data/pass-sample.json (ESCO, Europass EQF, PASS, DRIVES levels).
ESCO_TEAMWORK = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d"
EQF_4 = "http://data.europa.eu/snb/eqf/4"
PASS_TEAMWORK = "https://example.invalid/frameworks/pass/competences/PASS-KC-TEAMWORK"
LEVELS = f"{BASE}/frameworks/drives/levels"
RESULT_ID = f"{BASE}/achievements/pass-teamwork-practitioner/results/drives-level"
STATUS_ENTRY = {
    "id": f"{BASE}/status/revocation/1#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": f"{BASE}/status/revocation/1",
}


def _issuer() -> Profile:
    return Profile(
        id=f"{BASE}/issuers/asa-academy",
        name="Automotive Skills Academy",
        url=BASE,
        email="badges@example.org",
        image=Image(id=f"{BASE}/images/issuer.png", caption="Automotive Skills Academy logo"),
        address=Address(
            address_country="Belgium",
            address_country_code="BE",
            address_locality="Brussels",
            street_address="Avenue de Cortenbergh 1",
            postal_code="1000",
        ),
    )


def _achievement() -> Achievement:
    levels = tuple(
        RubricCriterionLevel(id=f"{LEVELS}/{code}", name=code.title(), level=str(order))
        for order, code in enumerate(("awareness", "practitioner", "expert"), start=1)
    )
    return Achievement(
        id=f"{BASE}/achievements/pass-teamwork-practitioner",
        name="Teamwork (Practitioner)",
        description="Collaborates effectively in cross-functional automotive teams.",
        criteria=Criteria(
            id=f"{BASE}/achievements/pass-teamwork-practitioner/criteria",
            narrative="Passed the PASS teamwork assessment at DRIVES level Practitioner.",
        ),
        achievement_type=AchievementType.MICRO_CREDENTIAL,
        image=Image(id=f"{BASE}/images/pass-teamwork.png", caption="Teamwork badge"),
        credits_available=2.0,
        field_of_study="Automotive mobility",
        human_code="PASS-KC-TEAMWORK",
        in_language="en",
        alignment=(
            Alignment(
                target_name="establish collaborative relations",
                target_url=ESCO_TEAMWORK,
                target_code="326809fc-238d-40c2-881e-40042f7f2f0d",
                target_framework="ESCO v1.2",
                target_type="ext:ESCOSkill",
            ),
            Alignment(
                target_name="EQF level 4",
                target_url=EQF_4,
                target_code="4",
                target_framework="European Qualifications Framework",
                target_type="ext:EQFLevel",
            ),
            Alignment(
                target_name="Teamwork",
                target_url=PASS_TEAMWORK,
                target_code="PASS-KC-TEAMWORK",
                target_description="Level: practitioner (DRIVES level scheme)",
                target_framework="PASS key competences (local codes)",
                target_type="ext:PASSKeyCompetence",
            ),
        ),
        result_description=(
            ResultDescription(
                id=RESULT_ID,
                name="DRIVES competence level",
                result_type=ResultType.RUBRIC_CRITERION_LEVEL,
                rubric_criterion_level=levels,
                required_level=f"{LEVELS}/practitioner",
            ),
        ),
        tag=("teamwork", "automotive"),
    )


def _subject() -> AchievementSubject:
    return AchievementSubject(
        identifier=(IdentityObject.hashed_email("a@example.com", salt="Kosher"),),
        achievement=_achievement(),
        result=(Result(result_description=RESULT_ID, achieved_level=f"{LEVELS}/practitioner"),),
        credits_earned=Decimal("2"),
    )


def _microbadge(**changes: object) -> dict[str, object]:
    arguments: dict[str, object] = {
        "credential_id": "urn:uuid:0b9b8ae8-6c1f-4b7e-9a3d-2f2f0c7e4f11",
        "issuer": _issuer(),
        "subject": _subject(),
        # 09:30:15.987654 CET: emitted as 08:30:15Z
        "valid_from": datetime(2025, 3, 14, 9, 30, 15, 987654, tzinfo=CET),
        "valid_until": datetime(2028, 3, 14, 8, 30, 15, tzinfo=UTC),
        "name": "Teamwork (Practitioner)",
        "description": "PASS key competence Teamwork, assessed at DRIVES level Practitioner.",
        "evidence": (Evidence(id=f"{BASE}/evidence/7f3c", narrative="Team project review."),),
        "credential_status": dict(STATUS_ENTRY),
    }
    arguments.update(changes)
    return build_credential(**arguments)  # type: ignore[arg-type]


EXPECTED: dict[str, object] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ],
    "id": "urn:uuid:0b9b8ae8-6c1f-4b7e-9a3d-2f2f0c7e4f11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Teamwork (Practitioner)",
    "description": "PASS key competence Teamwork, assessed at DRIVES level Practitioner.",
    "issuer": {
        "id": f"{BASE}/issuers/asa-academy",
        "type": ["Profile"],
        "name": "Automotive Skills Academy",
        "url": BASE,
        "image": {
            "id": f"{BASE}/images/issuer.png",
            "type": "Image",
            "caption": "Automotive Skills Academy logo",
        },
        "email": "badges@example.org",
        "address": {
            "type": ["Address"],
            "addressCountry": "Belgium",
            "addressCountryCode": "BE",
            "addressLocality": "Brussels",
            "streetAddress": "Avenue de Cortenbergh 1",
            "postalCode": "1000",
        },
    },
    "validFrom": "2025-03-14T08:30:15Z",
    "validUntil": "2028-03-14T08:30:15Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": (
                    "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
                ),
                "salt": "Kosher",
            }
        ],
        "achievement": {
            "id": f"{BASE}/achievements/pass-teamwork-practitioner",
            "type": ["Achievement"],
            "name": "Teamwork (Practitioner)",
            "description": "Collaborates effectively in cross-functional automotive teams.",
            "criteria": {
                "id": f"{BASE}/achievements/pass-teamwork-practitioner/criteria",
                "narrative": "Passed the PASS teamwork assessment at DRIVES level Practitioner.",
            },
            "achievementType": "MicroCredential",
            "image": {
                "id": f"{BASE}/images/pass-teamwork.png",
                "type": "Image",
                "caption": "Teamwork badge",
            },
            "creditsAvailable": 2,
            "fieldOfStudy": "Automotive mobility",
            "humanCode": "PASS-KC-TEAMWORK",
            "inLanguage": "en",
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "establish collaborative relations",
                    "targetUrl": ESCO_TEAMWORK,
                    "targetCode": "326809fc-238d-40c2-881e-40042f7f2f0d",
                    "targetFramework": "ESCO v1.2",
                    "targetType": "ext:ESCOSkill",
                },
                {
                    "type": ["Alignment"],
                    "targetName": "EQF level 4",
                    "targetUrl": EQF_4,
                    "targetCode": "4",
                    "targetFramework": "European Qualifications Framework",
                    "targetType": "ext:EQFLevel",
                },
                {
                    "type": ["Alignment"],
                    "targetName": "Teamwork",
                    "targetUrl": PASS_TEAMWORK,
                    "targetCode": "PASS-KC-TEAMWORK",
                    "targetDescription": "Level: practitioner (DRIVES level scheme)",
                    "targetFramework": "PASS key competences (local codes)",
                    "targetType": "ext:PASSKeyCompetence",
                },
            ],
            "resultDescription": [
                {
                    "id": RESULT_ID,
                    "type": ["ResultDescription"],
                    "name": "DRIVES competence level",
                    "resultType": "RubricCriterionLevel",
                    "requiredLevel": f"{LEVELS}/practitioner",
                    "rubricCriterionLevel": [
                        {
                            "id": f"{LEVELS}/awareness",
                            "type": ["RubricCriterionLevel"],
                            "name": "Awareness",
                            "level": "1",
                        },
                        {
                            "id": f"{LEVELS}/practitioner",
                            "type": ["RubricCriterionLevel"],
                            "name": "Practitioner",
                            "level": "2",
                        },
                        {
                            "id": f"{LEVELS}/expert",
                            "type": ["RubricCriterionLevel"],
                            "name": "Expert",
                            "level": "3",
                        },
                    ],
                }
            ],
            "tag": ["teamwork", "automotive"],
        },
        "result": [
            {
                "type": ["Result"],
                "resultDescription": RESULT_ID,
                "achievedLevel": f"{LEVELS}/practitioner",
            }
        ],
        "creditsEarned": 2,
    },
    "evidence": [
        {"id": f"{BASE}/evidence/7f3c", "type": ["Evidence"], "narrative": "Team project review."}
    ],
    "credentialSchema": [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
            "ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ],
    "credentialStatus": STATUS_ENTRY,
}


# --- the shape -----------------------------------------------------------------------------


def test_microbadge_has_exactly_the_expected_shape() -> None:
    assert _microbadge() == EXPECTED


def test_microbadge_is_plain_json_with_integral_credits_as_integers() -> None:
    credential = _microbadge()
    assert json.loads(json.dumps(credential, ensure_ascii=False)) == credential
    subject = credential["credentialSubject"]
    assert isinstance(subject, dict)
    assert type(subject["achievement"]["creditsAvailable"]) is int
    assert type(subject["creditsEarned"]) is int


def test_non_integral_credits_stay_numbers() -> None:
    subject = AchievementSubject(
        id="did:example:learner-42", achievement=_achievement(), credits_earned=Decimal("2.5")
    )
    assert serialize(subject)["creditsEarned"] == 2.5


def test_microbadge_validates_against_the_ob_schema() -> None:
    assert validate_against_schema(_microbadge()) == []


def test_issuer_profile_validates_against_the_profile_schema() -> None:
    assert validate_against_schema(serialize(_issuer()), PROFILE_SCHEMA) == []


def test_microbadge_is_fully_defined_json_ld() -> None:
    # The safe-mode canonicaliser refuses dropped properties and undefined terms: every
    # property the builder emits must be defined by the three contexts.
    assert "ext:ESCOSkill" in canonicalize(_microbadge())


def test_minimal_credential_with_a_did_subject() -> None:
    subject = AchievementSubject(id="did:example:learner-42", achievement=_achievement())
    credential = build_credential(
        credential_id=f"{BASE}/credentials/1",
        issuer=Profile(id="did:web:badges.example.org", name="Automotive Skills Academy"),
        subject=subject,
        valid_from=datetime(2025, 3, 14, tzinfo=UTC),
        name="Teamwork",
        description="Teamwork micro-credential.",
    )
    assert list(credential) == [
        "@context",
        "id",
        "type",
        "name",
        "description",
        "issuer",
        "validFrom",
        "credentialSubject",
        "credentialSchema",
    ]
    assert credential["issuer"] == {
        "id": "did:web:badges.example.org",
        "type": ["Profile"],
        "name": "Automotive Skills Academy",
    }
    assert validate_against_schema(credential) == []


def test_each_build_returns_a_fresh_document() -> None:
    status = dict(STATUS_ENTRY)
    first = _microbadge(credential_status=status)
    status["statusListIndex"] = "1"
    first["name"] = "changed"
    assert _microbadge() == EXPECTED
    assert first["credentialStatus"] == STATUS_ENTRY


def test_awarded_date_is_emitted_in_utc() -> None:
    credential = _microbadge(awarded_date=datetime(2025, 3, 1, 0, 30, tzinfo=CET))
    assert credential["awardedDate"] == "2025-02-28T23:30:00Z"


# --- what the builder rejects: one table ---------------------------------------------------

NAIVE = datetime(2025, 3, 14, 9, 30)  # noqa: DTZ001 (no tzinfo on purpose)


REJECTED = [
    pytest.param({"valid_from": NAIVE}, "invalid_datetime", id="naive validFrom"),
    pytest.param({"valid_until": NAIVE}, "invalid_datetime", id="naive validUntil"),
    pytest.param({"awarded_date": NAIVE}, "invalid_datetime", id="naive awardedDate"),
    pytest.param(
        {"valid_until": datetime(2025, 3, 14, 8, 30, 15, 999, tzinfo=UTC)},
        "invalid_document",
        id="validUntil not after validFrom (whole seconds)",
    ),
    pytest.param({"name": "Team\x0bwork"}, "invalid_document", id="control character in name"),
    pytest.param({"description": ""}, "invalid_document", id="empty description"),
    pytest.param({"credential_id": "credential 1"}, "invalid_document", id="id not a URI"),
    pytest.param(
        {"credential_status": {"id": f"{BASE}/status/1#5"}},
        "invalid_document",
        id="status without type",
    ),
    pytest.param(
        {"credential_status": {**STATUS_ENTRY, "statusPurpose": "revo\x00cation"}},
        "invalid_document",
        id="control character in status",
    ),
    pytest.param(
        {"credential_status": {**STATUS_ENTRY, "statusListIndex": float("nan")}},
        "invalid_document",
        id="status value not JSON",
    ),
]


@pytest.mark.parametrize(("changes", "code"), REJECTED)
def test_builder_rejects(changes: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidDocumentError) as caught:
        _microbadge(**changes)
    assert caught.value.code == code


# --- timestamps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 3, 14, 8, 30, 15, tzinfo=UTC), "2025-03-14T08:30:15Z"),
        (datetime(2025, 3, 14, 8, 30, 15, 999999, tzinfo=UTC), "2025-03-14T08:30:15Z"),
        (datetime(2025, 1, 1, 0, 30, tzinfo=CET), "2024-12-31T23:30:00Z"),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05Z"),
    ],
)
def test_format_datetime(value: datetime, expected: str) -> None:
    assert format_datetime(value) == expected


def test_format_datetime_rejects_naive() -> None:
    with pytest.raises(InvalidDateTimeError):
        format_datetime(NAIVE)


_UTC_NOON = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00Z", _UTC_NOON),
        ("2024-05-01T14:00:00+02:00", _UTC_NOON),
        ("2024-05-01T07:30:00-04:30", _UTC_NOON),
        ("2024-05-01T12:00:00+00:00", _UTC_NOON),
        ("2024-05-01T12:00:00-00:00", _UTC_NOON),
        ("2024-05-01T12:00:00.5Z", _UTC_NOON.replace(microsecond=500000)),
        ("2024-05-01T12:00:00.123456789Z", _UTC_NOON.replace(microsecond=123456)),
        ("2010-01-01T19:23:24.000Z", datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)),
        ("2024-05-02T02:00:00+14:00", _UTC_NOON),
    ],
)
def test_parse_datetime_accepts(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T12:00:00",  # no offset
        "2024-05-01",
        "2024-05-01 12:00:00Z",
        "2024-05-01t12:00:00z",
        "2024-05-01T12:00Z",
        "2024-05-01T12:00:00+0200",
        "2024-05-01T12:00:00+15:00",
        "2024-05-01T12:00:00+02:60",
        "2024-05-01T12:00:00.Z",
        "2024-02-30T12:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T23:59:60Z",
        "+2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00Z ",
        "２０２４-05-01T12:00:00Z",  # full-width digits  # noqa: RUF001
        "",
    ],
)
def test_parse_datetime_rejects(text: str) -> None:
    with pytest.raises(InvalidDateTimeError):
        parse_datetime(text)


def test_format_then_parse_round_trips() -> None:
    value = datetime(2025, 3, 14, 9, 30, 15, tzinfo=CET)
    assert parse_datetime(format_datetime(value)) == value
