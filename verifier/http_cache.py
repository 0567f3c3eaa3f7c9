"""A bounded, thread-safe, in-memory HTTP response cache that honours `Cache-Control`.

A private cache in the sense of RFC 9111: it keys responses by URL, stores only what the
response allows (`no-store` is never stored, nothing is stored without `max-age` or `Expires`
unless it can be revalidated), and serves an entry only while it is fresh. `no-cache` entries
and stale entries with an `ETag` are kept for a conditional GET. The clock is injected; the
cache never reads the wall clock itself unless given the default clock.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

from badges.clock import Clock, system_clock

DEFAULT_MAX_ENTRIES: Final = 256
DEFAULT_MAX_BYTES: Final = 32 * 1024 * 1024
# No list is trusted for longer than a day, whatever its headers say: a revocation must
# reach the verifier eventually even when an issuer's CDN is misconfigured.
MAX_FRESHNESS: Final = timedelta(days=1)

_DIRECTIVE = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*("[^"]*"|[^,\s]*))?\s*')


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored response body, until when it is fresh, and its validator."""

    body: bytes
    fresh_until: datetime
    etag: str | None


@dataclass(frozen=True, slots=True)
class CacheLookup:
    """What the cache has for a URL: a fresh body to serve, or an ETag to revalidate with."""

    fresh_body: bytes | None = None
    etag: str | None = None
    stale_body: bytes | None = None


def parse_cache_control(value: str | None) -> dict[str, str | None]:
    """The directives of a `Cache-Control` header, names lower-cased (RFC 9111 §5.2)."""
    directives: dict[str, str | None] = {}
    for part in (value or "").split(","):
        match = _DIRECTIVE.fullmatch(part)
        if match is None:
            continue
        name, argument = match.group(1).lower(), match.group(2)
        if argument is not None and argument.startswith('"'):
            argument = argument[1:-1]
        directives.setdefault(name, argument)
    return directives


def freshness_lifetime(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    """How long a response may be served without asking again, or None when it must not be
    stored at all (`no-store`). Zero when it may be stored only to revalidate (`no-cache`,
    no explicit lifetime, malformed or past `Expires`).

    `max-age` wins over `Expires` (RFC 9111 §4.2.1); `s-maxage` is for shared caches and is
    ignored; `Age` is subtracted; there is no heuristic freshness.
    """
    directives = parse_cache_control(headers.get("cache-control"))
    if "no-store" in directives:
        return None
    if "no-cache" in directives:
        return timedelta(0)
    if "max-age" in directives:
        lifetime = _seconds(directives["max-age"])
    else:
        lifetime = _expires_lifetime(headers, now)
    if lifetime is None:
        return timedelta(0)
    age = _seconds(headers.get("age")) or timedelta(0)
    return max(timedelta(0), min(lifetime, MAX_FRESHNESS) - age)


def _seconds(value: str | None) -> timedelta | None:
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return timedelta(seconds=min(int(value[:12]), 10**9))


def _expires_lifetime(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    expires = _http_date(headers.get("expires"))
    if expires is None:
        return None
    # Measure against the server's own Date where given, so that clock skew does not count.
    date = _http_date(headers.get("date")) or now
    return max(timedelta(0), expires - date)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class ResponseCache:
    """Responses keyed by URL, least recently used evicted first; safe to share between
    threads (one lock around every read and write). Two threads that miss at once both
    fetch: there is no request coalescing."""

    def __init__(self, *, clock: Clock = system_clock,
                 max_entries: int = DEFAULT_MAX_ENTRIES,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def lookup(self, url: str) -> CacheLookup:
        """A fresh body for `url`, else the ETag (and body) of a stale entry, else nothing."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return CacheLookup()
            self._entries.move_to_end(url)
            if self._clock() < entry.fresh_until:
                return CacheLookup(fresh_body=entry.body)
            if entry.etag is None:
                self._remove(url)
                return CacheLookup()
            return CacheLookup(etag=entry.etag, stale_body=entry.body)

    def store(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """Store a 200 response (headers with lower-case names) if its headers allow it."""
        now = self._clock()
        lifetime = freshness_lifetime(headers, now)
        etag = headers.get("etag")
        with self._lock:
            self._remove(url)
            if lifetime is None or (lifetime <= timedelta(0) and etag is None):
                return
            if len(body) > self._max_bytes:
                return
            self._entries[url] = CachedResponse(body, now + lifetime, etag)
            self._bytes += len(body)
            while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                self._remove(next(iter(self._entries)))

    def revalidated(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """Record a 304 answer to a conditional GET: the stored body is fresh again for as
        long as the 304's headers say (RFC 9111 §4.3.4); its ETag is kept unless replaced."""
        merged = dict(headers)
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and entry.etag is not None:
                merged.setdefault("etag", entry.etag)
        self.store(url, body, merged)

    def _remove(self, url: str) -> None:
        entry = self._entries.pop(url, None)
        if entry is not None:
            self._bytes -= len(entry.body)
