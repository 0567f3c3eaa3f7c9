"""Microbadges tied to framework skills, and the EU micro-credential elements in every
MicroCredential: what the credential states, what is refused, and that third parties
(the OB 3.0 JSON Schema, JSON-LD safe mode, the JS reference verifier) accept it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from badges.canonicalization import canonicalize
from badges.schema import validate_against_schema
from issuer.seed import DEMO_SLUG, demo_clients
from tests.interop.js_reference import js_verify
from tests.issuer.api_setup import (
    MakeTenant,
    Tenant,
    achievement_body,
    assert_problem,
    award,
    create_tenant,
    operator_token,
)
from tests.issuer.awards.test_round_trip import needs_node
from tests.issuer.support import (
    ApiClient,
    TestClock,
    bearer,
    context_of,
    fetch_token,
    js_documents,
    json_of,
)

BASE = "https://badges.test"
ELEMENTS: dict[str, Any] = {
    "achievementType": "MicroCredential", "creditsAvailable": 2,
    "learningOutcomes": ["Isolates a high-voltage system.", "Checks the absence of voltage."],
    "eqfLevel": 5, "assessment": "practical-test", "participation": "onsite",
    "qualityAssurance": "accredited", "qualityAssuranceUrl": "https://qa.example.org/report",
    "supervision": "supervised-id", "prerequisites": "An electrical safety induction.",
}
SKILL = {"framework": "asa-skills", "version": "2026.1", "competence": "PASS-KC-TEAMWORK",
         "level": "practitioner"}


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    return make_tenant(framework=True, address={
        "addressCountry": "Austria", "addressCountryCode": "AT"})


def _create(client: FlaskClient, tenant: Tenant, **fields: Any) -> Any:
    return client.post("/api/v1/achievements", headers=tenant.headers,
                       json=achievement_body(**fields))


def test_a_micro_credential_states_every_element_as_ob_alignments(client: FlaskClient,
                                                                  tenant: Tenant) -> None:
    response = _create(client, tenant, **ELEMENTS, skills=[SKILL])
    assert response.status_code == 201, response.get_data(as_text=True)
    view = json_of(response)
    assert view["skills"] == [{**SKILL, "url": f"{BASE}/frameworks/asa-skills/2026.1"
                                              "/competences/PASS-KC-TEAMWORK"}]
    achievement = view["achievement"]
    assert achievement["creditsAvailable"] == 2
    assert achievement["criteria"]["narrative"] == (
        "Passed the practical assessment.\n\nLearning outcomes:\n\n"
        "- Isolates a high-voltage system.\n- Checks the absence of voltage.\n\n"
        "Prerequisites: An electrical safety induction.")
    alignments = [{key: value for key, value in item.items() if key != "type"}
                  for item in achievement["alignment"]]
    assert alignments == [
        {"targetName": "Teamwork", "targetType": "ext:PASSCompetence",
         "targetUrl": f"{BASE}/frameworks/asa-skills/2026.1/competences/PASS-KC-TEAMWORK",
         "targetCode": "PASS-KC-TEAMWORK", "targetDescription": "Level: Practitioner",
         "targetFramework": "ASA Skills Framework: PASS key competences and DRIVES job roles "
                            "(demo extract) (2026.1)"},
        {"targetName": "Teamwork", "targetType": "ext:ESCOSkill", "targetFramework": "ESCO",
         "targetUrl": "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d",
         "targetCode": "326809fc-238d-40c2-881e-40042f7f2f0d"},
        {"targetName": "EQF level 5", "targetType": "ext:EQFLevel", "targetCode": "5",
         "targetUrl": "http://data.europa.eu/snb/eqf/5",
         "targetFramework": "European Qualifications Framework"},
        {"targetName": "European Credit Transfer and Accumulation System (ECTS)",
         "targetType": "ext:CreditSystem", "targetCode": "ECTS",
         "targetUrl": "http://data.europa.eu/snb/education-credit/6fcec5c5af",
         "targetFramework": "Europass education credit systems",
         "targetDescription": "Notional workload: 2 ECTS credits"},
        {"targetName": "Practical test", "targetType": "ext:AssessmentType",
         "targetCode": "practical-test", "targetFramework": "Type of assessment",
         "targetUrl": f"{BASE}/vocabularies/assessment#practical-test",
         "targetDescription": "Type of assessment"},
        {"targetName": "On site", "targetType": "ext:ModeOfLearning", "targetCode": "onsite",
         "targetUrl": f"{BASE}/vocabularies/participation#onsite",
         "targetFramework": "Form of participation",
         "targetDescription": "Form of participation"},
        {"targetName": "Supervised with ID verification", "targetCode": "supervised-id",
         "targetType": "ext:SupervisionAndVerification",
         "targetUrl": f"{BASE}/vocabularies/supervision#supervised-id",
         "targetFramework": "Supervision and identity verification",
         "targetDescription": "Supervision and identity verification"},
        {"targetName": "Accredited by a competent authority", "targetCode": "accredited",
         "targetType": "ext:QualityAssurance", "targetUrl": "https://qa.example.org/report",
         "targetFramework": "Type of quality assurance",
         "targetDescription": "Type of quality assurance"},
    ]


def test_a_micro_credential_missing_elements_is_refused_naming_each(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    body = assert_problem(_create(client, tenant, achievementType="MicroCredential"), 422,
                          "invalid_input")
    assert body["detail"] == (
        "a MicroCredential must state every EU micro-credential element; missing: learning "
        "outcomes, notional workload (ECTS), level (EQF), type of assessment, form of "
        "participation, type of quality assurance")
    assert [error["pointer"] for error in body["errors"]] == [
        "/learningOutcomes", "/creditsAvailable", "/eqfLevel", "/assessment",
        "/participation", "/qualityAssurance"]
    no_country = create_tenant(client, operator_token(app, client), "beta")
    body = assert_problem(_create(client, no_country, **ELEMENTS), 422, "invalid_input")
    assert body["errors"] == [{"pointer": "/provider/address/addressCountryCode",
                               "detail": "country of the issuer is required for a "
                                         "MicroCredential"}]
    # Other achievement types state what they choose.
    assert _create(client, no_country, achievementType="Course").status_code == 201


@pytest.mark.parametrize(("fields", "pointer"), [
    ({"skills": [{**SKILL, "competence": "NOPE"}]}, "/skills/0/competence"),
    ({"skills": [{**SKILL, "version": "1999"}]}, "/skills/0/version"),
    ({"skills": [{**SKILL, "framework": "nope"}]}, "/skills/0/framework"),
    ({"skills": [{**SKILL, "level": "guru"}]}, "/skills/0/level"),
    ({"skills": [SKILL, SKILL]}, "/skills/1"),
    ({"assessment": "coin-toss"}, "/assessment"),
    ({"qualityAssurance": "none"}, "/qualityAssurance"),
    ({"supervision": "maybe"}, "/supervision"),
])
def test_unknown_skills_and_terms_are_refused(client: FlaskClient, tenant: Tenant,
                                              fields: dict[str, Any], pointer: str) -> None:
    body = assert_problem(_create(client, tenant, **{**ELEMENTS, **fields}), 422,
                          "invalid_input")
    assert body["errors"][0]["pointer"] == pointer


@pytest.mark.parametrize(("skill", "error"), [
    ({**SKILL, "framework": "nope"}, {
        "pointer": "/skills/0/framework",
        "detail": "the framework 'nope' does not exist (no version of it has been imported)"}),
    ({**SKILL, "version": "1999"}, {
        "pointer": "/skills/0/version",
        "detail": "the framework 'asa-skills' has no version '1999'; its versions: 2026.1"}),
    ({**SKILL, "competence": "NOPE"}, {
        "pointer": "/skills/0/competence",
        "detail": "no competence 'NOPE' in version '2026.1' of the framework 'asa-skills'"}),
])
def test_a_skill_naming_nothing_says_which_part_is_missing(
        client: FlaskClient, tenant: Tenant, skill: dict[str, Any],
        error: dict[str, str]) -> None:
    body = assert_problem(_create(client, tenant, **ELEMENTS, skills=[skill]), 422,
                          "invalid_input")
    assert body["errors"] == [error]


def test_with_no_framework_imported_the_framework_is_said_not_to_exist(
        make_tenant: MakeTenant, client: FlaskClient) -> None:
    # Issue 21: this answered "no competence ... in version ... of the framework ...".
    bare = make_tenant(address={"addressCountry": "Austria", "addressCountryCode": "AT"})
    body = assert_problem(_create(client, bare, **ELEMENTS, skills=[SKILL]), 422,
                          "invalid_input")
    assert body["errors"] == [{
        "pointer": "/skills/0/framework",
        "detail": "the framework 'asa-skills' does not exist (no version of it has been "
                  "imported)"}]


def test_replacing_a_microbadge_updates_its_skills(client: FlaskClient,
                                                   tenant: Tenant) -> None:
    view = json_of(_create(client, tenant, **ELEMENTS, skills=[SKILL]))
    leadership = {**SKILL, "competence": "PASS-KC-LEADERSHIP", "level": "expert"}
    replaced = client.put(f"/api/v1/achievements/{view['id']}", headers=tenant.headers,
                          json=achievement_body(**ELEMENTS, skills=[
                              {**SKILL, "level": "expert"}, leadership]))
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    assert [(item["competence"], item["level"]) for item in json_of(replaced)["skills"]] == [
        ("PASS-KC-TEAMWORK", "expert"), ("PASS-KC-LEADERSHIP", "expert")]


def test_an_awarded_micro_credential_passes_schema_and_safe_mode(
        client: FlaskClient, tenant: Tenant) -> None:
    view = json_of(_create(client, tenant, **ELEMENTS, skills=[SKILL]))
    credential = award(client, tenant, view["id"])["credential"]
    assert validate_against_schema(credential) == []
    canonicalize(credential)  # raises on any term the standard contexts do not define
    assert credential["issuer"]["address"]["addressCountryCode"] == "AT"
    assert credential["credentialSubject"]["identifier"][0]["hashed"] is True
    assert credential["awardedDate"] == credential["validFrom"]


@needs_node
@pytest.mark.interop
def test_the_demo_micro_credentials_verify_in_the_js_reference(
        demo_app: Flask, clock: TestClock) -> None:
    provider_client, _ = demo_clients(context_of(demo_app))
    client = demo_app.test_client()
    token = fetch_token(client, ApiClient(provider_client.client_id, provider_client.secret))
    provider = json_of(client.get("/api/v1/provider", headers=bearer(token)))
    assert provider["slug"] == DEMO_SLUG
    achievements = json_of(client.get("/api/v1/achievements", headers=bearer(token)))["items"]
    assert len(achievements) == 3
    for item in achievements:
        awarded = client.post("/api/v1/credentials", headers=bearer(token), json={
            "achievement": item["id"], "learner": {"email": "learner@example.org"}})
        assert awarded.status_code == 201
        document = client.get(urlsplit(json_of(awarded)["documentUrl"]).path,
                              headers=bearer(token))
        credential = json.loads(document.get_data())
        assert validate_against_schema(credential) == []
        canonicalize(credential)
        types = {alignment["targetType"]
                 for alignment in credential["credentialSubject"]["achievement"]["alignment"]}
        assert {"ext:PASSCompetence", "ext:EQFLevel", "ext:CreditSystem",
                "ext:AssessmentType", "ext:ModeOfLearning", "ext:QualityAssurance"} <= types
        result = js_verify(credential, documents=js_documents(client, provider, credential),
                           now=clock().isoformat().replace("+00:00", "Z"))
        assert result.verified, result.errors


def test_a_grade_is_a_result_against_the_microbadges_result_description(
        client: FlaskClient, tenant: Tenant) -> None:
    grading = {"name": "Final grade", "resultType": "LetterGrade",
               "allowedValues": ["A", "B", "C"]}
    view = json_of(_create(client, tenant, **ELEMENTS, grading=grading))
    grade = f"{view['url']}#grade"
    assert view["achievement"]["resultDescription"] == [{
        "id": grade, "type": ["ResultDescription"], "name": "Final grade",
        "resultType": "LetterGrade", "allowedValue": ["A", "B", "C"]}]
    credential = award(client, tenant, view["id"], result=[
        {"resultDescription": grade, "value": "B"}])["credential"]
    assert credential["credentialSubject"]["result"] == [
        {"type": ["Result"], "resultDescription": grade, "value": "B"}]
    assert validate_against_schema(credential) == []
    canonicalize(credential)
    body = assert_problem(client.post("/api/v1/credentials", headers=tenant.headers, json={
        "achievement": view["id"], "learner": {"email": "ada@example.org"},
        "result": [{"resultDescription": grade, "value": "Z"}]}), 422, "invalid_input")
    assert body["errors"] == [{"pointer": "/result/0/value",
                               "detail": "the grade must be one of: A, B, C"}]
    assert_problem(_create(client, tenant, **ELEMENTS, grading={
        "name": "G", "resultType": "Nonsense"}), 422, "invalid_input")
