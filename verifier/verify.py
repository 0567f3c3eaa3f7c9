"""`verify_credential`: run every check on a credential and return the report.

A pure library: the clock, verification-method resolution and document fetching are
injected; it never imports the issuer and performs no I/O of its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Final

from badges.baking import BakingError, is_compact_jws, is_png, is_svg, read_baked
from badges.canonicalization import CanonicalizationError, canonicalize
from badges.clock import Clock, system_clock
from badges.document_loader import UnknownContextError
from badges.json_document import (
    MAX_DOCUMENT_BYTES,
    JsonDocumentError,
    parse_json_object,
)
from keys.errors import ResolutionError
from keys.resolution import DocumentFetcher, resolve_verification_method
from keys.verification_method import VerificationMethod
from verifier.endorsements import check_endorsements, embedded_endorsements
from verifier.issuers import IssuerRegistry, RegisteredIssuer
from verifier.jwt_credentials import VcJwt, check_jwt_proof, read_vc_jwt
from verifier.proofs import Resolver, check_issuer, check_proofs
from verifier.registry import RegistrySource, RegistryVerdict, check_registry
from verifier.report import (
    CHECK_ORDER,
    REQUIRED_CHECKS,
    CheckId,
    CheckResult,
    CheckStatus,
    EndorsementResult,
    VerificationReport,
    errored,
    failed,
    passed,
    skipped,
)
from verifier.schema_check import check_schema
from verifier.status import check_status
from verifier.structure import check_structure
from verifier.validity import check_validity

MAX_CREDENTIAL_BYTES: Final = MAX_DOCUMENT_BYTES
MAX_NESTING_DEPTH: Final = 2
DEFAULT_CLOCK_SKEW: Final = timedelta(minutes=5)


class NoBakedCredentialError(JsonDocumentError):
    """A PNG or SVG image without a baked credential."""

    code = "no_baked_credential"


@dataclass(frozen=True, slots=True)
class VerifierOptions:
    """What a verification depends on besides the credential, all injectable."""

    clock: Clock = system_clock
    fetcher: DocumentFetcher | None = None
    resolver: Resolver = field(default=resolve_verification_method)
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW
    # Make an issuer binding that cannot be established (URN issuer, key only named by the
    # issuer's URL) a reason not to verify.
    require_issuer: bool = False
    # Distinct documents one verification may fetch (keys, status lists, endorsers' keys).
    max_fetches: int = 16
    # Known-issuer registries, most authoritative first (`verifier.registry`).
    registries: tuple[RegistrySource, ...] = ()


def verify_credential(credential: str | bytes | Mapping[str, Any],
                      options: VerifierOptions | None = None) -> VerificationReport:
    """Verify a credential given as JSON text, bytes or a parsed object.

    Never raises for a bad credential: every problem is a check in the report.
    """
    options = options or VerifierOptions()
    if options.fetcher is not None:
        options = replace(options, fetcher=_FetchBudget(options.fetcher, options.max_fetches))
    # The credential, its status list and its endorsements are each checked against the
    # registries: read each registry once per verification.
    options = replace(options, registries=tuple(_ReadOnce(source)
                                                for source in options.registries))
    required = REQUIRED_CHECKS | ({CheckId.ISSUER} if options.require_issuer else set())
    return _verify(credential, options, 0, frozenset(required))


def _verify(data: str | bytes | Mapping[str, Any], options: VerifierOptions,
            depth: int, required: frozenset[CheckId]) -> VerificationReport:
    try:
        credential, jwt = _parse(data)
    except JsonDocumentError as error:
        return VerificationReport.unparsed(failed(CheckId.PARSE, error.code, error.message),
                                          required)
    registered: RegisteredIssuer | None = None
    results: dict[CheckId, CheckResult] = {CheckId.PARSE: passed(
        CheckId.PARSE, "a VC-JWT (compact JWS)" if jwt is not None else "a JSON object")}
    results[CheckId.STRUCTURE] = _guard(CheckId.STRUCTURE, lambda: check_structure(credential))
    results[CheckId.SCHEMA] = _guard(CheckId.SCHEMA, lambda: check_schema(credential))
    results[CheckId.JSONLD], canonical = _check_jsonld(credential)
    if canonical is not None:
        outcome = (check_jwt_proof(jwt, options.resolver, options.fetcher) if jwt is not None
                   else check_proofs(credential, options.resolver, options.fetcher, canonical,
                                     now=options.clock(), clock_skew=options.clock_skew))
        results[CheckId.PROOF] = outcome.check
        results[CheckId.ISSUER] = _guard(CheckId.ISSUER, lambda: check_issuer(
            credential, outcome.verification_methods))
        if outcome.check.status is CheckStatus.PASSED:
            registry = _check_registry(credential, outcome.verification_methods, options)
            results[CheckId.REGISTRY], registered = registry.check, registry.issuer
        else:
            results[CheckId.REGISTRY] = skipped(
                CheckId.REGISTRY, "not_authenticated",
                "not checked: the credential's own proof did not verify")
    else:
        reason = "not checked: the document is not safe JSON-LD"
        results[CheckId.PROOF] = skipped(CheckId.PROOF, "jsonld_failed", reason)
        results[CheckId.ISSUER] = skipped(CheckId.ISSUER, "jsonld_failed", reason)
        results[CheckId.REGISTRY] = skipped(CheckId.REGISTRY, "jsonld_failed", reason)
    results[CheckId.VALIDITY] = _guard(CheckId.VALIDITY, lambda: check_validity(
        credential, options.clock(), options.clock_skew))
    endorsements: tuple[EndorsementResult, ...] = ()
    if (results[CheckId.PROOF].status is CheckStatus.PASSED
            and results[CheckId.ISSUER].status is not CheckStatus.FAILED):
        results[CheckId.ENDORSEMENTS], endorsements = _check_endorsements(
            credential, options, depth, required)
        results[CheckId.STATUS] = _guard(CheckId.STATUS, lambda: check_status(
            credential, lambda url: _verify_status_list(url, options, depth, required),
            lambda url: _fetch_status_document(url, options)))
    else:
        # Nothing is fetched on behalf of a document that is not authenticated.
        reason = "not checked: the credential's own proof and issuer did not verify"
        results[CheckId.ENDORSEMENTS] = skipped(CheckId.ENDORSEMENTS, "not_authenticated",
                                                reason)
        results[CheckId.STATUS] = skipped(CheckId.STATUS, "not_authenticated", reason)
    return VerificationReport(tuple(results[check_id] for check_id in CHECK_ORDER),
                              credential, endorsements, required, registered)


def _check_registry(credential: Mapping[str, Any], methods: Sequence[VerificationMethod],
                    options: VerifierOptions) -> RegistryVerdict:
    try:
        return check_registry(credential, [method.id for method in methods],
                              options.registries)
    except Exception as error:  # as `_guard`: report, never raise
        return RegistryVerdict(errored(CheckId.REGISTRY, "internal_error",
                                       f"the check could not run ({type(error).__name__})"))


def _guard(check_id: CheckId, run: Callable[[], CheckResult]) -> CheckResult:
    """Run a check; a bug or an unforeseen input is an `error` of that check, not a crash."""
    try:
        return run()
    except Exception as error:  # the verifier's last line of defence: report, never raise
        return errored(check_id, "internal_error",
                       f"the check could not run ({type(error).__name__}: {error})")


@dataclass(slots=True)
class _FetchBudget:
    """Caches documents for one verification and refuses to fetch more than `limit`."""

    fetcher: DocumentFetcher
    limit: int
    documents: dict[str, object] = field(default_factory=dict)

    def fetch_json(self, url: str) -> object:
        if url not in self.documents:
            if len(self.documents) >= self.limit:
                raise ResolutionError(f"not fetching {url}: one verification may fetch at "
                                      f"most {self.limit} documents")
            self.documents[url] = self.fetcher.fetch_json(url)
        return copy.deepcopy(self.documents[url])


@dataclass(slots=True)
class _ReadOnce:
    """A registry source read at most once: its registry, or its error, is kept."""

    source: RegistrySource
    outcome: IssuerRegistry | ResolutionError | None = None

    def __call__(self) -> IssuerRegistry:
        if self.outcome is None:
            try:
                self.outcome = self.source()
            except ResolutionError as error:
                self.outcome = error
        if isinstance(self.outcome, ResolutionError):
            raise self.outcome
        return self.outcome


def _fetch_status_document(url: str, options: VerifierOptions) -> object:
    """Fetch a status document as it is (raises BadgeError if it cannot be had)."""
    if options.fetcher is None:
        raise ResolutionError("no document fetcher is configured (offline verification: "
                              "supply the status list document)")
    return options.fetcher.fetch_json(url)


def _verify_status_list(url: str, options: VerifierOptions, depth: int,
                        required: frozenset[CheckId]) -> VerificationReport:
    """Fetch and verify a status list credential (raises BadgeError if it cannot be had)."""
    if depth >= MAX_NESTING_DEPTH:
        raise ResolutionError("status lists nested too deeply")
    document = _fetch_status_document(url, options)
    if not isinstance(document, Mapping):
        raise ResolutionError("the status list is not a JSON object")
    return _verify(document, options, depth + 1, required)


def _parse(data: str | bytes | Mapping[str, Any]) -> tuple[dict[str, Any], VcJwt | None]:
    """The credential, and the VC-JWT that carries it when it came as one. Raises
    JsonDocumentError."""
    if isinstance(data, Mapping):
        return dict(data), None
    if isinstance(data, bytes) and (is_png(data) or is_svg(data)):
        data = _unbake(data)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if len(text) <= MAX_CREDENTIAL_BYTES and is_compact_jws(text):
        jwt = read_vc_jwt(text)
        return jwt.credential, jwt
    return parse_json_object(data, max_bytes=MAX_CREDENTIAL_BYTES), None


def _unbake(image: bytes) -> str:
    """The credential baked into a PNG or SVG badge (JSON or a compact JWS). Raises
    JsonDocumentError."""
    try:
        baked = read_baked(image)
    except BakingError as error:
        raise JsonDocumentError(f"cannot read the baked badge: {error.message}") from None
    if baked is None:
        raise NoBakedCredentialError("the image carries no baked credential")
    return baked


def _check_jsonld(credential: Mapping[str, Any]) -> tuple[CheckResult, str | None]:
    """The jsonld check, and the canonical form of the unsecured credential when it passes
    (the proof check reuses it instead of canonicalising again)."""
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    try:
        canonical = canonicalize(unsecured)
    except UnknownContextError as error:
        return errored(CheckId.JSONLD, error.code, error.message), None
    except CanonicalizationError as error:
        return failed(CheckId.JSONLD, error.code, error.message), None
    return passed(CheckId.JSONLD, "every property and type is defined by the contexts"), canonical


def _check_endorsements(credential: Mapping[str, Any], options: VerifierOptions, depth: int,
                        required: frozenset[CheckId],
                        ) -> tuple[CheckResult, tuple[EndorsementResult, ...]]:
    found = embedded_endorsements(credential)
    if not found:
        return skipped(CheckId.ENDORSEMENTS, "no_endorsements", "no embedded endorsements"), ()
    if depth >= MAX_NESTING_DEPTH:
        return skipped(CheckId.ENDORSEMENTS, "too_deep",
                       "not checked: endorsements nested too deeply"), ()
    return check_endorsements(
        found, lambda endorsement: _verify(endorsement, options, depth + 1, required), required)
