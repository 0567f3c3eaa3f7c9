"""OB 3.0 primitive and derived data types (OB 3.0 §B.3): the checks value objects run.

Covers `String` (no control characters), `URI`, `DateTimeZ` (with `format_datetime` and
`parse_datetime`), `LanguageCode`, `Number` and the extensible vocabularies (a closed list
plus the `ext:` prefix). Pure functions over values; never performs I/O.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from badges.errors import InvalidDateTimeError, InvalidDocumentError
from badges.jsonld_safety import FORBIDDEN_CHARACTER

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "check_language_code",
    "check_node",
    "check_non_empty",
    "check_number",
    "check_text",
    "check_uri",
    "check_vocabulary",
    "format_datetime",
    "parse_datetime",
    "to_utc_seconds",
]

E = TypeVar("E", bound=StrEnum)

# C0 controls except TAB, LF, CR; DEL; lone surrogates (not encodable as UTF-8). pyld
# serialises the controls differently from RDFC-1.0 / jsonld.js (SPEC-NOTES §3), so a
# signature over them would not interoperate.
# RFC 3986 scheme, then something; no whitespace anywhere.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
# The `ext:` extension form of the OB 3.0 enumerations. The schema's own pattern is
# unanchored (`(ext:)[a-z|A-Z|0-9|.|-|_]+`); ours is anchored, so it is stricter.
_EXTENSION_TERM = re.compile(r"ext:[A-Za-z0-9._\-]+")
# OB 3.0 LanguageCode, as in the JSON Schema (`inLanguage`).
_LANGUAGE_CODE = re.compile(r"[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
# XSD 1.1 dateTime with a mandatory timezone (OB DateTimeZ); 4-digit years, no 24:00:00.
_DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?:(?P<utc>Z)|(?P<sign>[+-])(?P<offset_hour>\d{2}):(?P<offset_minute>\d{2}))",
    re.ASCII,
)


# --- strings -------------------------------------------------------------------------------


def check_text(value: str, where: str) -> None:
    """Reject control characters (U+0000-U+001F but TAB/LF/CR, and U+007F) and lone surrogates.

    Raises InvalidDocumentError.
    """
    match = FORBIDDEN_CHARACTER.search(value)
    if match is not None:
        raise InvalidDocumentError(
            f"{where} contains the forbidden character U+{ord(match.group()):04X} "
            f"at index {match.start()}",
        )


def check_non_empty(value: str, where: str) -> None:
    """Reject an empty or blank string. Raises InvalidDocumentError."""
    if not value.strip():
        raise InvalidDocumentError(f"{where} must not be empty")


def is_uri(value: object) -> bool:
    """Whether `value` is a string holding an absolute URI (what `check_uri` requires)."""
    return isinstance(value, str) and _URI.fullmatch(value) is not None


def check_uri(value: str, where: str) -> None:
    """Require an absolute URI (`scheme:rest`, no whitespace). Raises InvalidDocumentError."""
    if _URI.fullmatch(value) is None:
        raise InvalidDocumentError(f"{where} must be an absolute URI, got {value!r}")


def check_language_code(value: str, where: str) -> None:
    """Require an OB 3.0 LanguageCode such as `en`, `de-DE`. Raises InvalidDocumentError."""
    if _LANGUAGE_CODE.fullmatch(value) is None:
        raise InvalidDocumentError(f"{where} must be a BCP 47 language code, got {value!r}")


def check_vocabulary(value: str, vocabulary: type[E], where: str) -> E | str:
    """Return `value` as a member of `vocabulary`, or unchanged if it is an `ext:` term.

    Raises InvalidDocumentError for anything else.
    """
    try:
        return vocabulary(value)
    except ValueError:
        pass
    if _EXTENSION_TERM.fullmatch(value) is not None:
        return value
    raise InvalidDocumentError(
        f"{where} must be one of {', '.join(vocabulary)} or an 'ext:' term, got {value!r}",
    )


# --- numbers -------------------------------------------------------------------------------


def check_number(value: int | float | Decimal, where: str) -> None:
    """Require a finite, non-negative number (credits). Raises InvalidDocumentError."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidDocumentError(f"{where} must be a number, got {value!r}")
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite or value < 0:
        raise InvalidDocumentError(f"{where} must be finite and not negative, got {value!r}")


# --- DateTimeZ -----------------------------------------------------------------------------


def to_utc_seconds(value: datetime) -> datetime:
    """Return `value` in UTC with microseconds dropped. Raises InvalidDateTimeError if naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidDateTimeError(
            f"naive datetime {value.isoformat()} has no timezone; pass an aware datetime",
        )
    try:
        return value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise InvalidDateTimeError(f"{value.isoformat()} is out of range in UTC") from None


def format_datetime(value: datetime) -> str:
    """Format as `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds (truncated).

    Raises InvalidDateTimeError for a naive datetime.
    """
    utc = to_utc_seconds(value)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def parse_datetime(text: str) -> datetime:
    """Parse an XSD dateTime that carries a timezone (`Z` or `±hh:mm`) into an aware UTC datetime.

    Fractional seconds of any length are accepted and truncated to microseconds. Raises
    InvalidDateTimeError for a missing offset, lowercase separators, 24:00:00, leap seconds,
    out-of-range fields and offsets beyond ±14:00.
    """
    match = _DATE_TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidDateTimeError(
            f"{text!r} is not an XSD dateTime with a timezone (e.g. 2024-05-01T12:00:00Z)",
        )
    if match["utc"]:
        offset = timedelta(0)
    else:
        offset_hour, offset_minute = int(match["offset_hour"]), int(match["offset_minute"])
        offset = timedelta(hours=offset_hour, minutes=offset_minute)
        if offset_minute > 59 or offset > timedelta(hours=14):
            raise InvalidDateTimeError(f"{text!r} has an out-of-range timezone offset")
        if match["sign"] == "-":
            offset = -offset
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    try:
        parsed = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=timezone(offset),
        )
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise InvalidDateTimeError(f"{text!r} is not a valid date and time: {error}") from error


# --- value objects -------------------------------------------------------------------------


def check_node(node: DataclassInstance) -> None:
    """Run the checks every value object shares, from its `__post_init__`.

    Every string (directly or inside a tuple) is checked for forbidden characters, every
    datetime must be timezone-aware, and lists are frozen into tuples so the object stays
    immutable. Nested value objects checked themselves when they were built.
    Raises InvalidDocumentError / InvalidDateTimeError.
    """
    owner = type(node).__name__
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        where = f"{owner}.{field.name}"
        if isinstance(value, list):
            value = tuple(value)
            object.__setattr__(node, field.name, value)
        items = value if isinstance(value, tuple) else (value,)
        for index, item in enumerate(items):
            label = f"{where}[{index}]" if isinstance(value, tuple) else where
            if isinstance(item, str):
                check_text(item, label)
            elif isinstance(item, datetime) and item.utcoffset() is None:
                raise InvalidDateTimeError(
                    f"{label} is a naive datetime; pass a timezone-aware datetime",
                )
