"""Document fetchers for the verifier's users: HTTPS over the network, and a chain.

The verification library itself never fetches: callers inject a `DocumentFetcher`. These are
the ones the CLI and the web page compose: local documents first (`--document`), then HTTPS.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher

MAX_DOCUMENT_BYTES: Final = 2 * 1024 * 1024
ACCEPT: Final = ("application/ld+json, application/did+json, application/json;q=0.9, "
                 "text/plain;q=0.5")
_LOOPBACK_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1"})


def check_fetchable(url: str, *, allow_loopback_http: bool = False) -> None:
    """Refuse URLs the verifier must not fetch: anything but https, and hosts that resolve
    to private, loopback, link-local or otherwise internal addresses (a credential must
    not make its verifier probe the verifier's own network). Plain http to a loopback host
    only when explicitly allowed (tests with local servers).

    Raises:
        ResolutionError: the URL is refused.
    """
    parts = urlsplit(url)
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None:
        raise ResolutionError(f"refusing to fetch {url}: it needs a plain host name")
    if allow_loopback_http and parts.scheme in ("http", "https") and host in _LOOPBACK_HOSTS:
        return
    if parts.scheme != "https":
        raise ResolutionError(f"refusing to fetch {url}: only https URLs are fetched")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443,
                                                                type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as error:
        raise ResolutionError(f"could not resolve {host}: {error}") from None
    for address in addresses:
        if not ipaddress.ip_address(str(address).split("%")[0]).is_global:
            raise ResolutionError(f"refusing to fetch {url}: {host} is an internal address "
                                  f"({address})")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a URL that may be fetched itself."""

    def __init__(self, allow_loopback_http: bool) -> None:
        super().__init__()
        self.allow_loopback_http = allow_loopback_http

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        check_fetchable(newurl, allow_loopback_http=self.allow_loopback_http)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_bytes(url: str, *, timeout: float = 10.0, allow_loopback_http: bool = False) -> bytes:
    """GET a document over HTTPS (or plain HTTP on loopback when allowed), size-bounded;
    redirects are followed only to URLs that pass the same checks.

    Raises:
        ResolutionError: the URL is refused, unreachable, not 200, or too large.
    """
    check_fetchable(url, allow_loopback_http=allow_loopback_http)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url.partition("#")[0], headers={"Accept": ACCEPT, "User-Agent": "microbadges"})
    opener = urllib.request.build_opener(_CheckedRedirects(allow_loopback_http))
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_DOCUMENT_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ResolutionError(f"GET {url} answered HTTP {error.code}") from None
    except ResolutionError:
        raise
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
