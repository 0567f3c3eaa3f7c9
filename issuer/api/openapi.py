"""The service's OpenAPI 3.1 document (`issuer/openapi.json`): served publicly, and the one
source of the JSON Schemas (Draft 2020-12) that request bodies are validated against.

Validation errors become `{"pointer": <RFC 6901 JSON pointer>, "detail": …}` entries; a
detail never echoes the offending value (it may be large or sensitive).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, Final

from flask import Response
from jsonschema import (  # type: ignore[import-untyped, unused-ignore]
    Draft202012Validator,
    ValidationError,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from issuer.api.blueprint import api
from issuer.web.context import issuer_context

__all__ = ["openapi_document", "schema_errors"]

# The base URI the document is registered under, so that its "#/components/…" refs resolve.
_DOCUMENT_URI: Final = "https://microbadges.invalid/openapi.json"
_MAX_ERRORS: Final = 50


@cache
def openapi_document() -> Mapping[str, Any]:
    """The OpenAPI document as shipped in the package (parsed once)."""
    text = resources.files("issuer").joinpath("openapi.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def _validator(schema_name: str) -> Any:
    document = openapi_document()
    if schema_name not in document["components"]["schemas"]:
        raise KeyError(f"no component schema {schema_name!r} in openapi.json")
    resource: Resource[Any] = Resource.from_contents(
        document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_DOCUMENT_URI, resource)
    return Draft202012Validator(
        {"$ref": f"{_DOCUMENT_URI}#/components/schemas/{schema_name}"}, registry=registry)


def schema_errors(schema_name: str, instance: Any) -> list[dict[str, str]]:
    """What is wrong with `instance` against the component schema `schema_name` (empty
    when it is valid), one entry per problem, ordered by pointer."""
    found: dict[tuple[str, str], None] = {}
    for error in _validator(schema_name).iter_errors(instance):
        for pointer, detail in _describe(error):
            found[(pointer, detail)] = None
    ordered = sorted(found)[:_MAX_ERRORS]
    return [{"pointer": pointer, "detail": detail} for pointer, detail in ordered]


def json_pointer(path: Iterable[str | int]) -> str:
    """The RFC 6901 JSON pointer of a path of keys and indexes."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _describe(error: ValidationError) -> Iterator[tuple[str, str]]:
    pointer = json_pointer(error.absolute_path)
    keyword, value, schema = error.validator, error.validator_value, error.schema
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        for name in value:
            if name not in instance:
                yield json_pointer([*error.absolute_path, name]), "is required"
        return
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for name in instance:
            if name not in known:
                yield json_pointer([*error.absolute_path, name]), "is not a known member here"
        return
    yield pointer, _detail(str(keyword), value, error)


def _detail(keyword: str, value: Any, error: ValidationError) -> str:
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        return "must be " + " or ".join(_TYPE_NAMES.get(str(name), str(name)) for name in types)
    if keyword == "enum":
        return "must be one of: " + ", ".join(json.dumps(item) for item in value)
    if keyword == "anyOf" and all(
            isinstance(branch, dict) and set(branch) == {"required"} for branch in value):
        names = [name for branch in value for name in branch["required"]]
        return "needs at least one of: " + ", ".join(names)
    if keyword == "pattern" and isinstance(error.schema, dict) and "x-pattern-hint" in error.schema:
        return f"must be {error.schema['x-pattern-hint']}"  # the words, not the regex
    template = _TEMPLATES.get(keyword)
    if template:
        return template.format(value)
    message = str(error.message)
    return message if len(message) <= 200 else message[:197] + "..."


_TYPE_NAMES: Final = {"object": "an object", "array": "an array", "string": "a string",
                      "integer": "an integer", "number": "a number", "boolean": "a boolean",
                      "null": "null"}
_TEMPLATES: Final = {
    "minLength": "must have at least {} character(s)",
    "maxLength": "must have at most {} characters",
    "pattern": "must match the pattern {}",
    "minimum": "must be at least {}",
    "maximum": "must be at most {}",
    "exclusiveMinimum": "must be greater than {}",
    "minItems": "must have at least {} item(s)",
    "maxItems": "must have at most {} items",
    "minProperties": "must have at least {} member(s)",
    "uniqueItems": "must not repeat items",
    "const": "must be {!r}",
}


@api.get("/openapi.json")
def serve_openapi() -> Response:
    """The OpenAPI document, with this service's origin as its server (public)."""
    document = {**openapi_document(), "servers": [{"url": issuer_context().base_url}]}
    response = Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
