"""The `endorsements` check: every EndorsementCredential embedded in a credential, its
issuer, its achievement and the achievement's creator, each verified as a credential of its
own.

An endorsement is a claim a third party makes about the credential; the credential's verdict
rests on its own checks only. So an endorsement that does not verify (a bad proof, a
cryptosuite nobody implements, a key that cannot be resolved) is reported as not verified,
with the reason, and the check still passes: it never fails the credential it endorses.

An endorsement counts only when it verifies, is an EndorsementCredential, and endorses what
it is embedded in (OB 3.0 data model, `endorsement` of AchievementCredential, Profile and
Achievement): the achievement for an achievement's endorsement, the profile for a profile's,
and the credential or one of its achievement and profiles for the credential's. A genuine
endorsement of something else, copied into a credential, is not an endorsement of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
from verifier.structure import credential_types, issuer_id

# Verifies one embedded endorsement (the verifier's own `_verify`, one level deeper).
VerifyEndorsement = Callable[[Mapping[str, Any]], VerificationReport]

_WHAT: dict[EndorsementPlace, str] = {
    EndorsementPlace.CREDENTIAL: "the credential",
    EndorsementPlace.ISSUER: "the issuer",
    EndorsementPlace.ACHIEVEMENT: "the achievement",
    EndorsementPlace.CREATOR: "the achievement's creator",
}


@dataclass(frozen=True, slots=True)
class Embedded:
    """One embedded endorsement: where it is, and the ids it may endorse from there (with
    what each names), in the order a match is looked for."""

    place: EndorsementPlace
    endorsement: object
    endorsable: tuple[tuple[str, EndorsementPlace], ...]


def embedded_endorsements(credential: Mapping[str, Any]) -> list[Embedded]:
    """Endorsement credentials embedded in the credential, its issuer, its achievement and
    the achievement's creator."""
    subjects = [subject for subject in as_list(credential.get("credentialSubject"))
                if isinstance(subject, Mapping)]
    achievements: list[Mapping[str, Any]] = [
        item for item in (subject.get("achievement") for subject in subjects)
        if isinstance(item, Mapping)]
    creators: list[Mapping[str, Any]] = [
        item for item in (achievement.get("creator") for achievement in achievements)
        if isinstance(item, Mapping)]
    holders: list[tuple[EndorsementPlace, Mapping[str, Any]]] = [
        (EndorsementPlace.CREDENTIAL, credential)]
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        holders.append((EndorsementPlace.ISSUER, issuer))
    holders += [(EndorsementPlace.ACHIEVEMENT, achievement) for achievement in achievements]
    holders += [(EndorsementPlace.CREATOR, creator) for creator in creators]
    everything = _ids([(credential.get("id"), EndorsementPlace.CREDENTIAL),
                       (issuer_id(credential), EndorsementPlace.ISSUER),
                       *((item.get("id"), EndorsementPlace.ACHIEVEMENT) for item in achievements),
                       *((item.get("id"), EndorsementPlace.CREATOR) for item in creators)])
    found: list[Embedded] = []
    for place, holder in holders:
        endorsable = (everything if place is EndorsementPlace.CREDENTIAL
                      else _ids([(holder.get("id"), place)]))
        found += [Embedded(place, item, endorsable)
                  for item in as_list(holder.get("endorsement"))]
    return found


def _ids(pairs: list[tuple[object, EndorsementPlace]]
         ) -> tuple[tuple[str, EndorsementPlace], ...]:
    return tuple((value, place) for value, place in pairs if isinstance(value, str))


def check_endorsements(found: list[Embedded], verify: VerifyEndorsement,
                       required: frozenset[CheckId] = REQUIRED_CHECKS,
                       ) -> tuple[CheckResult, tuple[EndorsementResult, ...]]:
    """Verify each of the `found` endorsements with `verify`; the check passes whatever their
    outcome, which its details list one by one."""
    results = tuple(_endorsement_result(item, verify, required) for item in found)
    details = [_detail(result) for result in results]
    verified = sum(result.verified for result in results)
    total = len(results)
    message = f"{verified} of {total} endorsement{'s' if total > 1 else ''} verified"
    if verified < total:
        unverified = total - verified
        message += (f"; {unverified} did not verify and {'does' if unverified == 1 else 'do'} "
                    "not count as an endorsement")
    return passed(CheckId.ENDORSEMENTS, message, details), results


def _endorsement_result(item: Embedded, verify: VerifyEndorsement,
                        required: frozenset[CheckId]) -> EndorsementResult:
    if not isinstance(item.endorsement, Mapping):
        report = VerificationReport.unparsed(failed(
            CheckId.PARSE, "not_an_object", "an endorsement must be a JSON object"), required)
        return EndorsementResult(item.place, report, code="not_an_object",
                                 message="parse: an endorsement must be a JSON object")
    report = verify(item.endorsement)
    if not report.verified:
        problem = report.first_problem or next(
            check for check in report.checks
            if check.status is CheckStatus.SKIPPED and check.id in report.required)
        return EndorsementResult(item.place, report,
                                 code=problem.code or "endorsement_not_verified",
                                 message=f"{problem.id.value}: {problem.message}")
    if "EndorsementCredential" not in credential_types(item.endorsement):
        return EndorsementResult(item.place, report, code="not_an_endorsement",
                                 message="type: it is not an EndorsementCredential")
    subjects = [subject.get("id") for subject in as_list(item.endorsement.get(
        "credentialSubject")) if isinstance(subject, Mapping)]
    endorses = next((what for value, what in item.endorsable if value in subjects), None)
    if endorses is None:
        named = ", ".join(value for value in subjects if isinstance(value, str))
        return EndorsementResult(item.place, report, code="endorsement_subject_mismatch",
                                 message=f"credentialSubject: it endorses {named or 'no id'}, "
                                         f"not {_embedded_in(item)}")
    return EndorsementResult(item.place, report, endorses=endorses)


def _embedded_in(item: Embedded) -> str:
    if item.place is EndorsementPlace.CREDENTIAL:
        return "the credential or an achievement or profile in it"
    named = f" {item.endorsable[0][0]}" if item.endorsable else ""
    return f"{_WHAT[item.place]}{named} it is embedded in"


def _detail(result: EndorsementResult) -> str:
    credential = result.report.credential
    endorsement_id = credential.get("id") if credential is not None else None
    said = f"{result.place.value} endorsement {endorsement_id or '(no id)'}"
    if result.endorses is not None:
        endorser = issuer_id(credential) if credential is not None else None
        return f"{said}: verified, {endorser} endorses {_WHAT[result.endorses]}"
    return f"{said}: not verified [{result.code}] {result.message}"
