"""The project's one multibase implementation: base58btc, base64url and multicodec prefixes.

Follows the Multibase draft (`z` = base58btc, `u` = base64url without padding) and the
multicodec table for Ed25519 keys. Proof values, Multikeys and JWKs all go through here.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from typing import Final

from keys.errors import MultibaseError

__all__ = [
    "ED25519_PRIVATE_KEY_PREFIX",
    "ED25519_PUBLIC_KEY_PREFIX",
    "MultibaseEncoding",
    "decode_base58btc",
    "decode_base64url",
    "decode_multibase",
    "encode_base58btc",
    "encode_base64url",
    "encode_multibase",
    "strip_multicodec_prefix",
]

# Multicodec varints: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUBLIC_KEY_PREFIX: Final = b"\xed\x01"
ED25519_PRIVATE_KEY_PREFIX: Final = b"\x80\x26"

_BASE58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX: Final = {char: index for index, char in enumerate(_BASE58_ALPHABET)}
_BASE64URL_CHARACTERS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)
# Keys, signatures and proof values are tiny; refusing huge input keeps the quadratic
# big-integer conversion from becoming a denial-of-service vector.
_MAX_BASE58_LENGTH: Final = 4096


class MultibaseEncoding(StrEnum):
    """The multibase prefixes this project reads and writes."""

    BASE58BTC = "z"
    BASE64URL = "u"


def encode_base58btc(data: bytes) -> str:
    """Encode bytes as base58btc (Bitcoin alphabet), keeping leading zero bytes as `1`."""
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def decode_base58btc(text: str) -> bytes:
    """Decode a base58btc string. Raises MultibaseError on a character outside the alphabet."""
    if len(text) > _MAX_BASE58_LENGTH:
        raise MultibaseError(f"base58btc value is too long ({len(text)} characters)")
    number = 0
    for position, char in enumerate(text):
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            raise MultibaseError(f"invalid base58btc character {char!r} at position {position}")
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def encode_base64url(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 §5, as JOSE uses it)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    """Decode unpadded base64url. Raises MultibaseError on padding or foreign characters."""
    invalid = next((char for char in text if char not in _BASE64URL_CHARACTERS), None)
    if invalid is not None:
        raise MultibaseError(f"invalid base64url character {invalid!r} (padding is not allowed)")
    if len(text) % 4 == 1:
        raise MultibaseError(f"invalid base64url length {len(text)}")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_multibase(data: bytes, encoding: MultibaseEncoding = MultibaseEncoding.BASE58BTC) -> str:
    """Encode bytes as a multibase string (`z…` by default)."""
    if encoding is MultibaseEncoding.BASE58BTC:
        return encoding.value + encode_base58btc(data)
    return encoding.value + encode_base64url(data)


def decode_multibase(text: str) -> bytes:
    """Decode a `z` (base58btc) or `u` (base64url) multibase string.

    Raises MultibaseError for an empty string, another multibase prefix or a bad body.
    """
    if not isinstance(text, str) or not text:
        raise MultibaseError("multibase value must be a non-empty string")
    prefix, body = text[0], text[1:]
    if prefix == MultibaseEncoding.BASE58BTC:
        return decode_base58btc(body)
    if prefix == MultibaseEncoding.BASE64URL:
        return decode_base64url(body)
    raise MultibaseError(
        f"unsupported multibase prefix {prefix!r} (expected 'z' base58btc or 'u' base64url)"
    )


def strip_multicodec_prefix(prefix: bytes, data: bytes) -> bytes:
    """Remove an expected multicodec prefix. Raises MultibaseError when it is absent."""
    if not data.startswith(prefix):
        raise MultibaseError(
            f"unexpected multicodec prefix 0x{data[:2].hex()} (expected 0x{prefix.hex()})"
        )
    return data[len(prefix) :]
