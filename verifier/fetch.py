"""Document fetchers for the verifier's users: HTTP(S) over the network, and a chain.

The verification library itself never fetches: callers inject a `DocumentFetcher`. These are
the ones the CLI and the web page compose: local documents first (`--document`), then the
network. The network fetcher must never let a credential make the verifier probe the
verifier's own network: it refuses private, loopback and link-local addresses (unless
`allow_private_network`), connects to exactly the address it checked, bounds the time, the
size and the redirects of every fetch.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit

from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher
from verifier.http_cache import ResponseCache

MAX_DOCUMENT_BYTES: Final = 2 * 1024 * 1024
MAX_REDIRECTS: Final = 5
DEFAULT_TIMEOUT: Final = 10.0
ACCEPT: Final = ("application/ld+json, application/did+json, application/json;q=0.9, "
                 "text/plain;q=0.5")
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE: Final = ipaddress.ip_network("::/96")


@dataclass(frozen=True, slots=True)
class FetchedResponse:
    """One answer: 200 with a body, or 304 to a conditional GET; header names lower-case."""

    status: int
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Target:
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]
    path: str


class RefusedAddressError(ResolutionError):
    """The URL's host resolves to an address the fetcher refuses (internal, multicast)."""

    code = "refused_address"


def check_fetchable(url: str, *, allow_private_network: bool = False) -> None:
    """Refuse URLs the verifier must not fetch (see `fetch_response`).

    Raises:
        ResolutionError: the URL is refused or its host cannot be resolved.
    """
    _checked_target(url, allow_private_network)


def _checked_target(url: str, allow_private_network: bool) -> _Target:
    """Resolve the URL's host once; every address it resolves to must be acceptable, and
    the connection goes to one of exactly these."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ResolutionError(f"refusing to fetch {url}: malformed URL") from None
    if not host or parts.username is not None or parts.password is not None:
        raise ResolutionError(f"refusing to fetch {url}: it needs a plain host name")
    if parts.scheme == "http" and not allow_private_network:
        raise ResolutionError(f"refusing to fetch {url}: only https URLs are fetched")
    if parts.scheme not in ("https", "http"):
        raise ResolutionError(f"refusing to fetch {url}: only https URLs are fetched")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    for address in addresses:
        problem = _refusal(address, allow_private_network)
        if problem is None and parts.scheme == "http" and _is_public(address):
            problem = "plain http is fetched only from private-network addresses"
        if problem is not None:
            raise RefusedAddressError(f"refusing to fetch {url}: {host} is {address}: "
                                      f"{problem}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(parts.scheme, host, port, tuple(str(address) for address in addresses),
                   path)


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    # getaddrinfo has no timeout of its own: a slow resolver can delay a fetch beyond it.
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    except (OSError, UnicodeError, ValueError) as error:
        raise ResolutionError(f"could not resolve {host}: {error}") from None
    if not addresses:
        raise ResolutionError(f"could not resolve {host}: no addresses")
    return addresses


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to (mapped, 6to4, NAT64, IPv4-compatible)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return embedded.is_global and address.is_global
    return address.is_global


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address,
             allow_private_network: bool) -> str | None:
    if address.is_multicast or address.is_unspecified:
        return "not a host address"
    if not allow_private_network and not _is_public(address):
        return "an internal (private, loopback or link-local) address"
    return None


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to a checked address, whatever the host name resolves to now
    (no DNS rebinding between the check and the connection). The host name is still sent as
    `Host` and used for TLS (SNI and certificate verification)."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = target.addresses
        self._tls = ssl.create_default_context() if target.scheme == "https" else None

    def connect(self) -> None:
        sock = self._connect_any()
        if self._tls is not None:
            sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        self.sock = sock

    def _connect_any(self) -> socket.socket:
        # Each checked address in turn, as socket.create_connection does with a name (a host
        # with an IPv6 address may be unreachable over IPv6 from here).
        last: OSError = OSError(f"no address for {self.host}")
        for address in dict.fromkeys(self._addresses):
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as error:
                last = error
        raise last


class _Deadline:
    """Cuts a connection when the fetch's time is up: socket timeouts bound each read, but a
    server that drips one byte at a time would otherwise hold the fetch for ever."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds
        self.expired = False

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError("timed out")
        return left

    def guard(self, connection: _PinnedConnection) -> threading.Timer:
        def cut() -> None:
            self.expired = True
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
        timer = threading.Timer(max(self.ends - time.monotonic(), 0.0), cut)
        timer.daemon = True
        timer.start()
        return timer


def fetch_response(url: str, *, timeout: float = DEFAULT_TIMEOUT,
                   allow_private_network: bool = False,
                   if_none_match: str | None = None) -> FetchedResponse:
    """GET a document: https only, to public addresses only (with `allow_private_network`,
    also private, loopback and link-local addresses, and plain http to those), within
    `timeout` seconds in all, at most MAX_DOCUMENT_BYTES, following at most MAX_REDIRECTS
    redirects, each to a URL that passes the same checks.

    Raises:
        ResolutionError: the URL is refused, unreachable, too slow, too large, or answered
            with anything but 200 (or 304 to a conditional GET).
    """
    deadline = _Deadline(timeout)
    current = url.partition("#")[0]
    for _ in range(MAX_REDIRECTS + 1):
        target = _checked_target(current, allow_private_network)
        try:
            status, headers, body = _get(current, target, deadline, if_none_match)
        except ResolutionError:
            raise
        except (OSError, http.client.HTTPException, ValueError) as error:
            timed_out = deadline.expired or isinstance(error, TimeoutError)
            reason = f"no answer within {timeout:g} s" if timed_out else (
                str(error) or type(error).__name__)
            raise ResolutionError(f"could not fetch {current}: {reason}") from None
        if status in _REDIRECTS and "location" in headers:
            current = urljoin(current, headers["location"]).partition("#")[0]
            continue
        if status == 200 or (status == 304 and if_none_match is not None):
            if len(body) > MAX_DOCUMENT_BYTES:
                raise ResolutionError(f"{current} is larger than {MAX_DOCUMENT_BYTES} bytes")
            return FetchedResponse(status, body, headers)
        raise ResolutionError(f"GET {current} answered HTTP {status}")
    raise ResolutionError(f"not fetching {url}: more than {MAX_REDIRECTS} redirects")


def _get(url: str, target: _Target, deadline: _Deadline, if_none_match: str | None
         ) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept": ACCEPT, "Accept-Encoding": "identity", "User-Agent": "microbadges"}
    if if_none_match is not None:
        headers["If-None-Match"] = if_none_match
    connection = _PinnedConnection(target, timeout=deadline.remaining())
    timer = deadline.guard(connection)
    response: http.client.HTTPResponse | None = None
    try:
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        names = {name.lower(): value for name, value in response.getheaders()}
        if deadline.expired:
            raise TimeoutError("timed out")
        if response.status != 200:
            return response.status, names, b""
        length = names.get("content-length", "")
        if length.isdigit() and int(length) > MAX_DOCUMENT_BYTES:
            raise ResolutionError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_DOCUMENT_BYTES:
            chunk = response.read(min(65536, MAX_DOCUMENT_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            deadline.remaining()
        if deadline.expired:
            # The connection was cut: what looks like the end of the answer is not.
            raise TimeoutError("timed out")
        return response.status, names, b"".join(chunks)
    finally:
        timer.cancel()
        if response is not None:  # it holds the socket's file after the connection closes
            response.close()
        connection.close()


def fetch_bytes(url: str, *, timeout: float = DEFAULT_TIMEOUT,
                allow_private_network: bool = False) -> bytes:
    """The body of `fetch_response` (a credential given to the CLI as a URL).

    Raises:
        ResolutionError: as `fetch_response`.
    """
    return fetch_response(url, timeout=timeout, allow_private_network=allow_private_network).body


@dataclass(frozen=True, slots=True)
class HttpsDocumentFetcher:
    """Fetches JSON documents over HTTPS (DID documents, controller documents, status lists),
    through `cache` when given one (shared between verifications, honouring Cache-Control).

    `allow_private_network` is for intranet and local test servers: it also permits private,
    loopback and link-local addresses, and plain http to them.
    """

    timeout: float = DEFAULT_TIMEOUT
    allow_private_network: bool = False
    cache: ResponseCache | None = None

    def fetch_json(self, url: str) -> object:
        """Return the parsed JSON at `url`. Raises ResolutionError."""
        url = url.partition("#")[0]
        body = self._fetch(url)
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise ResolutionError(f"{url} did not return JSON") from None

    def _fetch(self, url: str) -> bytes:
        if self.cache is None:
            return fetch_bytes(url, timeout=self.timeout,
                               allow_private_network=self.allow_private_network)
        cached = self.cache.lookup(url)
        if cached.fresh_body is not None:
            return cached.fresh_body
        response = fetch_response(url, timeout=self.timeout,
                                  allow_private_network=self.allow_private_network,
                                  if_none_match=cached.etag)
        if response.status == 304 and cached.stale_body is not None:
            self.cache.revalidated(url, cached.stale_body, response.headers)
            return cached.stale_body
        self.cache.store(url, response.body, response.headers)
        return response.body


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
