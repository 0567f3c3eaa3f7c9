"""VC-JWT credentials (OB 3.0 "Proof Formats", SPEC-NOTES §4): a compact JWS whose payload
is the credential plus the JWT claims `iss`, `jti`, `nbf`, `sub`, `exp` (VCDM 2.0), or a
VCDM 1.1-era token with the credential in its `vc` claim; both are read.

`read_vc_jwt` takes the token apart (no key needed); `check_jwt_proof` is the `proof`
check of such a credential: the header names an Ed25519 key (`alg` EdDSA or Ed25519) with
`kid`, a verification method id resolved like a Data Integrity proof's, whose controller the
`issuer` check then binds to the issuer; the signature is verified with joserfc; the JWT
claims must agree with the credential they wrap.
"""

from __future__ import annotations

import base64
import binascii
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OKPKey

from badges.datatypes import parse_datetime
from badges.errors import BadgeError
from badges.json_document import JsonDocumentError, as_list, parse_json_object
from keys.errors import (
    InvalidVerificationMethodError,
    KeyFormatError,
    ResolutionError,
)
from keys.resolution import DocumentFetcher
from verifier.proofs import ProofOutcome, Resolver
from verifier.report import CheckId, errored, failed, passed
from verifier.structure import issuer_id

__all__ = ["JWT_ALGORITHMS", "VcJwt", "check_jwt_proof", "read_vc_jwt"]

# Ed25519 is the one key type of microbadges; RFC 9864 renames EdDSA to Ed25519.
JWT_ALGORITHMS: Final = ("EdDSA", "Ed25519")
_REGISTERED_CLAIMS: Final = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})


@dataclass(frozen=True, slots=True)
class VcJwt:
    """A VC-JWT taken apart: its protected header, its claims and the credential."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    credential: dict[str, Any]


def read_vc_jwt(token: str) -> VcJwt:
    """The header, claims and credential of a compact JWS. Raises JsonDocumentError."""
    token = token.strip()
    parts = token.split(".")
    if len(parts) != 3:
        raise JsonDocumentError("not a compact JWS: it has three dot-separated parts")
    header = parse_json_object(_base64url(parts[0], "header"))
    claims = parse_json_object(_base64url(parts[1], "payload"))
    _base64url(parts[2], "signature")
    wrapped = claims.get("vc")
    if isinstance(wrapped, Mapping):  # VCDM 1.1: the claims stand in for some members
        credential = dict(wrapped)
        for claim, member in (("jti", "id"), ("iss", "issuer")):
            if claim in claims and member not in credential:
                credential[member] = claims[claim]
        for claim, member in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
            if isinstance(claims.get(claim), int | float) and member not in credential:
                credential[member] = _rfc3339(claims[claim])
    else:
        credential = {name: value for name, value in claims.items()
                      if name not in _REGISTERED_CLAIMS}
    return VcJwt(token=token, header=header, claims=claims, credential=credential)


def _base64url(part: str, name: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (ValueError, binascii.Error):
        raise JsonDocumentError(f"the JWS {name} is not base64url") from None


def _rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def _epoch(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value).timestamp()
    except (BadgeError, ValueError):
        return None


def _claim_mismatches(jwt: VcJwt) -> list[str]:
    """Where a JWT claim says something else than the credential it carries."""
    credential, claims = jwt.credential, jwt.claims
    subjects = as_list(credential.get("credentialSubject"))
    subject_id = subjects[0].get("id") if subjects and isinstance(subjects[0], Mapping) else None
    pairs: list[tuple[str, object, object]] = [
        ("iss", claims.get("iss"), issuer_id(credential)),
        ("jti", claims.get("jti"), credential.get("id")),
        ("sub", claims.get("sub"), subject_id)]
    mismatches = [f"{claim} is {claimed!r} but the credential says {stated!r}"
                  for claim, claimed, stated in pairs
                  if claimed is not None and stated is not None and claimed != stated]
    for claim, members in (("nbf", ("validFrom", "issuanceDate")),
                           ("exp", ("validUntil", "expirationDate"))):
        claimed = claims.get(claim)
        stated = next((credential[member] for member in members if member in credential), None)
        when = _epoch(stated)
        if claimed is None or stated is None:
            continue
        if isinstance(claimed, bool) or not isinstance(claimed, int | float):
            mismatches.append(f"{claim} is not a NumericDate")
        elif when is None or abs(claimed - when) >= 1:
            mismatches.append(f"{claim} is {claimed!r} but the credential says {stated!r}")
    return mismatches


def check_jwt_proof(jwt: VcJwt, resolver: Resolver,
                    fetcher: DocumentFetcher | None) -> ProofOutcome:
    """The `proof` check of a VC-JWT."""
    algorithm = jwt.header.get("alg")
    if algorithm not in JWT_ALGORITHMS:
        return ProofOutcome(errored(CheckId.PROOF, "unsupported_proof",
                                    f"JWS algorithm {algorithm!r} is not supported (only "
                                    f"{' and '.join(JWT_ALGORITHMS)}: Ed25519 keys)"), ())
    kid = jwt.header.get("kid")
    if not isinstance(kid, str) or not kid:
        return ProofOutcome(errored(CheckId.PROOF, "unsupported_proof",
                                    "the JWS header names no key (kid): a key given only as "
                                    "a jwk cannot be bound to the issuer"), ())
    try:
        method = resolver(kid, fetcher)
    except ResolutionError as error:
        return ProofOutcome(errored(CheckId.PROOF, error.code, error.message), ())
    except (InvalidVerificationMethodError, KeyFormatError) as error:
        return ProofOutcome(failed(CheckId.PROOF, error.code, error.message), ())
    jwk: dict[str, str | list[str]] = dict(method.public_key.to_jwk())
    key = OKPKey.import_key(jwk)
    try:
        with warnings.catch_warnings():  # joserfc warns that RFC 9864 deprecates "EdDSA"
            warnings.simplefilter("ignore")
            jws.deserialize_compact(jwt.token, key, algorithms=[algorithm])
    except BadSignatureError:
        return ProofOutcome(failed(CheckId.PROOF, "invalid_signature",
                                   f"the JWS signature does not verify with {kid}"), ())
    except (JoseError, ValueError) as error:
        return ProofOutcome(failed(CheckId.PROOF, "invalid_proof",
                                   f"the JWS cannot be verified: {error}"), ())
    mismatches = _claim_mismatches(jwt)
    if mismatches:
        return ProofOutcome(failed(CheckId.PROOF, "jwt_claims_mismatch",
                                   f"the JWT claims contradict the credential: "
                                   f"{mismatches[0]}", mismatches), ())
    return ProofOutcome(passed(CheckId.PROOF, "1 proof verified",
                               [f"VC-JWT: {algorithm} signature verified with {method.id}"]),
                        (method,))
