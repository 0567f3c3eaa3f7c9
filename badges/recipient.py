"""Recipient identification (OB 3.0 IdentityObject, IdentityHash): salted hashed identifiers."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import ClassVar

from badges.datatypes import check_node, check_non_empty, check_vocabulary
from badges.errors import InvalidDocumentError
from badges.vocabulary import IdentifierType

__all__ = ["IdentityObject", "hash_identity", "identity_hash_matches"]

_IDENTITY_HASH = re.compile(r"sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32}")


def hash_identity(identity: str, salt: str) -> str:
    """OB 3.0 IdentityHash: `sha256$` + hex(SHA-256(UTF-8(identity + salt))).

    The identity is hashed exactly as given: OB 3.0 prescribes no normalisation (no
    lower-casing, no trimming), so neither do we.
    """
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def identity_hash_matches(identity_hash: str, identity: str, salt: str | None) -> bool:
    """Tell whether an IdentityHash (`sha256$…` or legacy `md5$…`, any hex case) is `identity`."""
    if _IDENTITY_HASH.fullmatch(identity_hash) is None:
        return False
    algorithm, _, digest = identity_hash.partition("$")
    data = (identity + (salt or "")).encode("utf-8")
    if algorithm == "sha256":
        expected = hashlib.sha256(data).hexdigest()
    else:
        expected = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return hmac.compare_digest(expected, digest.lower())


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityObject:
    """OB 3.0 IdentityObject: a recipient identifier, usually a salted hashed email."""

    TYPE: ClassVar[str] = "IdentityObject"

    identity_type: IdentifierType | str
    hashed: bool
    identity_hash: str
    salt: str | None = None

    def __post_init__(self) -> None:
        check_node(self)
        identity_type = check_vocabulary(
            self.identity_type, IdentifierType, "IdentityObject.identity_type"
        )
        object.__setattr__(self, "identity_type", identity_type)
        if self.hashed and _IDENTITY_HASH.fullmatch(self.identity_hash) is None:
            raise InvalidDocumentError(
                "IdentityObject.identity_hash must be 'sha256$' + 64 hex digits when hashed",
            )
        check_non_empty(self.identity_hash, "IdentityObject.identity_hash")

    @classmethod
    def hashed_email(cls, email: str, *, salt: str) -> IdentityObject:
        """Identify a recipient by a salted SHA-256 hash of their email address.

        Raises InvalidDocumentError for an empty salt (an unsalted email hash is reversible).
        """
        check_non_empty(salt, "IdentityObject.salt")
        return cls(
            identity_type=IdentifierType.EMAIL_ADDRESS,
            hashed=True,
            identity_hash=hash_identity(email, salt),
            salt=salt,
        )
