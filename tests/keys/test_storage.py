"""Encrypted file key store: round trip, file modes, atomic writes, wrong passphrase."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from keys.errors import (
    InvalidPassphraseError,
    KeyDecryptionError,
    KeyNotFoundError,
    KeyStoreError,
)
from keys.key_pair import KeyPair
from keys.storage import FileKeyStore, KeyStore

PASSPHRASE = "test passphrase"


@pytest.fixture
def store(tmp_path: Path) -> FileKeyStore:
    return FileKeyStore(tmp_path / "keys", PASSPHRASE)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_round_trip(store: FileKeyStore, key_pair: KeyPair) -> None:
    as_protocol: KeyStore = store
    as_protocol.save("issuer-2025", key_pair)
    assert as_protocol.load("issuer-2025") == key_pair
    assert as_protocol.list_key_ids() == ("issuer-2025",)


def test_files_are_private_and_encrypted(
    store: FileKeyStore, key_pair: KeyPair, tmp_path: Path
) -> None:
    store.save("main", key_pair)
    path = tmp_path / "keys" / "main.pem"
    assert _mode(path) == 0o600
    assert _mode(tmp_path / "keys") == 0o700
    content = path.read_bytes()
    assert content.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key_pair.to_pkcs8_pem() not in content
    assert [entry.name for entry in (tmp_path / "keys").iterdir()] == ["main.pem"]


def test_wrong_passphrase(store: FileKeyStore, key_pair: KeyPair, tmp_path: Path) -> None:
    store.save("main", key_pair)
    with pytest.raises(KeyDecryptionError) as raised:
        FileKeyStore(tmp_path / "keys", "not the passphrase").load("main")
    assert raised.value.code == "key_decryption_failed"
    message = str(raised.value)
    assert "main" in message
    for secret in (key_pair.to_private_hex(), key_pair.to_secret_multibase(), PASSPHRASE):
        assert secret not in message


@pytest.mark.parametrize("passphrase", ["", b""])
def test_empty_passphrase_is_refused(tmp_path: Path, passphrase: str | bytes) -> None:
    with pytest.raises(InvalidPassphraseError):
        FileKeyStore(tmp_path, passphrase)


def test_missing_key(store: FileKeyStore) -> None:
    with pytest.raises(KeyNotFoundError) as raised:
        store.load("absent")
    assert raised.value.code == "key_not_found"


def test_existing_key_is_not_overwritten_unless_asked(store: FileKeyStore) -> None:
    first, second = KeyPair.from_seed(bytes(32)), KeyPair.from_seed(bytes(range(32)))
    store.save("main", first)
    with pytest.raises(KeyStoreError):
        store.save("main", second)
    assert store.load("main") == first
    store.save("main", second, replace=True)
    assert store.load("main") == second


@pytest.mark.parametrize(
    "key_id", ["", ".hidden", "../escape", "a/b", "a\\b", "x" * 129, "-leading", "sp ace"]
)
def test_invalid_key_ids(store: FileKeyStore, key_pair: KeyPair, key_id: str) -> None:
    with pytest.raises(KeyStoreError) as raised:
        store.save(key_id, key_pair)
    assert raised.value.code == "key_store_error"
    with pytest.raises(KeyStoreError):
        store.load(key_id)


def test_listing_ignores_foreign_files(
    store: FileKeyStore, key_pair: KeyPair, tmp_path: Path
) -> None:
    assert store.list_key_ids() == ()
    store.save("b", key_pair)
    store.save("a", key_pair)
    (tmp_path / "keys" / ".a.pem.123.tmp").write_text("partial")
    (tmp_path / "keys" / "notes.txt").write_text("hello")
    assert store.list_key_ids() == ("a", "b")


def test_unencrypted_file_is_refused(
    store: FileKeyStore, key_pair: KeyPair, tmp_path: Path
) -> None:
    store.save("main", key_pair)
    (tmp_path / "keys" / "main.pem").write_bytes(key_pair.to_pkcs8_pem())
    with pytest.raises(KeyStoreError):
        store.load("main")


def test_failed_write_leaves_no_temporary_file(
    store: FileKeyStore, key_pair: KeyPair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(source: str, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(KeyStoreError):
        store.save("main", key_pair)
    assert list((tmp_path / "keys").iterdir()) == []


def test_repr_hides_the_passphrase(store: FileKeyStore) -> None:
    assert PASSPHRASE not in repr(store)
