"""Who a known-issuer registry vouches for: its entries, as plain data (see
`verifier.registry` for reading registries and the check)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["IssuerRegistry", "RegisteredIssuer", "name_key", "url_key"]


@dataclass(frozen=True, slots=True)
class RegisteredIssuer:
    """What a registry says of one issuer. `verification_methods` is None when the registry
    lists no keys (plain DCC registries): the issuer id alone is then vouched for."""

    issuer_id: str
    name: str
    registry: str
    url: str | None = None
    legal_name: str | None = None
    location: str | None = None
    country: str | None = None
    logo: str | None = None
    membership: str | None = None
    verification_methods: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class IssuerRegistry:
    """One registry: its name and its issuers by id."""

    name: str
    issuers: Mapping[str, RegisteredIssuer]

    def lookup(self, issuer: str) -> RegisteredIssuer | None:
        """The entry of `issuer`, if registered."""
        return self.issuers.get(issuer)

    def claimed_by(self, name: str | None, url: str | None) -> RegisteredIssuer | None:
        """A registered issuer whose name or web address (`url`) these are, if any."""
        wanted_name, wanted_url = name_key(name), url_key(url)
        for entry in self.issuers.values():
            if wanted_name is not None and wanted_name in (name_key(entry.name),
                                                          name_key(entry.legal_name)):
                return entry
            if wanted_url is not None and wanted_url == url_key(entry.url):
                return entry
        return None


def name_key(name: str | None) -> str | None:
    """A name as people read it: case, accents' forms and spacing do not matter."""
    if not name:
        return None
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(folded.split()) or None


def url_key(url: str | None) -> str | None:
    """A web address as people read it: scheme, `www.`, case and a trailing slash do not
    matter."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None
    return host + parts.path.rstrip("/").lower()
