"""`microbadges serve` end to end: a real gunicorn server on a loopback port, over http and
https, started as a subprocess with nothing configured but its instance folder."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from sqlalchemy import select

from cli.main import main
from issuer.admin import load_service_settings
from issuer.app import create_app
from issuer.auth.clients import PROVIDER_SCOPES
from issuer.awards.issuing import AwardInput, Learner, award_credentials
from issuer.microbadges.models import AchievementRecord
from issuer.providers.services import find_provider
from issuer.seed import DEMO_SLUG
from issuer.server import ServerOptions
from issuer.web.context import issuer_context_of
from tests.conftest import REPO

STARTUP_DEADLINE_S: Final = 120  # a generous bound for a slow machine, not a measurement
PROVIDER_CLIENT: Final = "mb_demo_academy"


def _environment(instance: Path, **extra: str) -> dict[str, str]:
    """The process environment without any MICROBADGES_* setting, plus `extra`."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("MICROBADGES_")}
    environment["MICROBADGES_INSTANCE_PATH"] = str(instance)
    environment.update(extra)
    return environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Server:
    """A running `microbadges serve` and what it printed before serving."""

    origin: str
    banner: str
    stdout: Path
    stderr: Path
    ssl_context: ssl.SSLContext | None

    def get(self, path: str, headers: Mapping[str, str] | None = None,
            data: bytes | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(self.origin + path, data=data,
                                         headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=30,
                                        context=self.ssl_context) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def client_secret(self, client_id: str) -> str:
        match = re.search(rf"client_id +{client_id}\n +client_secret +(\S+)\n", self.banner)
        assert match is not None, self.banner
        return match.group(1)

    def token(self, client_id: str, secret: str) -> dict[str, Any]:
        pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        status, body = self.get("/oauth/token", data=b"grant_type=client_credentials",
                                headers={"Authorization": f"Basic {pair}",
                                         "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200, body
        assert isinstance(body, dict)
        return body


@contextmanager
def serving(tmp_path: Path, *arguments: str,
            ssl_context: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Start `microbadges serve` on a free port, wait until GET / answers, stop it after."""
    port = _free_port()
    scheme = "https" if ssl_context is not None else "http"
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--workers", "1",
             *arguments],
            cwd=tmp_path, env=_environment(tmp_path / "instance"), stdout=out, stderr=err)
    try:
        server = Server(f"{scheme}://127.0.0.1:{port}", "", stdout, stderr, ssl_context)
        _wait_until_ready(process, server)
        banner = stdout.read_text(encoding="utf-8").split("Stop with Ctrl-C.")[0]
        yield Server(server.origin, banner, stdout, stderr, ssl_context)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}: "
                        f"{server.stderr.read_text(encoding='utf-8')}")
        try:
            status, _ = server.get("/")
            if status == 200 and "Stop with Ctrl-C." in server.stdout.read_text("utf-8"):
                return
        except (OSError, ValueError):
            pass  # not listening yet
        if time.monotonic() > deadline:
            pytest.fail(f"serve did not answer: {server.stderr.read_text(encoding='utf-8')}")
        time.sleep(0.2)


def test_serve_prints_the_urls_and_a_working_demo_client(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        status, index = server.get("/")
        assert status == 200
        assert index["name"] == "microbadges issuer service"
        assert index["links"]["openapi"] == f"{server.origin}/api/v1/openapi.json"
        for url in (f"{server.origin}/", f"{server.origin}/issuers/demo-academy",
                    f"{server.origin}/api/v1/openapi.json", f"{server.origin}/oauth/token"):
            assert f" {url}\n" in server.banner
        status, profile = server.get("/issuers/demo-academy")
        assert status == 200
        assert profile["name"] == "Demo Automotive Academy"
        assert profile["address"]["addressCountryCode"] == "DE"
        assert profile["id"].startswith("did:key:")  # the default on a plain-http origin

        secret = server.client_secret(PROVIDER_CLIENT)
        token = server.token(PROVIDER_CLIENT, secret)
        assert token["token_type"].lower() == "bearer"
        assert token["scope"] == " ".join(PROVIDER_SCOPES)
        status, provider = server.get(
            "/api/v1/provider", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert status == 200, provider
        assert provider["slug"] == "demo-academy"
        operator_secret = server.client_secret("mb_demo_operator")
        assert server.token("mb_demo_operator", operator_secret)["scope"] == "providers figures"
        page_token, manage_token = "P" * 27, "M" * 43
        status, _ = server.get(f"/badges/{page_token}/manage/{manage_token}")
        assert status == 404
        status, _ = server.get(f"/%62adges/{page_token}/%6danage/{manage_token}")
        assert status == 404
        status, _ = server.get(f"/api/v1/provider?access_token={manage_token}")
        assert status == 401

    # The secrets were printed once, in the start-up banner, and nowhere else.
    output = server.stdout.read_text("utf-8")
    errors = server.stderr.read_text("utf-8")
    assert output.count(secret) == 1
    assert secret not in errors
    assert '"GET /api/v1/provider HTTP/1.1" 200' in output  # the access log is on stdout
    # Capability links leave their secrets out of the log.
    assert output.count('"GET /badges/…/manage/… HTTP/1.1" 404') == 2
    assert '"GET /api/v1/provider?access_token=… HTTP/1.1" 401' in output
    assert page_token not in output
    assert manage_token not in output


def test_a_restart_prints_the_same_demo_secret_and_seeds_nothing_twice(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with serving(first) as server:
        secret = server.client_secret(PROVIDER_CLIENT)
        before = server.origin
    shutil.move(first / "instance", second / "instance")
    with serving(second) as server:
        assert server.client_secret(PROVIDER_CLIENT) == secret
        server.token(PROVIDER_CLIENT, secret)
        status, _ = server.get("/issuers/demo-academy")
        assert status == 200
    # Another port is another origin: a loopback demo starts, and says what that breaks.
    warnings = [line for line in server.stderr.read_text("utf-8").splitlines()
                if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"warning: this demo's badges were issued under {before}, "
                                  f"but the public origin is now {server.origin}: ")


def test_the_readme_api_calls_work_against_a_served_instance(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Call the API"):]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match is not None
    with serving(tmp_path) as server:
        script = match.group(1).replace("http://127.0.0.1:8000", server.origin)
        environment = {**_environment(tmp_path / "instance"),
                       "CLIENT_SECRET": server.client_secret(PROVIDER_CLIENT),
                       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path,
                                env=environment, capture_output=True, text=True, timeout=120,
                                check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["slug"] == "demo-academy"


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def test_serve_over_tls(tmp_path: Path) -> None:
    certfile, keyfile = _self_signed_certificate(tmp_path)
    context = ssl.create_default_context(cafile=str(certfile))
    with serving(tmp_path, "--certfile", str(certfile), "--keyfile", str(keyfile),
                 ssl_context=context) as server:
        assert server.origin.startswith("https://")
        status, index = server.get("/")
        assert status == 200
        assert index["links"]["token"] == f"{server.origin}/oauth/token"
        status, profile = server.get("/issuers/demo-academy")
        assert status == 200
        # An https origin gives the demo provider a did:web identifier under it.
        port = server.origin.rsplit(":", 1)[1]
        assert profile["id"] == f"did:web:127.0.0.1%3A{port}:issuers:demo-academy"
        server.token(PROVIDER_CLIENT, server.client_secret(PROVIDER_CLIENT))


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No MICROBADGES_* variable but a throw-away instance folder."""
    for name in list(os.environ):
        if name.startswith("MICROBADGES_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MICROBADGES_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path


@pytest.mark.parametrize(("variables", "arguments", "message"), [
    ({"MICROBADGES_TOKEN_LIFETIME": "5"}, (),
     "error: MICROBADGES_TOKEN_LIFETIME must be between 60 and 604800, got 5"),
    ({"MICROBADGES_TOKEN_LIFETME": "600"}, (), "error: unknown setting MICROBADGES_TOKEN_LIFETME"),
    ({"MICROBADGES_BASE_URL": "http://badges.example.org"}, (),
     "error: MICROBADGES_BASE_URL must use https except on a loopback host"),
    ({"MICROBADGES_DATABASE_URL": "mysql://db/badges"}, (),
     "error: MICROBADGES_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL"),
    ({"MICROBADGES_DATABASE_URL": "postgresql+psycopg://u:hunter2@localhost:abc/db"}, (),
     "error: MICROBADGES_DATABASE_URL is not a valid database URL"),
    ({}, ("--host", "0.0.0.0"), "error: serving on 0.0.0.0 needs MICROBADGES_BASE_URL"),
    ({}, ("--certfile", "cert.pem"), "error: --certfile and --keyfile must be given together"),
    ({}, ("--certfile", "missing.pem", "--keyfile", "missing.pem"),
     "error: cannot read missing.pem: No such file or directory"),
    ({}, ("--certfile", "not-pem.txt", "--keyfile", "not-pem.txt"),
     "error: cannot load the TLS certificate not-pem.txt with key not-pem.txt"),
])
def test_serve_refuses_invalid_settings_with_one_line(
        clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], variables: dict[str, str],
        arguments: tuple[str, ...], message: str) -> None:
    monkeypatch.chdir(clean_environment)
    (clean_environment / "not-pem.txt").write_text("not a certificate", encoding="utf-8")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", "--port", str(_free_port()), *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1
    assert "hunter2" not in captured.err
    assert not (clean_environment / "instance").exists()  # nothing was created


def test_serve_refuses_a_port_in_use(clean_environment: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert capsys.readouterr().err.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")


def test_serve_reports_an_unreachable_database(clean_environment: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MICROBADGES_DATABASE_URL",
                       f"postgresql+psycopg://user:hunter2@127.0.0.1:{_free_port()}/none")
    assert main(["serve", "--port", str(_free_port())]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: cannot use the database: ")
    assert "hunter2" not in error
    assert error.count("\n") == 1


def _issue_a_credential_under(origin: str) -> None:
    """What a service left behind before it moved: the configured database, migrated, with
    the demo provider and one credential, all minted under `origin`."""
    app = create_app(load_service_settings({"BASE_URL": origin, "DEMO": "true"}))
    context = issuer_context_of(app)
    try:
        with context.sessions() as session:
            provider = find_provider(session, DEMO_SLUG)
            achievement = session.scalars(select(AchievementRecord.public_id).where(
                AchievementRecord.provider_id == provider.id)).first()
            assert achievement is not None
            award_credentials(session, provider, [AwardInput(
                achievement_id=achievement, learner=Learner(email="ada@example.org"))],
                context.issuance())
    finally:
        context.engine.dispose()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`serve` stops where gunicorn would start serving; the list holds the public origin
    of each app it would have served."""
    origins: list[str] = []

    def run_server(app: Flask, options: ServerOptions) -> None:
        context = issuer_context_of(app)
        context.engine.dispose()
        origins.append(context.base_url)

    monkeypatch.setattr("issuer.server.run_server", run_server)
    return origins


def test_serve_on_another_port_with_existing_credentials_refuses_to_start(
        clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], empty_database_url: str,
        started: list[str]) -> None:
    monkeypatch.setenv("MICROBADGES_DATABASE_URL", empty_database_url)  # no demo: a deployment
    before = f"http://127.0.0.1:{_free_port()}"
    _issue_a_credential_under(before)
    port = _free_port()
    assert main(["serve", "--port", str(port)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: the public origin is http://127.0.0.1:{port}, but this database's identifiers "
        f"were minted under {before}: every badge issued before would stop verifying. Keep the "
        f"old origin (MICROBADGES_BASE_URL={before}, or serve at that address), or move on "
        f"purpose with `microbadges db set-origin http://127.0.0.1:{port} "
        "--break-issued-credentials`\n")
    assert started == []


def test_both_ways_out_of_the_refusal_start_the_service(
        clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], empty_database_url: str,
        started: list[str]) -> None:
    monkeypatch.setenv("MICROBADGES_DATABASE_URL", empty_database_url)
    before = f"http://127.0.0.1:{_free_port()}"
    _issue_a_credential_under(before)
    port = _free_port()
    assert main(["serve", "--port", str(port)]) == 2
    command = capsys.readouterr().err.split("`")[1]

    # Keep the old origin: the identifiers name it, whatever address is served.
    monkeypatch.setenv("MICROBADGES_BASE_URL", before)
    assert main(["serve", "--port", str(port)]) == 0
    assert capsys.readouterr().err == ""
    # Or move on purpose, with the command the message gives.
    monkeypatch.delenv("MICROBADGES_BASE_URL")
    assert main(shlex.split(command)[1:]) == 0
    assert "origin moved from" in capsys.readouterr().out
    assert main(["serve", "--port", str(port)]) == 0
    assert capsys.readouterr().err == ""
    assert started == [before, f"http://127.0.0.1:{port}"]


def test_a_loopback_demo_on_another_port_warns_and_starts(
        clean_environment: Path, capsys: pytest.CaptureFixture[str],
        started: list[str]) -> None:
    before = f"http://127.0.0.1:{_free_port()}"
    _issue_a_credential_under(before)  # the embedded database, a laptop's demo
    port = _free_port()
    assert main(["serve", "--port", str(port)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"warning: this demo's badges were issued under {before}, but the public origin is now "
        f"http://127.0.0.1:{port}: their issuer, achievement and status list URLs point at "
        f"{before}, so they fail verification until it is served again; serve at {before} to "
        f"keep them, or move for good with `microbadges db set-origin http://127.0.0.1:{port} "
        "--break-issued-credentials`\n")
    assert "Stop with Ctrl-C." in captured.out
    assert started == [f"http://127.0.0.1:{port}"]


PAGE, SECRET = "P" * 27, "M" * 43


@pytest.mark.parametrize(("raw_uri", "logged"), [
    (f"/badges/{PAGE}", "/badges/…"),
    (f"/%62adges/{PAGE}", "/badges/…"),  # routed: Werkzeug decodes the path
    (f"/badges/{PAGE}/%6danage/{SECRET}", "/badges/…/manage/…"),
    (f"/badges%2F{PAGE}", "/badges/…"),
    (f"http://b.example/%62adges/{PAGE}", "http://b.example/badges/…"),
    (f"/api/v1/provider?client_secret={SECRET}", "/api/v1/provider?client_secret=…"),
    (f"/oauth/token?client_id=x&%63lient_secret={SECRET}&b=1",
     "/oauth/token?client_id=x&%63lient_secret=…&b=1"),
    (f"/api/v1/provider?access_token={SECRET}&token={SECRET}",
     "/api/v1/provider?access_token=…&token=…"),
    ("/issuers/caf%C3%A9?page=2&q=a%20b", "/issuers/caf%C3%A9?page=2&q=a%20b"),  # as sent
])
def test_the_access_log_leaves_out_capability_tokens_and_secret_parameters(
        tmp_path: Path, raw_uri: str, logged: str) -> None:
    from gunicorn.config import Config  # type: ignore[import-untyped]

    from issuer.server import _RedactingLogger

    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = _RedactingLogger(config)
    path, _, query = raw_uri.partition("?")
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": raw_uri, "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": path, "QUERY_STRING": query,
               "HTTP_REFERER": f"https://b.example{raw_uri}"}
    response = type("Response", (), {"status": "404 NOT FOUND", "headers": [], "sent": 0})()
    request = type("Request", (), {"headers": []})()
    try:
        logger.access(response, request, environ, dt.timedelta(0))
    finally:
        for handler in logger.access_log.handlers:
            handler.close()
    line = (tmp_path / "access.log").read_text("utf-8")
    assert f'"GET {logged} HTTP/1.1" 404 0 "https://b.example' in line
    assert SECRET not in line
    assert PAGE not in line
