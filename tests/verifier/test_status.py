"""The status check end to end, through the real network fetcher and loopback servers:
hostile status lists never pass, and the legacy 1EdTech Revocation List."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from badges.status_list import MAX_LIST_BYTES, MIN_LIST_BITS, encode_status_list
from keys.key_pair import KeyPair
from tests.loopback import (
    Answer,
    LoopbackServer,
    closed_port_url,
    dripping_server,
    silent_server,
)
from tests.verifier.conftest import NOW, microbadge, sign
from verifier.fetch import MAX_DOCUMENT_BYTES, HttpsDocumentFetcher
from verifier.report import CheckId, CheckStatus, VerificationReport
from verifier.revocation_list import RevocationListError, read_revocation
from verifier.verify import VerifierOptions, verify_credential

TIMEOUT = 0.5  # seconds: small, so that a silent server fails the test run quickly
LIST_PATH = "/status/1"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer().running() as loopback:
        yield loopback


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as resources:
        yield resources


def _options() -> VerifierOptions:
    return VerifierOptions(clock=lambda: NOW, fetcher=HttpsDocumentFetcher(
        timeout=TIMEOUT, allow_private_network=True))


def _bits(*set_bits: int, size: int = MIN_LIST_BITS) -> bytearray:
    bits = bytearray(size // 8)
    for index in set_bits:
        bits[index // 8] |= 1 << (7 - index % 8)
    return bits


def _unsigned_list(issuer: str, url: str, purpose: str = "revocation",
                   encoded: str | None = None, **changes: Any) -> dict[str, Any]:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": purpose,
                              "encodedList": encoded or encode_status_list(_bits(41))},
    }
    document.update(changes)
    return document


def _credential(key: KeyPair, *entries: dict[str, Any]) -> dict[str, Any]:
    document = microbadge(key.did_key)
    # The OB 3.0 schema wants one object; several entries are a list (and fail the schema).
    document["credentialStatus"] = entries[0] if len(entries) == 1 else list(entries)
    return sign(document, key)


def _bitstring_entry(url: str, index: str | int = "40", purpose: str = "revocation"
                     ) -> dict[str, Any]:
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": purpose, "statusListIndex": index, "statusListCredential": url}


# Installs what the list URL serves and returns the URL the credential's entry points to.
Serve = Callable[[KeyPair, LoopbackServer, ExitStack], str]


def _serving(make: Callable[[KeyPair, str], Answer]) -> Serve:
    def serve(key: KeyPair, server: LoopbackServer, stack: ExitStack) -> str:
        server.routes[LIST_PATH] = make(key, server.url(LIST_PATH))
        return server.url(LIST_PATH)
    return serve


def _signed_list(**changes: Any) -> Serve:
    return _serving(lambda key, url: Answer.of_json(sign(_unsigned_list(
        key.did_key, url, **changes), key)))


def _multibase(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def _gzip_bomb() -> str:
    """Some 16 KiB that inflate past the decoder's cap."""
    return _multibase(gzip.compress(bytes(MAX_LIST_BYTES + 1024), compresslevel=9, mtime=0))


def _other_issuer(key: KeyPair, url: str) -> Answer:
    other = KeyPair.generate()
    return Answer.of_json(sign(_unsigned_list(other.did_key, url), other))


def _our_issuer_other_key(key: KeyPair, url: str) -> Answer:
    return Answer.of_json(sign(_unsigned_list(key.did_key, url), KeyPair.generate()))


def _unsigned(key: KeyPair, url: str) -> Answer:
    return Answer.of_json(_unsigned_list(key.did_key, url))


def _bit_cleared_after_signing(key: KeyPair, url: str) -> Answer:
    document = sign(_unsigned_list(key.did_key, url), key)
    document["credentialSubject"]["encodedList"] = encode_status_list(_bits())
    return Answer.of_json(document)


def _unreachable(key: KeyPair, server: LoopbackServer, stack: ExitStack) -> str:
    return f"{closed_port_url()}{LIST_PATH}"


def _silent(key: KeyPair, server: LoopbackServer, stack: ExitStack) -> str:
    return f"{stack.enter_context(silent_server())}{LIST_PATH}"


def _dripping(key: KeyPair, server: LoopbackServer, stack: ExitStack) -> str:
    return f"{stack.enter_context(dripping_server())}{LIST_PATH}"


def _redirect_loop(key: KeyPair, server: LoopbackServer, stack: ExitStack) -> str:
    server.routes[LIST_PATH] = Answer(302, headers={"Location": LIST_PATH})
    return server.url(LIST_PATH)


UNAVAILABLE = (CheckStatus.ERROR, "status_unavailable")
HOSTILE: list[tuple[str, Serve, str | int, tuple[CheckStatus, str]]] = [
    ("gzip bomb", _signed_list(encoded=_gzip_bomb()), "40", UNAVAILABLE),
    ("list shorter than the index", _signed_list(), str(MIN_LIST_BITS + 1000), UNAVAILABLE),
    ("list below the minimum length",
     _signed_list(encoded=_multibase(gzip.compress(bytes(1024), mtime=0))), "40", UNAVAILABLE),
    ("signed by another issuer", _serving(_other_issuer), "41", UNAVAILABLE),
    ("claims the issuer, signed by another key", _serving(_our_issuer_other_key), "41",
     UNAVAILABLE),
    ("unsigned list", _serving(_unsigned), "41", UNAVAILABLE),
    ("bit cleared after signing", _serving(_bit_cleared_after_signing), "41", UNAVAILABLE),
    ("validUntil has passed", _signed_list(validUntil="2025-12-01T00:00:00Z"), "40",
     UNAVAILABLE),
    ("not valid yet", _signed_list(validFrom="2026-06-01T00:00:00Z"), "40", UNAVAILABLE),
    ("wrong purpose", _signed_list(purpose="suspension"), "40", UNAVAILABLE),
    ("not a status list credential", _signed_list(type=["VerifiableCredential"]), "40",
     UNAVAILABLE),
    ("malformed encodedList", _signed_list(encoded="u!!!"), "40", UNAVAILABLE),
    ("not GZIP", _signed_list(encoded=_multibase(bytes(16384))), "40", UNAVAILABLE),
    ("not JSON", _serving(lambda key, url: Answer(200, b"<html>")), "40", UNAVAILABLE),
    ("a JSON list", _serving(lambda key, url: Answer.of_json([1])), "40", UNAVAILABLE),
    ("HTTP 404", _serving(lambda key, url: Answer(404)), "40", UNAVAILABLE),
    ("HTTP 500", _serving(lambda key, url: Answer(500)), "40", UNAVAILABLE),
    ("larger than the size cap", _serving(lambda key, url: Answer(
        200, b" " * (MAX_DOCUMENT_BYTES + 1))), "40", UNAVAILABLE),
    ("redirect loop", _redirect_loop, "40", UNAVAILABLE),
    ("unreachable URL", _unreachable, "40", UNAVAILABLE),
    ("server accepts and never answers", _silent, "40", UNAVAILABLE),
    ("server never finishes its answer", _dripping, "40", UNAVAILABLE),
    ("malformed index in the credential", _signed_list(), "-1",
     (CheckStatus.FAILED, "invalid_status_entry")),
]


def _verify(key: KeyPair, server: LoopbackServer, stack: ExitStack, serve: Serve,
            index: str | int) -> VerificationReport:
    url = serve(key, server, stack)
    return verify_credential(_credential(key, _bitstring_entry(url, index)), _options())


@pytest.mark.parametrize(("name", "serve", "index", "expected"), HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_hostile_status_lists_never_pass(key: KeyPair, server: LoopbackServer,
                                         stack: ExitStack, name: str, serve: Serve,
                                         index: str | int,
                                         expected: tuple[CheckStatus, str]) -> None:
    report = _verify(key, server, stack, serve, index)
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == expected
    assert report.verified is False
    # Every other check passed: the status check alone decides.
    assert report.first_problem == status


@pytest.mark.parametrize(("name", "serve", "index", "purpose", "expected"), [
    ("bit not set", _signed_list(), "40", "revocation", (CheckStatus.PASSED, None)),
    ("bit set", _signed_list(), "41", "revocation", (CheckStatus.FAILED, "revoked")),
    ("index as a number", _signed_list(), 41, "revocation", (CheckStatus.FAILED, "revoked")),
    ("suspended", _signed_list(purpose="suspension"), "41", "suspension",
     (CheckStatus.FAILED, "suspended")),
    ("last entry of the list", _serving(lambda key, url: Answer.of_json(sign(_unsigned_list(
        key.did_key, url, encoded=encode_status_list(_bits(MIN_LIST_BITS - 1))), key))),
     str(MIN_LIST_BITS - 1), "revocation", (CheckStatus.FAILED, "revoked")),
])
def test_good_status_lists(key: KeyPair, server: LoopbackServer, stack: ExitStack, name: str,
                           serve: Serve, index: str | int, purpose: str,
                           expected: tuple[CheckStatus, str | None]) -> None:
    url = serve(key, server, stack)
    report = verify_credential(_credential(key, _bitstring_entry(url, index, purpose)),
                               _options())
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == expected
    assert report.verified is (expected[0] is CheckStatus.PASSED)


REVOKED_ID = "urn:uuid:8e5a3e2c-5f0f-4f43-9a59-4e4b5b0f0c11"  # the id of microbadge()
REVOCATIONS_PATH = "/revocations"


def _revocation_list(key: KeyPair, url: str, *entries: object, **changes: Any
                     ) -> dict[str, Any]:
    return {"id": url, "issuer": key.did_key, "revokedCredentials": list(entries), **changes}


def _legacy_entry(url: str) -> dict[str, Any]:
    return {"id": url, "type": "1EdTechRevocationList"}


LegacyList = Callable[[KeyPair, str], object]
LEGACY: list[tuple[str, LegacyList, tuple[CheckStatus, str | None]]] = [
    ("not listed", lambda key, url: _revocation_list(
        key, url, {"id": "urn:uuid:00000000-0000-4000-8000-000000000000"}),
     (CheckStatus.PASSED, None)),
    ("empty list", lambda key, url: _revocation_list(key, url), (CheckStatus.PASSED, None)),
    ("listed", lambda key, url: _revocation_list(key, url, {"id": REVOKED_ID}),
     (CheckStatus.FAILED, "revoked")),
    ("listed with a reason", lambda key, url: _revocation_list(
        key, url, {"id": REVOKED_ID, "revoked": True, "revocationReason": "Awarded in error"}),
     (CheckStatus.FAILED, "revoked")),
    ("listed as not revoked", lambda key, url: _revocation_list(
        key, url, {"id": REVOKED_ID, "revoked": False}), (CheckStatus.PASSED, None)),
    ("issuer as an object", lambda key, url: _revocation_list(
        key, url, {"id": REVOKED_ID}, issuer={"id": key.did_key}),
     (CheckStatus.FAILED, "revoked")),
    ("another issuer's list", lambda key, url: _revocation_list(
        key, url, issuer=KeyPair.generate().did_key), UNAVAILABLE),
    ("no issuer", lambda key, url: {"id": url, "revokedCredentials": []}, UNAVAILABLE),
    ("another list's id", lambda key, url: _revocation_list(
        key, url, id="https://elsewhere.example/revocations"), UNAVAILABLE),
    ("no revokedCredentials", lambda key, url: {"id": url, "issuer": key.did_key},
     UNAVAILABLE),
    ("an entry without id", lambda key, url: _revocation_list(key, url, {"revoked": True}),
     UNAVAILABLE),
    ("revoked is not a boolean", lambda key, url: _revocation_list(
        key, url, {"id": REVOKED_ID, "revoked": "no"}), UNAVAILABLE),
    ("not an object", lambda key, url: [REVOKED_ID], UNAVAILABLE),
]


@pytest.mark.parametrize(("name", "make", "expected"), LEGACY, ids=[case[0] for case in LEGACY])
def test_1edtech_revocation_list(key: KeyPair, server: LoopbackServer, name: str,
                                 make: LegacyList,
                                 expected: tuple[CheckStatus, str | None]) -> None:
    url = server.url(REVOCATIONS_PATH)
    server.routes[REVOCATIONS_PATH] = Answer.of_json(make(key, url))
    report = verify_credential(_credential(key, _legacy_entry(url)), _options())
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == expected
    assert report.verified is (expected[0] is CheckStatus.PASSED)


@pytest.mark.parametrize("url", ["unreachable", "missing"])
def test_1edtech_revocation_list_unavailable(key: KeyPair, server: LoopbackServer,
                                             url: str) -> None:
    target = (f"{closed_port_url()}{REVOCATIONS_PATH}" if url == "unreachable"
              else server.url(REVOCATIONS_PATH))
    report = verify_credential(_credential(key, _legacy_entry(target)), _options())
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == UNAVAILABLE
    assert not report.verified


@pytest.mark.parametrize(("bitstring", "legacy", "expected"), [
    ("40", [], (CheckStatus.PASSED, None)),
    ("40", [{"id": REVOKED_ID}], (CheckStatus.FAILED, "revoked")),
    ("unavailable", [], UNAVAILABLE),
    # A failure outweighs an entry that could not be checked: the credential is bad.
    ("unavailable", [{"id": REVOKED_ID}], (CheckStatus.FAILED, "revoked")),
])
def test_every_entry_counts(key: KeyPair, server: LoopbackServer, stack: ExitStack,
                            bitstring: str, legacy: list[object],
                            expected: tuple[CheckStatus, str | None]) -> None:
    list_url = (_signed_list()(key, server, stack) if bitstring != "unavailable"
                else f"{closed_port_url()}{LIST_PATH}")
    revocations = server.url(REVOCATIONS_PATH)
    server.routes[REVOCATIONS_PATH] = Answer.of_json(_revocation_list(key, revocations,
                                                                      *legacy))
    report = verify_credential(_credential(key, _bitstring_entry(list_url),
                                           _legacy_entry(revocations)), _options())
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == expected
    assert len(status.details) == (0 if expected[0] is CheckStatus.PASSED else 2)


def test_a_credential_without_id_cannot_be_looked_up() -> None:
    url = "https://academy.example/revocations"
    with pytest.raises(RevocationListError, match="no id to look up"):
        read_revocation({"id": url, "issuer": "did:example:1", "revokedCredentials": []},
                        {"issuer": "did:example:1"}, url)


def test_a_1edtech_entry_needs_the_list_url(key: KeyPair) -> None:
    report = verify_credential(_credential(key, {"type": "1EdTechRevocationList"}),
                               _options())
    status = report.check(CheckId.STATUS)
    assert (status.status, status.code) == (CheckStatus.FAILED, "invalid_status_entry")
