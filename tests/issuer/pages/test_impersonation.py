"""Impersonation refused on every surface of the service: the badge page's /verify, the
VC-API verify endpoint and the command line with the service's published registry. The
forgery table: exactly one credential, the genuine award, is verified green."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from badges.data_integrity import add_proof
from cli.main import main
from issuer.providers.services import find_provider
from issuer.providers.signer import active_signer
from keys.key_pair import KeyPair
from tests.issuer.api_setup import MakeTenant, Tenant, award, create_achievement
from tests.issuer.support import START, context_of

Forge = Callable[[dict[str, Any], Tenant, Tenant], dict[str, Any]]
SIGNED = START


def _sign(credential: dict[str, Any], key: KeyPair, method: str) -> dict[str, Any]:
    unsigned = {name: value for name, value in credential.items()
                if name not in ("proof", "credentialStatus")}
    return add_proof(unsigned, key, verification_method=method, created=SIGNED)


def _foreign_did_key(genuine: dict[str, Any], _a: Tenant, _b: Tenant) -> dict[str, Any]:
    key = KeyPair.generate()  # the provider's name and web address, another issuer id
    forged = {**genuine, "issuer": {**genuine["issuer"], "id": key.did_key}}
    return _sign(forged, key, f"{key.did_key}#{key.public_key_multibase}")


def _foreign_https_issuer(genuine: dict[str, Any], _a: Tenant, _b: Tenant) -> dict[str, Any]:
    key = KeyPair.generate()
    issuer = "https://evil.example/issuers/alpha"
    forged = {**genuine, "issuer": {**genuine["issuer"], "id": issuer,
                                    "url": "https://evil.example"}}
    return _sign(forged, key, f"{issuer}#{key.public_key_multibase}")


def _registered_id_unlisted_key(genuine: dict[str, Any], _a: Tenant,
                                _b: Tenant) -> dict[str, Any]:
    key = KeyPair.generate()  # the provider's own issuer id, a key it never had
    issuer = genuine["issuer"]["id"]
    return _sign(genuine, key, f"{issuer}#{key.public_key_multibase}")


def copy_with_issuer(genuine: dict[str, Any], other: Tenant) -> dict[str, Any]:
    return {**genuine, "issuer": {**genuine["issuer"], "id": other.provider["issuerId"],
                                  "name": other.provider["name"]}}


IMPERSONATION = {"proof": ("passed", None), "registry": ("failed", "issuer_impersonation")}
FORGERIES: list[tuple[str, Forge, dict[str, tuple[str, str | None]]]] = [
    ("foreign did:key with the provider's name and url", _foreign_did_key, IMPERSONATION),
    ("foreign https issuer with the provider's name", _foreign_https_issuer, IMPERSONATION),
    # A did:web issuer's DID document is the service's: an unlisted key does not resolve.
    ("the provider's issuer id with an unlisted key", _registered_id_unlisted_key,
     {"proof": ("failed", "verification_method_not_found"),
      "registry": ("skipped", "not_authenticated")}),
]


@pytest.fixture
def tenants(make_tenant: MakeTenant) -> tuple[Tenant, Tenant]:
    return (make_tenant("alpha", url="https://alpha.example.org"),
            make_tenant("beta", url="https://beta.example.org"))


@pytest.fixture
def genuine(client: FlaskClient, tenants: tuple[Tenant, Tenant]) -> dict[str, Any]:
    alpha = tenants[0]
    view = award(client, alpha, create_achievement(client, alpha)["id"])
    document = client.get(view["documentUrl"].removeprefix("https://badges.test"),
                          headers=alpha.headers)
    credential: dict[str, Any] = json.loads(document.get_data(as_text=True))
    return credential


def _a_signing_as_b(app: Flask, genuine: dict[str, Any],
                    tenants: tuple[Tenant, Tenant]) -> dict[str, Any]:
    """A credential that names provider B, signed with provider A's real key."""
    context = context_of(app)
    with context.sessions() as session:
        signer = active_signer(find_provider(session, "alpha"), context.vault)
    return _sign(copy_with_issuer(genuine, tenants[1]), signer.key_pair,
                 signer.verification_method)


def _vc_api(client: FlaskClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    body: dict[str, Any] = response.get_json()
    return {check["id"]: (check["status"], check.get("code")) for check in body["checks"]}


def _page(client: FlaskClient, credential: dict[str, Any]) -> str:
    response = client.post("/verify", data={"credential": json.dumps(credential)})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "forge", "expected"), FORGERIES,
                         ids=[name for name, _, _ in FORGERIES])
def test_forgeries_are_refused_on_every_surface(
        client: FlaskClient, tenants: tuple[Tenant, Tenant], genuine: dict[str, Any],
        name: str, forge: Forge, expected: dict[str, tuple[str, str | None]],
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = forge(genuine, *tenants)
    checks = _vc_api(client, forged)
    assert {check: checks[check] for check in expected} == expected
    html = _page(client, forged)
    assert "verdict-red" in html
    failing = "registry" if expected["registry"][0] == "failed" else "proof"

    # The command line, with the registry the service publishes (as a file: offline).
    registry = tmp_path / "registry.json"
    registry.write_text(client.get("/registry.json").get_data(as_text=True))
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    did = tmp_path / "did.json"  # the genuine provider's DID document, offline
    did.write_text(client.get("/issuers/alpha/did.json").get_data(as_text=True))
    code = main(["verify", str(path), "--offline", "--registry", str(registry),
                 "--document", f"{genuine['issuer']['id']}={did}"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL  {failing}" in out
    assert (expected[failing][1] or "") in out


def test_a_key_of_one_provider_signing_as_another(
        app: Flask, client: FlaskClient, tenants: tuple[Tenant, Tenant],
        genuine: dict[str, Any]) -> None:
    forged = _a_signing_as_b(app, genuine, tenants)
    checks = _vc_api(client, forged)
    assert checks["proof"] == ("passed", None)
    assert checks["issuer"] == ("failed", "issuer_mismatch")
    assert checks["registry"] == ("failed", "issuer_impersonation")
    assert "Not verified: impersonation" in _page(client, forged)


def test_the_genuine_award_is_the_green_one(client: FlaskClient,
                                            genuine: dict[str, Any]) -> None:
    checks = _vc_api(client, genuine)
    assert {status for status, _ in checks.values()} <= {"passed", "skipped"}
    assert checks["registry"] == ("passed", None)
    html = _page(client, genuine)
    assert "verdict-green" in html
    assert "Confirmed by" in html
