"""Document fetchers for the verifier's users: HTTPS over the network, and a chain.

The verification library itself never fetches: callers inject a `DocumentFetcher`. These are
the ones the CLI and the web page compose: local documents first (`--document`), then HTTPS.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher

MAX_DOCUMENT_BYTES: Final = 2 * 1024 * 1024
ACCEPT: Final = ("application/ld+json, application/did+json, application/json;q=0.9, "
                 "text/plain;q=0.5")
_LOOPBACK_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})


def fetch_bytes(url: str, *, timeout: float = 10.0, allow_loopback_http: bool = False) -> bytes:
    """GET a document over HTTPS (or plain HTTP on loopback when allowed), size-bounded.

    Raises:
        ResolutionError: the URL is refused, unreachable, not 200, or too large.
    """
    parts = urlsplit(url)
    loopback_http = (allow_loopback_http and parts.scheme == "http"
                     and parts.hostname in _LOOPBACK_HOSTS)
    if parts.scheme != "https" and not loopback_http:
        raise ResolutionError(f"refusing to fetch {url}: only https URLs are fetched")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url.partition("#")[0], headers={"Accept": ACCEPT, "User-Agent": "microbadges"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: bytes = response.read(MAX_DOCUMENT_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ResolutionError(f"GET {url} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ResolutionError(f"could not fetch {url}: {reason}") from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ResolutionError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return body


@dataclass(frozen=True, slots=True)
class HttpsDocumentFetcher:
    """Fetches JSON documents over HTTPS (DID documents, controller documents, status lists)."""

    timeout: float = 10.0
    allow_loopback_http: bool = False

    def fetch_json(self, url: str) -> object:
        """Return the parsed JSON at `url`. Raises ResolutionError."""
        body = fetch_bytes(url, timeout=self.timeout,
                           allow_loopback_http=self.allow_loopback_http)
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise ResolutionError(f"{url} did not return JSON") from None


@dataclass(frozen=True, slots=True)
class ChainedDocumentFetcher:
    """Asks each fetcher in turn; the first that has the document wins."""

    fetchers: Sequence[DocumentFetcher]

    def fetch_json(self, url: str) -> object:
        """Return the first fetcher's answer. Raises the last ResolutionError."""
        last = ResolutionError(f"no document available for {url}")
        for fetcher in self.fetchers:
            try:
                return fetcher.fetch_json(url)
            except ResolutionError as error:
                last = error
        raise last
