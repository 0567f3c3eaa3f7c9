"""Ed25519 key pairs: generation, import from PEM / JWK / Multikey / hex, export, signing.

Private material never appears in `repr()`, `str()` or an error message. This module and
`keys.public_key` are the only ones that call `cryptography`; its exceptions end here.
"""

from __future__ import annotations

import hmac
import string
from collections.abc import Callable, Mapping
from typing import Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from keys.did_key import create_did_key, create_did_key_verification_method
from keys.errors import InvalidPassphraseError, KeyDecryptionError, KeyFormatError
from keys.jwk import build_ed25519_jwk, parse_ed25519_jwk, parse_jwk_text
from keys.multibase import (
    ED25519_PRIVATE_KEY_PREFIX,
    decode_multibase,
    encode_multibase,
    strip_multicodec_prefix,
)
from keys.public_key import PublicKey

__all__ = ["KeyPair", "Passphrase", "generate_key_pair", "load_private_key"]

Passphrase = str | bytes

SEED_LENGTH: Final = 32
_HEX_DIGITS: Final = frozenset(string.hexdigits)


class KeyPair:
    """An Ed25519 private key with its public key; signs bytes, never reveals itself."""

    __slots__ = ("_private_key", "_public_key")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self._public_key = PublicKey(
            private_key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def __repr__(self) -> str:
        return f"KeyPair(public_key_multibase={self.public_key_multibase!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyPair):
            return NotImplemented
        return hmac.compare_digest(self._seed(), other._seed())

    # -- construction -----------------------------------------------------------------

    @classmethod
    def generate(cls) -> KeyPair:
        """Create a new random key pair."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        """Build from the 32-byte RFC 8032 private key (seed). Raises KeyFormatError."""
        if len(seed) != SEED_LENGTH:
            raise KeyFormatError(
                f"an Ed25519 private key seed is {SEED_LENGTH} bytes, got {len(seed)}"
            )
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_secret_bytes(cls, data: bytes) -> KeyPair:
        """Build from a 32-byte seed or a 64-byte seed ‖ public key.

        Raises KeyFormatError for another length or when the public half does not match.
        """
        if len(data) == SEED_LENGTH:
            return cls.from_seed(data)
        if len(data) != 2 * SEED_LENGTH:
            raise KeyFormatError(f"an Ed25519 secret key is 32 or 64 bytes, got {len(data)}")
        key_pair = cls.from_seed(data[:SEED_LENGTH])
        if not hmac.compare_digest(key_pair.public_key.raw, data[SEED_LENGTH:]):
            raise KeyFormatError(
                "the public half of the 64-byte secret key does not match its seed"
            )
        return key_pair

    @classmethod
    def from_secret_multibase(cls, secret_key_multibase: str) -> KeyPair:
        """Read a Multikey `secretKeyMultibase` (prefix 0x8026). Raises KeyFormatError."""
        data = strip_multicodec_prefix(
            ED25519_PRIVATE_KEY_PREFIX, decode_multibase(secret_key_multibase)
        )
        return cls.from_secret_bytes(data)

    @classmethod
    def from_hex(cls, text: str) -> KeyPair:
        """Read 64 hex digits (seed) or 128 (seed ‖ public). Raises KeyFormatError."""
        text = text.strip()
        if len(text) not in (2 * SEED_LENGTH, 4 * SEED_LENGTH) or not _HEX_DIGITS.issuperset(text):
            raise KeyFormatError(
                f"a hex private key is {2 * SEED_LENGTH} or {4 * SEED_LENGTH} hex digits"
            )
        return cls.from_secret_bytes(bytes.fromhex(text))

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, object]) -> KeyPair:
        """Read a private OKP/Ed25519 JWK (`d` required, `x` must match). Raises KeyFormatError."""
        public_key, seed = parse_ed25519_jwk(jwk)
        if seed is None:
            raise KeyFormatError("JWK has no private key member 'd'")
        key_pair = cls.from_seed(seed)
        if not hmac.compare_digest(key_pair.public_key.raw, public_key):
            raise KeyFormatError("JWK 'x' does not match the public key derived from 'd'")
        return key_pair

    @classmethod
    def from_pem(cls, data: str | bytes, passphrase: Passphrase | None = None) -> KeyPair:
        """Read a PKCS#8 PEM private key, decrypting it when it is encrypted.

        The passphrase is used only when the key is encrypted. Raises KeyDecryptionError
        (encrypted: no or wrong passphrase), InvalidPassphraseError or KeyFormatError.
        """
        pem = data.encode("ascii", errors="replace") if isinstance(data, str) else data
        return cls._from_loaded(_load_pkcs8(serialization.load_pem_private_key, pem, passphrase))

    @classmethod
    def from_der(cls, data: bytes, passphrase: Passphrase | None = None) -> KeyPair:
        """Read a DER PKCS#8 private key, decrypting it when it is encrypted.

        Raises KeyDecryptionError, InvalidPassphraseError or KeyFormatError.
        """
        return cls._from_loaded(_load_pkcs8(serialization.load_der_private_key, data, passphrase))

    @classmethod
    def _from_loaded(cls, key: PrivateKeyTypes) -> KeyPair:
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyFormatError(f"the private key is {type(key).__name__}, not Ed25519")
        return cls(key)

    # -- use ---------------------------------------------------------------------------

    def sign(self, data: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of `data`."""
        return self._private_key.sign(data)

    @property
    def public_key(self) -> PublicKey:
        """The public key value object."""
        return self._public_key

    @property
    def public_key_multibase(self) -> str:
        """The public key as Multikey (`z6Mk…`)."""
        return self._public_key.multibase

    @property
    def did_key(self) -> str:
        """The did:key DID of the public key (`did:key:z6Mk…`)."""
        return create_did_key(self._public_key)

    @property
    def did_key_verification_method(self) -> str:
        """The did:key verification method id (`did:key:z6Mk…#z6Mk…`)."""
        return create_did_key_verification_method(self._public_key)

    # -- export ------------------------------------------------------------------------

    def to_public_jwk(self) -> dict[str, str]:
        """The public JWK."""
        return self._public_key.to_jwk()

    def to_private_jwk(self) -> dict[str, str]:
        """The private JWK (includes `d`): handle as a secret."""
        return build_ed25519_jwk(self._public_key.raw, self._seed())

    def to_secret_multibase(self, *, include_public: bool = False) -> str:
        """The Multikey `secretKeyMultibase`: handle as a secret.

        By default 0x8026 ‖ 32-byte seed (Controlled Identifiers 1.0 Multikey); with
        `include_public` the 64-byte seed ‖ public form some libraries emit.
        """
        return encode_multibase(ED25519_PRIVATE_KEY_PREFIX + self._secret_bytes(include_public))

    def to_private_hex(self, *, include_public: bool = True) -> str:
        """The private key as hex (seed ‖ public by default): handle as a secret."""
        return self._secret_bytes(include_public).hex()

    def to_pkcs8_pem(self, passphrase: Passphrase | None = None) -> bytes:
        """PKCS#8 PEM, encrypted with the best available scheme when a passphrase is given.

        Raises InvalidPassphraseError for an empty passphrase.
        """
        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
        if passphrase is not None:
            encryption = serialization.BestAvailableEncryption(_passphrase_bytes(passphrase))
        return self._private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def _seed(self) -> bytes:
        return self._private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def _secret_bytes(self, include_public: bool) -> bytes:
        return self._seed() + (self._public_key.raw if include_public else b"")


def generate_key_pair() -> KeyPair:
    """Create a new random Ed25519 key pair."""
    return KeyPair.generate()


def load_private_key(data: str | bytes, passphrase: Passphrase | None = None) -> KeyPair:
    """Read a private key, detecting its format: PKCS#8 PEM (encrypted or not), DER,
    private JWK, Multikey `secretKeyMultibase` or hex (seed, or seed ‖ public).

    Raises KeyDecryptionError (encrypted, no or wrong passphrase) or KeyFormatError.
    """
    if isinstance(data, bytes):
        # DER always carries low control bytes (lengths, version 0); text formats never do.
        if any(byte < 0x09 for byte in data[:32]):
            return KeyPair.from_der(data, passphrase)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise KeyFormatError("private key bytes are neither text nor DER") from None
    else:
        text = data
    text = text.strip().lstrip("\ufeff")
    if text.startswith("-----BEGIN"):
        return KeyPair.from_pem(text, passphrase)
    if text.startswith("{"):
        return KeyPair.from_jwk(parse_jwk_text(text))
    if text[:1] in ("z", "u"):
        return KeyPair.from_secret_multibase(text)
    if text and _HEX_DIGITS.issuperset(text):
        return KeyPair.from_hex(text)
    raise KeyFormatError(
        "unrecognised private key format (expected PKCS#8 PEM, JWK, Multikey or hex)"
    )


def _passphrase_bytes(passphrase: Passphrase) -> bytes:
    password = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if not password:
        raise InvalidPassphraseError("the passphrase must not be empty")
    return password


def _load_pkcs8(
    loader: Callable[[bytes, bytes | None], PrivateKeyTypes],
    data: bytes,
    passphrase: Passphrase | None,
) -> PrivateKeyTypes:
    try:
        return loader(data, None)
    except TypeError:
        pass  # cryptography's way of saying "encrypted: a password is needed"
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFormatError("could not parse the private key (expected PKCS#8)") from None
    if passphrase is None:
        raise KeyDecryptionError("the private key is encrypted: a passphrase is required")
    try:
        return loader(data, _passphrase_bytes(passphrase))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyDecryptionError(
            "could not decrypt the private key: wrong passphrase or corrupted data"
        ) from None
