"""The report of a presentation's verification: every check in a fixed order, the reports
of its credentials, and the verdict derived from them (the style of `verifier.report`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from verifier.checks import CheckResult, errored, failed, is_verified, passed, skipped
from verifier.report import VerificationReport

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


# One check of a presentation: the check result type of `verifier.checks` (the same as a
# credential's), with a `PresentationCheckId`.
if TYPE_CHECKING:
    PresentationCheck: TypeAlias = CheckResult[PresentationCheckId]
else:
    # The class itself at run time: on Python 3.11, calling a subscripted alias of a frozen
    # slots dataclass raises TypeError (its generated __setattr__ refers to the class as it
    # was before `slots=True` rebuilt it, and the alias sets __orig_class__).
    PresentationCheck = CheckResult


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
        return is_verified(self.checks, self.required)

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
