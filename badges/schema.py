"""JSON Schema validation of OB 3.0 documents against the vendored 1EdTech schemas (draft 2019-09).

The schemas ship as package data and are registered under both their `$id` and the URL that
credentials cite in `credentialSchema`. Never performs network I/O: any `$ref` outside the
shipped schemas is refused, not fetched.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Protocol, cast

from jsonschema import (  # type: ignore[import-untyped, unused-ignore]
    Draft201909Validator,
    FormatChecker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT201909

from badges.datatypes import parse_datetime
from badges.errors import (
    InvalidDateTimeError,
    SchemaIssue,
    SchemaValidationError,
    UnknownSchemaError,
)

__all__ = [
    "ACHIEVEMENT_CREDENTIAL_SCHEMA",
    "ENDORSEMENT_CREDENTIAL_SCHEMA",
    "JSON_SCHEMA_VALIDATOR_TYPE",
    "PROFILE_SCHEMA",
    "SchemaIssue",
    "is_known_schema",
    "require_schema_valid",
    "validate_against_schema",
]

_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"

ACHIEVEMENT_CREDENTIAL_SCHEMA = _BASE + "ob_v3p0_achievementcredential_schema.json"
"""The AchievementCredential schema URL that credentials cite in `credentialSchema`."""
ENDORSEMENT_CREDENTIAL_SCHEMA = _BASE + "ob_v3p0_endorsementcredential_schema.json"
"""The EndorsementCredential schema URL that credentials cite in `credentialSchema`."""
PROFILE_SCHEMA = _BASE + "ob_v3p0_profile_schema.json"
"""The Profile schema URL (by the same naming as the credential schemas)."""
JSON_SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
"""The `credentialSchema.type` these schemas are declared with (OB 3.0 extensions context)."""

# package file -> the URL credentials cite (the file's `$id` is registered too).
_SCHEMA_FILES: Mapping[str, str] = {
    "ob_v3p0_achievementcredential.jsonschema1.json": ACHIEVEMENT_CREDENTIAL_SCHEMA,
    "ob_v3p0_endorsementcredential.jsonschema1.json": ENDORSEMENT_CREDENTIAL_SCHEMA,
    "ob_v3p0_profile.jsonschema1.json": PROFILE_SCHEMA,
}
_MAX_MESSAGE = 200
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _ValidationError(Protocol):
    """The part of `jsonschema.ValidationError` we read (the library is untyped)."""

    message: str
    validator: str
    validator_value: object
    instance: object
    schema: object
    absolute_path: Sequence[str | int]
    relative_path: Sequence[str | int]
    relative_schema_path: Sequence[str | int]
    context: list[_ValidationError] | None


class _Validator(Protocol):
    def iter_errors(self, instance: object) -> Iterator[_ValidationError]: ...


def is_known_schema(url: str) -> bool:
    """Tell whether `url` names a schema we ship (by cited URL or by `$id`).

    A credential citing any other schema could not be checked against it: the verifier must
    report that as "could not check", never as passed.
    """
    return url in _validators()


def validate_against_schema(
    document: object,
    schema_url: str = ACHIEVEMENT_CREDENTIAL_SCHEMA,
) -> list[SchemaIssue]:
    """Validate a JSON document; return its issues sorted by path (empty when it conforms).

    `date-time` and `date` formats are checked (as XSD dateTime with a timezone / ISO date).
    Raises UnknownSchemaError if `schema_url` is not a schema we ship.
    """
    validator = _validators().get(schema_url)
    if validator is None:
        raise UnknownSchemaError(f"no JSON Schema is shipped for {schema_url!r}")
    issues = {issue for error in validator.iter_errors(document) for issue in _issues(error)}
    return sorted(issues)


def require_schema_valid(
    document: object,
    schema_url: str = ACHIEVEMENT_CREDENTIAL_SCHEMA,
) -> None:
    """Return nothing if the document conforms to the schema.

    Raises SchemaValidationError (with `issues`) if not, UnknownSchemaError if the schema is
    not shipped.
    """
    issues = validate_against_schema(document, schema_url)
    if issues:
        first = issues[0]
        raise SchemaValidationError(
            f"{len(issues)} schema issue(s), first at {first.path or '/'}: {first.message}",
            issues,
        )


# --- error translation ---------------------------------------------------------------------


def _issues(error: _ValidationError) -> Iterator[SchemaIssue]:
    """Translate one jsonschema error into issues, descending into the matching `oneOf` branch."""
    path = _pointer(error.absolute_path)
    keyword = error.validator
    if keyword in ("oneOf", "anyOf"):
        branch = _only_plausible_branch(error)
        if branch is not None:
            for suberror in branch:
                yield from _issues(suberror)
            return
    if keyword == "required" and isinstance(error.instance, Mapping):
        required = cast("Iterable[str]", error.validator_value)
        for name in required:
            if name not in error.instance:
                yield SchemaIssue(_child(path, name), keyword, "required property is missing")
        return
    if keyword == "additionalProperties" and isinstance(error.instance, Mapping):
        schema = cast("Mapping[str, object]", error.schema)
        allowed = cast("Mapping[str, object]", schema.get("properties", {}))
        for name in sorted(set(error.instance) - set(allowed)):
            yield SchemaIssue(_child(path, str(name)), keyword, "property is not allowed here")
        return
    yield SchemaIssue(path, keyword, _message(error))


def _only_plausible_branch(error: _ValidationError) -> list[_ValidationError] | None:
    """The errors of the one `oneOf`/`anyOf` branch whose type the instance has, if unique.

    `issuer` is "a URI or a Profile": when it is an object, the string branch fails on type
    and the Profile branch's errors are the useful ones.
    """
    branches: dict[str | int, list[_ValidationError]] = {}
    for suberror in error.context or ():
        branches.setdefault(suberror.relative_schema_path[0], []).append(suberror)
    plausible = [
        errors
        for errors in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errors)
    ]
    return plausible[0] if len(plausible) == 1 else None


def _message(error: _ValidationError) -> str:
    """A short message naming the rule (jsonschema's messages embed the whole instance)."""
    value = error.validator_value
    match error.validator:
        case "type":
            return f"must be of type {value}"
        case "enum":
            return f"must be one of {_truncate(json.dumps(value))}"
        case "const":
            return f"must be {_truncate(json.dumps(value))}"
        case "pattern":
            return f"must match the pattern {value}"
        case "format":
            return f"must be a valid {value}"
        case "minItems":
            return f"must have at least {value} item(s)"
        case "contains":
            return f"must contain an item matching {_truncate(json.dumps(value))}"
        case "oneOf" | "anyOf":
            return "matches none of the allowed forms"
        case _:
            return _truncate(error.message)


def _truncate(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON Pointer for a path (`""` is the whole document)."""
    return "".join(_child("", part) for part in parts)


def _child(pointer: str, part: str | int) -> str:
    return f"{pointer}/{str(part).replace('~', '~0').replace('/', '~1')}"


# --- loading (once, lazily, thread-safe) ---------------------------------------------------

_lock = threading.Lock()
_loaded: dict[str, _Validator] | None = None


def _validators() -> dict[str, _Validator]:
    """Cited URL and `$id` -> validator, for every shipped schema (built on first use)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load_validators()
    return _loaded


def _load_validators() -> dict[str, _Validator]:
    schemas: dict[str, Mapping[str, object]] = {}
    for filename, cited_url in _SCHEMA_FILES.items():
        text = resources.files("badges").joinpath("schemas", filename).read_text("utf-8")
        schema = cast("Mapping[str, object]", json.loads(text))
        schemas[str(schema["$id"])] = schema
        schemas[cited_url] = schema
    # A Registry without `retrieve` raises NoSuchResource for any URI it does not hold: an
    # unknown `$ref` fails loudly instead of being fetched.
    registry: Registry[Mapping[str, object]] = Registry().with_resources(
        (url, DRAFT201909.create_resource(schema)) for url, schema in schemas.items()
    )
    format_checker = FormatChecker(formats=())
    format_checker.checks("date-time", raises=InvalidDateTimeError)(_is_date_time)
    format_checker.checks("date", raises=ValueError)(_is_date)
    return {
        url: cast(
            "_Validator",
            Draft201909Validator(schema, registry=registry, format_checker=format_checker),
        )
        for url, schema in schemas.items()
    }


def _is_date_time(instance: object) -> bool:
    if isinstance(instance, str):
        parse_datetime(instance)
    return True


def _is_date(instance: object) -> bool:
    if isinstance(instance, str):
        if _DATE.fullmatch(instance) is None:
            return False
        date.fromisoformat(instance)
    return True
