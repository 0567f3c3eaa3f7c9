"""Ed25519 keys as JSON Web Keys (RFC 8037 `OKP` / `Ed25519`): parsing and building only.

Never performs cryptography and never puts key bytes into an error message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

from keys.errors import KeyFormatError, MultibaseError
from keys.multibase import decode_base64url, encode_base64url

__all__ = ["build_ed25519_jwk", "parse_ed25519_jwk", "parse_jwk_text"]

_KEY_LENGTH: Final = 32


def parse_jwk_text(text: str) -> Mapping[str, object]:
    """Parse JWK JSON text into a mapping. Raises KeyFormatError if it is not a JSON object."""
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as error:
        raise KeyFormatError(
            f"JWK is not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    if not isinstance(value, dict):
        raise KeyFormatError("JWK must be a JSON object")
    return value


def parse_ed25519_jwk(jwk: Mapping[str, object]) -> tuple[bytes, bytes | None]:
    """Return `(public_key, seed_or_None)` from an OKP/Ed25519 JWK.

    Raises KeyFormatError for another key type or curve, or a malformed `x` / `d`.
    """
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("JWK must be a JSON object")
    key_type = jwk.get("kty")
    if key_type is None:
        raise KeyFormatError("not a key: a JSON object without \"kty\" is not a JWK "
                             "(an Ed25519 key is {\"kty\": \"OKP\", \"crv\": \"Ed25519\", "
                             "\"x\": …})")
    if key_type != "OKP":
        raise KeyFormatError(f"not an Ed25519 key: the JWK is of type {key_type!r}; an "
                             "Ed25519 key has kty 'OKP' and crv 'Ed25519'")
    curve = jwk.get("crv")
    if curve != "Ed25519":
        raise KeyFormatError(f"not an Ed25519 key: the OKP JWK's curve is {curve!r}; an "
                             "Ed25519 key has crv 'Ed25519'")
    public_key = _read_member(jwk, "x")
    if public_key is None:
        raise KeyFormatError("JWK has no public key member 'x'")
    return public_key, _read_member(jwk, "d")


def build_ed25519_jwk(public_key: bytes, seed: bytes | None = None) -> dict[str, str]:
    """Build an OKP/Ed25519 JWK; `d` is included only when a seed is given."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": encode_base64url(public_key)}
    if seed is not None:
        jwk["d"] = encode_base64url(seed)
    return jwk


def _read_member(jwk: Mapping[str, object], name: str) -> bytes | None:
    value = jwk.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} must be a base64url string")
    try:
        decoded = decode_base64url(value)
    except MultibaseError:
        raise KeyFormatError(f"JWK member {name!r} is not valid base64url") from None
    if len(decoded) != _KEY_LENGTH:
        raise KeyFormatError(
            f"JWK member {name!r} must encode {_KEY_LENGTH} bytes, got {len(decoded)}"
        )
    return decoded
