"""Smoke: the app starts on both backends and answers with problem details."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.issuer.support import BASE_URL, json_of


def test_unknown_issuer_is_a_problem_detail(client: FlaskClient) -> None:
    response = client.get("/issuers/nobody")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert json_of(response) == {"type": f"{BASE_URL}/problems/not_found",
                                 "title": "No such resource", "status": 404,
                                 "detail": "no issuer 'nobody'", "code": "not_found"}
