"""Reading W3C VC-API request bodies: the checks of an issue request (VC Data Model 2.0 rules
a JSON reader can see), and the shapes of the verify requests.

Every problem is collected with its JSON pointer and raised as one problem detail, before
anything is signed or stored: 400 `bad_request` when the body is not a VC-API request at
all, 422 `invalid_credential` when the credential breaks the data model, 422
`invalid_request` for an option this service does not offer, 422 `issuer_mismatch` when
the credential names another issuer than the client's provider. What only JSON-LD can see
(undefined terms, relative IRIs) is refused when the credential is canonicalised to sign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from badges.datatypes import is_uri, parse_datetime
from badges.document_loader import VC_V2
from badges.errors import InvalidDocumentError
from badges.json_document import as_list
from issuer.api.openapi import json_pointer
from issuer.web.problems import ApiProblem
from verifier.structure import is_open_badge

__all__ = ["IssueRequest", "read_issue_request", "read_verify_request"]

MAX_ID_LENGTH: Final = 500  # credentials.credential_id
# Properties whose every value must name its type (VC Data Model 2.0 §4.11, §5.4-5.7, §4.10).
_TYPED: Final = ("credentialSchema", "credentialStatus", "refreshService", "termsOfUse",
                 "evidence")
_Errors = list[tuple[str, str]]  # (JSON pointer, what is wrong)


@dataclass(frozen=True, slots=True)
class IssueRequest:
    """A checked issue request: the credential to sign and its validity end, if any."""

    credential: dict[str, Any]
    valid_until: datetime | None


def _refuse(code: str, errors: _Errors, **extra: Any) -> ApiProblem:
    pointer, detail = errors[0]
    return ApiProblem(code, f"{pointer}: {detail}" if pointer else detail,
                      errors=[{"pointer": where, "detail": what} for where, what in errors],
                      **extra)


def _read_envelope(body: Any, member: str, options: Callable[[Mapping[str, Any]], _Errors],
                   option_problem: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The request object `{member: {...}, options?: {...}}`; `options` checks the options,
    whose errors are raised as `option_problem`. Raises ApiProblem."""
    if not isinstance(body, dict):
        raise _refuse("bad_request", [("", "the body must be a JSON object")])
    errors: _Errors = [(json_pointer([name]), "is not a member of this request") for name in body
                       if name not in (member, "options")]
    if member not in body:
        errors.append((f"/{member}", "is required"))
    elif not isinstance(body[member], dict):
        errors.append((f"/{member}", "must be a JSON object"))
    if not isinstance(body.get("options", {}), dict):
        errors.append(("/options", "must be a JSON object"))
    if errors:
        raise _refuse("bad_request", errors)
    given = body.get("options", {})
    option_errors = options(given)
    if option_errors:
        raise _refuse(option_problem, option_errors)
    return body[member], given


def _no_options(options: Mapping[str, Any]) -> _Errors:
    return [(json_pointer(["options", name]), "is not an option this service offers")
            for name in options]


def read_verify_request(body: Any, member: str) -> tuple[dict[str, Any], str | None,
                                                            str | None]:
    """`(document, challenge, domain)` of a verify request whose document is `member`.

    Other options are accepted and ignored: every check always runs. Raises ApiProblem
    400 bad_request (not this shape, challenge or domain not a string).
    """
    def check(options: Mapping[str, Any]) -> _Errors:
        return [(f"/options/{name}", "must be a string") for name in ("challenge", "domain")
                if name in options and not isinstance(options[name], str)]

    document, options = _read_envelope(body, member, check, "bad_request")
    return document, options.get("challenge"), options.get("domain")


def read_issue_request(body: Any, *, issuer_id: str) -> IssueRequest:
    """The checked request; `issuer_id` is the issuer the client's provider signs as.

    Raises ApiProblem (see the module docstring).
    """
    credential, _ = _read_envelope(body, "credential", _no_options, "invalid_request")
    errors: _Errors = []
    for check in (_check_context, _check_type, _check_id, _check_issuer, _check_subject,
                  _check_typed, _check_related, _check_texts, _check_proof):
        check(credential, errors)
    valid_until = _check_validity(credential, errors)
    if "validFrom" not in credential and is_open_badge(credential):
        errors.append(("/validFrom", "is required for Open Badges 3.0 credentials (OB 3.0 "
                                     "AchievementCredential)"))
    if errors:
        raise _refuse("invalid_credential",
                      [("/credential" + where, what) for where, what in errors])
    given = _issuer_id(credential)
    if given != issuer_id:
        raise _refuse("issuer_mismatch", [("/credential/issuer", f"is {given}, but this "
                                           f"client signs for the issuer {issuer_id}")],
                      expected_issuer=issuer_id)
    return IssueRequest(dict(credential), valid_until)


def _issuer_id(credential: Mapping[str, Any]) -> object:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _check_context(credential: Mapping[str, Any], errors: _Errors) -> None:
    contexts = credential.get("@context")
    if not isinstance(contexts, list):
        errors.append(("/@context", f"must be an array starting with {VC_V2}"))
    elif not contexts or contexts[0] != VC_V2:
        errors.append(("/@context", f"must start with {VC_V2}"))


def _check_type(credential: Mapping[str, Any], errors: _Errors) -> None:
    if "type" not in credential:
        errors.append(("/type", "is required"))
        return
    types = as_list(credential["type"])
    if not types or not all(isinstance(item, str) for item in types):
        errors.append(("/type", "must be a string or an array of strings"))
    elif "VerifiableCredential" not in types:
        errors.append(("/type", "must include VerifiableCredential"))


def _check_id(credential: Mapping[str, Any], errors: _Errors) -> None:
    if "id" not in credential:
        return
    if not is_uri(credential["id"]):
        errors.append(("/id", "must be a URL"))
    elif len(credential["id"]) > MAX_ID_LENGTH:
        errors.append(("/id", f"must not be longer than {MAX_ID_LENGTH} characters"))


def _check_issuer(credential: Mapping[str, Any], errors: _Errors) -> None:
    if "issuer" not in credential:
        errors.append(("/issuer", "is required"))
    elif isinstance(credential["issuer"], dict) and not is_uri(credential["issuer"].get("id")):
        errors.append(("/issuer/id", "must be a URL"))
    elif not isinstance(credential["issuer"], dict) and not is_uri(credential["issuer"]):
        errors.append(("/issuer", "must be a URL or an object with a URL id"))


def _check_subject(credential: Mapping[str, Any], errors: _Errors) -> None:
    if "credentialSubject" not in credential:
        errors.append(("/credentialSubject", "is required"))
        return
    subject = credential["credentialSubject"]
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects:
        errors.append(("/credentialSubject", "must be an object or a non-empty array of "
                                             "objects"))
    for index, item in enumerate(subjects):
        where = "/credentialSubject" + (f"/{index}" if isinstance(subject, list) else "")
        if not isinstance(item, dict):
            errors.append((where, "must be an object"))
        elif not item:
            errors.append((where, "must state at least one claim (an empty object says "
                                  "nothing)"))


def _entries(credential: Mapping[str, Any], name: str,
             errors: _Errors) -> list[tuple[str, dict[str, Any]]]:
    """(pointer, entry) of each object value of `name`; non-objects are reported."""
    value = credential[name]
    items = value if isinstance(value, list) else [value]
    if not items:
        errors.append((f"/{name}", "must not be an empty array"))
    found: list[tuple[str, dict[str, Any]]] = []
    for index, item in enumerate(items):
        where = f"/{name}" + (f"/{index}" if isinstance(value, list) else "")
        if isinstance(item, dict):
            found.append((where, item))
        else:
            errors.append((where, "must be an object"))
    return found


def _check_typed(credential: Mapping[str, Any], errors: _Errors) -> None:
    for name in (name for name in _TYPED if name in credential):
        for where, entry in _entries(credential, name, errors):
            types = as_list(entry.get("type"))
            if not types or not all(isinstance(item, str) for item in types):
                errors.append((f"{where}/type", "is required (a string or an array of "
                                                "strings)"))
            if name == "credentialSchema" and not is_uri(entry.get("id")):
                errors.append((f"{where}/id", "is required and must be a URL"))


def _check_related(credential: Mapping[str, Any], errors: _Errors) -> None:
    """relatedResource (VC Data Model 2.0 §5.3): a URL `id`, at least one digest, no two
    entries for the same resource."""
    if "relatedResource" not in credential:
        return
    seen: set[str] = set()
    for where, entry in _entries(credential, "relatedResource", errors):
        resource = entry.get("id")
        if not isinstance(resource, str) or not is_uri(resource):
            errors.append((f"{where}/id", "is required and must be a URL"))
        elif resource in seen:
            errors.append((f"{where}/id", f"{resource} is listed twice"))
        else:
            seen.add(resource)
        digests = [name for name in ("digestSRI", "digestMultibase") if name in entry]
        if not digests:
            errors.append((where, "needs a digestSRI or digestMultibase"))
        errors.extend((f"{where}/{name}", "must be a string") for name in digests
                      if not isinstance(entry[name], str))


def _check_texts(credential: Mapping[str, Any], errors: _Errors) -> None:
    """name and description: strings or language-tagged values (VC Data Model 2.0 §4.6)."""
    for name in ("name", "description"):
        if name in credential and not all(
                isinstance(item, str) or (isinstance(item, dict)
                                          and isinstance(item.get("@value"), str))
                for item in as_list(credential[name]) or [None]):
            errors.append((f"/{name}", "must be a string or a language value object "
                                       '({"@value": …, "@language": …})'))


def _check_proof(credential: Mapping[str, Any], errors: _Errors) -> None:
    """A credential that is signed already gets one more proof (a proof set), so it must
    carry its id: adding one would break the proofs it has."""
    if "proof" not in credential:
        return
    for where, entry in _entries(credential, "proof", errors):
        if not isinstance(entry.get("type"), str):
            errors.append((f"{where}/type", "is required"))
    if "id" not in credential:
        errors.append(("/id", "is required when the credential has a proof already (an id "
                              "added now would invalidate that proof)"))


def _check_validity(credential: Mapping[str, Any], errors: _Errors) -> datetime | None:
    """validFrom and validUntil: XML Schema dateTimes with a time zone, in order."""
    found: dict[str, datetime] = {}
    for name in ("validFrom", "validUntil"):
        if name not in credential:
            continue
        try:
            found[name] = parse_datetime(credential[name])
        except InvalidDocumentError as error:
            errors.append((f"/{name}", error.message))
    if "validFrom" in found and "validUntil" in found and found["validUntil"] < found[
            "validFrom"]:
        errors.append(("/validUntil", "must not be before validFrom"))
    return found.get("validUntil")
