"""The `endorsements` check: every EndorsementCredential embedded in a credential, its
issuer and its achievement, each verified as a credential of its own.

An endorsement is a claim a third party makes about the credential; the credential's verdict
rests on its own checks only. So an endorsement that does not verify (a bad proof, a
cryptosuite nobody implements, a key that cannot be resolved) is reported as not verified,
with the reason, and the check still passes: it never fails the credential it endorses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from badges.json_document import as_list
from verifier.report import (
    REQUIRED_CHECKS,
    CheckId,
    CheckResult,
    CheckStatus,
    EndorsementPlace,
    EndorsementResult,
    VerificationReport,
    failed,
    passed,
)

# Verifies one embedded endorsement (the verifier's own `_verify`, one level deeper).
VerifyEndorsement = Callable[[Mapping[str, Any]], VerificationReport]


def embedded_endorsements(credential: Mapping[str, Any]
                          ) -> list[tuple[EndorsementPlace, object]]:
    """Endorsement credentials embedded in the credential, its issuer and its achievement."""
    places: list[tuple[EndorsementPlace, object]] = [
        (EndorsementPlace.CREDENTIAL, credential),
        (EndorsementPlace.ISSUER, credential.get("issuer"))]
    for subject in as_list(credential.get("credentialSubject")):
        if isinstance(subject, Mapping):
            places.append((EndorsementPlace.ACHIEVEMENT, subject.get("achievement")))
    found: list[tuple[EndorsementPlace, object]] = []
    for place, holder in places:
        if isinstance(holder, Mapping):
            found += [(place, item) for item in as_list(holder.get("endorsement"))]
    return found


def check_endorsements(found: list[tuple[EndorsementPlace, object]], verify: VerifyEndorsement,
                       required: frozenset[CheckId] = REQUIRED_CHECKS,
                       ) -> tuple[CheckResult, tuple[EndorsementResult, ...]]:
    """Verify each of the `found` endorsements with `verify`; the check passes whatever their
    outcome, which its details list one by one."""
    results = tuple(_endorsement_result(place, endorsement, verify, required)
                    for place, endorsement in found)
    details = [_detail(result) for result in results]
    verified = sum(result.verified for result in results)
    total = len(results)
    message = f"{verified} of {total} endorsement{'s' if total > 1 else ''} verified"
    if verified < total:
        unverified = total - verified
        message += (f"; {unverified} did not verify and {'does' if unverified == 1 else 'do'} "
                    "not count as an endorsement")
    return passed(CheckId.ENDORSEMENTS, message, details), results


def _endorsement_result(place: EndorsementPlace, endorsement: object,
                        verify: VerifyEndorsement,
                        required: frozenset[CheckId]) -> EndorsementResult:
    if not isinstance(endorsement, Mapping):
        report = VerificationReport.unparsed(failed(
            CheckId.PARSE, "not_an_object", "an endorsement must be a JSON object"), required)
        return EndorsementResult(place, report, "not_an_object",
                                 "parse: an endorsement must be a JSON object")
    report = verify(endorsement)
    if report.verified:
        return EndorsementResult(place, report)
    problem = report.first_problem or next(
        check for check in report.checks
        if check.status is CheckStatus.SKIPPED and check.id in report.required)
    return EndorsementResult(place, report, problem.code or "endorsement_not_verified",
                             f"{problem.id.value}: {problem.message}")


def _detail(result: EndorsementResult) -> str:
    credential = result.report.credential
    endorsement_id = credential.get("id") if credential is not None else None
    said = f"{result.place.value} endorsement {endorsement_id or '(no id)'}"
    if result.verified:
        return f"{said}: verified"
    return f"{said}: not verified [{result.code}] {result.message}"
