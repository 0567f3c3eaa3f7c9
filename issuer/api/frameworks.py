"""Skills frameworks through the provider API: import (JSON or CSV) and export.

`POST /api/v1/frameworks` takes a framework as JSON (`application/json`) or CSV
(`text/csv`); a file with errors answers 422 with every error (`errors`: CSV `row` and
`field`, or a JSON `pointer`) and imports nothing. `GET /api/v1/frameworks/<slug>/<version>`
exports it, as JSON or (`Accept: text/csv` or `?format=csv`) CSV.
"""

from __future__ import annotations

from typing import Final

from flask import Response, jsonify, request

from issuer.api.blueprint import api
from issuer.api.requests import read_body, read_json
from issuer.api.tenancy import current_provider
from issuer.auth.clients import Scope
from issuer.frameworks.csv_format import export_csv, framework_input_from_csv
from issuer.frameworks.json_format import export_json, framework_input_from_json
from issuer.frameworks.models import FrameworkRecord
from issuer.frameworks.services import find_framework, framework_url, import_framework
from issuer.platform.urls import api_framework_url
from issuer.web.context import db_session, issuer_context
from issuer.web.problems import ApiProblem

__all__ = ["SCOPE"]

SCOPE: Final = Scope.FRAMEWORKS
CSV: Final = "text/csv"


def _summary(record: FrameworkRecord) -> dict[str, object]:
    base = issuer_context().base_url
    return {"slug": record.slug, "version": record.version, "name": record.name,
            "url": framework_url(base, record), "competences": len(record.competences),
            "jobRoles": len(record.job_roles)}


@api.post("/frameworks")
def import_framework_route() -> tuple[Response, int, dict[str, str]]:
    """Import a framework version; the same version with the same content again is a
    no-op (200), with other content a 409."""
    provider = current_provider(SCOPE)
    if request.mimetype == CSV:
        try:
            text = read_body().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApiProblem("bad_request", "the CSV file is not UTF-8 encoded") from None
        data = framework_input_from_csv(text)
    else:
        data = framework_input_from_json(read_json())
    context = issuer_context()
    session = db_session()
    record, created = import_framework(session, data, owner=provider, clock=context.clock)
    session.commit()
    location = api_framework_url(context.base_url, record.slug, record.version)
    return jsonify(_summary(record)), 201 if created else 200, {"Location": location}


@api.get("/frameworks/<slug>/<version>")
def export_framework_route(slug: str, version: str) -> Response:
    """A framework version as JSON, or as CSV."""
    current_provider(SCOPE)
    record = find_framework(db_session(), slug, version)
    if record is None:
        raise ApiProblem("not_found", f"no version {version!r} of a framework {slug!r}")
    wants_csv = (request.args.get("format") == "csv"
                 or request.accept_mimetypes.best_match(["application/json", CSV]) == CSV)
    if wants_csv:
        response = Response(export_csv(record), mimetype=CSV)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{record.slug}-{record.version}.csv"')
        return response
    return jsonify(export_json(record))
