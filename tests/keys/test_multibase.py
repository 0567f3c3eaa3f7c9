"""base58btc / base64url / multibase / multicodec: known values, round trips, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keys.errors import MultibaseError
from keys.multibase import (
    ED25519_PRIVATE_KEY_PREFIX,
    ED25519_PUBLIC_KEY_PREFIX,
    MultibaseEncoding,
    decode_base58btc,
    decode_base64url,
    decode_multibase,
    encode_base58btc,
    encode_base64url,
    encode_multibase,
    strip_multicodec_prefix,
)

BASE58_VECTORS = [
    (b"", ""),
    (b"\x00", "1"),
    (b"\x00\x00\x01", "112"),
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
    ),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
]


@pytest.mark.parametrize(("data", "text"), BASE58_VECTORS)
def test_base58btc_known_values(data: bytes, text: str) -> None:
    assert encode_base58btc(data) == text
    assert decode_base58btc(text) == data


@settings(derandomize=True, database=None, max_examples=200)
@given(st.binary(max_size=96))
def test_base58btc_round_trip(data: bytes) -> None:
    assert decode_base58btc(encode_base58btc(data)) == data


@settings(derandomize=True, database=None, max_examples=200)
@given(st.binary(max_size=96), st.sampled_from(list(MultibaseEncoding)))
def test_multibase_round_trip(data: bytes, encoding: MultibaseEncoding) -> None:
    text = encode_multibase(data, encoding)
    assert text[0] == encoding.value
    assert decode_multibase(text) == data


def test_base64url_has_no_padding() -> None:
    assert encode_base64url(b"\xfb\xff") == "-_8"
    assert decode_base64url("-_8") == b"\xfb\xff"
    assert encode_multibase(b"\xfb\xff", MultibaseEncoding.BASE64URL) == "u-_8"


def test_multicodec_prefixes() -> None:
    assert ED25519_PUBLIC_KEY_PREFIX == b"\xed\x01"
    assert ED25519_PRIVATE_KEY_PREFIX == b"\x80\x26"
    key = bytes(range(32))
    prefixed = ED25519_PUBLIC_KEY_PREFIX + key
    assert encode_multibase(prefixed).startswith("z6Mk")
    assert strip_multicodec_prefix(ED25519_PUBLIC_KEY_PREFIX, prefixed) == key


@pytest.mark.parametrize(
    ("decode", "text"),
    [
        (decode_base58btc, "0OIl"),  # characters outside the Bitcoin alphabet
        (decode_base58btc, "abc+"),
        (decode_base58btc, "z" * 5000),  # refused before the quadratic conversion
        (decode_base64url, "ab=="),  # padding
        (decode_base64url, "ab+/"),  # standard, not url-safe, alphabet
        (decode_base64url, "abcde"),  # impossible length
        (decode_multibase, ""),
        (decode_multibase, "mAAAA"),  # base64 with padding alphabet: unsupported prefix
        (decode_multibase, "f00ff"),  # base16: unsupported prefix
        (decode_multibase, "z0"),
        (decode_multibase, "u***"),
    ],
)
def test_malformed_input_is_rejected(decode: object, text: str) -> None:
    assert callable(decode)
    with pytest.raises(MultibaseError) as raised:
        decode(text)
    assert raised.value.code == "invalid_multibase"


def test_wrong_multicodec_prefix_is_rejected() -> None:
    with pytest.raises(MultibaseError):
        strip_multicodec_prefix(ED25519_PUBLIC_KEY_PREFIX, ED25519_PRIVATE_KEY_PREFIX + b"x")
