"""The demo seed: idempotent, safe under concurrent starts, secrets derived and never stored."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from issuer.app import create_app
from issuer.auth.clients import secret_matches
from issuer.auth.models import ApiClientRecord
from issuer.microbadges.models import AchievementRecord
from issuer.platform.settings import Settings, SettingsError
from issuer.providers.models import ProviderRecord
from issuer.seed import DEMO_SLUG, demo_clients, seed_demo
from tests.issuer.support import (
    ApiClient,
    ServiceFetcher,
    TestClock,
    bearer,
    context_of,
    fetch_token,
    json_of,
)
from verifier.verify import VerifierOptions, verify_credential


def _counts(app: Flask) -> tuple[int, int, int]:
    with context_of(app).sessions() as session:
        return (session.scalar(select(func.count()).select_from(ProviderRecord)) or 0,
                session.scalar(select(func.count()).select_from(AchievementRecord)) or 0,
                session.scalar(select(func.count()).select_from(ApiClientRecord)) or 0)


def test_creating_the_app_twice_seeds_once(demo_app: Flask, demo_settings: Settings,
                                           clock: TestClock) -> None:
    assert _counts(demo_app) == (1, 3, 2)
    clock.advance(days=1)
    again = create_app(demo_settings, clock=clock, migrate=False)
    try:
        assert _counts(again) == (1, 3, 2)
        assert demo_clients(context_of(again)) == demo_clients(context_of(demo_app))
    finally:
        context_of(again).engine.dispose()


def test_concurrent_seeders_create_one_demo_provider(demo_settings: Settings,
                                                     clock: TestClock) -> None:
    app = create_app(dataclasses.replace(demo_settings, demo=False), clock=clock,
                     migrate=False)
    context = context_of(app)

    def seed(_: int) -> None:
        with context.sessions() as session:
            seed_demo(session, context)

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(seed, range(4)))
        assert _counts(app) == (1, 3, 2)
    finally:
        context.engine.dispose()


def test_the_demo_clients_work_and_only_their_hashes_are_stored(demo_app: Flask) -> None:
    provider_client, operator_client = demo_clients(context_of(demo_app))
    assert provider_client.secret != operator_client.secret
    assert provider_client.secret not in repr(provider_client)
    with context_of(demo_app).sessions() as session:
        stored = {record.client_id: record for record in session.scalars(
            select(ApiClientRecord))}
    for demo in (provider_client, operator_client):
        record = stored[demo.client_id]
        assert demo.secret not in record.secret_hash
        assert secret_matches(demo.secret, record.secret_hash)
        assert record.scope == demo.scope
    assert stored[operator_client.client_id].provider_id is None

    client = demo_app.test_client()
    token = fetch_token(client, ApiClient(provider_client.client_id, provider_client.secret))
    assert token
    response = client.get("/api/v1/provider", headers=bearer(token))
    assert response.status_code == 200, json_of(response)
    assert json_of(response)["slug"] == DEMO_SLUG


def test_the_demo_secret_depends_on_the_service_secret(demo_app: Flask,
                                                       demo_settings: Settings) -> None:
    context = context_of(demo_app)
    other_secret_file = demo_settings.instance_path / "other.key"
    other = dataclasses.replace(context, settings=dataclasses.replace(
        demo_settings, secret_file=other_secret_file))
    assert {client.secret for client in demo_clients(other)}.isdisjoint(
        client.secret for client in demo_clients(context))


def test_the_demo_provider_and_its_microbadges(demo_app: Flask,
                                               demo_settings: Settings) -> None:
    client = demo_app.test_client()
    profile = json_of(client.get(f"/issuers/{DEMO_SLUG}"))
    base = demo_settings.base_url
    assert profile["id"] == f"did:web:{base.removeprefix('https://')}:issuers:{DEMO_SLUG}"
    assert profile["name"] == "Demo Automotive Academy"
    assert profile["url"] == f"{base}/issuers/{DEMO_SLUG}"
    assert profile["email"] == "demo-academy@example.org"
    assert profile["address"]["addressCountryCode"] == "DE"
    assert profile["description"]
    with context_of(demo_app).sessions() as session:
        public_ids = list(session.scalars(
            select(AchievementRecord.public_id).order_by(AchievementRecord.id)))
    documents: list[dict[str, Any]] = [json_of(client.get(f"/achievements/{public_id}"))
                                       for public_id in public_ids]
    assert len(documents) == 3
    target_types: set[str] = set()
    for document in documents:
        assert document["achievementType"] == "MicroCredential"
        assert document["criteria"]["narrative"]
        target_types.update(item["targetType"] for item in document["alignment"])
        for item in document["alignment"]:
            assert item["type"] == ["Alignment"]
    assert target_types == {
        "ext:PASSCompetence", "ext:ESCOSkill", "ext:EQFLevel", "ext:ESCOOccupation",
        "ext:CreditSystem", "ext:AssessmentType", "ext:ModeOfLearning",
        "ext:QualityAssurance", "ext:SupervisionAndVerification"}
    urls = {item["targetUrl"] for document in documents for item in document["alignment"]}
    assert "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d" in urls
    assert "http://data.europa.eu/snb/eqf/4" in urls
    assert f"{base}/frameworks/asa-skills/2026.1/competences/PASS-KC-TEAMWORK" in urls
    # Every framework alignment resolves on the service, as HTML and as JSON-LD.
    for url in sorted(url for url in urls if url.startswith(base)):
        path = url.removeprefix(base).split("#")[0]
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, url
        assert client.get(path).status_code == 200, url


def test_every_demo_microbadge_can_be_awarded_and_verifies(demo_app: Flask,
                                                           clock: TestClock) -> None:
    provider_client, _ = demo_clients(context_of(demo_app))
    client = demo_app.test_client()
    token = fetch_token(client, ApiClient(provider_client.client_id, provider_client.secret))
    with context_of(demo_app).sessions() as session:
        public_ids = list(session.scalars(select(AchievementRecord.public_id)))
    for public_id in public_ids:
        awarded = client.post("/api/v1/credentials", headers=bearer(token), json={
            "achievement": public_id, "learner": {"email": "learner@example.org"}})
        assert awarded.status_code == 201, json_of(awarded)
        document = client.get(urlsplit(json_of(awarded)["documentUrl"]).path,
                              headers=bearer(token))
        report = verify_credential(document.get_data(), VerifierOptions(
            clock=clock, fetcher=ServiceFetcher(client), require_issuer=True))
        assert report.verified, report.to_json()


def test_another_secret_file_is_refused_at_start_up(demo_app: Flask, demo_settings: Settings,
                                                    clock: TestClock) -> None:
    # The stored keys were encrypted under the first secret: a second instance folder (or a
    # lost secret file) must stop the start, not fail every award later.
    other = dataclasses.replace(demo_settings, secret_file=demo_settings.instance_path
                                / "other" / "secret.key")
    with pytest.raises(SettingsError, match=r"MICROBADGES_SECRET_FILE \(.*\) does not hold "
                                            r"the secret the stored signing keys"):
        create_app(other, clock=clock, migrate=False)
