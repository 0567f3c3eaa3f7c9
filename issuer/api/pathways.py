"""Pathways through the provider API: define them, read them, and a learner's progress."""

from __future__ import annotations

import uuid
from typing import Any, Final

from flask import Response, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.api.blueprint import api
from issuer.api.credentials import READ, achievement_reference
from issuer.api.representation import rfc3339
from issuer.api.requests import Query, json_body
from issuer.api.tenancy import current_provider
from issuer.auth.clients import Scope
from issuer.frameworks.models import CompetenceRecord
from issuer.frameworks.services import competence_url
from issuer.microbadges.models import AchievementRecord
from issuer.microbadges.services import SkillInput
from issuer.pathways.models import PathwayRecord
from issuer.pathways.services import PathwayInput, create_pathway, find_pathway, list_pathways
from issuer.pathways.services import pathway_progress as progress_of
from issuer.platform.errors import InvalidInputError
from issuer.platform.urls import api_pathway_url
from issuer.providers.models import ProviderRecord
from issuer.web.context import db_session, issuer_context

__all__ = ["SCOPE"]

SCOPE: Final = Scope.ACHIEVEMENTS


def _requirement_view(session: Session, requirement: dict[str, Any]) -> dict[str, Any]:
    base = issuer_context().base_url
    if "achievement_id" in requirement:
        record = session.get_one(AchievementRecord, requirement["achievement_id"])
        return {"achievement": record.public_id}
    competence = session.get_one(CompetenceRecord, requirement["competence_id"])
    framework = competence.framework
    return {"framework": framework.slug, "version": framework.version,
            "competence": competence.code, "level": requirement["level"],
            "url": competence_url(base, framework, competence.code)}


def _view(record: PathwayRecord) -> dict[str, Any]:
    session = db_session()
    view: dict[str, Any] = {
        "id": record.public_id, "name": record.name,
        "achievementId": record.achievement.public_id,
        "acceptedProviders": [item.provider.slug for item in record.accepted],
        "requirements": [_requirement_view(session, item) for item in record.requirements],
        "createdAt": rfc3339(record.created_at)}
    if record.description:
        view["description"] = record.description
    if record.job_role is not None:
        framework = record.job_role.framework
        view["jobRole"] = {"framework": framework.slug, "version": framework.version,
                           "code": record.job_role.code}
    return view


def _reference(value: str, pointer: str) -> str:
    found = achievement_reference(value)
    if found is None:
        raise InvalidInputError("must be the id (uuid) or URL of a microbadge",
                                pointer=pointer)
    return found


@api.post("/pathways")
def create_pathway_route() -> tuple[Response, int, dict[str, str]]:
    """Define a pathway: its composite microbadge is awarded when a learner holds every
    requirement."""
    provider = current_provider(SCOPE)
    body = json_body("PathwayInput")
    role = body.get("jobRole")
    data = PathwayInput(
        name=body["name"], description=body.get("description"),
        achievement_id=_reference(body["achievement"], "/achievement"),
        achievements=tuple(_reference(value, f"/achievements/{index}")
                           for index, value in enumerate(body.get("achievements", []))),
        skills=tuple(SkillInput(item["framework"], item["version"], item["competence"],
                                item["level"]) for item in body.get("skills", [])),
        job_role=(role["framework"], role["version"], role["code"]) if role else None,
        accepted_providers=tuple(body.get("acceptedProviders", [])))
    context = issuer_context()
    record = create_pathway(db_session(), provider, data, clock=context.clock)
    db_session().commit()
    return (jsonify(_view(record)), 201,
            {"Location": api_pathway_url(context.base_url, record.public_id)})


@api.get("/pathways")
def list_pathways_route() -> Response:
    """The provider's pathways."""
    provider = current_provider(SCOPE)
    return jsonify({"items": [_view(record)
                              for record in list_pathways(db_session(), provider)]})


@api.get("/pathways/<uuid:pathway_id>")
def get_pathway_route(pathway_id: uuid.UUID) -> Response:
    """One of the provider's pathways."""
    provider = current_provider(SCOPE)
    return jsonify(_view(find_pathway(db_session(), provider, str(pathway_id))))


@api.get("/pathways/<uuid:pathway_id>/progress")
def pathway_progress_route(pathway_id: uuid.UUID) -> Response:
    """Where a learner (`?learner=` e-mail address or DID) stands on a pathway."""
    provider = current_provider(READ)
    query = Query()
    learner = query.text("learner")
    if learner is None:
        query.fail("learner", "is required: the learner's e-mail address or DID")
    query.finish()
    if learner is None:  # finish() raised: the parameter is required
        raise InvalidInputError("learner is required", pointer="/learner")
    session = db_session()
    record = find_pathway(session, provider, str(pathway_id))
    is_did = learner.strip().startswith("did:")
    progress = progress_of(session, record, email=None if is_did else learner,
                           did=learner if is_did else None, now=issuer_context().clock())
    view: dict[str, Any] = {
        "pathway": record.public_id, "complete": progress.complete,
        "met": sum(item.met for item in progress.requirements),
        "required": len(progress.requirements),
        "requirements": [{**_requirement_view(session, item.requirement), "met": item.met,
                          "credentials": list(item.credentials)}
                         for item in progress.requirements]}
    if progress.completed_by is not None:
        view["credential"] = progress.completed_by
    return jsonify(view)


def _partners_view(provider: ProviderRecord) -> dict[str, Any]:
    session = db_session()
    ids = list(provider.pathway_partners or [])
    slugs = {record.id: record.slug for record in session.scalars(
        select(ProviderRecord).where(ProviderRecord.id.in_(ids)))} if ids else {}
    return {"providers": sorted(slugs[item] for item in ids if item in slugs)}


@api.get("/provider/pathway-partners")
def get_pathway_partners_route() -> Response:
    """The providers whose pathways may count this provider's credentials."""
    return jsonify(_partners_view(current_provider(Scope.PROVIDER)))


@api.put("/provider/pathway-partners")
def put_pathway_partners_route() -> Response:
    """Consent (or withdraw it) to partners' pathways counting this provider's
    credentials: `{"providers": [slug, ...]}` replaces the list."""
    provider = current_provider(Scope.PROVIDER)
    body = json_body("PathwayPartners")
    session = db_session()
    ids = []
    for index, slug in enumerate(body["providers"]):
        partner = session.scalar(select(ProviderRecord).where(ProviderRecord.slug == slug))
        if partner is None or partner.id == provider.id:
            raise InvalidInputError(f"no other provider {slug!r}", pointer=f"/providers/{index}")
        if partner.id not in ids:
            ids.append(partner.id)
    provider.pathway_partners = ids
    session.commit()
    return jsonify(_partners_view(provider))
