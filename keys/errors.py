"""The root of every error microbadges raises, and the errors of key handling.

`BadgeError` lives in the lowest layer (`keys`) so that every package can derive from it
without importing upwards; `badges.errors` re-exports it.
"""

from __future__ import annotations

from typing import ClassVar


class BadgeError(Exception):
    """Root of all microbadges errors; `code` is stable and machine-readable."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class KeyFormatError(BadgeError):
    """Key material could not be parsed or is not an Ed25519 key."""

    code = "invalid_key"


class KeyDecryptionError(BadgeError):
    """An encrypted private key could not be decrypted (wrong passphrase or corrupt file)."""

    code = "key_decryption_failed"


class ResolutionError(BadgeError):
    """A DID or verification method could not be resolved (could not decide)."""

    code = "resolution_failed"


class InvalidVerificationMethodError(BadgeError):
    """A verification method was resolved but is malformed or not usable."""

    code = "invalid_verification_method"


class MultibaseError(KeyFormatError):
    """A multibase / base58btc / base64url string is malformed or uses an unsupported base."""

    code = "invalid_multibase"


class InvalidPassphraseError(BadgeError):
    """A passphrase is unusable (empty) for encrypting or decrypting a private key."""

    code = "invalid_passphrase"


class InvalidSignatureError(BadgeError):
    """An Ed25519 signature does not verify against the public key and data."""

    code = "invalid_signature"


class InvalidDidError(BadgeError):
    """A did:key or did:web identifier is malformed or names an unsupported key type."""

    code = "invalid_did"


class VerificationMethodNotFoundError(InvalidVerificationMethodError):
    """The controller document was retrieved but does not contain the verification method."""

    code = "verification_method_not_found"


class KeyStoreError(BadgeError):
    """The key store cannot save or load a key (bad key id, existing key, I/O failure)."""

    code = "key_store_error"


class KeyNotFoundError(KeyStoreError):
    """The key store holds no key under the requested id."""

    code = "key_not_found"
