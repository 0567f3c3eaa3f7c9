"""Microbadge routes: a provider defines, lists, reads and replaces its microbadges (OB 3.0
Achievements) and uploads their images. Another provider's microbadge is "not found"."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Final

from flask import Response, jsonify, request

from badges.errors import InvalidDocumentError
from badges.micro_credential import EuElements
from badges.model import Alignment
from issuer.api.blueprint import api
from issuer.api.representation import achievement_view
from issuer.api.requests import Query, json_body, next_page_url, read_body
from issuer.api.tenancy import current_provider
from issuer.auth.clients import Scope
from issuer.microbadges.images import IMAGE_MEDIA_TYPES, store_image
from issuer.microbadges.services import (
    AchievementInput,
    GradingInput,
    SkillInput,
    create_achievement,
    find_achievement,
    list_achievements,
    set_achievement_image,
    update_achievement,
)
from issuer.platform.errors import InvalidInputError
from issuer.platform.urls import api_achievement_url
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem

__all__ = ["achievement_input"]

SCOPE: Final = Scope.ACHIEVEMENTS
DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200


def _alignment(index: int, item: dict[str, Any]) -> Alignment:
    try:
        return Alignment(target_name=item["targetName"], target_url=item["targetUrl"],
                         target_code=item.get("targetCode"),
                         target_description=item.get("targetDescription"),
                         target_framework=item.get("targetFramework"),
                         target_type=item.get("targetType"))
    except InvalidDocumentError as error:
        raise InvalidInputError(error.message, pointer=f"/alignment/{index}") from None


def _credits(value: float | None) -> Decimal | None:
    if value is None:
        return None
    credits = Decimal(str(value))
    exponent = credits.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidInputError("creditsAvailable may have at most two decimal places",
                                pointer="/creditsAvailable")
    return credits


def achievement_input(body: dict[str, Any]) -> AchievementInput:
    """The service input of an `AchievementInput` body (already schema-checked).

    Raises InvalidInputError for values the OB 3.0 model refuses.
    """
    criteria = body["criteria"]
    validity_days = body.get("validityDays")
    return AchievementInput(
        name=body["name"],
        description=body["description"],
        criteria_narrative=criteria.get("narrative"),
        criteria_url=criteria.get("url"),
        achievement_type=body.get("achievementType"),
        image_caption=body.get("imageCaption"),
        alignment=tuple(_alignment(index, item)
                        for index, item in enumerate(body.get("alignment", []))),
        credits_available=_credits(body.get("creditsAvailable")),
        field_of_study=body.get("fieldOfStudy"),
        human_code=body.get("humanCode"),
        tags=tuple(body.get("tags", [])),
        in_language=body.get("inLanguage"),
        validity_days=int(validity_days) if validity_days is not None else None,
        skills=tuple(SkillInput(item["framework"], item["version"], item["competence"],
                                item["level"]) for item in body.get("skills", [])),
        elements=EuElements(
            learning_outcomes=tuple(body.get("learningOutcomes", [])),
            eqf_level=body.get("eqfLevel"), assessment=body.get("assessment"),
            participation=body.get("participation"),
            quality_assurance=body.get("qualityAssurance"),
            quality_assurance_url=body.get("qualityAssuranceUrl"),
            supervision=body.get("supervision"), prerequisites=body.get("prerequisites"),
            stackability=body.get("stackability"),
            further_information=body.get("furtherInformation")),
        grading=_grading(body.get("grading")),
    )


def _grading(value: dict[str, Any] | None) -> GradingInput | None:
    if value is None:
        return None
    return GradingInput(name=value["name"], result_type=value["resultType"],
                        allowed_values=tuple(value.get("allowedValues", [])))


def _location(public_id: str) -> str:
    return api_achievement_url(issuer_context().base_url, public_id)


@api.post("/achievements")
def create_achievement_route() -> tuple[Response, int, dict[str, str]]:
    """Define a microbadge."""
    provider = current_provider(SCOPE)
    data = achievement_input(json_body("AchievementInput"))
    context = issuer_context()
    record = create_achievement(db_session(), provider, data, base_url=context.base_url,
                                clock=context.clock)
    db_session().commit()
    return (jsonify(achievement_view(record, context.base_url)), 201,
            {"Location": _location(record.public_id)})


@api.get("/achievements")
def list_achievements_route() -> Response:
    """The provider's microbadges, newest first, a page at a time."""
    provider = current_provider(SCOPE)
    query = Query()
    limit = query.integer("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)
    after = query.cursor()
    query.finish()
    records = list_achievements(db_session(), provider, limit=limit + 1, after=after)
    base_url = issuer_context().base_url
    page: dict[str, Any] = {"items": [achievement_view(record, base_url)
                                      for record in records[:limit]]}
    if len(records) > limit:
        page["next"] = next_page_url(records[limit - 1].id)
    return jsonify(page)


@api.get("/achievements/<uuid:achievement_id>")
def get_achievement_route(achievement_id: uuid.UUID) -> Response:
    """One of the provider's microbadges."""
    provider = current_provider(SCOPE)
    record = find_achievement(db_session(), provider, str(achievement_id))
    return jsonify(achievement_view(record, issuer_context().base_url))


@api.put("/achievements/<uuid:achievement_id>")
def replace_achievement_route(achievement_id: uuid.UUID) -> Response:
    """Replace a microbadge's definition (credentials already issued keep theirs)."""
    provider = current_provider(SCOPE)
    record = find_achievement(db_session(), provider, str(achievement_id))
    data = achievement_input(json_body("AchievementInput"))
    context = issuer_context()
    update_achievement(db_session(), provider, record, data, base_url=context.base_url,
                       clock=context.clock)
    db_session().commit()
    return jsonify(achievement_view(record, context.base_url))


@api.put("/achievements/<uuid:achievement_id>/image")
def put_achievement_image_route(achievement_id: uuid.UUID) -> Response:
    """Upload the microbadge's image: the raw PNG or SVG bytes as the body."""
    provider = current_provider(SCOPE)
    record = find_achievement(db_session(), provider, str(achievement_id))
    if request.mimetype not in IMAGE_MEDIA_TYPES:
        raise ApiProblem("unsupported_media_type", "send the image itself as the body, with "
                         "Content-Type " + " or ".join(IMAGE_MEDIA_TYPES))
    context = issuer_context()
    image = store_image(db_session(), provider, read_body(),
                        request.mimetype, clock=context.clock)
    set_achievement_image(record, image, clock=context.clock)
    db_session().commit()
    return jsonify(achievement_view(record, context.base_url))
