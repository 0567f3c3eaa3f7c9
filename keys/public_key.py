"""The Ed25519 public-key value object: Multikey and JWK forms, and signature verification.

This module and `keys.key_pair` are the only ones that call `cryptography`; its exceptions
are translated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from keys.errors import InvalidSignatureError, KeyFormatError
from keys.jwk import build_ed25519_jwk, parse_ed25519_jwk, parse_jwk_text
from keys.multibase import (
    ED25519_PUBLIC_KEY_PREFIX,
    decode_multibase,
    encode_multibase,
    strip_multicodec_prefix,
)

__all__ = ["PublicKey", "load_public_key"]

PUBLIC_KEY_LENGTH: Final = 32


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An Ed25519 public key (the 32 raw bytes of RFC 8032)."""

    raw: bytes
    _key: Ed25519PublicKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != PUBLIC_KEY_LENGTH:
            raise KeyFormatError(f"an Ed25519 public key is {PUBLIC_KEY_LENGTH} bytes")
        try:
            key = Ed25519PublicKey.from_public_bytes(self.raw)
        except (ValueError, UnsupportedAlgorithm) as error:
            raise KeyFormatError(f"invalid Ed25519 public key: {error}") from None
        object.__setattr__(self, "_key", key)

    def __repr__(self) -> str:
        return f"PublicKey({self.multibase!r})"

    @classmethod
    def from_multibase(cls, public_key_multibase: str) -> PublicKey:
        """Read a Multikey `publicKeyMultibase` (`z6Mk…`). Raises KeyFormatError."""
        data = strip_multicodec_prefix(
            ED25519_PUBLIC_KEY_PREFIX, decode_multibase(public_key_multibase)
        )
        if len(data) != PUBLIC_KEY_LENGTH:
            raise KeyFormatError(
                f"Multikey must hold a {PUBLIC_KEY_LENGTH}-byte Ed25519 key, got {len(data)}"
            )
        return cls(data)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, object]) -> PublicKey:
        """Read the public half (`x`) of an OKP/Ed25519 JWK. Raises KeyFormatError."""
        public_key, _ = parse_ed25519_jwk(jwk)
        return cls(public_key)

    @property
    def multibase(self) -> str:
        """The Multikey form: `z` + base58btc(0xed01 ‖ key), i.e. `z6Mk…`."""
        return encode_multibase(ED25519_PUBLIC_KEY_PREFIX + self.raw)

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (`kty` OKP, `crv` Ed25519, `x`)."""
        return build_ed25519_jwk(self.raw)

    def verify(self, signature: bytes, data: bytes) -> None:
        """Check an Ed25519 signature over `data`; returns nothing.

        Raises InvalidSignatureError when the signature does not match.
        """
        try:
            self._key.verify(signature, data)
        except (InvalidSignature, ValueError, TypeError):
            raise InvalidSignatureError("Ed25519 signature does not match") from None


def load_public_key(data: str | Mapping[str, object]) -> PublicKey:
    """Read a public key given as Multikey (`z6Mk…`), JWK (mapping or JSON) or PEM SPKI.

    Raises KeyFormatError when the format is not recognised or the key is not Ed25519.
    """
    if isinstance(data, Mapping):
        return PublicKey.from_jwk(data)
    text = data.strip()
    if text.startswith("{"):
        return PublicKey.from_jwk(parse_jwk_text(text))
    if text.startswith("-----BEGIN PUBLIC KEY-----"):
        return _public_key_from_pem(text.encode("ascii", errors="replace"))
    if text[:1] in ("z", "u"):
        return PublicKey.from_multibase(text)
    raise KeyFormatError("unrecognised public key format (expected Multikey, JWK or PEM)")


def _public_key_from_pem(data: bytes) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFormatError("could not parse PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFormatError(f"PEM public key is {type(key).__name__}, not Ed25519")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
