"""Provider signing keys at rest: PKCS#8 PEM encrypted under the service secret; and
keyed digests of capability tokens (`mac`), so that a link derived from a stored token
cannot be rebuilt from the database alone.

The secret comes from the file named by `MICROBADGES_SECRET_FILE`; it never reaches a log,
a response or `repr()`. Decrypting PKCS#8 (PBKDF2) costs milliseconds, so decrypted keys are
kept in a small per-process cache keyed by verification method.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from keys.key_pair import KeyPair, load_private_key

__all__ = ["KeyVault"]

_CACHE_SIZE: Final = 256


class KeyVault:
    """Encrypts new keys and decrypts stored ones (with an LRU cache of decrypted keys)."""

    __slots__ = ("_cache", "_lock", "_mac_key", "_secret")

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the key-encryption secret must have at least 32 characters")
        self._secret = secret
        # A key of its own for MACs (HKDF), never the key-encryption secret itself.
        self._mac_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                             info=b"microbadges capability links").derive(secret.encode())
        self._cache: OrderedDict[str, KeyPair] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "KeyVault(<secret hidden>)"

    def mac(self, purpose: str, message: str) -> bytes:
        """HMAC-SHA256 of `message` for `purpose` under a key derived from the secret."""
        return hmac.new(self._mac_key, f"{purpose}\n{message}".encode(),
                        hashlib.sha256).digest()

    def encrypt(self, key_pair: KeyPair) -> bytes:
        """The key as encrypted PKCS#8 PEM."""
        return key_pair.to_pkcs8_pem(self._secret)

    def decrypt(self, verification_method: str, encrypted: bytes) -> KeyPair:
        """The key stored for `verification_method`. Raises KeyDecryptionError when the
        service secret is not the one the key was encrypted with."""
        with self._lock:
            cached = self._cache.get(verification_method)
            if cached is not None:
                self._cache.move_to_end(verification_method)
                return cached
        key_pair = load_private_key(encrypted, self._secret)
        with self._lock:
            self._cache[verification_method] = key_pair
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return key_pair
