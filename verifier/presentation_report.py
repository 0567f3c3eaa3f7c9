"""The report of a presentation's verification: every check in a fixed order, the reports
of its credentials, and the verdict derived from them (the style of `verifier.report`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from verifier.report import CheckResult, CheckStatus, VerificationReport

__all__ = ["ALWAYS_REQUIRED", "PRESENTATION_CHECK_ORDER", "PresentationCheck",
           "PresentationCheckId", "PresentationReport", "errored", "failed", "passed", "skipped"]


class PresentationCheckId(StrEnum):
    """Stable check ids of a presentation, in the order they are run and reported."""

    PARSE = "parse"
    STRUCTURE = "structure"
    JSONLD = "jsonld"
    PROOF = "proof"
    CHALLENGE = "challenge"
    DOMAIN = "domain"
    HOLDER = "holder"
    CREDENTIALS = "credentials"


PRESENTATION_CHECK_ORDER: Final = tuple(PresentationCheckId)
ALWAYS_REQUIRED: Final = frozenset(
    {PresentationCheckId.PARSE, PresentationCheckId.STRUCTURE, PresentationCheckId.JSONLD})


@dataclass(frozen=True, slots=True)
class PresentationCheck:
    """One check of a presentation (the same shape as a credential's `CheckResult`)."""

    id: PresentationCheckId
    status: CheckStatus
    message: str
    code: str | None = None
    details: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.status is CheckStatus.PASSED) != (self.code is None):
            raise ValueError("a check has a code exactly when it did not pass")

    @classmethod
    def of(cls, check_id: PresentationCheckId, result: CheckResult) -> PresentationCheck:
        """A credential-library check result under a presentation check id."""
        return cls(check_id, result.status, result.message, result.code, result.details)

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by the HTTP API."""
        result: dict[str, Any] = {"id": self.id.value, "status": self.status.value}
        if self.code is not None:
            result["code"] = self.code
        result["message"] = self.message
        if self.details:
            result["details"] = list(self.details)
        return result


def passed(check_id: PresentationCheckId, message: str,
           details: Iterable[str] = ()) -> PresentationCheck:
    """A passed check."""
    return PresentationCheck(check_id, CheckStatus.PASSED, message, None, tuple(details))


def failed(check_id: PresentationCheckId, code: str, message: str,
           details: Iterable[str] = ()) -> PresentationCheck:
    """A failed check: the presentation is bad in this respect."""
    return PresentationCheck(check_id, CheckStatus.FAILED, message, code, tuple(details))


def errored(check_id: PresentationCheckId, code: str, message: str,
            details: Iterable[str] = ()) -> PresentationCheck:
    """A check that could not decide."""
    return PresentationCheck(check_id, CheckStatus.ERROR, message, code, tuple(details))


def skipped(check_id: PresentationCheckId, code: str, message: str) -> PresentationCheck:
    """A check that did not run (and so proves nothing)."""
    return PresentationCheck(check_id, CheckStatus.SKIPPED, message, code)


@dataclass(frozen=True, slots=True)
class PresentationReport:
    """Every check of one presentation in order, and the reports of its credentials;
    `verified` is derived from the checks, never stored."""

    checks: tuple[PresentationCheck, ...]
    credentials: tuple[VerificationReport, ...] = ()
    presentation: dict[str, Any] | None = field(default=None, compare=False)
    # Checks that must have passed, not merely been skipped (policy: verifier.presentation).
    required: frozenset[PresentationCheckId] = ALWAYS_REQUIRED

    def __post_init__(self) -> None:
        if tuple(check.id for check in self.checks) != PRESENTATION_CHECK_ORDER:
            raise ValueError("a report lists every check exactly once, in order")

    @property
    def verified(self) -> bool:
        """True when no check failed or errored and every required check passed."""
        return all(
            check.status is CheckStatus.PASSED
            or (check.status is CheckStatus.SKIPPED and check.id not in self.required)
            for check in self.checks)

    def check(self, check_id: PresentationCheckId) -> PresentationCheck:
        """The result of one check."""
        return self.checks[PRESENTATION_CHECK_ORDER.index(check_id)]

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by the HTTP API."""
        result: dict[str, Any] = {
            "verified": self.verified,
            "checks": [check.to_json() for check in self.checks],
        }
        if self.presentation is not None and "id" in self.presentation:
            result["presentationId"] = self.presentation["id"]
        result["credentials"] = [report.to_json() for report in self.credentials]
        return result
