"""What the credential routes accept: the credential's id as it stands in the credential
(`urn:uuid:…`, URL-encoded or not) on every /api/v1/credentials/<id> route, and plain
dates as the bounds of a bulk revocation (issue 21). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.issuer.api_setup import (
    MakeTenant,
    Tenant,
    assert_problem,
    assert_schema,
    award,
    create_achievement,
)
from tests.issuer.support import json_of

DATE_HINT = ("must be an RFC 3339 date (2026-03-01, meaning 00:00 UTC) or date-time with "
             "an offset (2026-03-01T12:00:00Z)")


def _forms(credential_id: str) -> list[str]:
    """The ways a client may name one credential in a path."""
    bare = credential_id.removeprefix("urn:uuid:")
    return [bare, credential_id, quote(credential_id, safe=""),
            "URN:UUID:" + bare.upper()]


@pytest.mark.parametrize("form", range(4))
def test_every_credential_route_takes_the_urn_uuid_id(make_tenant: MakeTenant,
                                                      client: FlaskClient, form: int) -> None:
    tenant = make_tenant(suspension=True)
    achievement = create_achievement(client, tenant)["id"]
    view = award(client, tenant, achievement)
    path = "/api/v1/credentials/" + _forms(view["id"])[form]
    read = client.get(path, headers=tenant.headers)
    assert read.status_code == 200, read.get_data(as_text=True)
    assert json_of(read)["id"] == view["id"]
    assert client.get(path + "/document", headers=tenant.headers).status_code == 200
    assert client.post(path + "/manage-link", headers=tenant.headers).status_code == 200
    for action in ("suspend", "unsuspend"):
        changed = client.post(f"{path}/{action}", headers=tenant.headers)
        assert changed.status_code == 200, changed.get_data(as_text=True)
        assert changed.headers["Status-Changed"] == "true"
    reissued = client.post(path + "/reissue", headers=tenant.headers)
    assert reissued.status_code == 201, reissued.get_data(as_text=True)
    fresh = "/api/v1/credentials/" + _forms(json_of(reissued)["id"])[form]
    revoked = client.post(fresh + "/revoke", headers=tenant.headers, json={"reason": "t"})
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    assert json_of(revoked)["status"] == "revoked"


@pytest.mark.parametrize("bad", ["urn:uuid:not-a-uuid", "urn:isbn:0451450523",
                                 "urn:uuid:urn:uuid:" + "0" * 8 + "-0000-0000-0000-" + "0" * 12])
def test_other_ids_are_not_found(client: FlaskClient, tenant: Tenant, bad: str) -> None:
    assert client.get("/api/v1/credentials/" + quote(bad, safe=""),
                      headers=tenant.headers).status_code == 404


def _bulk(client: FlaskClient, tenant: Tenant, **bounds: str) -> Any:
    return client.post("/api/v1/credentials/bulk-revoke", headers=tenant.headers,
                       json={"filter": bounds, "reason": "the session was void"})


def test_bulk_revoke_takes_plain_dates(client: FlaskClient, tenant: Tenant) -> None:
    # The test clock stands at 2026-03-02 09:30 UTC.
    achievement = create_achievement(client, tenant)["id"]
    issued = award(client, tenant, achievement)
    # issuedBefore: a date means before 00:00 UTC of that day, so that day is not included.
    before = _bulk(client, tenant, issuedBefore="2026-03-02")
    assert before.status_code == 200, before.get_data(as_text=True)
    assert json_of(before) == {"revoked": 0, "credentials": []}
    assert json_of(_bulk(client, tenant, issuedAfter="2026-03-03")) == {
        "revoked": 0, "credentials": []}
    # issuedAfter: a date means from 00:00 UTC of that day on.
    day = _bulk(client, tenant, issuedAfter="2026-03-02", issuedBefore="2026-03-03")
    assert day.status_code == 200, day.get_data(as_text=True)
    assert_schema(json_of(day), "BulkRevokeResult")
    assert json_of(day) == {"revoked": 1, "credentials": [issued["id"]]}


@pytest.mark.parametrize(("value", "code"), [
    ("yesterday", "invalid_request"),             # refused by the OpenAPI schema
    ("2026-12-01T10:00:00", "invalid_request"),   # no offset
    ("2026-13-01", "invalid_input"),              # the shape of a date, not a date
    ("2026-12-01T25:00:00Z", "invalid_input"),
])
def test_a_bad_bound_is_refused_in_words(client: FlaskClient, tenant: Tenant, value: str,
                                         code: str) -> None:
    # Issue 21: the schema's refusal quoted its regular expression.
    body = assert_problem(_bulk(client, tenant, issuedAfter=value), 422, code)
    assert body["errors"] == [{"pointer": "/filter/issuedAfter", "detail": DATE_HINT}]
