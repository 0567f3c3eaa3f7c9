"""`verify_presentation`: check a Verifiable Presentation, its authentication proof and every
credential it holds, and return the report.

A pure library like `verifier.verify`: the clock, key resolution and document fetching come
from `VerifierOptions`; it never imports the issuer and performs no I/O of its own.

Policy (W3C VC Data Model 2.0 §4.13, Data Integrity 1.0 §4.3):
- a proof of the presentation must have proofPurpose `authentication`; every proof of a
  suite microbadges implements must verify (the proof-set policy of `verifier.proofs`);
- a `challenge` or `domain` the verifier asked for must be carried by every such proof; an
  unsigned presentation cannot carry them, so it fails when they are asked for;
- when the presentation names a `holder`, a key controlled by the holder must have signed it;
- every embedded credential is verified with `verify_credential` and must verify;
- something must have been verified: an unsigned presentation (no challenge asked) is only
  as good as its credentials, and one with neither proof nor credentials is not verified.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from badges.data_integrity import ProofError, document_proofs, proof_suite
from badges.datatypes import is_uri
from badges.document_loader import VC_V1, VC_V2
from badges.json_document import JsonDocumentError, as_list, parse_json_object
from keys.verification_method import VerificationMethod
from verifier.presentation_report import (
    ALWAYS_REQUIRED,
    PRESENTATION_CHECK_ORDER,
    PresentationCheck,
    PresentationCheckId,
    PresentationReport,
    errored,
    failed,
    passed,
    skipped,
)
from verifier.proofs import check_proofs
from verifier.report import CheckStatus, VerificationReport
from verifier.verify import (
    MAX_CREDENTIAL_BYTES,
    VerifierOptions,
    _check_jsonld,
    _FetchBudget,
    verify_credential,
)

__all__ = ["PresentationCheck", "PresentationCheckId", "PresentationReport",
           "verify_presentation"]

AUTHENTICATION: Final = "authentication"
MAX_PRESENTED_CREDENTIALS: Final = 32
_Id = PresentationCheckId


def verify_presentation(presentation: str | bytes | Mapping[str, Any],
                        options: VerifierOptions | None = None, *,
                        challenge: str | None = None,
                        domain: str | None = None) -> PresentationReport:
    """Verify a presentation given as JSON text, bytes or a parsed object; `challenge` and
    `domain` are what this verifier asked the holder to sign.

    Never raises for a bad presentation: every problem is a check in the report.
    """
    options = options or VerifierOptions()
    if options.fetcher is not None:
        # One budget (and cache) for the presentation's keys and all its credentials.
        options = replace(options, fetcher=_FetchBudget(options.fetcher, options.max_fetches))
    required = set(ALWAYS_REQUIRED)
    required |= {_Id.CHALLENGE} if challenge is not None else set()
    required |= {_Id.DOMAIN} if domain is not None else set()
    try:
        document = _parse(presentation)
    except JsonDocumentError as error:
        rest = [skipped(check_id, "not_parsed", "not checked: the input is not a presentation")
                for check_id in PRESENTATION_CHECK_ORDER[1:]]
        return PresentationReport((failed(_Id.PARSE, error.code, error.message), *rest),
                                  required=frozenset(required))
    proofs = document_proofs(document)
    asked = challenge is not None or domain is not None
    required.add(_Id.PROOF if proofs or asked else _Id.CREDENTIALS)
    results = {_Id.PARSE: passed(_Id.PARSE, "a JSON object"),
               _Id.STRUCTURE: _check_structure(document)}
    jsonld, canonical = _check_jsonld(document)
    results[_Id.JSONLD] = jsonld.with_id(_Id.JSONLD)
    results[_Id.PROOF], methods = _check_proof(document, proofs, canonical, options, asked)
    results[_Id.CHALLENGE] = _check_binding(_Id.CHALLENGE, challenge, proofs, results[_Id.PROOF])
    results[_Id.DOMAIN] = _check_binding(_Id.DOMAIN, domain, proofs, results[_Id.PROOF])
    results[_Id.HOLDER] = _check_holder(document, methods)
    results[_Id.CREDENTIALS], reports = _check_credentials(document, options)
    return PresentationReport(tuple(results[check_id] for check_id in PRESENTATION_CHECK_ORDER),
                              reports, document, frozenset(required))


def _parse(data: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return dict(data)
    return parse_json_object(data, max_bytes=MAX_CREDENTIAL_BYTES)


def _holder_id(document: Mapping[str, Any]) -> str | None:
    """The holder's id (the holder is a URL or an object with an `id`)."""
    holder = document.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else None


def _check_structure(document: Mapping[str, Any]) -> PresentationCheck:
    """Contexts, type, id, holder and the shape of `verifiableCredential` (VC DM 2.0 §4.13);
    every problem is listed, the first one gives the code."""
    problems: list[tuple[str, str]] = []
    contexts = as_list(document.get("@context"))
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        problems.append(("invalid_context",
                         f"@context must start with {VC_V2} (or {VC_V1} for VCDM 1.1)"))
    if "VerifiablePresentation" not in as_list(document.get("type")):
        problems.append(("invalid_type", "type must include VerifiablePresentation"))
    if "id" in document and not is_uri(document["id"]):
        problems.append(("invalid_property", "id must be a URL"))
    if "holder" in document and not is_uri(_holder_id(document)):
        problems.append(("invalid_holder", "holder must be a URL or an object with a URL id"))
    credentials = document.get("verifiableCredential")
    if credentials is not None and not all(
            isinstance(item, Mapping) for item in as_list(credentials)):
        problems.append(("invalid_credential",
                         "verifiableCredential must be an object or an array of objects"))
    if problems:
        return failed(_Id.STRUCTURE, problems[0][0], problems[0][1],
                      [message for _, message in problems])
    return passed(_Id.STRUCTURE, "well-formed Verifiable Presentation")


def _check_proof(document: Mapping[str, Any], proofs: list[Any], canonical: str | None,
                 options: VerifierOptions, asked: bool,
                 ) -> tuple[PresentationCheck, tuple[VerificationMethod, ...]]:
    if not proofs:
        if asked:
            return failed(_Id.PROOF, "no_proof", "the presentation has no proof, but a "
                          "challenge or domain was asked for"), ()
        return skipped(_Id.PROOF, "no_proof", "the presentation is not signed: only its "
                       "credentials are verified"), ()
    if canonical is None:
        return skipped(_Id.PROOF, "jsonld_failed",
                       "not checked: the document is not safe JSON-LD"), ()
    outcome = check_proofs(document, options.resolver, options.fetcher, canonical,
                           now=options.clock(), clock_skew=options.clock_skew,
                           expected_proof_purpose=AUTHENTICATION)
    return outcome.check.with_id(_Id.PROOF), outcome.verification_methods


def _is_checked_suite(proof: object) -> bool:
    """Whether `check_proofs` verified this proof (rather than listing it as not checked)."""
    try:
        proof_suite(proof)  # type: ignore[arg-type]
    except ProofError:
        return False
    return True


def _check_binding(check_id: PresentationCheckId, expected: str | None, proofs: list[Any],
                   proof: PresentationCheck) -> PresentationCheck:
    """The `challenge` or `domain` check: every verified proof must carry the value asked
    for (a proof's `domain` may be a list that includes it)."""
    name = check_id.value
    if expected is None:
        return skipped(check_id, "not_requested", f"no {name} was asked for")
    if not proofs:
        return failed(check_id, "no_proof", f"a {name} was asked for, but the presentation "
                      "has no proof to carry it")
    if proof.status is not CheckStatus.PASSED:
        return skipped(check_id, "not_authenticated",
                       "not checked: the presentation's proof did not verify")
    for index, item in enumerate(proofs):
        if not _is_checked_suite(item):
            continue
        if name not in item:
            return failed(check_id, f"{name}_missing",
                          f"proof {index + 1} has no {name}; {expected!r} was asked for")
        if expected not in as_list(item[name]):
            return failed(check_id, f"{name}_mismatch", f"proof {index + 1} has {name} "
                          f"{item[name]!r}; {expected!r} was asked for")
    return passed(check_id, f"the proof carries the {name} asked for")


def _check_holder(document: Mapping[str, Any],
                  methods: tuple[VerificationMethod, ...]) -> PresentationCheck:
    if "holder" not in document:
        return skipped(_Id.HOLDER, "no_holder", "the presentation names no holder")
    holder = _holder_id(document)
    if not methods:
        return skipped(_Id.HOLDER, "not_authenticated",
                       "not checked: no proof of the presentation was verified")
    if any(method.controller == holder for method in methods):
        return passed(_Id.HOLDER, f"signed with a key controlled by the holder {holder}")
    controllers = ", ".join(sorted({method.controller for method in methods}))
    return failed(_Id.HOLDER, "holder_mismatch", f"no proof was made with a key of the holder "
                  f"{holder}; the keys are controlled by {controllers}")


def _check_credentials(document: Mapping[str, Any], options: VerifierOptions,
                       ) -> tuple[PresentationCheck, tuple[VerificationReport, ...]]:
    items = as_list(document.get("verifiableCredential"))
    if not items:
        return skipped(_Id.CREDENTIALS, "no_credentials",
                       "the presentation holds no credentials"), ()
    if len(items) > MAX_PRESENTED_CREDENTIALS:
        return failed(_Id.CREDENTIALS, "too_many_credentials", f"the presentation holds "
                      f"{len(items)} credentials; at most {MAX_PRESENTED_CREDENTIALS} are "
                      "verified"), ()
    # A non-object entry is verified as its JSON text, so its report says what it is.
    reports = tuple(verify_credential(item if isinstance(item, Mapping) else json.dumps(item),
                                      options) for item in items)
    details: list[str] = []
    for index, report in enumerate(reports):
        problem = report.first_problem
        outcome = "verified" if report.verified else (
            f"not verified ({problem.id.value}: {problem.message})" if problem is not None
            else "not verified (a required check was skipped)")
        credential_id = report.credential.get("id") if report.credential else None
        details.append(f"credential {index + 1} ({credential_id or 'no id'}): {outcome}")
    bad = [report for report in reports if not report.verified]
    if not bad:
        return passed(_Id.CREDENTIALS, f"{len(reports)} credential(s) verified",
                      details), reports
    first = bad[0].first_problem
    make = errored if first is not None and first.status is CheckStatus.ERROR else failed
    return make(_Id.CREDENTIALS, "credential_not_verified",
                f"{len(bad)} of {len(reports)} credentials not verified", details), reports
