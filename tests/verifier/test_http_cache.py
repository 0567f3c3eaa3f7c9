"""The response cache: Cache-Control, Expires and ETag revalidation, against a counting
loopback server and a fake clock."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta

import pytest

from tests.loopback import Answer, LoopbackServer
from verifier.fetch import HttpsDocumentFetcher
from verifier.http_cache import MAX_FRESHNESS, ResponseCache, freshness_lifetime

T0 = datetime(2026, 1, 1, tzinfo=UTC)
HTTP_T0 = "Thu, 01 Jan 2026 00:00:00 GMT"


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer().running() as loopback:
        yield loopback


def _fetcher(clock: FakeClock, **limits: int) -> HttpsDocumentFetcher:
    return HttpsDocumentFetcher(timeout=5, allow_private_network=True,
                                cache=ResponseCache(clock=clock, **limits))


def _fetch_at(fetcher: HttpsDocumentFetcher, clock: FakeClock, server: LoopbackServer,
              seconds: list[float]) -> int:
    """Fetch /list at each of `seconds` after T0; how many requests reached the server."""
    for second in seconds:
        clock.now = T0 + timedelta(seconds=second)
        assert fetcher.fetch_json(server.url("/list")) == {"id": "list"}
    return server.count("/list")


@pytest.mark.parametrize(("headers", "seconds", "requests"), [
    ({}, [0, 1], 2),  # no caching headers: not cached
    ({"Cache-Control": "max-age=60"}, [0, 30, 59], 1),
    ({"Cache-Control": "max-age=60"}, [0, 30, 60, 61], 2),
    ({"Cache-Control": "public, max-age=\"60\""}, [0, 30], 1),
    ({"Cache-Control": "private, max-age=60"}, [0, 30], 1),
    ({"Cache-Control": "max-age=60", "Age": "50"}, [0, 9, 11], 2),
    ({"Cache-Control": "max-age=0"}, [0, 0], 2),
    ({"Cache-Control": "max-age=soon"}, [0, 0], 2),
    ({"Cache-Control": "s-maxage=60"}, [0, 1], 2),  # for shared caches only
    ({"Cache-Control": "no-store, max-age=60"}, [0, 1], 2),
    ({"Cache-Control": "no-cache, max-age=60"}, [0, 1], 2),  # no ETag to revalidate with
    ({"Cache-Control": "max-age=999999999"}, [0, MAX_FRESHNESS.total_seconds() + 1], 2),
    ({"Expires": "Thu, 01 Jan 2026 00:01:00 GMT", "Date": HTTP_T0}, [0, 59, 61], 2),
    ({"Expires": "Thu, 01 Jan 2026 00:01:00 GMT", "Date": HTTP_T0,
      "Cache-Control": "max-age=10"}, [0, 11], 2),  # max-age wins over Expires
    ({"Expires": "0"}, [0, 0], 2),  # malformed: already expired
    ({"Expires": "Wed, 31 Dec 2025 00:00:00 GMT"}, [0, 0], 2),
])
def test_cache_control(clock: FakeClock, server: LoopbackServer, headers: dict[str, str],
                       seconds: list[float], requests: int) -> None:
    server.routes["/list"] = Answer.of_json({"id": "list"}, **{
        name.replace("-", "_"): value for name, value in headers.items()})
    assert _fetch_at(_fetcher(clock), clock, server, seconds) == requests


def test_expires_is_measured_against_the_servers_date(clock: FakeClock) -> None:
    # The server's clock is an hour ahead of ours: the lifetime is still one minute.
    headers = {"date": "Thu, 01 Jan 2026 01:00:00 GMT",
               "expires": "Thu, 01 Jan 2026 01:01:00 GMT"}
    assert freshness_lifetime(headers, T0) == timedelta(minutes=1)


def test_no_cache_with_an_etag_revalidates(clock: FakeClock, server: LoopbackServer) -> None:
    def answer(headers: Mapping[str, str]) -> Answer:
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, headers={"ETag": '"v1"', "Cache-Control": "no-cache"})
        return Answer.of_json({"id": "list"}, ETag='"v1"', Cache_Control="no-cache")

    server.routes["/list"] = answer
    assert _fetch_at(_fetcher(clock), clock, server, [0, 1, 2]) == 3
    assert [request.headers.get("if-none-match") for request in server.requests] == [
        None, '"v1"', '"v1"']


def test_a_stale_entry_is_revalidated_and_fresh_again(clock: FakeClock,
                                                      server: LoopbackServer) -> None:
    def answer(headers: Mapping[str, str]) -> Answer:
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, headers={"Cache-Control": "max-age=60"})
        return Answer.of_json({"id": "list"}, ETag='"v1"', Cache_Control="max-age=60")

    server.routes["/list"] = answer
    assert _fetch_at(_fetcher(clock), clock, server, [0, 30, 61, 90, 122]) == 3
    assert [request.headers.get("if-none-match") for request in server.requests] == [
        None, '"v1"', '"v1"']


def test_a_changed_list_replaces_the_stale_one(clock: FakeClock,
                                               server: LoopbackServer) -> None:
    server.routes["/list"] = Answer.of_json({"id": "v1"}, ETag='"v1"', Cache_Control="max-age=60")
    fetcher = _fetcher(clock)
    assert fetcher.fetch_json(server.url("/list")) == {"id": "v1"}
    server.routes["/list"] = Answer.of_json({"id": "v2"}, ETag='"v2"', Cache_Control="max-age=60")
    clock.advance(61)
    assert fetcher.fetch_json(server.url("/list")) == {"id": "v2"}
    clock.advance(1)
    assert fetcher.fetch_json(server.url("/list")) == {"id": "v2"}
    assert server.count("/list") == 2


def test_the_cache_is_keyed_by_url_without_fragment(clock: FakeClock,
                                                    server: LoopbackServer) -> None:
    server.routes["/list"] = Answer.of_json({"id": "list"}, Cache_Control="max-age=60")
    server.routes["/other"] = Answer.of_json({"id": "other"}, Cache_Control="max-age=60")
    fetcher = _fetcher(clock)
    assert fetcher.fetch_json(server.url("/list#a")) == {"id": "list"}
    assert fetcher.fetch_json(server.url("/list#b")) == {"id": "list"}
    assert fetcher.fetch_json(server.url("/other")) == {"id": "other"}
    assert (server.count("/list"), server.count("/other")) == (1, 1)


def test_the_cache_is_bounded(clock: FakeClock, server: LoopbackServer) -> None:
    for name in "abc":
        server.routes[f"/{name}"] = Answer.of_json({"id": name}, Cache_Control="max-age=60")
    fetcher = _fetcher(clock, max_entries=2)
    for name in "abca":  # c evicts a, the least recently used
        fetcher.fetch_json(server.url(f"/{name}"))
    assert [server.count(f"/{name}") for name in "abc"] == [2, 1, 1]
    assert fetcher.cache is not None
    assert len(fetcher.cache) == 2


def test_the_cache_is_bounded_in_bytes(clock: FakeClock, server: LoopbackServer) -> None:
    server.routes["/list"] = Answer.of_json({"id": "list"}, Cache_Control="max-age=60")
    fetcher = _fetcher(clock, max_bytes=4)
    assert _fetch_at(fetcher, clock, server, [0, 1]) == 2


def test_threads_share_one_cache(clock: FakeClock, server: LoopbackServer) -> None:
    for name in range(4):
        server.routes[f"/{name}"] = Answer.of_json({"id": name}, Cache_Control="max-age=60")
    fetcher = _fetcher(clock, max_entries=3)
    failures: list[str] = []
    start = threading.Barrier(8)

    def work(number: int) -> None:
        start.wait()
        for round_ in range(10):
            name = (number + round_) % 4
            try:
                if fetcher.fetch_json(server.url(f"/{name}")) != {"id": name}:
                    failures.append(f"{number}-{round_}: wrong document")
            except Exception as error:  # every error counts: that is what is tested
                failures.append(f"{number}-{round_}: {error!r}")

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert fetcher.cache is not None
    assert len(fetcher.cache) <= 3
