"""The verdict of a verification report in plain words, and the people-facing names and
explanations of its checks: what the badge page, /verify and their readers see.

Three colours: green only when everything is confirmed (the signature, the dates, the
revocation status and the issuer's identity: its key and a trusted registry's word), amber
when the credential is authentic but something could not be confirmed, red when anything
failed, including an e-mail address that is not the learner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from verifier.report import CheckId, CheckResult, CheckStatus, VerificationReport

__all__ = [
    "STATUS_WORDS",
    "Colour",
    "Verdict",
    "VerdictState",
    "check_help",
    "check_label",
    "verdict",
]

STATUS_WORDS: Final = {CheckStatus.PASSED: "Passed", CheckStatus.FAILED: "Failed",
                        CheckStatus.ERROR: "Could not check",
                        CheckStatus.SKIPPED: "Not checked"}
# Neutral names: a label never states the good outcome (the result column does).
_CHECK_LABELS: Final = {
    CheckId.PARSE: "Format",
    CheckId.STRUCTURE: "Structure",
    CheckId.SCHEMA: "Open Badges 3.0 schema",
    CheckId.JSONLD: "Linked data",
    CheckId.PROOF: "Signature",
    CheckId.ISSUER: "Issuer's signing key",
    CheckId.REGISTRY: "Issuer registry",
    CheckId.VALIDITY: "Validity period",
    CheckId.ENDORSEMENTS: "Endorsements",
    CheckId.STATUS: "Revocation status",
}
# What each check means, for a reader who is not a technologist (an HR officer).
_CHECK_HELP: Final = {
    CheckId.PARSE: "Can the file or text be read as a digital credential at all?",
    CheckId.STRUCTURE: "Does it have the parts every verifiable credential must have (who "
                       "issued it, to whom, when)?",
    CheckId.SCHEMA: "Does it follow the Open Badges 3.0 standard's rules for badges?",
    CheckId.JSONLD: "Is every statement in it well defined, so nothing can hide from the "
                    "signature?",
    CheckId.PROOF: "Was it digitally signed, and is it unchanged since it was signed? Any "
                   "change, even of one letter, breaks the signature.",
    CheckId.ISSUER: "Does the key that signed it belong to the organisation named as its "
                    "issuer?",
    CheckId.REGISTRY: "Does a trusted list of known issuers vouch for that organisation and "
                      "its key? A badge that copies a listed organisation's name fails here.",
    CheckId.VALIDITY: "Is today within the dates the issuer gave the credential?",
    CheckId.ENDORSEMENTS: "Have other organisations endorsed it, and do their endorsements "
                          "check out?",
    CheckId.STATUS: "Has the issuer revoked or suspended it since issuing it?",
}

class VerdictState(StrEnum):
    """What the verdict says, for styling and for machines."""

    VERIFIED = "verified"
    UNCONFIRMED = "unconfirmed"
    NOT_THE_LEARNER = "not-the-learner"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    UNDECIDED = "undecided"
    NOT_VERIFIED = "not-verified"
    NO_CREDENTIAL = "no-credential"


class Colour(StrEnum):
    """Green: everything confirmed, the issuer's identity included. Amber: authentic, but
    something could not be confirmed. Red: something failed."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


_AMBER: Final = frozenset({VerdictState.UNCONFIRMED, VerdictState.UNDECIDED})


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict of a report in plain words."""

    state: VerdictState
    title: str
    explanation: str
    problem: CheckResult | None

    @property
    def colour(self) -> Colour:
        """Green only when everything is confirmed."""
        if self.state is VerdictState.VERIFIED:
            return Colour.GREEN
        return Colour.AMBER if self.state in _AMBER else Colour.RED


def verdict(report: VerificationReport, *, recipient: bool | None = None) -> Verdict:
    """What a person should conclude from `report`; `recipient` False when the credential
    was not awarded to the e-mail address the reader gave (said first: nothing else
    matters then)."""
    problem = report.first_problem
    parse = report.check(CheckId.PARSE)
    if parse.status is not CheckStatus.PASSED:
        return Verdict(VerdictState.NO_CREDENTIAL, "No credential found",
                       f"This input does not contain a credential: {parse.message}.", parse)
    if recipient is False:
        return Verdict(VerdictState.NOT_THE_LEARNER, "Not awarded to this person",
                       "The credential was not awarded to the e-mail address you entered: "
                       "do not accept it as theirs.", None)
    registry = report.check(CheckId.REGISTRY)
    if registry.code == "issuer_impersonation":
        return Verdict(VerdictState.NOT_VERIFIED, "Not verified: impersonation",
                       "This credential names a registered issuer but was not signed by "
                       "it: it is a forgery. Do not rely on it.", registry)
    if report.verified:
        return _authentic(report)
    validity = report.check(CheckId.VALIDITY)
    status = report.check(CheckId.STATUS)
    proof_ok = report.check(CheckId.PROOF).status is CheckStatus.PASSED
    if proof_ok and status.code in ("revoked", "suspended"):
        state = VerdictState(status.code)
        return Verdict(state, state.value.capitalize(),
                       f"The issuer has {status.code} this credential: do not rely on it.",
                       status)
    if proof_ok and validity.code == "expired":
        return Verdict(VerdictState.EXPIRED, "Expired",
                       "The credential is authentic but its validity period has ended.",
                       validity)
    if proof_ok and validity.code == "not_yet_valid":
        return Verdict(VerdictState.NOT_YET_VALID, "Not yet valid",
                       "The credential is authentic but its validity period has not begun.",
                       validity)
    if problem is not None and problem.status is CheckStatus.ERROR:
        return Verdict(VerdictState.UNDECIDED, "Could not be verified",
                       f"A check could not be completed: {check_label(problem.id)}. "
                       "Try again later; until then, do not rely on the credential.", problem)
    failing = problem or next((check for check in report.checks
                               if check.status is CheckStatus.SKIPPED
                               and check.id in report.required), None)
    reason = f" Failed check: {check_label(failing.id)}." if failing else ""
    return Verdict(VerdictState.NOT_VERIFIED, "Not verified",
                   "This credential could not be verified: it may have been altered, or it "
                   f"was not signed by the issuer it names.{reason}", failing)


def _authentic(report: VerificationReport) -> Verdict:
    """The verdict of a verified report: green only when the issuer's identity (its key and
    a registry's word for it) and the revocation status are confirmed too; else amber,
    naming what could not be confirmed."""
    said = ["The signature is valid, the credential is unchanged and within its validity "
            "period."]
    key_confirmed = report.check(CheckId.ISSUER).status is CheckStatus.PASSED
    registered = report.registered_issuer
    status_confirmed = report.check(CheckId.STATUS).status is CheckStatus.PASSED
    if registered is not None and key_confirmed:
        said.append(f"The issuer is {registered.name}, as {registered.registry} confirms.")
    elif not key_confirmed:
        said.append("Who controls the signing key could not be checked.")
    else:
        said.append("No trusted registry lists its issuer, so who issued it is only what "
                    "the credential says.")
    if status_confirmed:
        said.append("The issuer has not revoked or suspended it.")
    else:
        said.append("It carries no revocation status, so revocation cannot be checked.")
    if registered is not None and key_confirmed and status_confirmed:
        return Verdict(VerdictState.VERIFIED, "Verified", " ".join(said), None)
    title = ("Authentic, issuer not confirmed" if registered is None or not key_confirmed
             else "Authentic, revocation not checkable")
    return Verdict(VerdictState.UNCONFIRMED, title, " ".join(said), None)


def check_label(check_id: CheckId) -> str:
    """The people-facing name of a check."""
    return _CHECK_LABELS[check_id]


def check_help(check_id: CheckId) -> str:
    """What a check means, in plain words."""
    return _CHECK_HELP[check_id]
