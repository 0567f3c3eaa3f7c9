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
