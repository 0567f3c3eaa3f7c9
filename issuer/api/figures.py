"""Upskilling figures through the API: a provider's token counts its own credentials, an
operator's token (scope `figures`) counts every provider's, from the latest snapshot
(`asOf`; `microbadges figures --refresh` stores it) unless `live=true` or a date window is
asked for."""

from __future__ import annotations

from typing import Any, Final

from flask import Response, jsonify, request

from issuer.api.blueprint import api
from issuer.api.representation import rfc3339
from issuer.api.requests import Query
from issuer.auth.clients import Scope
from issuer.auth.oauth import require_token
from issuer.figures.services import (
    DIMENSIONS,
    PERIODS,
    FigureQuery,
    answer_figures,
    figures_csv,
    target_progress,
)
from issuer.providers.models import ProviderRecord
from issuer.web.context import db_session, issuer_context

__all__ = ["SCOPE"]

SCOPE: Final = Scope.FIGURES
CSV: Final = "text/csv"


@api.get("/figures")
def figures_route() -> Response:
    """Distinct learners and credentials, grouped by a dimension and a period."""
    client = require_token(SCOPE)
    query = Query()
    by = query.choice("by", DIMENSIONS) or "total"
    period = query.choice("period", PERIODS)
    start = query.timestamp("from")
    end = query.timestamp("to")
    wanted = query.choice("format", ("json", "csv"))
    live = query.choice("live", ("true", "false")) == "true"
    query.finish()
    session = db_session()
    context = issuer_context()
    figures, as_of = answer_figures(session, FigureQuery(
        by=by, period=period, start=start, end=end, provider_id=client.provider_id),
        live=live)
    if wanted == "csv" or (wanted is None and request.accept_mimetypes.best_match(
            ["application/json", CSV]) == CSV):
        response = Response(figures_csv(figures), mimetype=CSV)
        response.headers["Content-Disposition"] = f'attachment; filename="figures-{by}.csv"'
        return response
    settings = context.settings
    body: dict[str, Any] = {
        "by": by, "period": period, "asOf": rfc3339(as_of or context.clock()),
        "live": as_of is None,
        "scope": ("all providers" if client.provider_id is None
                  else session.get_one(ProviderRecord, client.provider_id).slug),
        "figures": [figure.to_json() for figure in figures]}
    target = target_progress(session, workforce=settings.workforce_size,
                             percent=settings.annual_target_percent,
                             provider_id=client.provider_id, live=live)
    if target is not None:
        body["target"] = target
    return jsonify(body)
