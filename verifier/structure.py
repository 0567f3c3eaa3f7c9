"""The `structure` check: contexts, types and required properties of a VC 2.0 / VCDM 1.1
credential, with the Open Badges 3.0 requirements on top for OB credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from badges.document_loader import VC_V1, VC_V2
from badges.json_document import as_list
from verifier.report import CheckId, CheckResult, failed, passed

OB_CONTEXTS: Final = frozenset({
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
})
OB_CREDENTIAL_TYPES: Final = frozenset(
    {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})


def credential_types(credential: Mapping[str, Any]) -> set[str]:
    """The `type` values of a credential that are strings."""
    return {item for item in as_list(credential.get("type")) if isinstance(item, str)}


def is_open_badge(credential: Mapping[str, Any]) -> bool:
    """Whether the credential claims to be an OB 3.0 credential."""
    return bool(credential_types(credential) & OB_CREDENTIAL_TYPES)


def is_vcdm_1(credential: Mapping[str, Any]) -> bool:
    """Whether the credential uses the VCDM 1.1 base context."""
    contexts = as_list(credential.get("@context"))
    return bool(contexts) and contexts[0] == VC_V1


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's id (the issuer is a URI or an object with an `id`)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def check_structure(credential: Mapping[str, Any]) -> CheckResult:
    """Run the structure check; every problem is listed, the first one gives the code."""
    problems: list[tuple[str, str]] = []
    contexts = as_list(credential.get("@context"))
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        problems.append(("invalid_context",
                         f"@context must start with {VC_V2} (or {VC_V1} for VCDM 1.1)"))
    if "VerifiableCredential" not in credential_types(credential):
        problems.append(("invalid_type", "type must include VerifiableCredential"))
    open_badge = is_open_badge(credential)
    if open_badge and not OB_CONTEXTS & {item for item in contexts if isinstance(item, str)}:
        problems.append(("invalid_context", "an Open Badge must use an OB 3.0 context"))
    if open_badge and not isinstance(credential.get("id"), str):
        problems.append(("missing_property", "an Open Badge must have an id"))
    elif "id" in credential and not isinstance(credential.get("id"), str):
        problems.append(("invalid_property", "id must be a URI string"))
    if issuer_id(credential) is None:
        problems.append(("invalid_issuer", "issuer must be a URI or an object with an id"))
    problems += _date_problems(credential, open_badge)
    problems += _subject_problems(credential, open_badge)
    if problems:
        return failed(CheckId.STRUCTURE, problems[0][0], problems[0][1],
                      [message for _, message in problems])
    kind = "Open Badges 3.0" if open_badge else "Verifiable Credential"
    model = "VCDM 1.1" if is_vcdm_1(credential) else "VCDM 2.0"
    return passed(CheckId.STRUCTURE, f"well-formed {kind} ({model})")


def _date_problems(credential: Mapping[str, Any], open_badge: bool) -> list[tuple[str, str]]:
    if is_vcdm_1(credential):
        required, optional = "issuanceDate", ("expirationDate",)
    else:
        required, optional = "validFrom", ("validUntil",)
    problems: list[tuple[str, str]] = []
    if required not in credential and (open_badge or required == "issuanceDate"):
        problems.append(("missing_property", f"{required} is required"))
    for name in (required, *optional):
        if name in credential and not isinstance(credential[name], str):
            problems.append(("invalid_property", f"{name} must be a dateTime string"))
    return problems


def _subject_problems(credential: Mapping[str, Any],
                      open_badge: bool) -> list[tuple[str, str]]:
    subjects = as_list(credential.get("credentialSubject"))
    if not subjects or not all(isinstance(subject, Mapping) for subject in subjects):
        return [("invalid_subject", "credentialSubject must be an object")]
    if not open_badge:
        return []
    if len(subjects) != 1:
        return [("invalid_subject", "an Open Badge has exactly one credentialSubject")]
    subject = subjects[0]
    # The rest of the subject's shape (e.g. its achievement) is the schema check's business.
    if not isinstance(subject.get("id"), str) and not as_list(subject.get("identifier")):
        return [("invalid_subject", "credentialSubject must have an id or an identifier")]
    return []
