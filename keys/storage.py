"""Private keys at rest: encrypted PKCS#8 PEM files, one per key id, in one directory.

Files are written atomically (temporary file + `os.replace`) with mode 0o600; the passphrase
comes from configuration and is never stored, logged or shown in `repr()`.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Final, Protocol

from keys.errors import (
    InvalidPassphraseError,
    KeyDecryptionError,
    KeyNotFoundError,
    KeyStoreError,
)
from keys.key_pair import KeyPair, Passphrase

__all__ = ["FileKeyStore", "KeyStore"]

_KEY_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_SUFFIX: Final = ".pem"
_ENCRYPTED_HEADER: Final = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_FILE_MODE: Final = 0o600
_DIRECTORY_MODE: Final = 0o700


class KeyStore(Protocol):
    """Where signing keys live; implementations must keep them encrypted at rest."""

    def save(self, key_id: str, key_pair: KeyPair) -> None:
        """Store a key under `key_id`."""
        ...

    def load(self, key_id: str) -> KeyPair:
        """Return the key stored under `key_id`."""
        ...

    def list_key_ids(self) -> tuple[str, ...]:
        """Return the ids of all stored keys, sorted."""
        ...


class FileKeyStore:
    """A KeyStore over a directory of passphrase-encrypted PKCS#8 PEM files."""

    __slots__ = ("_directory", "_passphrase")

    def __init__(self, directory: str | os.PathLike[str], passphrase: Passphrase) -> None:
        """Raises InvalidPassphraseError for an empty passphrase."""
        if not passphrase:
            raise InvalidPassphraseError("the key store passphrase must not be empty")
        self._directory = Path(directory)
        self._passphrase = passphrase

    def __repr__(self) -> str:
        return f"FileKeyStore({str(self._directory)!r})"

    def save(self, key_id: str, key_pair: KeyPair, *, replace: bool = False) -> None:
        """Encrypt and write the key atomically with mode 0o600.

        Raises KeyStoreError for an invalid id, an existing key (unless `replace`) or an
        I/O failure.
        """
        path = self._path(key_id)
        if path.exists() and not replace:
            raise KeyStoreError(f"key {key_id!r} already exists")
        data = key_pair.to_pkcs8_pem(self._passphrase)
        try:
            self._directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
            _write_atomically(path, data)
        except OSError as error:
            raise KeyStoreError(f"could not write key {key_id!r}: {error.strerror}") from error

    def load(self, key_id: str) -> KeyPair:
        """Read and decrypt a key.

        Raises KeyNotFoundError, KeyDecryptionError (wrong passphrase or corrupt file) or
        KeyStoreError (unreadable or unencrypted file).
        """
        path = self._path(key_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyNotFoundError(f"no key {key_id!r} in the key store") from None
        except OSError as error:
            raise KeyStoreError(f"could not read key {key_id!r}: {error.strerror}") from error
        if _ENCRYPTED_HEADER not in data:
            raise KeyStoreError(f"key file for {key_id!r} is not an encrypted PKCS#8 PEM")
        try:
            return KeyPair.from_pem(data, self._passphrase)
        except KeyDecryptionError:
            raise KeyDecryptionError(
                f"could not decrypt key {key_id!r}: wrong passphrase or corrupted file"
            ) from None

    def list_key_ids(self) -> tuple[str, ...]:
        """Return the ids of all stored keys, sorted (empty when the directory is absent)."""
        try:
            names = [entry.name for entry in self._directory.iterdir() if entry.is_file()]
        except FileNotFoundError:
            return ()
        except OSError as error:
            raise KeyStoreError(f"could not list the key store: {error.strerror}") from error
        stems = (name.removesuffix(_SUFFIX) for name in names if name.endswith(_SUFFIX))
        return tuple(sorted(stem for stem in stems if _KEY_ID.fullmatch(stem)))

    def _path(self, key_id: str) -> Path:
        if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
            raise KeyStoreError(
                f"invalid key id {key_id!r}: use 1-128 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
        return self._directory / (key_id + _SUFFIX)


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            os.fchmod(stream.fileno(), _FILE_MODE)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
