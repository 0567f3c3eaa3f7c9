"""The verification page of the issuer service, without JavaScript: paste JSON or a JWT,
upload a JSON file or a baked PNG/SVG, or give a credential URL; the verdict in plain words
and every check. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from badges.baking import bake_png
from issuer.microbadges.images import default_emblem
from tests.issuer.api_setup import Tenant, award, create_achievement
from tests.issuer.support import BASE_URL


@pytest.fixture
def view(client: FlaskClient, tenant: Tenant) -> dict[str, Any]:
    return award(client, tenant, create_achievement(client, tenant)["id"])


def _page(view: dict[str, Any]) -> str:
    return str(view["pageUrl"]).removeprefix(BASE_URL)


def _verdict(html: str) -> str:
    match = re.search(r'class="verdict-title" id="verdict-title">([^<]+)<', html)
    assert match, html
    return match.group(1)


def _check(html: str, check: str) -> str:
    match = re.search(rf'<tr class="check-([a-z]+)" data-check="{check}">', html)
    assert match, check
    return match.group(1)


def _post(client: FlaskClient, **form: Any) -> tuple[int, str]:
    # Encoded in memory: Werkzeug's test client spools a large multipart body to a
    # temporary file that nothing closes.
    boundary, body = encode_multipart(MultiDict(form))
    response = client.post("/verify", data=body,
                           content_type=f'multipart/form-data; boundary="{boundary}"')
    return response.status_code, response.get_data(as_text=True)


def test_the_form_works_without_javascript(client: FlaskClient) -> None:
    response = client.get("/verify")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form method="post" action="/verify" enctype="multipart/form-data"' in html
    for field in ("file", "credential", "url"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}" name="{field}"' in html
    assert "<script" not in html


def test_a_pasted_credential_is_verified(client: FlaskClient, view: dict[str, Any]) -> None:
    status, html = _post(client, credential=json.dumps(view["credential"]))
    assert status == 200
    assert _verdict(html) == "Verified"
    for check in ("parse", "structure", "schema", "jsonld", "proof", "issuer", "validity",
                  "status"):
        assert _check(html, check) == "passed", check
    assert "High-voltage battery safety" in html
    assert "Alpha Academy" in html


@pytest.mark.parametrize("suffix", ["/badge.png", "/badge.svg", "/credential.json"])
def test_an_uploaded_file_is_verified(client: FlaskClient, view: dict[str, Any],
                                      suffix: str) -> None:
    data = client.get(_page(view) + suffix).get_data()
    status, html = _post(client, file=FileStorage(stream=io.BytesIO(data),
                                                   filename="badge" + suffix[-4:]))
    assert status == 200
    assert _verdict(html) == "Verified"


def test_a_tampered_badge_shows_the_failing_check(client: FlaskClient,
                                                  view: dict[str, Any]) -> None:
    credential = json.loads(json.dumps(view["credential"]))
    credential["credentialSubject"]["achievement"]["name"] = "Master of everything"
    baked = bake_png(default_emblem(), json.dumps(credential))
    status, html = _post(client, file=FileStorage(stream=io.BytesIO(baked),
                                                   filename="badge.png"))
    assert status == 200
    assert _verdict(html) == "Not verified"
    assert _check(html, "proof") == "failed"
    assert "Failed check: Signature" in html


def test_a_link_to_a_badge_page_is_verified(client: FlaskClient, view: dict[str, Any]) -> None:
    status, html = _post(client, url=view["pageUrl"])
    assert status == 200
    assert _verdict(html) == "Verified"


def test_a_revoked_badge_says_revoked(client: FlaskClient, tenant: Tenant,
                                      view: dict[str, Any]) -> None:
    uuid = view["id"].removeprefix("urn:uuid:")
    assert client.post(f"/api/v1/credentials/{uuid}/revoke", headers=tenant.headers,
                       json={"reason": "fraud"}).status_code == 200
    status, html = _post(client, credential=json.dumps(view["credential"]))
    assert status == 200
    assert _verdict(html) == "Revoked"
    assert _check(html, "status") == "failed"
    assert "fraud" not in html


@pytest.mark.parametrize(("form", "message"), [
    ({}, "Paste a credential, choose a file or enter a URL."),
    ({"credential": "{}", "url": "https://example.org/badge"}, "Give one credential at a time"),
    ({"url": "ftp://example.org/badge"}, "The URL must start with https://."),
    # The same protections as status lists: no internal addresses.
    ({"url": "https://127.0.0.1/badge"}, "Could not fetch the credential"),
    ({"url": "http://10.0.0.1/badge"}, "Could not fetch the credential"),
    ({"url": BASE_URL + "/badges/" + "A" * 27}, "or its owner has hidden it"),
    ({"url": BASE_URL + "/frameworks"}, "or its owner has hidden it"),
])
def test_an_unusable_form_says_why(client: FlaskClient, form: dict[str, str],
                                   message: str) -> None:
    status, html = _post(client, **form)
    assert status == 400
    assert message in html
    assert 'role="alert"' in html


def test_a_hidden_page_is_not_fetched(client: FlaskClient, view: dict[str, Any]) -> None:
    assert client.post(str(view["manageUrl"]).removeprefix(BASE_URL),
                       data={"action": "hide"}).status_code == 303
    status, html = _post(client, url=view["pageUrl"])
    assert status == 400
    assert "or its owner has hidden it" in html


@pytest.mark.parametrize(("credential", "verdict", "message"), [
    ("not json", "No credential found", "malformed JSON"),
    ("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl", "Not verified", "VC-JWT"),
    ('{"@context": []}', "Not verified", "Failed check: Structure"),
])
def test_what_is_not_a_credential_is_explained(client: FlaskClient, credential: str,
                                               verdict: str, message: str) -> None:
    status, html = _post(client, credential=credential)
    assert status == 200
    assert _verdict(html) == verdict
    assert message in html


def test_the_learners_e_mail_is_checked_against_the_hashed_one(
        client: FlaskClient, view: dict[str, Any]) -> None:
    credential = json.dumps(view["credential"])
    _, html = _post(client, credential=credential, email=" Ada@Example.org ")
    assert "Awarded to Ada@Example.org: the credential's hashed e-mail address matches." in html
    _, html = _post(client, credential=credential, email="eve@example.org")
    assert "Not awarded to eve@example.org" in html
    _, html = _post(client, credential=credential)
    assert 'id="recipient"' not in html


def test_the_report_says_what_was_checked_and_shows_an_uploaded_badge(
        client: FlaskClient, view: dict[str, Any]) -> None:
    _, html = _post(client, credential=view["pageUrl"])  # a link in the text box
    assert f"Checked: the credential at {view['pageUrl']}." in html
    assert _verdict(html) == "Verified"
    png = client.get(_page(view) + "/badge.png").get_data()
    _, html = _post(client, file=FileStorage(stream=io.BytesIO(png), filename="mine.png"))
    assert "Checked: the file mine.png." in html
    assert 'src="data:image/png;base64,' in html


def test_malformed_urls_and_refused_addresses_say_little(client: FlaskClient) -> None:
    status, html = _post(client, url="https://[abc/x")
    assert status == 400
    assert "Could not fetch the credential" in html
    status, html = _post(client, url="https://127.0.0.1/badge")
    assert status == 400
    assert "only public internet addresses are fetched" in html
    assert "127.0.0.1 is" not in html  # what a host resolves to is not told


@pytest.mark.parametrize("suffix", ["/badge.png", "/badge.svg", "/credential.json"])
def test_links_to_the_pages_downloads_verify(client: FlaskClient, view: dict[str, Any],
                                             suffix: str) -> None:
    status, html = _post(client, url=view["pageUrl"] + suffix)
    assert status == 200
    assert _verdict(html) == "Verified"


def test_a_credential_as_large_as_the_verifier_reads_can_be_pasted(
        client: FlaskClient, view: dict[str, Any]) -> None:
    """Larger than Flask's default form limit (500 kB) and the service's request limit:
    still verified; beyond what the verifier reads, the form says so."""
    credential = dict(view["credential"])
    credential["padding"] = "x" * 1_500_000  # an undefined term: fails the JSON-LD check
    status, html = _post(client, credential=json.dumps(credential))
    assert status == 200
    assert _check(html, "parse") == "passed"
    assert _check(html, "jsonld") == "failed"
    status, html = _post(client, credential="x" * (3 * 1024 * 1024))
    assert status == 413
    assert "The credential is larger than 2048 KiB" in html
