"""The `endorsements` check: every EndorsementCredential embedded in a credential, its
issuer and its achievement, each verified as a credential of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from badges.json_document import as_list
from verifier.report import (
    REQUIRED_CHECKS,
    CheckId,
    CheckResult,
    CheckStatus,
    VerificationReport,
    errored,
    failed,
    passed,
)

# Verifies one embedded endorsement (the verifier's own `_verify`, one level deeper).
VerifyEndorsement = Callable[[Mapping[str, Any]], VerificationReport]


def embedded_endorsements(credential: Mapping[str, Any]) -> list[tuple[str, object]]:
    """Endorsement credentials embedded in the credential, its issuer and its achievement."""
    places: list[tuple[str, object]] = [("credential", credential)]
    places.append(("issuer", credential.get("issuer")))
    for subject in as_list(credential.get("credentialSubject")):
        if isinstance(subject, Mapping):
            places.append(("achievement", subject.get("achievement")))
    found: list[tuple[str, object]] = []
    for where, holder in places:
        if isinstance(holder, Mapping):
            found += [(where, item) for item in as_list(holder.get("endorsement"))]
    return found


def check_endorsements(found: list[tuple[str, object]], verify: VerifyEndorsement,
                       required: frozenset[CheckId] = REQUIRED_CHECKS,
                       ) -> tuple[CheckResult, tuple[VerificationReport, ...]]:
    """Verify each of the `found` endorsements with `verify`."""
    reports: list[VerificationReport] = []
    details: list[str] = []
    for where, endorsement in found:
        if not isinstance(endorsement, Mapping):
            report = VerificationReport.unparsed(failed(
                CheckId.PARSE, "not_an_object", "an endorsement must be a JSON object"),
                required)
        else:
            report = verify(endorsement)
        reports.append(report)
        problem = report.first_problem
        outcome = "verified" if report.verified else (
            f"not verified ({problem.id.value}: {problem.message})" if problem else
            "not verified")
        endorsement_id = endorsement.get("id") if isinstance(endorsement, Mapping) else None
        details.append(f"{where} endorsement {endorsement_id or '(no id)'}: {outcome}")
    bad = [report for report in reports if not report.verified]
    if bad:
        first = bad[0].first_problem
        make = errored if first is not None and first.status is CheckStatus.ERROR else failed
        return make(CheckId.ENDORSEMENTS, "endorsement_not_verified",
                    f"{len(bad)} of {len(reports)} endorsements not verified",
                    details), tuple(reports)
    return passed(CheckId.ENDORSEMENTS, f"{len(reports)} endorsement(s) verified",
                  details), tuple(reports)
