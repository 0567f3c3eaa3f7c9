"""The `status` check: W3C Bitstring Status List v1.0 (revocation and suspension).

For each `BitstringStatusListEntry` the status list credential is fetched through the
injected fetcher, verified like any credential (proof, issuer, validity), its issuer must be
the credential's issuer and its `statusPurpose` the entry's; then the bit is read. A list
that cannot be fetched or verified makes the check `error` ("could not check"), never
"not revoked". Other status types are reported as not checkable (error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
from verifier.structure import issuer_id

# Fetches and verifies the status list credential at a URL; raises BadgeError when it
# cannot be fetched.
ListVerifier = Callable[[str], VerificationReport]

BITSTRING_ENTRY = "BitstringStatusListEntry"
_BLOCKING_PURPOSES = {"revocation": "revoked", "suspension": "suspended"}


class _UndecidedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _BadError(_UndecidedError):
    pass


def check_status(credential: Mapping[str, Any], verify_list: ListVerifier) -> CheckResult:
    """Run the status check."""
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        return skipped(CheckId.STATUS, "no_status", "the credential declares no status")
    details: list[str] = []
    for entry in entries:
        try:
            details.append(_check_entry(credential, entry, verify_list))
        except _BadError as problem:
            return failed(CheckId.STATUS, problem.code, problem.message, details)
        except _UndecidedError as problem:
            return errored(CheckId.STATUS, problem.code, problem.message, details)
    return passed(CheckId.STATUS, "; ".join(details))


def _check_entry(credential: Mapping[str, Any], entry: object,
                 verify_list: ListVerifier) -> str:
    if not isinstance(entry, Mapping):
        raise _BadError("invalid_status_entry", "credentialStatus must be an object")
    if entry.get("type") != BITSTRING_ENTRY:
        raise _UndecidedError("unsupported_status_type",
                             f"status type {entry.get('type')!r} cannot be checked")
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    index = _index(entry.get("statusListIndex"))
    if not isinstance(purpose, str) or not isinstance(url, str):
        raise _BadError("invalid_status_entry",
                   "a status entry needs statusPurpose and statusListCredential")
    if entry.get("statusSize", 1) != 1:
        raise _UndecidedError("unsupported_status_type", "multi-bit status entries "
                             "(statusSize > 1) cannot be checked")
    try:
        report = verify_list(url)
    except BadgeError as error:
        raise _UndecidedError("status_list_unavailable",
                             f"could not check {purpose}: status list {url}: {error.message}"
                             ) from None
    bits = _verified_bits(credential, report, url, purpose)
    try:
        is_set = get_status(bits, index)
    except StatusListError as error:
        raise _BadError("invalid_status_entry", error.message) from None
    if is_set and purpose in _BLOCKING_PURPOSES:
        raise _BadError(_BLOCKING_PURPOSES[purpose],
                   f"{_BLOCKING_PURPOSES[purpose]}: bit {index} of {url} is set")
    state = f"{'set' if is_set else 'not set'} ({purpose} bit {index})"
    if purpose in _BLOCKING_PURPOSES:
        state = f"not {_BLOCKING_PURPOSES[purpose]} ({purpose} bit {index} of the list)"
    return state


def _index(value: object) -> int:
    # W3C says a decimal string; the 1EdTech fixtures use a number: accept both.
    if isinstance(value, bool):
        raise _BadError("invalid_status_entry", "statusListIndex must be a decimal string")
    if isinstance(value, int) and 0 <= value < 10**12:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    raise _BadError("invalid_status_entry", "statusListIndex must be a non-negative decimal string")


def _verified_bits(credential: Mapping[str, Any], report: VerificationReport, url: str,
                   purpose: str) -> bytes:
    """The bits of a status list that verifies and fits the entry (Bitstring Status List
    v1.0 §3.2). A list that cannot be trusted leaves the status undecided (error): it says
    nothing about the credential itself."""
    if not report.verified or report.credential is None:
        problem = report.first_problem
        where = f"{problem.id.value}: {problem.message}" if problem else "not verified"
        raise _UndecidedError("status_list_invalid",
                              f"status list {url} does not verify ({where})")
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
        raise _UndecidedError("status_list_invalid", f"status list {url}: {problems[0]}")
    try:
        bits = decode_status_list(subject.get("encodedList"))
    except StatusListError as error:
        raise _UndecidedError("status_list_invalid", f"status list {url}: {error.message}"
                              ) from None
    if len(bits) * 8 < MIN_LIST_BITS:
        raise _UndecidedError("status_list_invalid",
                              f"status list {url} has {len(bits) * 8} entries, fewer than the "
                              f"{MIN_LIST_BITS} the specification requires")
    return bits
