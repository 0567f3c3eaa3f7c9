"""Read a 1EdTech Revocation List (the legacy OB 3.0 status method) for one credential.

1EdTech Revocation List Status Method 1.0: the entry is `{id: <list URL>, type:
"1EdTechRevocationList"}`; the document at `id` is a RevocationList `{id, issuer,
revokedCredentials: [{id, revoked?, revocationReason?}]}` (a plain JSON document, not a
credential: its only authentication is the issuer's own HTTPS origin). Never performs I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from keys.errors import BadgeError
from verifier.structure import issuer_id

REVOCATION_LIST_ENTRY: Final = "1EdTechRevocationList"


class RevocationListError(BadgeError):
    """The revocation list is malformed or is not the credential issuer's list."""

    code = "status_unavailable"


@dataclass(frozen=True, slots=True)
class Revocation:
    """The list's answer for one credential."""

    revoked: bool
    reason: str | None = None


def read_revocation(document: object, credential: Mapping[str, Any], url: str) -> Revocation:
    """Whether `document` (fetched from `url`) lists `credential` as revoked.

    The list must name the credential's issuer as its `issuer` and, where it states its own
    `id`, be the list at `url`; a listed credential is revoked unless its `revoked` is false.

    Raises:
        RevocationListError: the document is not a revocation list of the credential's
            issuer, or is malformed (so it says nothing either way).
    """
    if not isinstance(document, Mapping):
        raise RevocationListError(f"revocation list {url} is not a JSON object")
    list_id = document.get("id")
    if list_id is not None and (not isinstance(list_id, str)
                                or list_id.partition("#")[0] != url.partition("#")[0]):
        raise RevocationListError(f"revocation list {url} says it is {list_id!r}")
    list_issuer = document.get("issuer")
    if isinstance(list_issuer, Mapping):
        list_issuer = list_issuer.get("id")
    if not isinstance(list_issuer, str) or list_issuer != issuer_id(credential):
        raise RevocationListError(f"revocation list {url} is issued by {list_issuer!r}, not by "
                                  "the credential's issuer")
    entries = document.get("revokedCredentials")
    if not isinstance(entries, list):
        raise RevocationListError(f"revocation list {url} has no revokedCredentials list")
    credential_id = credential.get("id")
    if not isinstance(credential_id, str):
        raise RevocationListError("the credential has no id to look up in revocation list "
                                  f"{url}")
    found = Revocation(revoked=False)
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            raise RevocationListError(f"revocation list {url} holds an entry without an id")
        revoked = entry.get("revoked", True)
        if not isinstance(revoked, bool):
            raise RevocationListError(f"revocation list {url}: 'revoked' must be true or false")
        if entry["id"] == credential_id and revoked:
            reason = entry.get("revocationReason")
            found = Revocation(True, reason if isinstance(reason, str) else None)
    return found
