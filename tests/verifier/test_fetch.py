"""The network fetcher: what it refuses, redirects, sizes, timeouts and the address it
connects to, against loopback servers the tests start."""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from keys.errors import ResolutionError
from tests.loopback import (
    Answer,
    LoopbackServer,
    closed_port_url,
    dripping_server,
    silent_server,
)
from verifier.fetch import (
    MAX_DOCUMENT_BYTES,
    MAX_REDIRECTS,
    HttpsDocumentFetcher,
    check_fetchable,
    fetch_bytes,
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    loopback = LoopbackServer()
    loopback.routes.update({
        "/doc": Answer.of_json({"id": "urn:x"}),
        "/big": Answer(200, b"[" + b"0," * (MAX_DOCUMENT_BYTES // 2) + b"0]"),
        "/big-unannounced": Answer(200, b" " * (MAX_DOCUMENT_BYTES + 1),
                                   {"Content-Length": str(MAX_DOCUMENT_BYTES + 1)}),
        "/not-json": Answer(200, b"<html>"),
        "/loop": Answer(302, headers={"Location": "/loop"}),
        "/to-credentials": Answer(302, headers={"Location": "http://u:p@127.0.0.1/doc"}),
        "/to-public-http": Answer(302, headers={"Location": "http://93.184.216.34/doc"}),
        "/to-ftp": Answer(301, headers={"Location": "ftp://127.0.0.1/doc"}),
    })
    # /hop/N redirects to /hop/N-1; /hop/0 is the document.
    for hops in range(1, MAX_REDIRECTS + 2):
        loopback.routes[f"/hop/{hops}"] = Answer(307, headers={"Location": f"/hop/{hops - 1}"})
    loopback.routes["/hop/0"] = Answer.of_json({"id": "urn:hop"})
    with loopback.running():
        yield loopback


def test_fetches_json_from_an_allowed_loopback_server(server: LoopbackServer) -> None:
    fetcher = HttpsDocumentFetcher(allow_private_network=True)
    assert fetcher.fetch_json(server.url("/doc#fragment")) == {"id": "urn:x"}
    assert [request.path for request in server.requests] == ["/doc"]


def test_loopback_is_refused_without_the_private_network_option(server: LoopbackServer
                                                                ) -> None:
    with pytest.raises(ResolutionError, match="only https"):
        HttpsDocumentFetcher().fetch_json(server.url("/doc"))
    with pytest.raises(ResolutionError, match="internal"):
        check_fetchable(server.url("/doc").replace("http:", "https:"))
    assert server.requests == []


@pytest.mark.parametrize(("path", "message"), [
    ("/missing", "answered HTTP 404"),
    ("/big", "larger than"),
    ("/big-unannounced", "larger than"),
    ("/loop", f"more than {MAX_REDIRECTS} redirects"),
    (f"/hop/{MAX_REDIRECTS + 1}", f"more than {MAX_REDIRECTS} redirects"),
    ("/to-credentials", "refusing to fetch http://u:p@127.0.0.1/doc: it needs a plain host"),
    ("/to-public-http", "plain http is fetched only from private-network addresses"),
    ("/to-ftp", "refusing to fetch ftp://127.0.0.1/doc"),
])
def test_refusals_from_the_server(server: LoopbackServer, path: str, message: str) -> None:
    with pytest.raises(ResolutionError, match=message):
        fetch_bytes(server.url(path), allow_private_network=True)


def test_not_json_is_refused(server: LoopbackServer) -> None:
    with pytest.raises(ResolutionError, match="did not return JSON"):
        HttpsDocumentFetcher(allow_private_network=True).fetch_json(server.url("/not-json"))


def test_redirects_are_followed_up_to_the_limit(server: LoopbackServer) -> None:
    fetcher = HttpsDocumentFetcher(allow_private_network=True)
    assert fetcher.fetch_json(server.url(f"/hop/{MAX_REDIRECTS}")) == {"id": "urn:hop"}
    assert server.count("/hop/0") == 1
    fetch_loop = pytest.raises(ResolutionError, match="redirects")
    with fetch_loop:
        fetcher.fetch_json(server.url("/loop"))
    assert server.count("/loop") == MAX_REDIRECTS + 1


def test_a_server_that_never_answers_times_out() -> None:
    with silent_server() as base, pytest.raises(ResolutionError, match=r"no answer within 0.2 s"):
        fetch_bytes(f"{base}/doc", timeout=0.2, allow_private_network=True)


def test_a_server_that_drips_its_answer_times_out() -> None:
    # Every single read is answered within the timeout; the whole fetch is not.
    with dripping_server() as base, pytest.raises(ResolutionError,
                                                  match=r"no answer within 0.3 s"):
        fetch_bytes(f"{base}/doc", timeout=0.3, allow_private_network=True)


def test_a_closed_port_is_unreachable() -> None:
    with pytest.raises(ResolutionError, match="could not fetch"):
        fetch_bytes(f"{closed_port_url()}/doc", allow_private_network=True)


def test_connects_to_the_address_that_was_checked(server: LoopbackServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name resolves to loopback when checked, then elsewhere; the
    connection still goes to the checked address, with the name as Host."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            address = next(answers, "10.255.255.1")
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = server.base.rsplit(":", 1)[1]
    body = fetch_bytes(f"http://rebind.test:{port}/doc", timeout=2,
                       allow_private_network=True)
    assert body == b'{"id": "urn:x"}'
    assert server.requests[-1].headers["host"] == f"rebind.test:{port}"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/doc",  # plain http without the private-network permission
    "ftp://badges.example/doc",
    "https://10.0.0.1/doc",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/doc",
    "https://[::ffff:127.0.0.1]/doc",
    "https://[fe80::1]/doc",
    "https://[64:ff9b::a00:1]/doc",  # NAT64 of 10.0.0.1
    "https://[2002:a00:1::]/doc",  # 6to4 of 10.0.0.1
    "https://100.64.0.1/doc",  # carrier-grade NAT
    "https://0.0.0.0/doc",
    "https://224.0.0.1/doc",
    "https://user:secret@badges.example/doc",
    "https://192.168.1.20/did.json",
])
def test_internal_and_non_https_urls_are_refused(url: str) -> None:
    with pytest.raises(ResolutionError, match=r"refusing to fetch|plain host"):
        check_fetchable(url)


@pytest.mark.parametrize("url", [
    "https://10.0.0.1/doc",
    "http://192.168.1.20/did.json",
    "http://[::1]:8080/doc",
    "https://169.254.169.254/latest/meta-data",
])
def test_the_private_network_option_allows_internal_addresses(url: str) -> None:
    check_fetchable(url, allow_private_network=True)


@pytest.mark.parametrize("url", [
    "http://93.184.216.34/doc",  # plain http to a public address stays refused
    "https://0.0.0.0/doc",
    "https://224.0.0.1/doc",
])
def test_the_private_network_option_still_refuses(url: str) -> None:
    with pytest.raises(ResolutionError, match="refusing to fetch"):
        check_fetchable(url, allow_private_network=True)


def _certificate(tmp_path: Path, names: list[str]) -> tuple[Path, Path]:
    """A self-signed certificate for `names` (DNS names, or IP addresses), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    alternatives: list[x509.GeneralName] = []
    for name in names:
        try:
            alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternatives.append(x509.DNSName(name))
    start = datetime(2020, 1, 1, tzinfo=UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(1)
                   .not_valid_before(start).not_valid_after(start + timedelta(days=36500))
                   .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                  critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.mark.parametrize(("names", "host", "outcome"), [
    (["localhost"], "localhost", None),
    (["127.0.0.1"], "127.0.0.1", None),
    (["badges.example"], "localhost", "certificate verify failed"),
])
def test_https_checks_the_certificate_against_the_host_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], host: str,
        outcome: str | None) -> None:
    cert_file, key_file = _certificate(tmp_path, names)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    trusting = ssl.create_default_context(cafile=str(cert_file))
    monkeypatch.setattr(ssl, "create_default_context", lambda: trusting)
    loopback = LoopbackServer(tls)
    loopback.routes["/doc"] = Answer.of_json({"id": "urn:tls"})
    url = f"https://{host}:{loopback.port}/doc"
    with loopback.running():
        if outcome is None:
            assert fetch_bytes(url, timeout=5, allow_private_network=True) == (
                b'{"id": "urn:tls"}')
        else:
            with pytest.raises(ResolutionError, match=outcome):
                fetch_bytes(url, timeout=5, allow_private_network=True)
