"""The HTTPS fetcher: what it refuses, and redirects, against a loopback server it starts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from keys.errors import ResolutionError
from verifier.fetch import HttpsDocumentFetcher, check_fetchable, fetch_bytes


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/doc":
            body = json.dumps({"id": "urn:x"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/internal")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"[" + b"0," * 1_100_000 + b"0]")
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetches_json_from_an_allowed_loopback_server(server: str) -> None:
    fetcher = HttpsDocumentFetcher(allow_loopback_http=True)
    assert fetcher.fetch_json(f"{server}/doc#fragment") == {"id": "urn:x"}


@pytest.mark.parametrize(("path", "message"), [
    ("/missing", "answered HTTP 404"),
    ("/away", "refusing to fetch http://127.0.0.2:9/internal"),
    ("/big", "larger than"),
])
def test_refusals_from_the_server(server: str, path: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        fetch_bytes(f"{server}{path}", allow_loopback_http=True)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/doc",  # plain http without the loopback permission
    "ftp://badges.example/doc",
    "https://10.0.0.1/doc",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/doc",
    "https://user:secret@badges.example/doc",
    "https://192.168.1.20/did.json",
])
def test_internal_and_non_https_urls_are_refused(url: str) -> None:
    with pytest.raises(ResolutionError, match=r"refusing to fetch|plain host"):
        check_fetchable(url)
