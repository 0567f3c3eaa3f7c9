"""The `proof` and `issuer` checks.

Proof-set policy (a credential may carry several proofs):
- a credential without any proof fails (`no_proof`);
- every proof of a suite microbadges implements (eddsa-rdfc-2022, Ed25519Signature2020) must
  verify: one bad proof fails the check, whatever the others say;
- proofs of other types are listed in the check's details as not checked; they neither
  pass nor fail the credential, but a credential whose proofs are *all* of unknown types
  cannot be verified (`unsupported_proof`, status error);
- a verification method that cannot be resolved (network, unknown DID) makes the check
  `error` (could not decide), never `passed`.

Issuer binding: the controller of every verifying key must be the credential's issuer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from badges.canonicalization import CanonicalizationError
from badges.data_integrity import (
    ASSERTION_METHOD,
    ProofError,
    UnsupportedProofError,
    document_proofs,
    proof_suite,
    verify_proof,
)
from badges.datatypes import parse_datetime
from badges.document_loader import UnknownContextError
from keys.errors import (
    InvalidSignatureError,
    InvalidVerificationMethodError,
    KeyFormatError,
    ResolutionError,
)
from keys.resolution import DocumentFetcher
from keys.verification_method import VerificationMethod, VerificationMethodSource
from verifier.report import CheckId, CheckResult, errored, failed, passed, skipped
from verifier.structure import issuer_id

Resolver = Callable[[str, DocumentFetcher | None], VerificationMethod]


@dataclass(frozen=True, slots=True)
class ProofOutcome:
    """The result of checking every proof of one document."""

    check: CheckResult
    verification_methods: tuple[VerificationMethod, ...]


def check_proofs(document: Mapping[str, Any], resolver: Resolver,
                 fetcher: DocumentFetcher | None,
                 canonical_document: str | None = None, *,
                 now: datetime | None = None,
                 clock_skew: timedelta = timedelta(0),
                 expected_proof_purpose: str = ASSERTION_METHOD) -> ProofOutcome:
    """Check every proof of `document` following the proof-set policy above.

    `canonical_document`, when given, is the RDFC-1.0 form of the document without `proof`.
    With `now`, a proof past its `expires` or `created` in the future fails. Presentations
    pass `expected_proof_purpose="authentication"`.
    """
    proofs = document_proofs(document)
    if not proofs:
        return ProofOutcome(failed(CheckId.PROOF, "no_proof", "the credential has no proof"), ())
    details: list[str] = []
    failures: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    methods: list[VerificationMethod] = []
    for index, proof in enumerate(proofs):
        label = f"proof {index + 1}"
        try:
            suite = proof_suite(proof)
        except UnsupportedProofError as error:
            details.append(f"{label}: not checked: {error.message}")
            continue
        except ProofError as error:
            failures.append((error.code, f"{label}: {error.message}"))
            continue
        try:
            method = resolver(_verification_method_id(proof), fetcher)
            verify_proof(document, proof, method.public_key,
                         expected_proof_purpose=expected_proof_purpose,
                         canonical_document=canonical_document)
        except (ResolutionError, UnknownContextError) as error:
            errors.append((error.code, f"{label}: {error.message}"))
            continue
        except (InvalidSignatureError, ProofError, CanonicalizationError,
                InvalidVerificationMethodError, KeyFormatError) as error:
            failures.append((error.code, f"{label}: {error.message}"))
            continue
        timing = _proof_timing(proof, now, clock_skew) if now is not None else None
        if timing is not None:
            failures.append((timing[0], f"{label}: {timing[1]}"))
            continue
        methods.append(method)
        details.append(f"{label}: {suite.value} signature verified with {method.id}")
    problems = failures or errors
    if problems:
        details = [message for _, message in problems] + details
        make = failed if failures else errored
        return ProofOutcome(make(CheckId.PROOF, problems[0][0], problems[0][1], details), ())
    if not methods:
        return ProofOutcome(errored(CheckId.PROOF, "unsupported_proof",
                                    "no proof is of a type microbadges can verify", details), ())
    count = f"{len(methods)} proof{'s' if len(methods) > 1 else ''}"
    return ProofOutcome(passed(CheckId.PROOF, f"{count} verified", details), tuple(methods))


def _proof_timing(proof: Mapping[str, Any], now: datetime,
                  clock_skew: timedelta) -> tuple[str, str] | None:
    """A (code, message) when the proof is used outside its time (verify_proof already
    checked that `created` and `expires` are dateTimes)."""
    if "expires" in proof and parse_datetime(proof["expires"]) < now - clock_skew:
        return "proof_expired", f"the proof expired on {proof['expires']}"
    if "created" in proof and parse_datetime(proof["created"]) > now + clock_skew:
        return "proof_not_yet_valid", f"the proof claims to be created on {proof['created']}"
    return None


def _verification_method_id(proof: Mapping[str, Any]) -> str:
    method = proof.get("verificationMethod")
    if isinstance(method, Mapping):
        method = method.get("id")
    if not isinstance(method, str):
        raise ProofError("proof has no verificationMethod")
    return method


def check_issuer(document: Mapping[str, Any],
                 methods: tuple[VerificationMethod, ...]) -> CheckResult:
    """Check that a key controlled by the issuer verified a proof.

    Passed: the issuer controls a verifying key and, where its controller document was read,
    lists it as an assertionMethod. Failed: no verifying key belongs to the issuer, or its
    document does not authorise the key. Skipped (said in the verdict): the binding cannot
    be established: the issuer id is a URN, or the key is only *named* by the issuer's URL
    (`<issuer URL>#z6Mk…`, or a key document naming the issuer) and the issuer's own
    documents could not be read to confirm it. Keys of other controllers that also verified
    a proof are reported as co-signatures.
    """
    if not methods:
        return skipped(CheckId.ISSUER, "no_verified_proof",
                       "not checked: no proof was verified")
    issuer = issuer_id(document)
    if issuer is None:
        return failed(CheckId.ISSUER, "invalid_issuer", "the credential names no issuer id")
    if not issuer.startswith(("did:", "https:", "http:")):
        # A URN (e.g. urn:uuid) cannot control a key, so nothing binds the signer to it: say
        # so instead of pretending. (The 1EdTech validator accepts such credentials.)
        keys = ", ".join(method.controller for method in methods)
        return skipped(CheckId.ISSUER, "issuer_not_resolvable",
                       f"issuer {issuer} is not a DID or URL, so the signing key's controller "
                       f"({keys}) cannot be bound to it")
    own = [method for method in methods if method.controller == issuer]
    details = [f"co-signed by {method.controller} ({method.id})"
               for method in methods if method.controller != issuer]
    if not own:
        return failed(CheckId.ISSUER, "issuer_mismatch",
                      f"no proof was made with a key of the issuer {issuer}; the keys are "
                      f"controlled by {', '.join(sorted({m.controller for m in methods}))}")
    refused = [method for method in own if method.authorised_for_assertion is False]
    if refused:
        return failed(CheckId.ISSUER, "not_authorized",
                      f"{issuer} does not list {refused[0].id} as an assertionMethod")
    confirmed = [method for method in own if method.authorised_for_assertion
                 or method.source is VerificationMethodSource.DID_KEY]
    if not confirmed:
        return skipped(CheckId.ISSUER, "issuer_key_unconfirmed",
                       f"the key {own[0].id} is only named by the issuer's URL; the issuer's own "
                       f"documents ({issuer}) could not be read to confirm it")
    return passed(CheckId.ISSUER, f"signed with a key controlled by the issuer {issuer}",
                  details)
