"""The stand-alone verification page (verifier.web.create_app): no issuer, no database;
third-party credentials get the verdict their README gives, shown with every check."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from badges.baking import bake_svg
from keys.key_pair import KeyPair
from keys.resolution import StaticDocumentFetcher
from tests.conftest import FIXTURES
from tests.verifier.conftest import NOW
from tests.verifier.test_endorsements import ENDORSER, endorsed, endorsement, proof
from tests.verifier.test_jwt import jwt_claims, vc_jwt
from verifier.web import create_app


@pytest.fixture
def client() -> FlaskClient:
    app = create_app(fetcher=StaticDocumentFetcher({}), clock=lambda: NOW)
    app.config["TESTING"] = True
    return app.test_client()


def _verdict(html: str) -> str:
    match = re.search(r'class="verdict-title" id="verdict-title">([^<]+)<', html)
    assert match, html
    return match.group(1)


def _fixture(name: str) -> bytes:
    return (FIXTURES / f"validator-ob30-{name}.json").read_bytes()


@pytest.mark.parametrize(("fixture", "verdict", "failing"), [
    ("simple", "Authentic, issuer not confirmed", None),  # no registry vouches for it
    ("simple-err-expired", "Expired", "validity"),
    ("simple-err-proof-value", "Not verified", "proof"),
])
def test_third_party_credentials(client: FlaskClient, fixture: str, verdict: str,
                                 failing: str | None) -> None:
    response = client.post("/verify", data={"credential": _fixture(fixture).decode()})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _verdict(html) == verdict
    assert "Example Corp" in html
    assert "Teamwork" in html
    failed = re.findall(r'<tr class="check-failed" data-check="([a-z]+)">', html)
    assert failed == ([failing] if failing else [])


def test_a_baked_svg_upload(client: FlaskClient) -> None:
    svg = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', _fixture("simple").decode())
    response = client.post("/verify", data={"file": (io.BytesIO(svg), "badge.svg")},
                           content_type="multipart/form-data")
    assert _verdict(response.get_data(as_text=True)) == "Authentic, issuer not confirmed"


def test_an_image_without_a_credential(client: FlaskClient) -> None:
    response = client.post("/verify", data={"file": (io.BytesIO(
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "plain.svg")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert _verdict(html) == "No credential found"
    assert "This input does not contain a credential: the image carries no baked " \
           "credential." in html
    assert "[no_baked_credential]" in html
    assert "Checked: the file plain.svg." in html
    assert 'src="data:image/svg+xml;base64,' not in html  # nothing to show: no summary


def test_urls_are_fetched_with_protections(client: FlaskClient) -> None:
    response = client.post("/verify", data={"url": "https://127.0.0.1:9/badge.json"})
    assert response.status_code == 400
    assert "Could not fetch the credential" in response.get_data(as_text=True)


def test_pages_and_errors(client: FlaskClient) -> None:
    home = client.get("/")
    assert home.status_code == 303
    assert home.headers["Location"] == "/verify"
    form = client.get("/verify")
    assert form.status_code == 200
    assert "Content-Security-Policy" in form.headers
    missing = client.get("/nothing")
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"
    assert "Not Found" in missing.get_data(as_text=True)
    too_big: Any = client.post("/verify", data={"credential": "x" * (5 * 1024 * 1024)})
    assert too_big.status_code == 413
    assert too_big.mimetype == "text/html"


def test_a_pasted_vc_jwt(client: FlaskClient) -> None:
    key = KeyPair.generate()
    token = vc_jwt(key, jwt_claims(key))
    response = client.post("/verify", data={"credential": token})
    html = response.get_data(as_text=True)
    assert _verdict(html) == "Authentic, issuer not confirmed"
    assert "a VC-JWT (compact JWS)" in html
    assert "VC-JWT: EdDSA signature verified with" in html


def test_only_verified_endorsements_are_shown_as_endorsements(client: FlaskClient) -> None:
    credential = endorsed(
        endorsement(),
        endorsement(lambda d: d["issuer"].update(name="Unverified Body"),
                    after_signing=proof(cryptosuite="eddsa-rdf-2022"),
                    endorsement_id="urn:uuid:0b7f6d1e-4c55-4a0e-8f0e-6a2d1c9b8e33"))
    html = client.post("/verify", data={"credential": json.dumps(credential)}).get_data(
        as_text=True)
    assert _verdict(html) == "Authentic, issuer not confirmed"
    shown = re.search(r'<ul class="endorsements" id="endorsements">(.*?)</ul>', html, re.S)
    assert shown is not None
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", shown.group(1))).strip() == (
        "Automotive Skills Alliance (name as stated in the endorsement) endorses the "
        f"achievement. {ENDORSER.did_key} Aligned with the DRIVES framework.")
    assert "Unverified Body" not in html
    assert "not verified [unsupported_proof]" in html  # in the checks, as not verified
