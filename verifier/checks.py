"""One check result, for credentials and presentations alike: its id, status, a code when not
passed and a message for people (the check log of DCC verifier-core), and the verdict over a
list of them.

The ids are each report's own closed set (`verifier.report.CheckId`,
`verifier.presentation_report.PresentationCheckId`); this module knows neither.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

__all__ = ["CheckResult", "CheckStatus", "errored", "failed", "is_verified", "passed",
           "skipped"]

IdT = TypeVar("IdT", bound=StrEnum)
OtherIdT = TypeVar("OtherIdT", bound=StrEnum)


class CheckStatus(StrEnum):
    """Outcome of one check: `failed` means the credential is bad; `error` means the check
    could not decide (unreachable document, unresolvable DID, unsupported suite)."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CheckResult(Generic[IdT]):
    """One check: its id, status, a code when not passed, and a message for people."""

    id: IdT
    status: CheckStatus
    message: str
    code: str | None = None
    details: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.status is CheckStatus.PASSED) != (self.code is None):
            raise ValueError("a check has a code exactly when it did not pass")

    def with_id(self, check_id: OtherIdT) -> CheckResult[OtherIdT]:
        """The same outcome reported under another check id (a credential-library check
        inside a presentation's report)."""
        return CheckResult(check_id, self.status, self.message, self.code, self.details)

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by `--json` and the HTTP API."""
        result: dict[str, Any] = {"id": self.id.value, "status": self.status.value}
        if self.code is not None:
            result["code"] = self.code
        result["message"] = self.message
        if self.details:
            result["details"] = list(self.details)
        return result


def passed(check_id: IdT, message: str, details: Iterable[str] = ()) -> CheckResult[IdT]:
    """A passed check."""
    return CheckResult(check_id, CheckStatus.PASSED, message, None, tuple(details))


def failed(check_id: IdT, code: str, message: str,
           details: Iterable[str] = ()) -> CheckResult[IdT]:
    """A failed check: the credential (or presentation) is bad in this respect."""
    return CheckResult(check_id, CheckStatus.FAILED, message, code, tuple(details))


def errored(check_id: IdT, code: str, message: str,
            details: Iterable[str] = ()) -> CheckResult[IdT]:
    """A check that could not decide."""
    return CheckResult(check_id, CheckStatus.ERROR, message, code, tuple(details))


def skipped(check_id: IdT, code: str, message: str) -> CheckResult[IdT]:
    """A check that did not run (and so proves nothing)."""
    return CheckResult(check_id, CheckStatus.SKIPPED, message, code)


def is_verified(checks: Iterable[CheckResult[IdT]], required: Collection[IdT]) -> bool:
    """True when no check failed or errored and every required check passed (a skipped
    check proves nothing, so it is only allowed where it is not required)."""
    return all(
        check.status is CheckStatus.PASSED
        or (check.status is CheckStatus.SKIPPED and check.id not in required)
        for check in checks)
