"""Baked badges: PNG iTXt and SVG <openbadges:credential>, written and read by one module;
re-baking replaces, never duplicates; the pixels (every other PNG chunk) are untouched."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Final
from xml.etree import ElementTree

import pytest
from PIL import Image, PngImagePlugin

from badges.baking import (
    OB_NAMESPACE,
    BakingError,
    bake,
    bake_png,
    bake_svg,
    read_baked,
    read_png,
    read_svg,
)

CREDENTIAL: Final = ('{"@context":["https://www.w3.org/ns/credentials/v2"],'
                     '"name":"Ünïcode ]]> badge"}')
JWS: Final = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZSJ9.c2lnbmF0dXJl"
TINY_SVG: Final = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                   b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
                   b'<rect width="8" height="8" fill="#0b5394"/></svg>')


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png(extra: bytes = b"") -> bytes:
    """A valid 2x2 RGB PNG with a tEXt chunk (and `extra` chunks before IEND)."""
    raw = b"".join(b"\x00" + b"\x0b\x53\x94" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + _chunk(b"tEXt", b"Comment\x00made for a test")
            + _chunk(b"IDAT", zlib.compress(raw)) + extra + _chunk(b"IEND", b""))


def _chunk_types(png: bytes) -> list[bytes]:
    types, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        types.append(png[offset + 4:offset + 8])
        offset += 12 + length
    return types


def test_png_round_trip_keeps_every_other_chunk_byte_for_byte() -> None:
    image = tiny_png()
    baked = bake_png(image, CREDENTIAL)
    assert read_png(baked) == CREDENTIAL
    assert _chunk_types(baked) == [b"IHDR", b"tEXt", b"IDAT", b"iTXt", b"IEND"]
    assert baked.replace(baked[baked.index(b"iTXt") - 4:baked.index(b"IEND") - 4], b"") == image
    itxt = baked[baked.index(b"iTXt") + 4:baked.index(b"IEND") - 8]
    assert itxt == b"openbadgecredential\x00\x00\x00\x00\x00" + CREDENTIAL.encode()


def test_rebaking_a_png_replaces_the_credential() -> None:
    twice = bake_png(bake_png(tiny_png(), CREDENTIAL), JWS)
    assert _chunk_types(twice).count(b"iTXt") == 1
    assert read_png(twice) == JWS


def test_reading_takes_the_first_chunk_and_compressed_ones() -> None:
    compressed = (b"openbadgecredential\x00\x01\x00en\x00\x00" + zlib.compress(b'{"a":1}'))
    other = b"openbadgecredential\x00\x00\x00\x00\x00" + b'{"b":2}'
    image = tiny_png(_chunk(b"iTXt", b"Title\x00\x00\x00\x00\x00x")
                     + _chunk(b"iTXt", compressed) + _chunk(b"iTXt", other))
    assert read_png(image) == '{"a":1}'
    assert read_png(tiny_png()) is None


@pytest.mark.parametrize(("image", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "the PNG ends inside a chunk header"),
    (tiny_png()[:-14], "runs past the end of the file"),
    (tiny_png().replace(b"made for", b"made FOR"), "has a wrong CRC"),
    (b"GIF89a", "not a PNG or SVG image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", "not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
     "forbidden XML feature"),
    (b"<?xml version='1.0'?><html><!-- <svg> --></html>", "root element is not <svg>"),
])
def test_malformed_and_unsafe_images_are_refused(image: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        read_baked(image)


def test_svg_round_trip_with_json_in_cdata_and_rebaking() -> None:
    baked = bake_svg(TINY_SVG, CREDENTIAL)
    assert read_svg(baked) == CREDENTIAL
    text = baked.decode()
    assert f'xmlns:openbadges="{OB_NAMESPACE}"' in text
    assert text.count("<openbadges:credential>") == 1
    assert '<rect width="8" height="8" fill="#0b5394"/>' in text
    # The credential is the root's first child.
    assert text.index("<openbadges:credential>") < text.index("<rect")
    twice = bake_svg(baked, JWS)
    assert twice.decode().count("openbadges:credential") == 1
    assert f'<openbadges:credential verify="{JWS}"/>' in twice.decode()
    assert read_svg(twice) == JWS
    assert read_svg(TINY_SVG) is None


def test_bake_and_read_dispatch_on_the_format() -> None:
    for image in (tiny_png(), TINY_SVG):
        assert read_baked(bake(image, CREDENTIAL)) == CREDENTIAL
    with pytest.raises(BakingError, match="only PNG and SVG"):
        bake(b"\xff\xd8\xff\xe0", CREDENTIAL)


def test_independent_readers_read_back_what_was_baked() -> None:
    """Pillow (PNG iTXt, pixels) and the standard library's ElementTree (SVG) read the
    1EdTech way: the first openbadgecredential chunk, the first openbadges:credential."""
    image = tiny_png()
    baked = bake_png(bake_png(image, JWS), CREDENTIAL)
    with Image.open(io.BytesIO(baked)) as opened, Image.open(io.BytesIO(image)) as original:
        assert isinstance(opened, PngImagePlugin.PngImageFile)
        assert opened.text["openbadgecredential"] == CREDENTIAL
        assert opened.tobytes() == original.tobytes()
        assert opened.text["Comment"] == "made for a test"
    root = ElementTree.fromstring(bake_svg(bake_svg(TINY_SVG, JWS), CREDENTIAL))
    elements = root.findall(f"{{{OB_NAMESPACE}}}credential")
    assert len(elements) == 1
    assert elements[0].text == CREDENTIAL
    assert next(iter(root)) is elements[0]
