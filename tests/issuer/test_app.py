"""The application factory's request guards: redirects name the public origin only."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.issuer.support import BASE_URL

FORGED_HOST = "evil.example"


@pytest.mark.parametrize(("method", "path", "location"), [
    ("GET", "//issuers//demo-academy", "/issuers/demo-academy"),
    ("GET", "/issuers//demo-academy", "/issuers/demo-academy"),
    ("GET", "//static//x", "/static/x"),
    ("GET", "/api/v1//openapi.json", "/api/v1/openapi.json"),
    ("POST", "/api/v1//credentials", "/api/v1/credentials"),
])
def test_a_routing_redirect_names_the_public_origin_not_the_host_header(
        client: FlaskClient, method: str, path: str, location: str) -> None:
    response = client.open("/", method=method, headers={"Host": FORGED_HOST},
                           environ_overrides={"PATH_INFO": path, "QUERY_STRING": "a=b"})
    assert response.status_code == 308
    assert response.headers["Location"] == f"{BASE_URL}{location}?a=b"
    assert all(FORGED_HOST not in value for _, value in response.headers.items())


def test_a_path_that_merges_into_nothing_is_not_found(client: FlaskClient) -> None:
    response = client.get("/", headers={"Host": FORGED_HOST},
                          environ_overrides={"PATH_INFO": "//evil.example//x"})
    assert response.status_code == 404
    assert "Location" not in response.headers
