"""The capability links of an award and the LinkedIn add-to-profile link (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from issuer.awards.sharing import (
    linkedin_url,
    manage_token,
    manage_url,
    new_share_token,
    page_url,
    valid_manage_token,
)
from issuer.platform.key_vault import KeyVault

ISSUED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EXPIRES = datetime(2028, 11, 30, tzinfo=UTC)


def test_the_linkedin_url_carries_every_field_of_the_form_encoded() -> None:
    url = linkedin_url(name="HV safety & diagnostics: level 2/3 + \u2018Qualität\u2019",
                       organization_id="1337", organization_name="ignored when an id is known",
                       issued=ISSUED, expires=EXPIRES,
                       credential_url="https://badges.example/badges/Ab_-9?x=1",
                       credential_id="urn:uuid:0b5c7a4e-1d1e-4b53-9a52-3ac0a1b0c0de")
    assert url == (
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
        "&name=HV%20safety%20%26%20diagnostics%3A%20level%202%2F3%20%2B%20"
        "%E2%80%98Qualit%C3%A4t%E2%80%99"
        "&organizationId=1337&issueYear=2026&issueMonth=3"
        "&expirationYear=2028&expirationMonth=11"
        "&certUrl=https%3A%2F%2Fbadges.example%2Fbadges%2FAb_-9%3Fx%3D1"
        "&certId=urn%3Auuid%3A0b5c7a4e-1d1e-4b53-9a52-3ac0a1b0c0de")
    assert dict(parse_qsl(urlsplit(url).query, strict_parsing=True)) == {
        "startTask": "CERTIFICATION_NAME",
        "name": "HV safety & diagnostics: level 2/3 + \u2018Qualität\u2019",
        "organizationId": "1337", "issueYear": "2026", "issueMonth": "3",
        "expirationYear": "2028", "expirationMonth": "11",
        "certUrl": "https://badges.example/badges/Ab_-9?x=1",
        "certId": "urn:uuid:0b5c7a4e-1d1e-4b53-9a52-3ac0a1b0c0de"}


def test_without_an_organisation_id_the_name_goes_and_no_expiry_is_none() -> None:
    url = linkedin_url(name="Teamwork", organization_id=None,
                       organization_name="Académie Auto", issued=ISSUED, expires=None,
                       credential_url="https://b.example/badges/x", credential_id="urn:uuid:1")
    assert parse_qsl(urlsplit(url).query) == [
        ("startTask", "CERTIFICATION_NAME"), ("name", "Teamwork"),
        ("organizationName", "Académie Auto"), ("issueYear", "2026"), ("issueMonth", "3"),
        ("certUrl", "https://b.example/badges/x"), ("certId", "urn:uuid:1")]


def test_tokens_and_management_links() -> None:
    tokens = {new_share_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(token) == 27 for token in tokens)  # 160 bits in base64url
    token = tokens.pop()
    vault, other = KeyVault("s" * 40), KeyVault("t" * 40)
    assert page_url("https://b.example", token) == f"https://b.example/badges/{token}"
    secret = manage_token(vault, token)
    assert manage_url("https://b.example", vault, token) == (
        f"https://b.example/badges/{token}/manage/{secret}")
    assert valid_manage_token(vault, token, 0, secret)
    assert not valid_manage_token(other, token, 0, secret)  # another service secret
    assert not valid_manage_token(vault, tokens.pop(), 0, secret)  # another page
    assert not valid_manage_token(vault, token, 1, secret)  # renewed since
    assert valid_manage_token(vault, token, 1, manage_token(vault, token, 1))
    assert manage_token(vault, token, 1) != secret
    assert not valid_manage_token(vault, token, 0, secret[:-1])
    assert not valid_manage_token(vault, token, 0, "ü" * 43)
    assert secret != token
    assert len(secret) == 43
