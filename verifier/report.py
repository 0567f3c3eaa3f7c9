"""The verification report: every check, in a fixed order, and the verdict derived from them.

The CLI, the web page and the JSON API all render this one structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

from verifier.checks import CheckResult as _CheckResult
from verifier.checks import CheckStatus, errored, failed, is_verified, passed, skipped
from verifier.issuers import RegisteredIssuer

__all__ = ["CHECK_ORDER", "REQUIRED_CHECKS", "CheckId", "CheckResult", "CheckStatus",
           "EndorsementPlace", "EndorsementResult", "VerificationReport", "errored", "failed",
           "passed", "skipped"]


class CheckId(StrEnum):
    """Stable check ids, in the order they are run and reported."""

    PARSE = "parse"
    STRUCTURE = "structure"
    SCHEMA = "schema"
    JSONLD = "jsonld"
    PROOF = "proof"
    ISSUER = "issuer"
    REGISTRY = "registry"
    VALIDITY = "validity"
    ENDORSEMENTS = "endorsements"
    STATUS = "status"


CHECK_ORDER: tuple[CheckId, ...] = tuple(CheckId)

# Checks that must have *passed* (not merely been skipped) for a credential to be verified.
# `issuer` may be skipped only when the issuer id is a URN that cannot control a key.
REQUIRED_CHECKS: frozenset[CheckId] = frozenset(
    {CheckId.PARSE, CheckId.STRUCTURE, CheckId.JSONLD, CheckId.PROOF, CheckId.VALIDITY})


# One check of a credential: the check result type of `verifier.checks`, with a `CheckId`.
if TYPE_CHECKING:
    CheckResult: TypeAlias = _CheckResult[CheckId]
else:
    # The class itself at run time: on Python 3.11, calling a subscripted alias of a frozen
    # slots dataclass raises TypeError (its generated __setattr__ refers to the class as it
    # was before `slots=True` rebuilt it, and the alias sets __orig_class__).
    CheckResult = _CheckResult


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Every check of one credential in `CHECK_ORDER`; `verified` is derived, never stored."""

    checks: tuple[CheckResult, ...]
    credential: dict[str, Any] | None = field(default=None, compare=False)
    endorsements: tuple[EndorsementResult, ...] = ()
    # The verifier's policy: which checks must have passed (not merely been skipped).
    required: frozenset[CheckId] = REQUIRED_CHECKS
    # The registry entry that vouches for the issuer, when the `registry` check passed.
    registered_issuer: RegisteredIssuer | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if tuple(check.id for check in self.checks) != CHECK_ORDER:
            raise ValueError("a report lists every check exactly once, in CHECK_ORDER")

    @classmethod
    def unparsed(cls, parse: CheckResult,
                 required: frozenset[CheckId] = REQUIRED_CHECKS) -> VerificationReport:
        """The report of an input that is not a credential: `parse` did not pass, and every
        other check is skipped."""
        rest = [skipped(check_id, "not_parsed", "not checked: the input is not a credential")
                for check_id in CHECK_ORDER[1:]]
        return cls((parse, *rest), required=required)

    @property
    def verified(self) -> bool:
        """True when no check failed or errored and every required check passed."""
        return is_verified(self.checks, self.required)

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
            result["endorsements"] = [endorsement.to_json() for endorsement in self.endorsements]
        return result


class EndorsementPlace(StrEnum):
    """Where an endorsement is embedded, and what it endorses: the OB 3.0 `endorsement` of
    the AchievementCredential, of its issuer's Profile, of its Achievement or of the
    achievement's creator (a Profile)."""

    CREDENTIAL = "credential"
    ISSUER = "issuer"
    ACHIEVEMENT = "achievement"
    CREATOR = "creator"


@dataclass(frozen=True, slots=True)
class EndorsementResult:
    """One embedded endorsement: where it is, its own report, and either what it endorses
    (it counts as an endorsement) or why it does not count (`code`, `message`). Its outcome
    never decides the verdict of the credential that carries it."""

    place: EndorsementPlace
    report: VerificationReport
    endorses: EndorsementPlace | None = None
    code: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if (self.endorses is None) == (self.code is None) or (
                (self.code is None) != (self.message is None)):
            raise ValueError("an endorsement either endorses something, or has a code and a "
                             "message saying why it does not count")

    @property
    def verified(self) -> bool:
        """True when the endorsement counts as an endorsement (of `endorses`)."""
        return self.endorses is not None

    def to_json(self) -> dict[str, Any]:
        """The JSON form: the endorsement's own report, where it is embedded, and what it
        endorses or why it does not count (`verified` is this endorsement's outcome)."""
        result = self.report.to_json()
        result["verified"] = self.verified
        result["embeddedIn"] = self.place.value
        if self.endorses is not None:
            result["endorses"] = self.endorses.value
        if self.code is not None:
            result["code"] = self.code
            result["message"] = self.message
        return result
