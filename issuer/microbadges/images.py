"""Uploaded badge and profile images: PNG or SVG, checked, stored, served by content id;
and the PNG and SVG a learner downloads (`badge_images`), to be baked.

SVG is parsed with defusedxml (no entities, no external references) and refused when it
carries scripts or event handlers; it is also served with a sandboxing CSP.

A microbadge without an image of a format gets one: without a PNG, the service's default
emblem; without an SVG, an SVG that shows the PNG.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import struct
import uuid
from importlib import resources
from typing import Final
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException
from sqlalchemy.orm import Session

from badges.baking import is_png
from badges.clock import Clock
from issuer.microbadges.models import ImageRecord
from issuer.platform.errors import InvalidInputError
from issuer.providers.models import ProviderRecord

__all__ = ["IMAGE_MEDIA_TYPES", "MAX_IMAGE_BYTES", "badge_images", "default_emblem",
           "store_image"]

MAX_IMAGE_BYTES: Final = 512 * 1024
MAX_IMAGE_SIDE: Final = 4096
PNG: Final = "image/png"
SVG: Final = "image/svg+xml"
IMAGE_MEDIA_TYPES: Final = (PNG, SVG)
_SVG_NAMESPACE: Final = "{http://www.w3.org/2000/svg}"
_EMBLEM_SIDE: Final = 256


def store_image(session: Session, provider: ProviderRecord, data: bytes, media_type: str,
                *, clock: Clock) -> ImageRecord:
    """Check and store an image (not committed). Raises InvalidInputError."""
    media_type = media_type.split(";", 1)[0].strip().lower()
    if media_type not in IMAGE_MEDIA_TYPES:
        raise InvalidInputError(f"images must be {' or '.join(IMAGE_MEDIA_TYPES)}, "
                                f"got {media_type or 'no Content-Type'}")
    if not data:
        raise InvalidInputError("the image is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInputError(f"images may have at most {MAX_IMAGE_BYTES} bytes")
    if media_type == PNG:
        _check_png(data)
    else:
        _check_svg(data)
    record = ImageRecord(public_id=str(uuid.uuid4()), provider_id=provider.id,
                         media_type=media_type, sha256=hashlib.sha256(data).hexdigest(),
                         data=data, created_at=clock())
    session.add(record)
    session.flush()
    return record


def _check_png(data: bytes) -> None:
    # The IHDR chunk must come first: length 13, then width and height (PNG spec §11.2.2).
    if len(data) < 33 or not is_png(data) or data[12:16] != b"IHDR":
        raise InvalidInputError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
        raise InvalidInputError(f"PNG images may be at most {MAX_IMAGE_SIDE} pixels a side")


def _check_svg(data: bytes) -> None:
    try:
        root = SafeElementTree.fromstring(data)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        raise InvalidInputError("not a well-formed SVG image (entities and DTDs are "
                                "refused)") from None
    if root.tag != _SVG_NAMESPACE + "svg":
        raise InvalidInputError("not an SVG image: the root element must be <svg> in the "
                                "SVG namespace")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignobject"):
            raise InvalidInputError(f"SVG images may not contain <{tag}>")
        for attribute in element.attrib:
            if attribute.rsplit("}", 1)[-1].lower().startswith("on"):
                raise InvalidInputError("SVG images may not contain event handlers")


@functools.cache
def default_emblem() -> bytes:
    """The PNG of a microbadge that has none (issuer/data/default-badge.png, a blue medal,
    256 pixels a side)."""
    return resources.files("issuer").joinpath("data/default-badge.png").read_bytes()


def _svg_showing(png_data: bytes, title: str) -> bytes:
    """An SVG document that shows a PNG (as a data: URI), titled for screen readers."""
    uri = "data:image/png;base64," + base64.b64encode(png_data).decode("ascii")
    side = _EMBLEM_SIDE
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
            f'viewBox="0 0 {side} {side}" role="img">'
            f"<title>{xml_escape(title)}</title>"
            f'<image width="{side}" height="{side}" href={quoteattr(uri)}/></svg>'
            ).encode()


def badge_images(image: ImageRecord | None, title: str) -> tuple[bytes, bytes]:
    """The (PNG, SVG) to bake for a microbadge with `image` (or none)."""
    if image is not None and image.media_type == PNG:
        return image.data, _svg_showing(image.data, title)
    emblem = default_emblem()
    if image is not None and image.media_type == SVG:
        return emblem, image.data
    return emblem, _svg_showing(emblem, title)
