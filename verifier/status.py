"""The `status` check: W3C Bitstring Status List v1.0 (revocation and suspension) and the
legacy 1EdTech Revocation List of OB 3.0.

For each `BitstringStatusListEntry` the status list credential is fetched through the
injected fetcher, verified like any credential (proof, issuer, validity), its issuer must be
the credential's issuer and its `statusPurpose` the entry's; then the bit is read. For each
`1EdTechRevocationList` entry the list at its `id` must be the issuer's and is searched for
the credential's id. A list that cannot be fetched, decoded or trusted makes the check
`error` with code `status_unavailable` ("could not check"), never "not revoked". A set bit
or a listed credential fails the check (`revoked`, `suspended`). Other status types are
reported as not checkable (error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from badges.json_document import as_list
from badges.status_list import MIN_LIST_BITS, StatusListError, decode_status_list, get_status
from keys.errors import BadgeError
from verifier.report import (
    CheckId,
    CheckResult,
    VerificationReport,
    errored,
    failed,
    passed,
    skipped,
)
from verifier.revocation_list import REVOCATION_LIST_ENTRY, RevocationListError, read_revocation
from verifier.structure import issuer_id

# Fetches and verifies the status list credential at a URL; raises BadgeError when it
# cannot be fetched.
ListVerifier = Callable[[str], VerificationReport]
# Fetches the (unsigned) document at a URL; raises BadgeError when it cannot be fetched.
DocumentGetter = Callable[[str], object]

BITSTRING_ENTRY: Final = "BitstringStatusListEntry"
UNAVAILABLE: Final = "status_unavailable"
_BLOCKING_PURPOSES: Final = {"revocation": "revoked", "suspension": "suspended"}


class _EntryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _BadEntryError(_EntryError):
    """The credential is bad: revoked, suspended, or a malformed entry."""


class _UncheckedError(_EntryError):
    """The status could not be checked."""


def check_status(credential: Mapping[str, Any], verify_list: ListVerifier,
                 fetch_document: DocumentGetter) -> CheckResult:
    """Run the status check. Every entry is checked; a failing entry outweighs one that
    could not be checked (the credential is bad either way)."""
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        return skipped(CheckId.STATUS, "no_status", "the credential declares no status")
    details: list[str] = []
    first_failure: _BadEntryError | None = None
    first_undecided: _UncheckedError | None = None
    for entry in entries:
        try:
            details.append(_check_entry(credential, entry, verify_list, fetch_document))
        except _BadEntryError as problem:
            first_failure = first_failure or problem
            details.append(problem.message)
        except _UncheckedError as problem:
            first_undecided = first_undecided or problem
            details.append(problem.message)
    shown = details if len(details) > 1 else ()
    if first_failure is not None:
        return failed(CheckId.STATUS, first_failure.code, first_failure.message, shown)
    if first_undecided is not None:
        return errored(CheckId.STATUS, first_undecided.code, first_undecided.message, shown)
    return passed(CheckId.STATUS, "; ".join(details))


def _check_entry(credential: Mapping[str, Any], entry: object, verify_list: ListVerifier,
                 fetch_document: DocumentGetter) -> str:
    if not isinstance(entry, Mapping):
        raise _BadEntryError("invalid_status_entry", "credentialStatus must be an object")
    if entry.get("type") == REVOCATION_LIST_ENTRY:
        return _check_revocation_list(credential, entry, fetch_document)
    if entry.get("type") != BITSTRING_ENTRY:
        raise _UncheckedError("unsupported_status_type",
                              f"status type {entry.get('type')!r} cannot be checked")
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    index = _index(entry.get("statusListIndex"))
    if not isinstance(purpose, str) or not isinstance(url, str):
        raise _BadEntryError("invalid_status_entry",
                             "a status entry needs statusPurpose and statusListCredential")
    if entry.get("statusSize", 1) != 1:
        raise _UncheckedError("unsupported_status_type", "multi-bit status entries "
                              "(statusSize > 1) cannot be checked")
    try:
        report = verify_list(url)
    except BadgeError as error:
        raise _unavailable(purpose, url, f": {error.message}") from None
    bits = _verified_bits(credential, report, url, purpose)
    try:
        is_set = get_status(bits, index)
    except StatusListError as error:
        # RANGE_ERROR (Bitstring Status List v1.0 §3.2, validate step 10): the list says
        # nothing about this credential.
        raise _unavailable(purpose, url, f": {error.message}") from None
    if is_set and purpose in _BLOCKING_PURPOSES:
        raise _BadEntryError(_BLOCKING_PURPOSES[purpose],
                             f"{_BLOCKING_PURPOSES[purpose]}: bit {index} of {url} is set")
    if purpose in _BLOCKING_PURPOSES:
        return f"not {_BLOCKING_PURPOSES[purpose]} ({purpose} bit {index} of the list)"
    return f"{'set' if is_set else 'not set'} ({purpose} bit {index})"


def _unavailable(purpose: str, url: str, problem: str) -> _UncheckedError:
    return _UncheckedError(UNAVAILABLE, f"could not check {purpose}: status list {url}{problem}")


def _index(value: object) -> int:
    # W3C says a decimal string; the 1EdTech fixtures use a number: accept both.
    if isinstance(value, bool):
        raise _BadEntryError("invalid_status_entry", "statusListIndex must be a decimal string")
    if isinstance(value, int) and 0 <= value < 10**12:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    raise _BadEntryError("invalid_status_entry",
                         "statusListIndex must be a non-negative decimal string")


def _verified_bits(credential: Mapping[str, Any], report: VerificationReport, url: str,
                   purpose: str) -> bytes:
    """The bits of a status list that verifies and fits the entry (Bitstring Status List
    v1.0 §3.2). A list that cannot be trusted leaves the status undecided (error): it says
    nothing about the credential itself."""
    if not report.verified or report.credential is None:
        problem = report.first_problem
        where = f"{problem.id.value}: {problem.message}" if problem else "not verified"
        raise _unavailable(purpose, url, f" does not verify ({where})")
    status_list = report.credential
    problems = []
    if "BitstringStatusListCredential" not in as_list(status_list.get("type")):
        problems.append("it is not a BitstringStatusListCredential")
    if issuer_id(status_list) != issuer_id(credential):
        problems.append(f"it is issued by {issuer_id(status_list)}, not by the credential's "
                        "issuer")
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        problems.append("it has no BitstringStatusList subject")
    elif purpose not in as_list(subject.get("statusPurpose")):
        problems.append(f"it is for {subject.get('statusPurpose')!r}, not {purpose!r}")
    if problems or not isinstance(subject, Mapping):
        raise _unavailable(purpose, url, f": {problems[0]}")
    try:
        bits = decode_status_list(subject.get("encodedList"))
    except StatusListError as error:
        raise _unavailable(purpose, url, f": {error.message}") from None
    if len(bits) * 8 < MIN_LIST_BITS:
        # STATUS_LIST_LENGTH_ERROR (§3.2, validate step 9).
        raise _unavailable(purpose, url, f" has {len(bits) * 8} entries, fewer than the "
                           f"{MIN_LIST_BITS} the specification requires")
    return bits


def _check_revocation_list(credential: Mapping[str, Any], entry: Mapping[str, Any],
                           fetch_document: DocumentGetter) -> str:
    url = entry.get("id")
    if not isinstance(url, str):
        raise _BadEntryError("invalid_status_entry",
                             f"a {REVOCATION_LIST_ENTRY} entry needs the list's URL as its id")
    try:
        revocation = read_revocation(fetch_document(url), credential, url)
    except RevocationListError as error:
        raise _UncheckedError(UNAVAILABLE, f"could not check revocation: {error.message}"
                              ) from None
    except BadgeError as error:
        raise _UncheckedError(UNAVAILABLE, f"could not check revocation: revocation list "
                              f"{url}: {error.message}") from None
    if revocation.revoked:
        reason = f" ({revocation.reason})" if revocation.reason else ""
        raise _BadEntryError("revoked", f"revoked: {url} lists the credential{reason}")
    return f"not revoked according to the revocation list {url}"
