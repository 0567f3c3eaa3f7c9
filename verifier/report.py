"""The verification report: every check, in a fixed order, and the verdict derived from them.

The CLI, the web page and the JSON API all render this one structure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CheckStatus(StrEnum):
    """Outcome of one check: `failed` means the credential is bad; `error` means the check
    could not decide (unreachable document, unresolvable DID, unsupported suite)."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


class CheckId(StrEnum):
    """Stable check ids, in the order they are run and reported."""

    PARSE = "parse"
    STRUCTURE = "structure"
    SCHEMA = "schema"
    JSONLD = "jsonld"
    PROOF = "proof"
    ISSUER = "issuer"
    VALIDITY = "validity"
    ENDORSEMENTS = "endorsements"
    STATUS = "status"


CHECK_ORDER: tuple[CheckId, ...] = tuple(CheckId)

# Checks that must have *passed* (not merely been skipped) for a credential to be verified.
# `issuer` may be skipped only when the issuer id is a URN that cannot control a key.
REQUIRED_CHECKS: frozenset[CheckId] = frozenset(
    {CheckId.PARSE, CheckId.STRUCTURE, CheckId.JSONLD, CheckId.PROOF, CheckId.VALIDITY})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check: its id, status, a code when not passed, and a message for people."""

    id: CheckId
    status: CheckStatus
    message: str
    code: str | None = None
    details: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.status is CheckStatus.PASSED) != (self.code is None):
            raise ValueError("a check has a code exactly when it did not pass")

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by `--json` and the HTTP API."""
        result: dict[str, Any] = {"id": self.id.value, "status": self.status.value}
        if self.code is not None:
            result["code"] = self.code
        result["message"] = self.message
        if self.details:
            result["details"] = list(self.details)
        return result


def passed(check_id: CheckId, message: str, details: Iterable[str] = ()) -> CheckResult:
    """A passed check."""
    return CheckResult(check_id, CheckStatus.PASSED, message, None, tuple(details))


def failed(check_id: CheckId, code: str, message: str,
           details: Iterable[str] = ()) -> CheckResult:
    """A failed check: the credential is bad in this respect."""
    return CheckResult(check_id, CheckStatus.FAILED, message, code, tuple(details))


def errored(check_id: CheckId, code: str, message: str,
            details: Iterable[str] = ()) -> CheckResult:
    """A check that could not decide."""
    return CheckResult(check_id, CheckStatus.ERROR, message, code, tuple(details))


def skipped(check_id: CheckId, code: str, message: str) -> CheckResult:
    """A check that did not run (and so proves nothing)."""
    return CheckResult(check_id, CheckStatus.SKIPPED, message, code)


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Every check of one credential in `CHECK_ORDER`; `verified` is derived, never stored."""

    checks: tuple[CheckResult, ...]
    credential: dict[str, Any] | None = field(default=None, compare=False)
    endorsements: tuple[VerificationReport, ...] = ()
    # The verifier's policy: which checks must have passed (not merely been skipped).
    required: frozenset[CheckId] = REQUIRED_CHECKS

    def __post_init__(self) -> None:
        if tuple(check.id for check in self.checks) != CHECK_ORDER:
            raise ValueError("a report lists every check exactly once, in CHECK_ORDER")

    @property
    def verified(self) -> bool:
        """True when no check failed or errored and every required check passed."""
        return all(
            check.status is CheckStatus.PASSED
            or (check.status is CheckStatus.SKIPPED and check.id not in self.required)
            for check in self.checks)

    def check(self, check_id: CheckId) -> CheckResult:
        """The result of one check."""
        return self.checks[CHECK_ORDER.index(check_id)]

    @property
    def first_problem(self) -> CheckResult | None:
        """The first check that failed or errored, if any."""
        return next((check for check in self.checks
                     if check.status in (CheckStatus.FAILED, CheckStatus.ERROR)), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by `--json` and the HTTP API."""
        result: dict[str, Any] = {
            "verified": self.verified,
            "checks": [check.to_json() for check in self.checks],
        }
        if self.credential is not None:
            result["credentialId"] = self.credential.get("id")
        if self.endorsements:
            result["endorsements"] = [report.to_json() for report in self.endorsements]
        return result
