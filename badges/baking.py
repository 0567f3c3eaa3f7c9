"""Baked badges (OB 3.0 "Baked Badge"): a credential carried inside its badge image.

- PNG: one `iTXt` chunk with keyword `openbadgecredential` (compression flag 0, empty
  language tag and translated keyword; text = the credential JSON or a compact JWS), placed
  before `IEND`. Baking removes any earlier such chunk and copies every other chunk byte for
  byte: the pixels are untouched. Reading takes the first such chunk (compressed ones
  too, as other bakers may write them).
- SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on the root `<svg>`, and one
  `<openbadges:credential>` element as its first child: JSON in CDATA, or a `verify="<JWS>"`
  attribute. Baking removes earlier ones; reading takes the first one. SVG is parsed with
  defusedxml (no entities, no external references).

One module writes and reads both, so what microbadges bakes it reads back.
"""

from __future__ import annotations

import re
import struct
import zlib
from typing import Final
from xml.dom.minidom import Document, Element

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from defusedxml import minidom as safe_minidom

from keys.errors import BadgeError

__all__ = [
    "OB_NAMESPACE",
    "PNG_KEYWORD",
    "BakingError",
    "bake",
    "bake_png",
    "bake_svg",
    "is_compact_jws",
    "is_png",
    "is_svg",
    "read_baked",
    "read_png",
    "read_svg",
]

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD: Final = "openbadgecredential"
OB_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"
MAX_IMAGE_BYTES: Final = 16 * 1024 * 1024
MAX_TEXT_BYTES: Final = 4 * 1024 * 1024  # a baked credential, decompressed
_JWS: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")


def is_compact_jws(text: str) -> bool:
    """Whether a baked credential is a compact JWS (VC-JWT) rather than JSON."""
    return _JWS.fullmatch(text.strip()) is not None


class BakingError(BadgeError):
    """The image cannot be read or baked (malformed PNG/SVG, too large, unsafe XML)."""

    code = "baking_error"


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def is_svg(data: bytes) -> bool:
    """An XML document that looks like SVG (its root is checked when it is parsed)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in data[:65536].lower()


# --- PNG ---------------------------------------------------------------------------------------

def _chunks(png: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """(type, data, the chunk's raw bytes) of each chunk, CRCs checked."""
    if not is_png(png):
        raise BakingError("not a PNG image")
    if len(png) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    chunks = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 12 > len(png):
            raise BakingError("the PNG ends inside a chunk header")
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind = png[offset + 4:offset + 8]
        end = offset + 12 + length
        if end > len(png):
            raise BakingError(f"the PNG chunk {kind!r} runs past the end of the file")
        data = png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:end])
        if zlib.crc32(kind + data) != crc:
            raise BakingError(f"the PNG chunk {kind!r} has a wrong CRC")
        chunks.append((kind, data, png[offset:end]))
        offset = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("the PNG does not start with IHDR and end with IEND")
    return chunks


def _itxt_text(data: bytes) -> tuple[str, str] | None:
    """(keyword, text) of an iTXt chunk, or None when it is malformed."""
    keyword, separator, rest = data.partition(b"\x00")
    if not separator or len(rest) < 2:
        return None
    compressed, method, rest = rest[0], rest[1], rest[2:]
    _language, separator, rest = rest.partition(b"\x00")
    if not separator:
        return None
    _translated, separator, text = rest.partition(b"\x00")
    if not separator:
        return None
    if compressed:
        if method != 0:
            return None
        decompressor = zlib.decompressobj()
        try:
            text = decompressor.decompress(text, MAX_TEXT_BYTES + 1)
        except zlib.error:
            return None
        if len(text) > MAX_TEXT_BYTES:
            return None
    try:
        return keyword.decode("latin-1"), text.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_credential_chunk(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.startswith(PNG_KEYWORD.encode("latin-1") + b"\x00")


def read_png(png: bytes) -> str | None:
    """The text of the first `openbadgecredential` iTXt chunk, or None."""
    for kind, data, _ in _chunks(png):
        if _is_credential_chunk(kind, data):
            found = _itxt_text(data)
            if found is None:
                raise BakingError("the openbadgecredential chunk is malformed")
            return found[1]
    return None


def bake_png(png: bytes, credential: str) -> bytes:
    """The PNG with `credential` (JSON or compact JWS) in one iTXt chunk before IEND,
    replacing any earlier one; every other chunk is copied unchanged."""
    chunks = _chunks(png)
    payload = (PNG_KEYWORD.encode("latin-1") + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00"
               + credential.encode("utf-8"))
    baked = (struct.pack(">I", len(payload)) + b"iTXt" + payload
             + struct.pack(">I", zlib.crc32(b"iTXt" + payload)))
    kept = [raw for kind, data, raw in chunks if not _is_credential_chunk(kind, data)]
    return PNG_SIGNATURE + b"".join(kept[:-1]) + baked + kept[-1]


# --- SVG ---------------------------------------------------------------------------------------

def _parse_svg(svg: bytes) -> Document:
    if len(svg) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    try:
        document: Document = safe_minidom.parseString(svg, forbid_dtd=True)
    except DefusedXmlException as error:
        raise BakingError(f"the SVG uses a forbidden XML feature: {type(error).__name__}"
                          ) from None
    except Exception as error:  # expat's ExpatError and friends: not well-formed XML
        raise BakingError(f"the SVG is not well-formed XML: {error}") from None
    root = document.documentElement
    if root is None or root.localName != "svg" or root.namespaceURI not in (SVG_NAMESPACE,
                                                                            None):
        raise BakingError("the document's root element is not <svg>")
    return document


def _credential_elements(root: Element) -> list[Element]:
    return [node for node in root.childNodes
            if isinstance(node, Element) and node.localName == "credential"
            and node.namespaceURI == OB_NAMESPACE]


def read_svg(svg: bytes) -> str | None:
    """The credential of the first `<openbadges:credential>` element (its `verify`
    attribute, or its text), or None."""
    if len(svg) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES} bytes")
    try:
        root = SafeElementTree.fromstring(svg, forbid_dtd=True)
    except DefusedXmlException as error:
        raise BakingError(f"the SVG uses a forbidden XML feature: {type(error).__name__}"
                          ) from None
    except SafeElementTree.ParseError as error:
        raise BakingError(f"the SVG is not well-formed XML: {error}") from None
    if root.tag not in (f"{{{SVG_NAMESPACE}}}svg", "svg"):
        raise BakingError("the document's root element is not <svg>")
    element = root.find(f".//{{{OB_NAMESPACE}}}credential")
    if element is None:
        return None
    verify: str | None = element.get("verify")
    if verify:
        return verify.strip()
    text = "".join(element.itertext()).strip()
    return text or None


def bake_svg(svg: bytes, credential: str) -> bytes:
    """The SVG with one `<openbadges:credential>` first in the root element, replacing any
    earlier one: a compact JWS goes in `verify`, JSON in CDATA."""
    document = _parse_svg(svg)
    root = document.documentElement
    if root is None:  # _parse_svg checked it
        raise BakingError("the SVG has no root element")
    for element in _credential_elements(root):
        root.removeChild(element)
    root.setAttribute("xmlns:openbadges", OB_NAMESPACE)
    element = document.createElementNS(OB_NAMESPACE, "openbadges:credential")
    if is_compact_jws(credential):
        element.setAttribute("verify", credential.strip())
    else:
        # "]]>" cannot appear inside CDATA: split it across two sections.
        for index, part in enumerate(credential.split("]]>")):
            if index:
                element.appendChild(document.createCDATASection("]]"))
                part = ">" + part
            element.appendChild(document.createCDATASection(part))
    root.insertBefore(element, root.firstChild)
    return document.toxml(encoding="utf-8")


# --- either ------------------------------------------------------------------------------------

def read_baked(image: bytes) -> str | None:
    """The credential baked into a PNG or SVG badge, or None when there is none.
    Raises BakingError (not a PNG or SVG, malformed, unsafe)."""
    if is_png(image):
        return read_png(image)
    if is_svg(image):
        return read_svg(image)
    raise BakingError("not a PNG or SVG image")


def bake(image: bytes, credential: str) -> bytes:
    """Bake into a PNG or SVG badge. Raises BakingError."""
    if is_png(image):
        return bake_png(image, credential)
    if is_svg(image):
        return bake_svg(image, credential)
    raise BakingError("only PNG and SVG badges can be baked")
