"""Loopback servers for tests of the network fetcher: one that serves given answers (over
HTTP or TLS) and records every request, ones that never answer or never finish, and a closed
port."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server answers to a GET of one path."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @staticmethod
    def of_json(document: object, **headers: str) -> Answer:
        """A 200 answer with `document` as JSON; header names with `_` for `-`."""
        return Answer(200, json.dumps(document).encode(), {
            "Content-Type": "application/json",
            **{name.replace("_", "-"): value for name, value in headers.items()}})


# An answer, or a function of the request's headers that gives one.
Route = Answer | Callable[[Mapping[str, str]], Answer]


@dataclass(slots=True)
class Request:
    """One request the server received."""

    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (size caps, timeouts) is what is tested


class LoopbackServer:
    """An HTTP server on 127.0.0.1 that serves `routes` (anything else is 404)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                with server._lock:
                    server.requests.append(Request(self.path, headers))
                route = server.routes.get(self.path, Answer(404))
                answer = route if isinstance(route, Answer) else route(headers)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in answer.headers:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return f"{self.base}{path}"

    def count(self, path: str) -> int:
        """How many requests for `path` arrived."""
        with self._lock:
            return sum(1 for request in self.requests if request.path == path)

    @contextmanager
    def running(self) -> Iterator[LoopbackServer]:
        """Serve in a thread until the block ends."""
        thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._httpd.shutdown()
            self._httpd.server_close()
            thread.join()


@contextmanager
def silent_server() -> Iterator[str]:
    """A loopback server that accepts every connection and never says a word; yields its
    base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()
        for connection in accepted:
            connection.close()


@contextmanager
def dripping_server(interval: float = 0.02) -> Iterator[str]:
    """A loopback server that starts an answer and then sends one header byte every
    `interval` seconds, for ever (each read is quick; the whole answer never ends)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                while not stop.wait(interval):
                    connection.sendall(b"a")
            except OSError:
                return

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join()


def closed_port_url() -> str:
    """A loopback URL whose port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
