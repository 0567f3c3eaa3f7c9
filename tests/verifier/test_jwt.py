"""VC-JWT credentials: a compact JWS (EdDSA, Ed25519 key named by kid) verifies like a Data
Integrity credential, with every failure mode in its check. Tokens are made with joserfc,
the JOSE library the verifier reads them with, from keys generated here."""

from __future__ import annotations

import base64
import json
import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from badges.baking import bake_png, bake_svg
from keys.key_pair import KeyPair
from tests.badges.test_baking import tiny_png
from tests.verifier.conftest import microbadge, offline
from verifier.jwt_credentials import read_vc_jwt
from verifier.report import CheckId, CheckStatus
from verifier.verify import verify_credential

VALID_FROM = int(datetime(2025, 6, 1, tzinfo=UTC).timestamp())


def vc_jwt(key: KeyPair, claims: dict[str, Any], *, header: dict[str, Any] | None = None,
           signer: KeyPair | None = None) -> str:
    private = OKPKey.import_key(dict((signer or key).to_private_jwk()))
    protected = header if header is not None else {
        "alg": "EdDSA", "kid": key.did_key_verification_method, "typ": "JWT"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jws.serialize_compact(protected, json.dumps(claims).encode(), private,
                                     algorithms=[str(protected.get("alg", "EdDSA"))])


def jwt_claims(key: KeyPair, **changes: Any) -> dict[str, Any]:
    credential = microbadge(key.did_key)
    claims = {**credential, "iss": key.did_key, "jti": credential["id"], "nbf": VALID_FROM,
              "sub": credential["credentialSubject"].get("id")}
    claims = {name: value for name, value in claims.items() if value is not None}
    claims.update(changes)
    return claims


def _problems(token: str | bytes) -> list[tuple[CheckId, CheckStatus, str | None]]:
    report = verify_credential(token, offline())
    return [(check.id, check.status, check.code) for check in report.checks
            if check.status in (CheckStatus.FAILED, CheckStatus.ERROR)]


def test_a_vc_jwt_verifies() -> None:
    key = KeyPair.generate()
    token = vc_jwt(key, jwt_claims(key))
    report = verify_credential(token, offline())
    assert report.verified, report.to_json()
    assert report.check(CheckId.PARSE).message == "a VC-JWT (compact JWS)"
    assert report.check(CheckId.PROOF).details == (
        f"VC-JWT: EdDSA signature verified with {key.did_key_verification_method}",)
    assert report.check(CheckId.ISSUER).status is CheckStatus.PASSED
    assert report.credential == microbadge(key.did_key)  # the JWT claims are not in it


def test_the_rfc_9864_algorithm_name_and_the_vcdm_1_1_form() -> None:
    key = KeyPair.generate()
    token = vc_jwt(key, jwt_claims(key), header={"alg": "Ed25519",
                                              "kid": key.did_key_verification_method})
    assert verify_credential(token, offline()).verified
    credential = microbadge(key.did_key)
    del credential["id"]
    del credential["validFrom"]
    credential["@context"] = ["https://www.w3.org/2018/credentials/v1",
                              *credential["@context"][1:]]
    old = vc_jwt(key, {"vc": credential, "iss": key.did_key, "jti": "urn:uuid:1",
                       "nbf": VALID_FROM})
    read = read_vc_jwt(old)
    assert read.credential["id"] == "urn:uuid:1"
    assert read.credential["issuer"] == credential["issuer"]  # present: kept
    assert read.credential["issuanceDate"] == "2025-06-01T00:00:00Z"
    assert verify_credential(old, offline()).check(CheckId.PROOF).status is CheckStatus.PASSED


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Master technician"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_failure_modes() -> None:
    key, other = KeyPair.generate(), KeyPair.generate()
    assert _problems(_tampered(vc_jwt(key, jwt_claims(key)))) == [
        (CheckId.PROOF, CheckStatus.FAILED, "invalid_signature")]
    assert _problems(vc_jwt(key, jwt_claims(key), signer=other)) == [
        (CheckId.PROOF, CheckStatus.FAILED, "invalid_signature")]
    # Signed by another issuer's key, named honestly: the issuer check refuses it.
    assert _problems(vc_jwt(other, jwt_claims(key))) == [
        (CheckId.ISSUER, CheckStatus.FAILED, "issuer_mismatch")]
    assert _problems(vc_jwt(key, jwt_claims(key, iss="did:example:someone"))) == [
        (CheckId.PROOF, CheckStatus.FAILED, "jwt_claims_mismatch")]
    assert _problems(vc_jwt(key, jwt_claims(key, nbf=VALID_FROM + 3600))) == [
        (CheckId.PROOF, CheckStatus.FAILED, "jwt_claims_mismatch")]
    assert _problems(vc_jwt(key, jwt_claims(key, jti="urn:uuid:other"))) == [
        (CheckId.PROOF, CheckStatus.FAILED, "jwt_claims_mismatch")]
    assert _problems(vc_jwt(key, jwt_claims(key), header={"alg": "EdDSA"})) == [
        (CheckId.PROOF, CheckStatus.ERROR, "unsupported_proof")]
    expired = jwt_claims(key, validUntil="2025-12-01T00:00:00Z",
                      exp=int(datetime(2025, 12, 1, tzinfo=UTC).timestamp()))
    assert _problems(vc_jwt(key, expired)) == [
        (CheckId.VALIDITY, CheckStatus.FAILED, "expired")]


@pytest.mark.parametrize("token", [
    "e30.e30.c2ln",  # alg-less header
    "eyJhbGciOiJub25lIn0.e30.c2ln",  # alg none
    "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",  # a shared-secret algorithm
])
def test_algorithms_other_than_ed25519_are_not_verified(token: str) -> None:
    assert (CheckId.PROOF, CheckStatus.ERROR, "unsupported_proof") in _problems(token)


@pytest.mark.parametrize("token", ["bm90IGpzb24.e30.c2ln", "e30.bm90IGpzb24.c2ln",
                                   "e30.W10.c2ln", "e30.e30.!!!"])
def test_malformed_tokens_fail_to_parse(token: str) -> None:
    problems = _problems(token)
    assert problems[0][0] is CheckId.PARSE
    assert problems[0][1] is CheckStatus.FAILED


def test_a_vc_jwt_baked_into_a_badge_verifies() -> None:
    key = KeyPair.generate()
    token = vc_jwt(key, jwt_claims(key))
    assert verify_credential(bake_png(tiny_png(), token), offline()).verified
    svg = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', token)
    assert verify_credential(svg, offline()).verified
