"""The `microbadges keys` sub-commands, run through `register` on a test parser."""

from __future__ import annotations

import argparse
import io
import json
import stat
import sys
from pathlib import Path

import pytest

from cli.keys_command import register
from keys.key_pair import KeyPair, load_private_key


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="microbadges")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    code: int = args.handler(args)
    return code


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def secrets_of(key_pair: KeyPair) -> list[str]:
    return [
        key_pair.to_private_hex(include_public=False),
        key_pair.to_private_jwk()["d"],
        key_pair.to_secret_multibase(),
        key_pair.to_secret_multibase(include_public=True),
    ]


# -- generate ------------------------------------------------------------------------------


def test_generate_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("keys", "generate") == 0
    captured = capsys.readouterr()
    key_pair = load_private_key(captured.out)
    assert captured.out.startswith("-----BEGIN PRIVATE KEY-----")
    assert f"publicKeyMultibase: {key_pair.public_key_multibase}" in captured.err
    assert f"did:key: {key_pair.did_key}" in captured.err
    for secret in secrets_of(key_pair):
        assert secret not in captured.err


def test_generate_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "issuer.pem"
    assert run("keys", "generate", "--out", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    key_pair = load_private_key(out.read_bytes())
    captured = capsys.readouterr()
    assert captured.out == ""
    assert key_pair.did_key in captured.err


def test_generate_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "issuer.pem"
    out.write_text("keep me")
    assert run("keys", "generate", "--out", str(out)) == 2
    assert out.read_text() == "keep me"
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert error.count("\n") == 1


def test_generate_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MB_TEST_PASSPHRASE", "s3cret")
    out = tmp_path / "issuer.pem"
    assert run("keys", "generate", "--out", str(out), "--passphrase-env", "MB_TEST_PASSPHRASE") == 0
    assert out.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    load_private_key(out.read_bytes(), "s3cret")
    assert "s3cret" not in capsys.readouterr().err


def test_generate_jwk(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("keys", "generate", "--format", "jwk") == 0
    jwk = json.loads(capsys.readouterr().out)
    assert sorted(jwk) == ["crv", "d", "kty", "x"]
    KeyPair.from_jwk(jwk)


@pytest.mark.parametrize(
    "argv",
    [
        ("keys", "generate", "--passphrase-env", "MB_TEST_UNSET"),
        ("keys", "generate", "--passphrase-env", "MB_TEST_EMPTY"),
        ("keys", "generate", "--format", "jwk", "--passphrase-env", "MB_TEST_SET"),
        ("keys", "generate", "--out", "/nonexistent-dir/key.pem"),
        ("keys", "import", "/nonexistent-dir/key.pem"),
        ("keys", "show", "/nonexistent-dir/key.pem"),
    ],
)
def test_misuse_exits_2_with_one_line(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MB_TEST_UNSET", raising=False)
    monkeypatch.setenv("MB_TEST_EMPTY", "")
    monkeypatch.setenv("MB_TEST_SET", "pw")
    assert run(*argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert captured.err.count("\n") == 1


# -- import --------------------------------------------------------------------------------


@pytest.mark.parametrize("source_format", ["pem", "jwk", "multibase", "hex"])
@pytest.mark.parametrize("target_format", ["pem", "jwk"])
def test_import_converts_between_formats(
    key_pair: KeyPair,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    source_format: str,
    target_format: str,
) -> None:
    sources = {
        "pem": key_pair.to_pkcs8_pem().decode("ascii"),
        "jwk": json.dumps(key_pair.to_private_jwk()),
        "multibase": key_pair.to_secret_multibase(include_public=True),
        "hex": key_pair.to_private_hex(),
    }
    source = tmp_path / "source.key"
    source.write_text(sources[source_format])
    assert run("keys", "import", str(source), "--format", target_format) == 0
    assert load_private_key(capsys.readouterr().out) == key_pair


def test_import_from_stdin_to_encrypted_file(
    key_pair: KeyPair,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed_stdin(monkeypatch, key_pair.to_secret_multibase().encode("ascii"))
    monkeypatch.setenv("MB_TEST_PASSPHRASE", "pw")
    out = tmp_path / "key.pem"
    argv = ("keys", "import", "-", "--out", str(out), "--passphrase-env", "MB_TEST_PASSPHRASE")
    assert run(*argv) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert load_private_key(out.read_bytes(), "pw") == key_pair
    assert key_pair.public_key_multibase in capsys.readouterr().err


def test_import_encrypted_source_needs_the_passphrase(
    key_pair: KeyPair,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "encrypted.pem"
    source.write_bytes(key_pair.to_pkcs8_pem("pw"))
    assert run("keys", "import", str(source), "--format", "jwk") == 2
    assert capsys.readouterr().err.startswith("error: ")
    monkeypatch.setenv("MB_TEST_PASSPHRASE", "pw")
    argv = (
        "keys",
        "import",
        str(source),
        "--format",
        "jwk",
        "--passphrase-env",
        "MB_TEST_PASSPHRASE",
    )
    assert run(*argv) == 0
    assert KeyPair.from_jwk(json.loads(capsys.readouterr().out)) == key_pair


def test_import_garbage(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_stdin(monkeypatch, b"not a key at all")
    assert run("keys", "import", "-") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: unrecognised private key format")


# -- show ----------------------------------------------------------------------------------


def test_show_text(key_pair: KeyPair, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keyfile = tmp_path / "key.pem"
    keyfile.write_bytes(key_pair.to_pkcs8_pem())
    assert run("keys", "show", str(keyfile)) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"publicKeyMultibase: {key_pair.public_key_multibase}",
        f"did: {key_pair.did_key}",
        f"verificationMethod: {key_pair.did_key_verification_method}",
        f"publicKeyJwk: {json.dumps(key_pair.to_public_jwk(), sort_keys=True)}",
    ]
    for secret in secrets_of(key_pair):
        assert secret not in out


def test_show_json_of_encrypted_key(
    key_pair: KeyPair,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keyfile = tmp_path / "key.pem"
    keyfile.write_bytes(key_pair.to_pkcs8_pem("pw"))
    monkeypatch.setenv("MB_TEST_PASSPHRASE", "pw")
    assert (
        run("keys", "show", str(keyfile), "--json", "--passphrase-env", "MB_TEST_PASSPHRASE") == 0
    )
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "publicKeyMultibase": key_pair.public_key_multibase,
        "did": key_pair.did_key,
        "verificationMethod": key_pair.did_key_verification_method,
        "publicKeyJwk": key_pair.to_public_jwk(),
    }
    for secret in [*secrets_of(key_pair), "pw\n"]:
        assert secret not in out


@pytest.mark.parametrize(
    "form", ["jwk-private", "multibase-secret", "multikey", "did", "jwk-public"]
)
def test_show_accepts_private_and_public_forms(
    key_pair: KeyPair,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    form: str,
) -> None:
    inputs = {
        "jwk-private": json.dumps(key_pair.to_private_jwk()),
        "multibase-secret": key_pair.to_secret_multibase(),
        "multikey": key_pair.public_key_multibase,
        "did": key_pair.did_key,
        "jwk-public": json.dumps(key_pair.to_public_jwk()),
    }
    feed_stdin(monkeypatch, inputs[form].encode("ascii"))
    assert run("keys", "show", "-", "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out)["did"] == key_pair.did_key
    for secret in secrets_of(key_pair):
        assert secret not in out


@pytest.mark.parametrize(("content", "message"), [
    ({"name": "not a key"}, 'error: not a key: a JSON object without "kty" is not a JWK (an '
     'Ed25519 key is {"kty": "OKP", "crv": "Ed25519", "x": …})\n'),
    ({"kty": "EC", "crv": "P-256"}, "error: not an Ed25519 key: the JWK is of type 'EC'; an "
     "Ed25519 key has kty 'OKP' and crv 'Ed25519'\n"),
    ({"kty": "OKP", "crv": "X25519"}, "error: not an Ed25519 key: the OKP JWK's curve is "
     "'X25519'; an Ed25519 key has crv 'Ed25519'\n"),
])
def test_show_on_json_that_is_no_ed25519_key_says_so_plainly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: dict[str, str],
        message: str) -> None:
    # Issue 21: a non-key JSON file gave "JWK kty must be 'OKP' for Ed25519, got None".
    keyfile = tmp_path / "not-a-key.json"
    keyfile.write_text(json.dumps(content), encoding="utf-8")
    assert run("keys", "show", str(keyfile)) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)


def test_show_encrypted_without_passphrase(
    key_pair: KeyPair, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyfile = tmp_path / "key.pem"
    keyfile.write_bytes(key_pair.to_pkcs8_pem("pw"))
    assert run("keys", "show", str(keyfile)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "error: the private key is encrypted: a passphrase is required\n"


# -- hostile JSON --------------------------------------------------------------------------


HOSTILE_JSON = {
    "huge integer": b'{"kty": "OKP", "crv": "Ed25519", "x": ' + b"9" * 100_000 + b"}",
    "deep nesting": b'{"kty": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
}


@pytest.mark.parametrize("command", [("import",), ("show",), ("show", "--json")])
@pytest.mark.parametrize("content", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_hostile_json_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        command: tuple[str, ...], content: bytes) -> None:
    source = tmp_path / "key.jwk"
    source.write_bytes(content)
    assert run("keys", *command, str(source)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert captured.err.count("\n") == 1
