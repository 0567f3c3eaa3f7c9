"""`microbadges verify` and `microbadges sign`, run through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from badges.baking import bake
from badges.status_list import MIN_LIST_BITS, encode_status_list, set_status
from cli.main import main
from keys.key_pair import KeyPair
from tests.badges.test_baking import TINY_SVG, tiny_png
from tests.conftest import FIXTURES, VECTORS, load_json
from tests.loopback import Answer, LoopbackServer
from tests.verifier.conftest import microbadge, sign
from tests.verifier.test_jwt import jwt_claims, vc_jwt

NOW = "2026-01-01T00:00:00Z"
LIST_URL = ("https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/"
            "refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_verify_prints_every_check_and_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "verify", str(FIXTURES / "validator-ob30-simple.json"),
                          "--offline", "--now", NOW)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Credential http://example.com/credentials/3527"
    assert [line.split()[:2] for line in lines if line.startswith("  ") and
            not line.strip().startswith("-")] == [
        ["PASS", "parse"], ["PASS", "structure"], ["PASS", "schema"], ["PASS", "jsonld"],
        ["PASS", "proof"], ["SKIP", "issuer"], ["SKIP", "registry"],
        ["PASS", "validity"], ["SKIP", "endorsements"],
        ["SKIP", "status"]]
    assert lines[-1] == "Verdict: VERIFIED; not checked: issuer, registry"


def test_verify_json_and_documents_for_offline_status(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    code, out, _ = _run(
        capsys, "verify", str(FIXTURES / "validator-ob30-bitstring-credential-status-revoked.json"),
        "--json", "--offline", "--now", NOW, "--document",
        f"{LIST_URL}={FIXTURES / 'validator-ob30-bitstring-status-list-credential-testlist.json'}")
    assert code == 1
    report = json.loads(out)
    assert report["verified"] is False
    assert report["checks"][-1]["code"] == "revoked"


def test_verify_expired_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "verify", str(FIXTURES / "validator-ob30-simple-err-expired.json"),
                        "--offline", "--now", NOW)
    assert code == 1
    assert out.splitlines()[-1] == "Verdict: NOT VERIFIED (validity: expired)"


@pytest.mark.parametrize(("content", "message"), [
    ('{"@context": ', "error: -: malformed JSON: Expecting value: line 1 column 14 (char 13)"),
    ("[1, 2]", "error: -: expected a JSON object, not a JSON list"),
])
def test_verify_malformed_input_is_exit_2_with_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, content: str,
        message: str) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content.encode())))
    code, out, err = _run(capsys, "verify", "-", "--offline")
    assert (code, out, err) == (2, "", message + "\n")


@pytest.mark.parametrize("args", [
    ["verify", "/nonexistent/credential.json", "--offline"],
    ["verify", str(FIXTURES / "validator-ob30-simple.json"), "--document", "no-equals-sign"],
    ["verify", str(FIXTURES / "validator-ob30-simple.json"), "--now", "yesterday"],
    ["verify", "https://badges.example/1", "--offline"],
])
def test_verify_misuse_is_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = _run(capsys, *args)
    assert code == 2
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_sign_reproduces_the_ob3_vector(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    vector = load_json(VECTORS / "ob3" / "ob3-eddsa-rdfc-2022-impl-guide.json")
    key = KeyPair.from_hex(vector["keyPair"]["privateKeyHex_seedThenPublic"])
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.to_pkcs8_pem())
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(vector["unsignedCredential"]))
    code, out, _ = _run(capsys, "sign", str(credential), "--key", str(key_file),
                        "--verification-method", vector["keyPair"]["id"],
                        "--created", vector["proofConfig"]["created"])
    assert code == 0
    assert json.loads(out)["proof"] == [
        {**vector["proofConfig"], "proofValue": vector["proofValue"]}]


def test_sign_with_encrypted_jwk_default_did_key_then_verify(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    key = KeyPair.generate()
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.to_pkcs8_pem("correct horse"))
    monkeypatch.setenv("KEY_PASSPHRASE", "correct horse")
    document: dict[str, Any] = load_json(FIXTURES / "validator-ob30-simple.json")
    del document["proof"]
    document["issuer"]["id"] = key.did_key
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(document))
    code, out, err = _run(capsys, "sign", str(credential), "--key", str(key_file),
                          "--passphrase-env", "KEY_PASSPHRASE")
    assert (code, err) == (0, "")
    assert "correct horse" not in out
    signed = json.loads(out)
    assert signed["proof"][0]["verificationMethod"] == key.did_key_verification_method
    (tmp_path / "signed.json").write_text(out)
    code, out, _ = _run(capsys, "verify", str(tmp_path / "signed.json"), "--offline")
    assert code == 0, out


@pytest.mark.parametrize(("credential", "key", "reason"), [
    ("{}", "not a key", "error: "),
    ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "bogus": 1}', None,
     "error: "),
    ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],'
     ' "issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"}, "bogus": 1}',
     None, "error: property 'bogus' not defined"),
])
def test_sign_bad_input_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  credential: str, key: str | None, reason: str) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(key.encode() if key else KeyPair.generate().to_pkcs8_pem())
    (tmp_path / "c.json").write_text(credential)
    code, out, err = _run(capsys, "sign", str(tmp_path / "c.json"), "--key", str(key_file))
    assert (code, out) == (2, "")
    assert err.startswith(reason)
    assert err.count("\n") == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"", "input is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "cannot read the baked badge: the PNG ends inside a "
                                   "chunk header"),
    (b'{"n": ' + b"9" * 5000 + b"}", "malformed JSON: Exceeds the limit (4300 digits)"),
])
def test_verify_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 content: bytes, message: str) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    code, out, err = _run(capsys, "verify", str(path), "--offline")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {path}: {message}")
    assert err.count("\n") == 1


def test_verify_accepts_a_byte_order_mark(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "validator-ob30-simple.json").read_bytes())
    assert _run(capsys, "verify", str(path), "--offline")[0] == 0


def test_verify_names_the_missing_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "verify", str(FIXTURES / "validator-ob30-bitstring-credential-status-revoked.json"),
        "--offline", "--now", NOW)
    assert code == 1
    assert f"(supply it with --document {LIST_URL}=FILE)" in out


def test_sign_refuses_a_malformed_credential_and_warns_on_a_foreign_issuer(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    key = KeyPair.generate()
    (tmp_path / "key.pem").write_bytes(key.to_pkcs8_pem())
    document: dict[str, Any] = load_json(FIXTURES / "validator-ob30-simple.json")
    del document["proof"]
    del document["issuer"]
    (tmp_path / "c.json").write_text(json.dumps(document))
    code, out, err = _run(capsys, "sign", str(tmp_path / "c.json"), "--key",
                          str(tmp_path / "key.pem"))
    assert (code, out) == (2, "")
    assert err == (f"error: {tmp_path / 'c.json'}: not a well-formed credential: issuer must "
                   "be a URI or an object with an id\n")
    document["issuer"] = {"id": "https://example.com/issuers/876543", "type": ["Profile"],
                          "name": "Example"}
    (tmp_path / "c.json").write_text(json.dumps(document))
    code, out, err = _run(capsys, "sign", str(tmp_path / "c.json"), "--key",
                          str(tmp_path / "key.pem"))
    assert code == 0
    assert err.startswith(f"warning: signed with {key.did_key}, but the issuer is "
                          "https://example.com/issuers/876543")


def test_terminal_escapes_in_a_credential_are_shown_escaped(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    document = load_json(FIXTURES / "validator-ob30-simple-err-proof-value.json")
    document["id"] = "urn:x\x1b[2J\rVerdict: VERIFIED\x1b[8m"
    (tmp_path / "c.json").write_text(json.dumps(document))
    code, out, _ = _run(capsys, "verify", str(tmp_path / "c.json"), "--offline", "--now", NOW)
    assert code == 1
    assert "\x1b" not in out
    assert "\r" not in out
    assert out.splitlines()[0] == "Credential urn:x\\u001b[2J\\u000dVerdict: VERIFIED\\u001b[8m"


@pytest.mark.parametrize(("flag", "revoked", "exit_code", "status"), [
    (True, (41,), 1, ("failed", "revoked")),
    (True, (), 0, ("passed", None)),
    (False, (41,), 1, ("error", "status_unavailable")),  # loopback refused: not checked
])
def test_verify_allow_private_network_fetches_a_local_status_list(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, flag: bool,
        revoked: tuple[int, ...], exit_code: int, status: tuple[str, str | None]) -> None:
    key = KeyPair.generate()
    with LoopbackServer().running() as server:
        url = server.url("/status/1")
        bits = bytearray(MIN_LIST_BITS // 8)
        for index in revoked:
            set_status(bits, index, True)
        server.routes["/status/1"] = Answer.of_json(sign({
            "@context": ["https://www.w3.org/ns/credentials/v2"], "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": key.did_key, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation",
                                  "encodedList": encode_status_list(bits)}}, key))
        document = microbadge(key.did_key)
        document["credentialStatus"] = {
            "id": f"{url}#41", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": "41", "statusListCredential": url}
        (tmp_path / "badge.json").write_text(json.dumps(sign(document, key)))
        args = ["verify", str(tmp_path / "badge.json"), "--json", "--now", NOW]
        code, out, _ = _run(capsys, *args, *(["--allow-private-network"] if flag else []))
        requests = server.count("/status/1")
    check = json.loads(out)["checks"][-1]
    assert (code, check["status"], check.get("code")) == (exit_code, *status)
    assert requests == (1 if flag else 0)


def test_verify_help_explains_allow_private_network(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--allow-private-network" in help_text
    assert "for intranet and local test servers" in help_text


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_verify_reads_baked_badges(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   kind: str) -> None:
    credential = (FIXTURES / "validator-ob30-simple.json").read_text(encoding="utf-8")
    image = tiny_png() if kind == "png" else TINY_SVG
    path = tmp_path / f"badge.{kind}"
    path.write_bytes(bake(image, credential))
    code, out, err = _run(capsys, "verify", str(path), "--offline", "--now", NOW)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "Verdict: VERIFIED; not checked: issuer, registry"
    path.write_bytes(image)
    code, out, err = _run(capsys, "verify", str(path), "--offline")
    assert (code, out) == (2, "")
    assert err == f"error: {path}: the image carries no baked credential\n"


@pytest.mark.parametrize("kind", ["jwt", "png"])
def test_verify_reads_vc_jwt(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                             kind: str) -> None:
    key = KeyPair.generate()
    token = vc_jwt(key, jwt_claims(key))
    path = tmp_path / f"badge.{kind}"
    path.write_bytes(token.encode() if kind == "jwt" else bake(tiny_png(), token))
    code, out, err = _run(capsys, "verify", str(path), "--offline", "--now", NOW)
    assert (code, err) == (0, "")
    assert "PASS  parse         a VC-JWT (compact JWS)" in out
    assert out.splitlines()[-1] == "Verdict: VERIFIED; not checked: registry"


def test_verify_a_url_on_a_local_server_says_how(capsys: pytest.CaptureFixture[str]) -> None:
    key = KeyPair.generate()
    with LoopbackServer().running() as server:
        server.routes["/badge"] = Answer.of_json(sign(microbadge(key.did_key), key))
        code, out, err = _run(capsys, "verify", server.url("/badge"))
        assert (code, out) == (2, "")
        assert err.startswith(f"error: refusing to fetch {server.url('/badge')}: ")
        assert err.endswith("(--allow-private-network fetches from intranet and local "
                            "servers)\n")
        code, out, _ = _run(capsys, "verify", server.url("/badge"), "--allow-private-network")
    assert code == 0
    assert out.splitlines()[-1].startswith("Verdict: VERIFIED; not checked: registry")
