"""did:web identifiers ↔ the https URL of their DID document (W3C CCG did:web Method §3.2).

Pure string mapping: fetching the document is the job of an injected `DocumentFetcher`.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from keys.errors import InvalidDidError

__all__ = ["DID_WEB_PREFIX", "create_did_web", "did_web_to_url"]

DID_WEB_PREFIX: Final = "did:web:"
_HOST: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")
# RFC 3986 path-segment characters (unreserved, percent-encoded, sub-delims, "@") minus ":".
_SEGMENT: Final = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-Fa-f]{2})+")
_PORT_SEPARATOR: Final = re.compile("%3A", re.IGNORECASE)


def did_web_to_url(did: str) -> str:
    """Map a did:web DID to its document URL.

    `did:web:example.com` → `https://example.com/.well-known/did.json`;
    `did:web:example.com:user:alice` → `https://example.com/user/alice/did.json`;
    `did:web:localhost%3A8443` → `https://localhost:8443/.well-known/did.json`.
    Raises InvalidDidError for anything else (DID URLs with `#`/`?` included).
    """
    if not isinstance(did, str) or not did.startswith(DID_WEB_PREFIX):
        raise InvalidDidError(f"not a did:web identifier: {did!r}")
    if any(char in did for char in "#?/"):
        raise InvalidDidError(f"did:web must be a bare DID, not a DID URL: {did!r}")
    host_part, *segments = did[len(DID_WEB_PREFIX) :].split(":")
    host = _PORT_SEPARATOR.sub(":", host_part)
    if not _HOST.fullmatch(host):
        raise InvalidDidError(f"did:web has an invalid domain name: {host_part!r}")
    _check_segments(segments, did)
    path = "/".join(segments) if segments else ".well-known"
    return f"https://{host.lower()}/{path}/did.json"


def create_did_web(origin: str, path: str = "") -> str:
    """Build a did:web from an https origin and an optional path.

    `("https://example.com", "")` → `did:web:example.com`;
    `("https://example.com:8443", "/user/alice")` → `did:web:example.com%3A8443:user:alice`.
    Raises InvalidDidError for a non-https origin, an origin with a path, or a bad path.
    """
    parts = urlsplit(origin)
    if parts.scheme != "https":
        raise InvalidDidError(f"did:web origin must use https: {origin!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise InvalidDidError(f"did:web origin must be scheme and host only: {origin!r}")
    try:
        port = parts.port
    except ValueError:
        raise InvalidDidError(f"did:web origin has an invalid port: {origin!r}") from None
    host = (parts.hostname or "") + (f":{port}" if port is not None else "")
    if not _HOST.fullmatch(host):
        raise InvalidDidError(f"did:web origin has an invalid host: {origin!r}")
    stripped = path.strip("/")
    segments = stripped.split("/") if stripped else []
    did = DID_WEB_PREFIX + host.lower().replace(":", "%3A")
    _check_segments(segments, did)
    return ":".join([did, *segments])


def _check_segments(segments: list[str], did: str) -> None:
    for segment in segments:
        if segment in (".", "..") or not _SEGMENT.fullmatch(segment):
            raise InvalidDidError(f"did:web has an invalid path segment {segment!r} in {did!r}")
