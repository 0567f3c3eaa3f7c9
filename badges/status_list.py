"""The W3C Bitstring Status List v1.0 codec: `encodedList` <-> bits (the one implementation).

`encodedList` = multibase base64url (`u`, no padding) of the GZIP of the bitstring; bit 0 is
the most significant bit of byte 0 (§4.1). Decoding is bounded, so a hostile list cannot
inflate into gigabytes.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Final

from keys.errors import BadgeError, MultibaseError
from keys.multibase import MultibaseEncoding, decode_multibase, encode_multibase

MIN_LIST_BITS: Final = 131_072  # 16 KiB: the minimum length for herd privacy (§6.1)
MAX_LIST_BYTES: Final = 16 * 1024 * 1024  # refuse lists that inflate beyond 16 MiB
GZIP_LEVEL: Final = 6  # level 9 is up to 18x slower for 2-22% smaller output


class StatusListError(BadgeError):
    """An encoded status list is malformed, too large, or an index is out of range."""

    code = "invalid_status_list"


def encode_status_list(bits: bytes | bytearray) -> str:
    """Encode a bitstring (bytes, MSB first) as an `encodedList` value.

    Raises:
        StatusListError: the list is shorter than the 131,072-bit minimum.
    """
    if len(bits) * 8 < MIN_LIST_BITS:
        raise StatusListError(f"a status list has at least {MIN_LIST_BITS} entries")
    compressed = gzip.compress(bytes(bits), compresslevel=GZIP_LEVEL, mtime=0)
    return encode_multibase(compressed, MultibaseEncoding.BASE64URL)


def decode_status_list(encoded: object) -> bytes:
    """Decode an `encodedList` value into its bitstring.

    Raises:
        StatusListError: not multibase base64url GZIP data, or it inflates beyond the bound.
    """
    if not isinstance(encoded, str) or not encoded.startswith(MultibaseEncoding.BASE64URL):
        raise StatusListError("encodedList must be a multibase base64url string ('u…')")
    try:
        compressed = decode_multibase(encoded)
    except MultibaseError as error:
        raise StatusListError(f"encodedList is not valid base64url: {error.message}") from None
    inflater = zlib.decompressobj(wbits=31)  # 31: gzip container
    try:
        bits = inflater.decompress(compressed, MAX_LIST_BYTES + 1)
    except zlib.error as error:
        raise StatusListError(f"encodedList is not GZIP data: {error}") from None
    if len(bits) > MAX_LIST_BYTES or inflater.unconsumed_tail:
        raise StatusListError(f"status list inflates beyond {MAX_LIST_BYTES} bytes")
    if not inflater.eof:
        raise StatusListError("encodedList holds truncated GZIP data")
    return bits


def get_status(bits: bytes, index: int) -> bool:
    """Whether the bit at `index` is set (bit 0 = most significant bit of byte 0).

    Raises:
        StatusListError: the index is negative or beyond the list.
    """
    _check_index(bits, index)
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


def set_status(bits: bytearray, index: int, value: bool) -> None:
    """Set or clear the bit at `index` in place.

    Raises:
        StatusListError: the index is negative or beyond the list.
    """
    _check_index(bits, index)
    mask = 1 << (7 - index % 8)
    if value:
        bits[index // 8] |= mask
    else:
        bits[index // 8] &= ~mask & 0xFF


def _check_index(bits: bytes | bytearray, index: int) -> None:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"status list index {index} is outside the list of "
                              f"{len(bits) * 8} entries")
