"""Microbadge API: define, read, list page by page, replace, upload images. Runs on SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.issuer.api_setup import (
    MakeTenant,
    Tenant,
    achievement_body,
    assert_problem,
    assert_schema,
    award,
    create_achievement,
    png,
    row_counts,
    send_chunked,
)
from tests.issuer.support import BASE_URL, TestClock, json_of

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
       b'<circle cx="32" cy="32" r="30" fill="#0a5"/></svg>')
FULL = {
    "achievementType": "MicroCredential", "imageCaption": "The badge",
    "alignment": [{"targetName": "automotive engineer", "targetType": "ext:ESCOOccupation",
                   "targetUrl": "http://data.europa.eu/esco/occupation/"
                                "8d410283-865d-4cbb-acae-ac7f69d9cf26",
                   "targetCode": "2144.1.3", "targetFramework": "ESCO v1.2",
                   "targetDescription": "The occupation this microbadge prepares for"}],
    "learningOutcomes": ["Works safely on high-voltage systems."], "eqfLevel": 4,
    "assessment": "practical-test", "participation": "onsite", "qualityAssurance": "internal",
    "creditsAvailable": 1.5, "fieldOfStudy": "Automotive engineering", "humanCode": "HV-1",
    "tags": ["high-voltage", "safety"], "inLanguage": "en", "validityDays": 730,
}


@pytest.fixture
def tenant(make_tenant: MakeTenant) -> Tenant:
    return make_tenant(address={"addressCountry": "Germany", "addressCountryCode": "DE"})


def test_define_and_read_a_microbadge(client: FlaskClient, tenant: Tenant) -> None:
    response = client.post("/api/v1/achievements", headers=tenant.headers,
                           json=achievement_body(**FULL))
    assert response.status_code == 201, response.get_data(as_text=True)
    view = json_of(response)
    assert_schema(view, "Achievement")
    url = f"{BASE_URL}/achievements/{view['id']}"
    assert response.headers["Location"] == f"{BASE_URL}/api/v1/achievements/{view['id']}"
    assert view["url"] == url
    assert view["validityDays"] == 730
    assert view["createdAt"] == view["updatedAt"] == "2026-03-02T09:30:00Z"
    achievement = view["achievement"]
    assert achievement["id"] == url
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["creditsAvailable"] == 1.5
    assert achievement["tag"] == ["high-voltage", "safety"]
    assert [item["targetType"] for item in achievement["alignment"]] == [
        "ext:ESCOOccupation", "ext:EQFLevel", "ext:CreditSystem", "ext:AssessmentType",
        "ext:ModeOfLearning", "ext:QualityAssurance"]
    # The public id URL serves the same document, and the API reads it back unchanged.
    assert json_of(client.get(urlsplit(url).path)) == achievement
    assert json_of(client.get(f"/api/v1/achievements/{view['id']}",
                              headers=tenant.headers)) == view


def test_replace_keeps_issued_credentials_unchanged(app: Flask, client: FlaskClient,
                                                    tenant: Tenant, clock: TestClock) -> None:
    view = create_achievement(client, tenant, **FULL)
    credential = award(client, tenant, view["id"])
    clock.advance(minutes=5)
    before = row_counts(app)
    replaced = client.put(f"/api/v1/achievements/{view['id']}", headers=tenant.headers,
                          json=achievement_body(name="Battery safety II",
                                                criteria={"url": "https://example.org/c"}))
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    assert row_counts(app) == before  # replaced in place
    body = json_of(replaced)
    assert_schema(body, "Achievement")
    assert body["achievement"]["name"] == "Battery safety II"
    assert body["achievement"]["criteria"] == {"id": "https://example.org/c"}
    assert "validityDays" not in body
    assert "tag" not in body["achievement"]
    assert (body["createdAt"], body["updatedAt"]) == ("2026-03-02T09:30:00Z",
                                                      "2026-03-02T09:35:00Z")
    stored = client.get(urlsplit(credential["documentUrl"]).path, headers=tenant.headers)
    assert (json_of(stored)["credentialSubject"]["achievement"]["name"]
            == "High-voltage battery safety")


@pytest.mark.parametrize(("media_type", "data"), [("image/png", png()),
                                                  ("image/svg+xml", SVG)])
def test_upload_an_image(client: FlaskClient, tenant: Tenant, media_type: str,
                         data: bytes) -> None:
    view = create_achievement(client, tenant, imageCaption="Our badge")
    response = client.put(f"/api/v1/achievements/{view['id']}/image", headers=tenant.headers,
                          data=data, content_type=media_type)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json_of(response)
    assert_schema(body, "Achievement")
    image = body["achievement"]["image"]
    assert image["type"] == "Image"
    assert image["caption"] == "Our badge"
    served = client.get(urlsplit(image["id"]).path)
    assert served.status_code == 200
    assert served.mimetype == media_type
    assert served.get_data() == data


def test_chunked_uploads_up_to_the_limit_are_whole(app: Flask, client: FlaskClient,
                                                  tenant: Tenant) -> None:
    view = create_achievement(client, tenant)
    limit = app.config["MAX_CONTENT_LENGTH"]
    data = SVG.replace(b"</svg>", b"<!--" + b" " * (limit - len(SVG) - 7) + b"--></svg>")
    assert len(data) == limit
    response = send_chunked(client, "PUT", f"/api/v1/achievements/{view['id']}/image", data,
                            "image/svg+xml", tenant.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    image = json_of(response)["achievement"]["image"]["id"]
    assert client.get(urlsplit(image).path).get_data() == data


@pytest.mark.parametrize(("content_type", "data", "status", "code"), [
    ("application/json", b'{"image": "x"}', 415, "unsupported_media_type"),
    ("image/jpeg", b"\xff\xd8\xff", 415, "unsupported_media_type"),
    ("image/png", b"not a png at all, really not", 422, "invalid_input"),
    ("image/png", png(5000, 1), 422, "invalid_input"),
    ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
     422, "invalid_input"),
    ("image/svg+xml", b'<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>', 422, "invalid_input"),
    ("image/png", b"", 422, "invalid_input"),
])
def test_bad_images_are_refused(app: Flask, client: FlaskClient, tenant: Tenant,
                                content_type: str, data: bytes, status: int,
                                code: str) -> None:
    view = create_achievement(client, tenant)
    before = row_counts(app)
    response = client.put(f"/api/v1/achievements/{view['id']}/image", headers=tenant.headers,
                          data=data, content_type=content_type)
    assert_problem(response, status, code)
    assert row_counts(app) == before


def test_list_is_paginated_newest_first(client: FlaskClient, tenant: Tenant) -> None:
    created = [create_achievement(client, tenant, name=f"Badge {index}")["id"]
               for index in range(5)]
    seen: list[str] = []
    url = "/api/v1/achievements?limit=2"
    pages = 0
    while True:
        response = client.get(url, headers=tenant.headers)
        assert response.status_code == 200
        page: dict[str, Any] = json_of(response)
        assert_schema(page, "AchievementList")
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        if "next" not in page:
            break
        assert page["next"].startswith(f"{BASE_URL}/api/v1/achievements?limit=2&cursor=")
        url = page["next"]
    assert pages == 3
    assert seen == list(reversed(created))


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=x", "cursor=bogus",
                                   "cursor=YWZ0ZXI6MA", "page=2", "limit=1&limit=2"])
def test_bad_list_parameters_are_refused(client: FlaskClient, tenant: Tenant,
                                         query: str) -> None:
    body = assert_problem(client.get(f"/api/v1/achievements?{query}", headers=tenant.headers),
                          422, "invalid_request")
    assert body["errors"][0]["parameter"] == query.split("=")[0]


@pytest.mark.parametrize(("overrides", "pointer"), [
    ({"achievementType": "Sandwich"}, ""),
    ({"alignment": [{"targetName": "x", "targetUrl": "no uri"}]}, "/alignment/0"),
    ({"creditsAvailable": 1.234}, "/creditsAvailable"),
    ({"creditsAvailable": -1}, "/creditsAvailable"),
    ({"validityDays": 0}, "/validityDays"),
    ({"inLanguage": "english"}, "/inLanguage"),
    ({"criteria": {}}, "/criteria"),
    ({"name": " "}, ""),
    ({"tags": [""]}, "/tags/0"),
])
def test_invalid_definitions_are_refused(app: Flask, client: FlaskClient, tenant: Tenant,
                                         overrides: dict[str, Any], pointer: str) -> None:
    before = row_counts(app)
    response = client.post("/api/v1/achievements", headers=tenant.headers,
                           json=achievement_body(**overrides))
    assert response.status_code == 422
    body = assert_problem(response, 422, json_of(response)["code"])
    assert body["code"] in ("invalid_request", "invalid_input")
    if pointer:
        assert pointer in [error["pointer"] for error in body["errors"]]
    assert row_counts(app) == before
