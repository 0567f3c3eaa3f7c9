"""Pathways: the composite credential is awarded once when the last requirement is met
(even when the last two awards race), lists its constituents, counts credentials of
accepted providers, and a learner's progress is queryable. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from issuer.awards.models import CredentialRecord
from tests.issuer.api_setup import (
    MakeTenant,
    Tenant,
    achievement_body,
    assert_problem,
    assert_schema,
    award,
    create_tenant,
    operator_token,
)
from tests.issuer.support import context_of, json_of, post_at_once

COUNTRY = {"address": {"addressCountry": "Germany", "addressCountryCode": "DE"}}
ROLE = {"framework": "asa-skills", "version": "2026.1", "code": "DRIVES-JR-CYBERSEC-ENGINEERING"}


def _skill(code: str, level: str) -> dict[str, str]:
    return {"framework": "asa-skills", "version": "2026.1", "competence": code, "level": level}


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    return make_tenant(framework=True, **COUNTRY)


def _badge(client: FlaskClient, tenant: Tenant, name: str, *skills: dict[str, str]) -> str:
    response = client.post("/api/v1/achievements", headers=tenant.headers,
                           json=achievement_body(name=name, skills=list(skills)))
    assert response.status_code == 201, response.get_data(as_text=True)
    identifier: str = json_of(response)["id"]
    return identifier


def _pathway(client: FlaskClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/pathways", headers=tenant.headers, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    view: dict[str, Any] = json_of(response)
    assert_schema(view, "Pathway")
    return view


def _progress(client: FlaskClient, tenant: Tenant, pathway: str,
              learner: str = "ada@example.org") -> dict[str, Any]:
    response = client.get(f"/api/v1/pathways/{pathway}/progress?learner={learner}",
                          headers=tenant.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    assert_schema(body, "PathwayProgress")
    return body


def _composites(app: Flask, achievement_public_id: str) -> list[CredentialRecord]:
    with context_of(app).sessions() as session:
        return list(session.scalars(
            select(CredentialRecord).join(CredentialRecord.achievement)
            .where(CredentialRecord.achievement.has(public_id=achievement_public_id))))


@pytest.fixture
def role_pathway(client: FlaskClient, tenant: Tenant) -> dict[str, Any]:
    composite = _badge(client, tenant, "Automotive cybersecurity engineering (pathway)")
    return {"composite": composite,
            "critical": _badge(client, tenant, "Threat analysis",
                               _skill("PASS-KC-CRITICAL-THINKING", "expert")),
            "teamwork": _badge(client, tenant, "Security teamwork",
                               _skill("PASS-KC-TEAMWORK", "practitioner")),
            "awareness": _badge(client, tenant, "Teamwork basics",
                                _skill("PASS-KC-TEAMWORK", "awareness")),
            "pathway": _pathway(client, tenant, name="Cybersecurity engineer",
                                achievement=composite, jobRole=ROLE)}


def test_the_last_requirement_awards_the_composite_once(app: Flask, client: FlaskClient,
                                                        tenant: Tenant,
                                                        role_pathway: dict[str, Any]) -> None:
    pathway = role_pathway["pathway"]
    assert [(item["competence"], item["level"]) for item in pathway["requirements"]] == [
        ("PASS-KC-CRITICAL-THINKING", "practitioner"), ("PASS-KC-TEAMWORK", "practitioner")]
    first = award(client, tenant, role_pathway["critical"])
    # A level below the requirement does not count.
    award(client, tenant, role_pathway["awareness"])
    progress = _progress(client, tenant, pathway["id"])
    assert (progress["complete"], progress["met"], progress["required"]) == (False, 1, 2)
    assert progress["requirements"][0]["credentials"] == [first["id"]]
    assert progress["requirements"][1]["credentials"] == []
    assert _composites(app, role_pathway["composite"]) == []
    second = award(client, tenant, role_pathway["teamwork"], email="Ada@Example.org")
    [composite] = _composites(app, role_pathway["composite"])
    document = json.loads(composite.document)
    assert sorted(item["id"] for item in document["evidence"]) == sorted(
        [first["id"], second["id"]])
    assert composite.learner_email == "ada@example.org"
    progress = _progress(client, tenant, pathway["id"], "ADA@example.org")
    assert progress["complete"] is True
    assert progress["credential"] == composite.credential_id
    # Holding more (another credential of a required badge) awards nothing new.
    award(client, tenant, role_pathway["teamwork"])
    assert len(_composites(app, role_pathway["composite"])) == 1
    # Another learner's progress is their own.
    assert _progress(client, tenant, pathway["id"], "grace@example.org")["met"] == 0


def test_two_racing_awards_of_the_last_requirements_award_the_composite_once(
        app: Flask, client: FlaskClient, server: str, tenant: Tenant,
        role_pathway: dict[str, Any]) -> None:
    learner = {"email": "ada@example.org"}
    for _ in range(3):  # a few rounds, a new learner each, to give the race its chances
        results = post_at_once(f"{server}/api/v1/credentials", tenant.headers, [
            {"achievement": role_pathway["critical"], "learner": learner},
            {"achievement": role_pathway["teamwork"], "learner": learner}])
        assert [status for status, _, _ in results] == [201, 201], results
        learner = {"email": f"x{len(learner['email'])}{learner['email']}"}
    with context_of(app).sessions() as session:
        composites = session.scalar(
            select(func.count(func.distinct(CredentialRecord.learner_key)))
            .where(CredentialRecord.achievement.has(public_id=role_pathway["composite"])))
        total = session.scalar(select(func.count()).select_from(CredentialRecord).where(
            CredentialRecord.achievement.has(public_id=role_pathway["composite"])))
    assert (composites, total) == (3, 3)


def test_credentials_of_accepted_providers_count_once_they_consent(
        app: Flask, client: FlaskClient, tenant: Tenant) -> None:
    partner = create_tenant(client, operator_token(app, client), "beta", **COUNTRY)
    partner_badge = _badge(client, partner, "Partner module")
    own_badge = _badge(client, tenant, "Own module")
    composite = _badge(client, tenant, "Joint programme")
    pathway = _pathway(client, tenant, name="Joint programme", achievement=composite,
                       achievements=[own_badge, partner_badge], acceptedProviders=["beta"])
    assert pathway["acceptedProviders"] == ["alpha", "beta"]
    award(client, tenant, own_badge)
    partner_credential = award(client, partner, partner_badge)
    # Without beta's consent, alpha's pathway neither sees nor awards on beta's credentials.
    assert _composites(app, composite) == []
    progress = _progress(client, tenant, pathway["id"])
    assert progress["requirements"][1] == {"achievement": partner_badge, "met": False,
                                           "credentials": []}
    consent = client.put("/api/v1/provider/pathway-partners", headers=partner.headers,
                         json={"providers": ["alpha"]})
    assert json_of(consent) == {"providers": ["alpha"]}
    assert_schema(json_of(consent), "PathwayPartners")
    assert _progress(client, tenant, pathway["id"])["requirements"][1]["credentials"] == [
        partner_credential["id"]]
    award(client, partner, partner_badge)  # the partner's next award completes it
    [credential] = _composites(app, composite)
    assert json.loads(credential.document)["issuer"]["id"] == tenant.provider["issuerId"]
    # Without acceptance, a provider's microbadge cannot even be named.
    body = assert_problem(client.post("/api/v1/pathways", headers=tenant.headers, json={
        "name": "X", "achievement": composite, "achievements": [partner_badge]}), 422,
        "invalid_input")
    assert body["errors"] == [{"pointer": "/achievements/0", "detail": "no microbadge of this "
                               f"or an accepted provider with id {partner_badge!r}"}]
    assert_problem(client.put("/api/v1/provider/pathway-partners", headers=partner.headers,
                              json={"providers": ["beta"]}), 422, "invalid_input")
    withdrawn = client.put("/api/v1/provider/pathway-partners", headers=partner.headers,
                           json={"providers": []})
    assert json_of(withdrawn) == {"providers": []}
    assert _progress(client, tenant, pathway["id"])["requirements"][1]["credentials"] == []


def test_revoked_and_expired_credentials_do_not_count(client: FlaskClient, tenant: Tenant,
                                                      role_pathway: dict[str, Any]) -> None:
    critical = award(client, tenant, role_pathway["critical"])
    path = f"/api/v1/credentials/{critical['id'].removeprefix('urn:uuid:')}/revoke"
    assert client.post(path, headers=tenant.headers,
                       json={"reason": "test"}).status_code == 200
    assert _progress(client, tenant, role_pathway["pathway"]["id"])["met"] == 0


@pytest.mark.parametrize(("body", "pointer"), [
    ({"jobRole": {**ROLE, "code": "NOPE"}}, "/jobRole"),
    ({"skills": [_skill("NOPE", "expert")]}, "/skills/0/competence"),
    ({"skills": [_skill("PASS-KC-TEAMWORK", "guru")]}, "/skills/0/level"),
    ({"acceptedProviders": ["nobody"], "jobRole": ROLE}, "/acceptedProviders/0"),
    ({}, "/achievements"),
])
def test_bad_pathways_are_refused(client: FlaskClient, tenant: Tenant,
                                  body: dict[str, Any], pointer: str) -> None:
    composite = _badge(client, tenant, "Composite")
    problem = assert_problem(client.post("/api/v1/pathways", headers=tenant.headers, json={
        "name": "P", "achievement": composite, **body}), 422, "invalid_input")
    assert problem["errors"][0]["pointer"] == pointer


def test_pathways_are_listed_and_read(client: FlaskClient, tenant: Tenant,
                                      role_pathway: dict[str, Any]) -> None:
    pathway = role_pathway["pathway"]
    listed = json_of(client.get("/api/v1/pathways", headers=tenant.headers))
    assert_schema(listed, "PathwayList")
    assert listed["items"] == [pathway]
    assert json_of(client.get(f"/api/v1/pathways/{pathway['id']}",
                              headers=tenant.headers)) == pathway
    assert pathway["jobRole"] == ROLE
    assert_problem(client.get(f"/api/v1/pathways/{pathway['id']}/progress",
                              headers=tenant.headers), 422, "invalid_request")
