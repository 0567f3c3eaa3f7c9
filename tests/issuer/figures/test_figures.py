"""Upskilling figures against a brute-force count of the same rows, on SQLite and
PostgreSQL; the API's tenancy (a provider sees its own credentials only), CSV, target."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from issuer.app import create_app
from issuer.awards.models import CredentialRecord, CredentialState
from issuer.awards.queries import learner_key
from issuer.figures.services import (
    DIMENSIONS,
    PERIODS,
    Figure,
    FigureQuery,
    answer_figures,
    compute_figures,
    refresh_figures,
)
from issuer.frameworks.json_format import framework_input_from_json
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord, JobRoleRecord
from issuer.frameworks.services import import_framework
from issuer.microbadges.models import AchievementRecord, AchievementSkillRecord
from issuer.platform.settings import Settings
from issuer.providers.models import ProviderRecord
from issuer.seed import DEMO_FRAMEWORK
from tests.issuer.api_setup import (
    assert_problem,
    assert_schema,
    award,
    create_tenant,
    operator_token,
)
from tests.issuer.support import TestClock, bearer, context_of, json_of

NOW = datetime(2026, 6, 1, tzinfo=UTC)
STATES = [state.value for state in CredentialState]


def _period(issued: datetime, period: str | None) -> str | None:
    if period == "month":
        return issued.strftime("%Y-%m")
    if period == "quarter":
        return f"{issued.year}-Q{(issued.month + 2) // 3}"
    if period == "year":
        return str(issued.year)
    return None


@pytest.fixture
def world(app: Flask) -> Iterator[Session]:
    """Three providers in two countries, microbadges with skills at various levels, and
    400 credentials of random learners, dates and states (some without a learner key)."""
    rng = random.Random(20261201)
    context = context_of(app)
    with context.sessions() as session:
        import_framework(session, framework_input_from_json(json.loads(
            DEMO_FRAMEWORK.read_text(encoding="utf-8"))), owner=None, clock=context.clock)
        competences = {record.code: record for record in session.scalars(
            select(CompetenceRecord))}
        providers = []
        for slug, country in (("north", "DE"), ("south", "IT"), ("east", "DE")):
            provider = ProviderRecord(slug=slug, issuer_id=f"did:web:x:{slug}",
                                      identifier_method="did:web", name=slug.title(),
                                      address={"address_country_code": country},
                                      created_at=NOW)
            session.add(provider)
            providers.append(provider)
        session.flush()
        achievements = []
        skill_sets = [[("PASS-KC-TEAMWORK", "awareness")], [("PASS-KC-TEAMWORK", "expert")],
                      [("PASS-KC-CRITICAL-THINKING", "practitioner"),
                       ("PASS-KC-TEAMWORK", "practitioner")],
                      [("PASS-KC-LEADERSHIP", "practitioner"),
                       ("PASS-KC-COMMUNICATION", "awareness")], []]
        for index, skills in enumerate(skill_sets * 2):
            record = AchievementRecord(
                public_id=str(uuid.uuid4()), provider_id=providers[index % 3].id,
                name=f"Badge {index}", description="d", alignment=[], tags=[],
                created_at=NOW, updated_at=NOW,
                skills=[AchievementSkillRecord(competence=competences[code], level=level)
                        for code, level in skills])
            session.add(record)
            achievements.append(record)
        session.flush()
        learners = [f"learner{index}@example.org" for index in range(60)]
        rows = []
        for index in range(400):
            achievement = rng.choice([*achievements, None])
            email = rng.choice([*learners, None]) if achievement is not None else None
            rows.append({
                "credential_id": f"urn:uuid:{uuid.UUID(int=index)}",
                "provider_id": (achievement.provider_id if achievement is not None
                                else rng.choice(providers).id),
                "achievement_id": achievement.id if achievement is not None else None,
                "kind": "award", "state": rng.choice(STATES), "learner_email": email,
                "learner_key": learner_key(email, None) if email else None,
                "issued_at": datetime(2025, 1, 1, tzinfo=UTC)
                + timedelta(hours=rng.randrange(24 * 540)),
                "verification_method": "did:web:x#key", "document": "{}"})
        session.execute(insert(CredentialRecord), rows)
        session.commit()
        yield session


def _brute_force(session: Session, query: FigureQuery) -> list[Figure]:
    """Count the same thing row by row in Python."""
    providers = {record.id: record for record in session.scalars(select(ProviderRecord))}
    skills: dict[int, list[AchievementSkillRecord]] = defaultdict(list)
    for skill in session.scalars(select(AchievementSkillRecord)):
        skills[skill.achievement_id].append(skill)
    roles = list(session.scalars(select(JobRoleRecord).order_by(JobRoleRecord.id)))
    groups: dict[tuple[Any, str | None], tuple[set[int], set[int]]] = {}
    for record in session.scalars(select(CredentialRecord)):
        if record.state not in ("active", "suspended") or record.achievement_id is None:
            continue
        if query.start and record.issued_at < query.start:
            continue
        if query.end and record.issued_at >= query.end:
            continue
        if query.provider_id is not None and record.provider_id != query.provider_id:
            continue
        own = skills.get(record.achievement_id or 0, [])
        keys: list[Any] = []
        if query.by == "total":
            keys = [()]
        elif query.by == "provider":
            keys = [(("provider", providers[record.provider_id].slug),
                     ("name", providers[record.provider_id].name))]
        elif query.by == "country":
            address = providers[record.provider_id].address or {}
            keys = [(("country", address["address_country_code"]),)]
        elif query.by == "competence":
            keys = [(("framework", s.competence.framework.slug),
                     ("version", s.competence.framework.version),
                     ("competence", s.competence.code), ("name", s.competence.name))
                    for s in own]
        elif query.by == "framework":
            keys = list({(("framework", s.competence.framework.slug),
                          ("version", s.competence.framework.version),
                          ("name", s.competence.framework.name)) for s in own})
        else:
            for role in roles:
                levels = [level["code"] for level in role.framework.levels]
                if any(s.competence.code == need["competence"]
                       and levels.index(s.level) >= levels.index(need["level"])
                       for s in own for need in role.requirements):
                    keys.append((("framework", role.framework.slug),
                                 ("version", role.framework.version),
                                 ("jobRole", role.code), ("name", role.name)))
        for key in keys:
            learners, credentials = groups.setdefault(
                (key, _period(record.issued_at, query.period)), (set(), set()))
            if record.learner_key is not None:
                learners.add(record.learner_key)
            credentials.add(record.id)
    return [Figure(dict(key), period, len(learners), len(credentials))
            for (key, period), (learners, credentials) in groups.items()]


def _canonical(figures: list[Figure]) -> list[tuple[str, str, int, int]]:
    return sorted((json.dumps(figure.key, sort_keys=True), figure.period or "",
                   figure.learners, figure.credentials) for figure in figures)


@pytest.mark.parametrize("by", DIMENSIONS)
def test_figures_match_a_brute_force_count(world: Session, by: str) -> None:
    north = world.scalar(select(ProviderRecord.id).where(ProviderRecord.slug == "north"))
    for period in (None, *PERIODS):
        for query in (FigureQuery(by=by, period=period),
                      FigureQuery(by=by, period=period, provider_id=north,
                                  start=datetime(2025, 4, 1, tzinfo=UTC),
                                  end=datetime(2026, 1, 1, tzinfo=UTC))):
            computed = compute_figures(world, query)
            assert _canonical(computed) == _canonical(_brute_force(world, query)), query
            if by != "total":
                assert computed, query  # the world has something to count for each


def test_snapshots_answer_what_a_live_count_answers_as_of_their_refresh(
        world: Session) -> None:
    assert answer_figures(world, FigureQuery(by="competence"))[1] is None  # none stored yet
    timings = refresh_figures(world, lambda: NOW)
    assert len(timings) == len(DIMENSIONS) * (1 + len(PERIODS))
    for by in DIMENSIONS:
        for period in (None, *PERIODS):
            query = FigureQuery(by=by, period=period)
            figures, as_of = answer_figures(world, query)
            assert as_of == NOW
            assert _canonical(figures) == _canonical(_brute_force(world, query)), query
    # A provider's figures, a date window and live=True are always counted now.
    assert answer_figures(world, FigureQuery(by="total"), live=True)[1] is None
    assert answer_figures(world, FigureQuery(by="total", provider_id=1))[1] is None
    assert answer_figures(world, FigureQuery(by="total", start=NOW))[1] is None


def test_the_world_exercises_what_is_excluded(world: Session) -> None:
    states = set(world.scalars(select(CredentialRecord.state)))
    assert states == set(STATES)
    assert world.scalar(select(FrameworkRecord.slug)) == "asa-skills"


def test_the_api_counts_a_providers_own_credentials_only(app: Flask,
                                                         client: FlaskClient) -> None:
    operator = operator_token(app, client)
    alpha = create_tenant(client, operator, "alpha")
    beta = create_tenant(client, operator, "beta")
    achievement = client.post("/api/v1/achievements", headers=alpha.headers, json={
        "name": "A", "description": "A", "criteria": {"narrative": "A"}})
    for email in ("a@example.org", "b@example.org", "a@example.org"):
        award(client, alpha, json_of(achievement)["id"], email=email)
    own = json_of(client.get("/api/v1/figures?by=provider&period=year", headers=alpha.headers))
    assert_schema(own, "Figures")
    assert own["scope"] == "alpha"
    assert own["figures"] == [{"provider": "alpha", "name": "Alpha Academy", "period": "2026",
                               "learners": 2, "credentials": 3}]
    assert json_of(client.get("/api/v1/figures?by=provider",
                              headers=beta.headers))["figures"] == []
    everyone = json_of(client.get("/api/v1/figures", headers=bearer(operator)))
    assert everyone["scope"] == "all providers"
    assert everyone["figures"] == [{"learners": 2, "credentials": 3}]
    assert everyone["live"] is True  # no snapshot yet
    with context_of(app).sessions() as session:
        refresh_figures(session, context_of(app).clock)
    award(client, alpha, json_of(achievement)["id"], email="c@example.org")
    stored = json_of(client.get("/api/v1/figures", headers=bearer(operator)))
    assert (stored["live"], stored["figures"]) == (False, [{"learners": 2, "credentials": 3}])
    assert stored["asOf"] == "2026-03-02T09:30:00Z"
    live = json_of(client.get("/api/v1/figures?live=true", headers=bearer(operator)))
    assert live["figures"] == [{"learners": 3, "credentials": 4}]
    as_csv = client.get("/api/v1/figures?by=provider&format=csv", headers=alpha.headers)
    assert list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True)))) == [
        {"provider": "alpha", "name": "Alpha Academy", "period": "", "learners": "3",
         "credentials": "4"}]  # a provider's own figures are always counted live
    problem = assert_problem(client.get("/api/v1/figures?by=planet", headers=alpha.headers),
                             422, "invalid_request")
    assert problem["errors"][0]["parameter"] == "by"
    assert_problem(client.get("/api/v1/figures"), 401, "unauthorized")


@pytest.fixture
def target_app(settings: Settings, clock: TestClock) -> Iterator[Flask]:
    """An app whose settings name a workforce of 400 (5% a year: 20 learners)."""
    app = create_app(dataclasses.replace(settings, workforce_size=400), clock=clock,
                     migrate=False)
    yield app
    context_of(app).engine.dispose()


def test_progress_against_the_target(target_app: Flask) -> None:
    app, client = target_app, target_app.test_client()
    operator = operator_token(app, client)
    alpha = create_tenant(client, operator, "alpha")
    achievement = client.post("/api/v1/achievements", headers=alpha.headers, json={
        "name": "A", "description": "A", "criteria": {"narrative": "A"}})
    award(client, alpha, json_of(achievement)["id"], email="a@example.org")
    body = json_of(client.get("/api/v1/figures", headers=bearer(operator)))
    assert body["target"] == {"workforce": 400, "annualPercent": 5, "annualTarget": 20,
                              "years": [{"year": "2026", "learners": 1, "progress": 0.05}]}
