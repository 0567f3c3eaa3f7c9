"""Badge page latency: what a view of a learner's page costs, against serving the same
credential as JSON.

Run from the repository root:

    python -m benchmarks.pages [--iterations N] [--warmup N] [--json]

The issuer app runs on a fresh SQLite database in a temporary folder behind Werkzeug's
threaded server on a loopback port (`benchmarks.status.running_service`), with one awarded
microbadge. Each request is one `http.client` round trip over loopback, timed with
`time.perf_counter_ns()` and its answer checked outside the timed region; warm-up rounds
are untimed; medians and nearest-rank p90 in ms. Rows:

- page (HTML): `GET /badges/<token>` as a browser asks for it: the stored credential is
  verified (all 9 checks; the status list read from the database and verified), summarised
  and rendered.
- credential (JSON): the same URL with `Accept: application/vc+ld+json`, the stored bytes:
  the **reference** of every ratio (the request without verification or rendering).
- baked PNG / baked SVG: `GET /badges/<token>/badge.png|svg` (the default emblem, baked).
- QR code PNG: `GET /badges/<token>/qr.png` (qrcode + pypng).
- verify page (pasted): `POST /verify` with the credential JSON pasted into the form.

Exit status: 0; 2 when a precondition fails (the page does not say Verified, the JSON is not
the stored bytes).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from benchmarks.sign_verify import BenchmarkError, Timing, machine_info
from benchmarks.status import award, running_service
from issuer.awards.sharing import page_url

DEFAULT_ITERATIONS: Final = 200
DEFAULT_WARMUP: Final = 20
EXIT_PRECONDITION: Final = 2
_BROWSER_ACCEPT: Final = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

Request = Callable[[], tuple[int, bytes]]


def _request(base_url: str, method: str, path: str, headers: Mapping[str, str],
             body: bytes | None = None) -> Request:
    parts = urlsplit(base_url)

    def send() -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=dict(headers))
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    return send


def _measure(send: Request, check: Callable[[int, bytes], None], *, iterations: int,
             warmup: int) -> Timing:
    for _ in range(warmup):
        check(*send())
    samples: list[float] = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        status, body = send()
        samples.append((time.perf_counter_ns() - start) / 1e6)
        check(status, body)
    return Timing.of(samples)


def _ok(status: int, _body: bytes) -> None:
    if status != 200:
        raise BenchmarkError(f"answered {status}")


def _verified(status: int, body: bytes) -> None:
    _ok(status, body)
    if b'id="verdict-title">Verified<' not in body:
        raise BenchmarkError("the page does not say Verified")


def run(iterations: int, warmup: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, running_service(Path(folder)) as service:
        record = award(service, 1)
        if record.share_token is None:
            raise BenchmarkError("the award has no page")
        stored = record.document.encode("utf-8")
        path = urlsplit(page_url(service.base_url, record.share_token)).path

        def exact(status: int, body: bytes) -> None:
            _ok(status, body)
            if body != stored:
                raise BenchmarkError("the JSON is not the stored credential")

        form = urlencode({"credential": record.document}).encode("ascii")
        rows: list[tuple[str, Request, Callable[[int, bytes], None]]] = [
            ("credential (JSON), reference",
             _request(service.base_url, "GET", path, {"Accept": "application/vc+ld+json"}),
             exact),
            ("page (HTML, live verification)",
             _request(service.base_url, "GET", path, {"Accept": _BROWSER_ACCEPT}), _verified),
            ("baked PNG", _request(service.base_url, "GET", path + "/badge.png", {}), _ok),
            ("baked SVG", _request(service.base_url, "GET", path + "/badge.svg", {}), _ok),
            ("QR code PNG", _request(service.base_url, "GET", path + "/qr.png", {}), _ok),
            ("verify page (pasted JSON)",
             _request(service.base_url, "POST", "/verify",
                      {"Content-Type": "application/x-www-form-urlencoded"}, form), _verified),
        ]
        timings = {name: _measure(send, check, iterations=iterations, warmup=warmup)
                   for name, send, check in rows}
    return {"machine": machine_info(), "iterations": iterations, "warmup": warmup,
            "timings": timings}


def render(results: dict[str, Any]) -> str:
    timings: dict[str, Timing] = results["timings"]
    reference = timings["credential (JSON), reference"]
    machine = results["machine"]
    lines = [f"badge pages over loopback HTTP, SQLite; {results['iterations']} requests "
             f"after {results['warmup']} warm-up, commit {machine.get('commit')}, "
             f"{machine.get('cpu_count')} CPUs",
             "",
             "| request | median ms (p90) | ratio to the JSON reference (median) |",
             "|---|---|---|"]
    for name, timing in timings.items():
        lines.append(f"| {name} | {timing.median_ms:.3f} ({timing.p90_ms:.3f}) | "
                     f"{timing.median_ms / reference.median_ms:.2f}x |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        results = run(args.iterations, args.warmup)
    except BenchmarkError as error:
        print(f"precondition failed: {error}", file=sys.stderr)
        return EXIT_PRECONDITION
    if args.json:
        print(json.dumps({**results, "timings": {name: timing.to_json() for name, timing
                                                 in results["timings"].items()}}, indent=2))
    else:
        sys.stdout.write(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
