"""Content negotiation of the pages: which of the offered media types the request's Accept
ranks highest, and whether the client wants an HTML page rather than JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from flask import request

__all__ = ["HTML", "preferred", "wants_html"]

HTML: Final = "text/html"


def _quality(offer: str) -> float:
    """The quality the request's Accept gives `offer`: that of its most specific matching
    range (`type/subtype`, then `type/*`, then `*/*`), media-type parameters ignored."""
    kind = offer.split("/", 1)[0]
    found: dict[int, float] = {}
    for value, quality in request.accept_mimetypes:
        media = value.split(";", 1)[0].strip().lower()
        specificity = {offer: 3, f"{kind}/*": 2, "*/*": 1}.get(media)
        if specificity is not None:
            found[specificity] = max(quality, found.get(specificity, 0.0))
    return found[max(found)] if found else 0.0


def preferred(offers: Sequence[str]) -> str | None:
    """The offer the request's Accept ranks highest (ties: the earlier offer; no Accept
    header: the first), or None when it accepts none of them."""
    if not request.accept_mimetypes:
        return offers[0] if offers else None
    best, best_quality = None, 0.0
    for offer in offers:
        quality = _quality(offer)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def wants_html() -> bool:
    """Whether the client prefers an HTML page to a JSON document (browsers; `*/*` alone
    gets JSON)."""
    return preferred(["application/problem+json", "application/json", HTML]) == HTML
