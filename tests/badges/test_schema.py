"""JSON Schema validation against the vendored OB 3.0 schemas: fixtures, issue paths, loading."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest

import badges.schema
from badges.errors import BadgeError, SchemaValidationError, UnknownSchemaError
from badges.schema import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    ENDORSEMENT_CREDENTIAL_SCHEMA,
    PROFILE_SCHEMA,
    SchemaIssue,
    is_known_schema,
    require_schema_valid,
    validate_against_schema,
)
from tests.conftest import FIXTURES, load_json

SCHEMA_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
Document = dict[str, Any]


def _simple() -> Document:
    document: Document = load_json(FIXTURES / "validator-ob30-simple.json")
    return document


@pytest.mark.parametrize(
    "fixture",
    [
        "validator-ob30-simple.json",
        "validator-ob30-simple-did-key-method.json",
        "validator-ob30-simple-err-expired.json",
        "validator-ob30-simple-err-proof-value.json",
    ],
)
def test_1edtech_fixtures_validate(fixture: str) -> None:
    assert validate_against_schema(load_json(FIXTURES / fixture)) == []


def test_revoked_fixture_has_a_single_object_proof() -> None:
    # A real-world deviation from the plain-JSON schema, reported where it is.
    document = load_json(FIXTURES / "validator-ob30-bitstring-credential-status-revoked.json")
    issues = validate_against_schema(document)
    assert [(issue.path, issue.keyword) for issue in issues] == [("/proof", "type")]


# --- negative cases: one table -------------------------------------------------------------


def _set(path: str, value: object) -> Callable[[Document], None]:
    """Mutation that sets a JSON Pointer-ish `a/b/0/c` path in the document."""

    def mutate(document: Document) -> None:
        *parents, last = path.split("/")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = value

    return mutate


def _delete(path: str) -> Callable[[Document], None]:
    def mutate(document: Document) -> None:
        *parents, last = path.split("/")
        target: Any = document
        for part in parents:
            target = target[part]
        del target[last]

    return mutate


def _proof_as_object(document: Document) -> None:
    document["proof"] = document["proof"][0]


ACHIEVEMENT = "credentialSubject/achievement"

REJECTED = [
    pytest.param(_proof_as_object, "/proof", "type", id="proof as a single object"),
    pytest.param(_set("type", "VerifiableCredential"), "/type", "type", id="type as a string"),
    pytest.param(
        _set("type", ["VerifiableCredential"]), "/type", "contains", id="no OpenBadgeCredential"
    ),
    pytest.param(_set("image", "https://e.org/b.png"), "/image", "type", id="image as a string"),
    pytest.param(
        _set("issuer/image", "https://e.org/i.png"),
        "/issuer/image",
        "type",
        id="issuer image as a string",
    ),
    pytest.param(
        _set("image", {"id": "https://e.org/b.png", "type": "Image", "alt": "x"}),
        "/image/alt",
        "additionalProperties",
        id="image with an extra property",
    ),
    pytest.param(_delete("issuer"), "/issuer", "required", id="missing issuer"),
    pytest.param(_delete("issuer/id"), "/issuer/id", "required", id="issuer without id"),
    pytest.param(_delete("validFrom"), "/validFrom", "required", id="missing validFrom"),
    pytest.param(
        _set("validFrom", "2010-01-01T00:00:00"), "/validFrom", "format", id="validFrom no offset"
    ),
    pytest.param(
        _set("validFrom", "1 January 2010"), "/validFrom", "format", id="validFrom not a date"
    ),
    pytest.param(
        _set("@context/0", "https://www.w3.org/2018/credentials/v1"),
        "/@context/0",
        "enum",
        id="VCDM 1.1 context",
    ),
    pytest.param(
        _delete(f"{ACHIEVEMENT}/criteria"),
        "/credentialSubject/achievement/criteria",
        "required",
        id="achievement without criteria",
    ),
    pytest.param(
        _set(f"{ACHIEVEMENT}/achievementType", "Microcredential"),
        "/credentialSubject/achievement/achievementType",
        "oneOf",
        id="achievementType outside the list",
    ),
    pytest.param(
        _set(
            f"{ACHIEVEMENT}/alignment",
            [
                {"type": ["Alignment"], "targetName": "x", "targetUrl": "https://e.org/x"},
                {"type": ["Alignment"], "targetUrl": "https://e.org/y"},
            ],
        ),
        "/credentialSubject/achievement/alignment/1/targetName",
        "required",
        id="alignment without targetName",
    ),
    pytest.param(
        _set(
            f"{ACHIEVEMENT}/alignment",
            [
                {
                    "type": ["Alignment"],
                    "targetName": "x",
                    "targetUrl": "https://e.org/x",
                    "targetType": "ESCOSkill",
                }
            ],
        ),
        "/credentialSubject/achievement/alignment/0/targetType",
        "oneOf",
        id="alignment targetType outside the list",
    ),
    pytest.param(
        _set("credentialStatus", [{"id": "https://e.org/s#1", "type": "BitstringStatusListEntry"}]),
        "/credentialStatus",
        "type",
        id="credentialStatus as an array",
    ),
    pytest.param(
        _set("credentialSchema", {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "x"}),
        "/credentialSchema",
        "type",
        id="credentialSchema as an object",
    ),
    pytest.param(
        _set(
            "credentialSubject/identifier",
            [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": "true",
                    "identityHash": "a@example.com",
                }
            ],
        ),
        "/credentialSubject/identifier/0/hashed",
        "type",
        id="hashed as a string",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "keyword"), REJECTED)
def test_schema_reports_the_issue_where_it_is(
    mutate: Callable[[Document], None], path: str, keyword: str
) -> None:
    document = _simple()
    mutate(document)
    issues = validate_against_schema(document)
    assert [(issue.path, issue.keyword) for issue in issues] == [(path, keyword)]


def test_issues_are_sorted_and_unique() -> None:
    document = _simple()
    del document["issuer"]
    del document["validFrom"]
    document["type"] = "OpenBadgeCredential"
    document["proof"] = {}
    issues = validate_against_schema(document)
    assert issues == sorted(set(issues))
    assert [issue.path for issue in issues] == ["/issuer", "/proof", "/type", "/validFrom"]


def test_non_object_document() -> None:
    assert [(i.path, i.keyword) for i in validate_against_schema([])] == [("", "type")]


def test_require_schema_valid_raises_with_issues() -> None:
    document = _simple()
    del document["issuer"]
    with pytest.raises(SchemaValidationError) as caught:
        require_schema_valid(document)
    assert caught.value.code == "schema_invalid"
    assert caught.value.issues == (
        SchemaIssue("/issuer", "required", "required property is missing"),
    )
    require_schema_valid(_simple())


# --- which schemas we know -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        ACHIEVEMENT_CREDENTIAL_SCHEMA,
        SCHEMA_BASE + "ob_v3p0_achievementcredential-jsonschema1.json",
        ENDORSEMENT_CREDENTIAL_SCHEMA,
        SCHEMA_BASE + "ob_v3p0_endorsementcredential-jsonschema1.json",
        PROFILE_SCHEMA,
        SCHEMA_BASE + "ob_v3p0_profile-jsonschema1.json",
    ],
)
def test_schemas_are_known_by_cited_url_and_by_id(url: str) -> None:
    assert is_known_schema(url)


def test_the_cited_achievement_url_is_the_one_credentials_use() -> None:
    assert ACHIEVEMENT_CREDENTIAL_SCHEMA == (
        SCHEMA_BASE + "ob_v3p0_achievementcredential_schema.json"
    )


def test_unknown_schema_cannot_be_checked() -> None:
    url = "https://example.org/schemas/my-badge.json"
    assert not is_known_schema(url)
    with pytest.raises(UnknownSchemaError) as caught:
        validate_against_schema(_simple(), url)
    assert caught.value.code == "schema_unknown"
    assert isinstance(caught.value, BadgeError)
    assert not isinstance(caught.value, SchemaValidationError)


def test_the_same_document_validates_by_either_url() -> None:
    document = _simple()
    del document["issuer"]
    by_id = validate_against_schema(
        document, SCHEMA_BASE + "ob_v3p0_achievementcredential-jsonschema1.json"
    )
    assert by_id == validate_against_schema(document) != []


# --- loading -------------------------------------------------------------------------------


def test_schemas_load_once_offline_and_thread_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(badges.schema, "_loaded", None)
    loads: list[int] = []
    real_load = badges.schema._load_validators

    def counting_load() -> Any:
        loads.append(1)
        return real_load()

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("schema validation must not touch the network")

    monkeypatch.setattr(badges.schema, "_load_validators", counting_load)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    start = threading.Barrier(8)
    results: list[list[SchemaIssue]] = []

    def validate() -> None:
        start.wait()
        results.append(validate_against_schema(_simple()))

    threads = [threading.Thread(target=validate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]
    assert results == [[]] * 8
