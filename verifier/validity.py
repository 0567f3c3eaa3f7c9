"""The `validity` check: validFrom/validUntil (VCDM 2.0) or issuanceDate/expirationDate
(VCDM 1.1) against an injected clock, with a small allowance for clock skew."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from badges.datatypes import format_datetime, parse_datetime
from badges.errors import InvalidDateTimeError
from verifier.report import CheckId, CheckResult, failed, passed


def check_validity(credential: Mapping[str, Any], now: datetime,
                   clock_skew: timedelta) -> CheckResult:
    """Run the validity check at time `now` (aware)."""
    start_name = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_name = "validUntil" if "validUntil" in credential else "expirationDate"
    try:
        start = _optional_datetime(credential, start_name)
        end = _optional_datetime(credential, end_name)
    except InvalidDateTimeError as error:
        return failed(CheckId.VALIDITY, error.code, error.message)
    if start is not None and end is not None and end < start:
        return failed(CheckId.VALIDITY, "invalid_validity_period",
                      f"{end_name} {format_datetime(end)} is before {start_name} "
                      f"{format_datetime(start)}")
    if start is not None and now + clock_skew < start:
        return failed(CheckId.VALIDITY, "not_yet_valid",
                      f"not valid before {format_datetime(start)} ({start_name})")
    if end is not None and now - clock_skew > end:
        return failed(CheckId.VALIDITY, "expired",
                      f"expired on {format_datetime(end)} ({end_name})")
    if start is None and end is None:
        return passed(CheckId.VALIDITY, "no validity period stated")
    since = f"since {format_datetime(start)}" if start else ""
    until = f"until {format_datetime(end)}" if end else "with no expiry"
    return passed(CheckId.VALIDITY, " ".join(part for part in ("valid", since, until) if part))


def _optional_datetime(credential: Mapping[str, Any], name: str) -> datetime | None:
    value = credential.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidDateTimeError(f"{name} must be a dateTime string")
    try:
        return parse_datetime(value)
    except InvalidDateTimeError as error:
        raise InvalidDateTimeError(f"{name}: {error.message}") from None
