"""The W3C VC-API endpoints: issue as the token's provider, verify credentials and
presentations; every invalid input in one table; on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from badges.data_integrity import add_proof
from issuer.awards.models import CredentialKind, CredentialRecord
from issuer.microbadges.services import AchievementInput, create_achievement
from issuer.providers.models import IdentifierMethod
from issuer.providers.services import ProviderInput, create_provider, find_provider
from issuer.providers.signer import active_signer
from issuer.web.problems import PROBLEMS
from keys.errors import ResolutionError
from keys.key_pair import KeyPair
from tests.issuer.api_setup import assert_problem, row_counts
from tests.issuer.support import (
    BASE_URL,
    START,
    TestClock,
    bearer,
    context_of,
    fetch_token,
    json_of,
    register_client,
)
from verifier.http_cache import ResponseCache

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SLUG = "asa-academy"
CHALLENGE = "9f1c2e7a-challenge"


@dataclass
class RecordingFetcher:
    """Stands in for the network: records what would have been fetched, fetches nothing."""

    urls: list[str] = field(default_factory=list)

    def fetch_json(self, url: str) -> object:
        self.urls.append(url)
        raise ResolutionError(f"no network in tests: {url}")


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> RecordingFetcher:
    recorder = RecordingFetcher()
    def fetcher(*, cache: ResponseCache | None = None) -> RecordingFetcher:
        assert isinstance(cache, ResponseCache)  # the app's shared cache
        return recorder

    monkeypatch.setattr("issuer.web.verification.HttpsDocumentFetcher", fetcher)
    return recorder


def _create_provider(app: Flask, slug: str = SLUG,
                     method: IdentifierMethod = IdentifierMethod.DID_WEB) -> str:
    context = context_of(app)
    with context.sessions() as session:
        provider = create_provider(session, ProviderInput(
            slug=slug, name="ASA Automotive Academy", url="https://asa-academy.example",
            identifier_method=method), vault=context.vault, base_url=context.base_url,
            clock=context.clock)
        session.commit()
        return provider.issuer_id


@pytest.fixture
def issuer_id(app: Flask) -> str:
    return _create_provider(app)


@pytest.fixture
def token(app: Flask, client: FlaskClient, issuer_id: str) -> str:
    return fetch_token(client, register_client(app, provider_slug=SLUG))


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "ASA Automotive Academy"},
        "validFrom": "2026-03-01T00:00:00Z",
        "name": "Battery safety",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://asa-academy.example/achievements/battery-safety",
                "type": ["Achievement"],
                "name": "Battery safety",
                "description": "High-voltage battery safety.",
                "criteria": {"narrative": "Pass the practical assessment."},
            },
        },
    }


def _stored(app: Flask) -> int:
    with context_of(app).sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CredentialRecord)) or 0)


def _issue(client: FlaskClient, token: str, credential: dict[str, Any]) -> Any:
    return client.post("/credentials/issue", headers=bearer(token),
                       json={"credential": credential, "options": {}})


def test_issue_then_verify_then_tamper(app: Flask, client: FlaskClient, token: str,
                                       issuer_id: str, network: RecordingFetcher) -> None:
    issued = _issue(client, token, _credential(issuer_id))
    assert issued.status_code == 201, issued.get_data(as_text=True)
    credential = json_of(issued)["verifiableCredential"]
    assert credential["id"].startswith("urn:uuid:")
    assert [(proof["type"], proof["cryptosuite"], proof["proofPurpose"], proof["created"])
            for proof in credential["proof"]] == [
        ("DataIntegrityProof", "eddsa-rdfc-2022", "assertionMethod", "2026-03-02T09:30:00Z")]
    assert credential["proof"][0]["verificationMethod"].startswith(issuer_id + "#z6Mk")
    with context_of(app).sessions() as session:
        record = session.scalars(select(CredentialRecord)).one()
        assert (record.credential_id, record.kind) == (credential["id"], CredentialKind.VC_API)
        assert issued.get_data(as_text=True) == '{"verifiableCredential":' + record.document + "}"

    verified = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert verified.status_code == 200, verified.get_data(as_text=True)
    report = json_of(verified)
    assert report["verified"] is True
    assert {check["id"]: check["status"] for check in report["checks"]}["issuer"] == "passed"
    assert network.urls == []  # our own did:web document was read from the database

    tampered = copy.deepcopy(credential)
    tampered["name"] = "Battery safetz"
    refused = client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert refused.status_code == 422
    report = json_of(refused)
    assert report["verified"] is False
    proof_check = next(check for check in report["checks"] if check["id"] == "proof")
    assert (proof_check["status"], proof_check["code"]) == ("failed", "invalid_signature")


@pytest.mark.parametrize("method", list(IdentifierMethod))
def test_every_identifier_method_verifies_offline(app: Flask, client: FlaskClient,
                                                  method: IdentifierMethod,
                                                  network: RecordingFetcher) -> None:
    issuer = _create_provider(app, "trainer", method)
    token = fetch_token(client, register_client(app, provider_slug="trainer"))
    issued = _issue(client, token, _credential(issuer))
    assert issued.status_code == 201, issued.get_data(as_text=True)
    verified = client.post("/credentials/verify",
                           json=json_of(issued) | {"options": {"checks": ["proof"]}})
    assert verified.status_code == 200, verified.get_data(as_text=True)
    checks = {check["id"]: check["status"] for check in json_of(verified)["checks"]}
    assert checks["issuer"] == "passed"
    assert network.urls == []


def test_a_credential_signed_already_gets_a_proof_set(client: FlaskClient, token: str,
                                                      issuer_id: str,
                                                      network: RecordingFetcher) -> None:
    cosigner = KeyPair.generate()
    credential = _credential(issuer_id) | {"id": "urn:uuid:7b0c8a62-0a43-4c55-8f1e-0c6d2b1f9e01"}
    signed = add_proof(credential, cosigner, created=START,
                       verification_method=cosigner.did_key_verification_method)
    issued = _issue(client, token, signed)
    assert issued.status_code == 201, issued.get_data(as_text=True)
    proofs = json_of(issued)["verifiableCredential"]["proof"]
    assert [proof["verificationMethod"].split("#")[0] for proof in proofs] == [
        cosigner.did_key, issuer_id]
    verified = client.post("/credentials/verify", json=json_of(issued))
    assert verified.status_code == 200, verified.get_data(as_text=True)


def test_a_credential_whose_proof_is_broken_is_not_co_signed(
        app: Flask, client: FlaskClient, token: str, issuer_id: str) -> None:
    cosigner = KeyPair.generate()
    credential = _credential(issuer_id) | {"id": "urn:uuid:7b0c8a62-0a43-4c55-8f1e-0c6d2b1f9e01"}
    signed = add_proof(credential, cosigner, created=START,
                       verification_method=cosigner.did_key_verification_method)
    before = row_counts(app)
    response = _issue(client, token, signed | {"name": "Changed after signing"})
    body = assert_problem(response, 422, "invalid_credential")
    assert body["errors"] == [{"pointer": "/credential/proof", "detail": "does not verify"}]
    assert body["error_code"] == "invalid_signature"
    assert row_counts(app) == before


def test_a_duplicate_credential_id_is_a_conflict(app: Flask, client: FlaskClient,
                                                 token: str, issuer_id: str) -> None:
    credential = _credential(issuer_id) | {"id": "https://asa-academy.example/credentials/1"}
    assert _issue(client, token, credential).status_code == 201
    again = _issue(client, token, credential)
    assert again.status_code == 409
    assert json_of(again)["code"] == "conflict"
    assert _stored(app) == 1


def test_only_a_provider_client_with_the_issue_scope_may_issue(
        app: Flask, client: FlaskClient, issuer_id: str) -> None:
    body = {"credential": _credential(issuer_id)}
    operator = fetch_token(client, register_client(app))
    read_only = fetch_token(client, register_client(app, provider_slug=SLUG,
                                                    scope="credentials:read"))
    answers = [client.post("/credentials/issue", json=body),
               client.post("/credentials/issue", json=body, headers=bearer(operator)),
               client.post("/credentials/issue", json=body, headers=bearer(read_only))]
    assert [(answer.status_code, json_of(answer)["code"]) for answer in answers] == [
        (401, "unauthorized"), (403, "forbidden"), (403, "insufficient_scope")]
    assert _stored(app) == 0


Body = Callable[[str], Any]


NULL = "<JSON null>"


def _nulls(value: Any) -> Any:
    if value == NULL:
        return None
    if isinstance(value, dict):
        return {key: _nulls(item) for key, item in value.items()}
    return value


def _with(**changes: Any) -> Body:
    """The request for a credential with `changes` (None removes a property, NULL sets
    JSON null)."""
    def body(issuer: str) -> Any:
        credential = _credential(issuer)
        for name, value in changes.items():
            name = name.replace("_context", "@context")
            if value is None:
                credential.pop(name, None)
            else:
                credential[name] = _nulls(value)
        return {"credential": credential}
    return body


def _subject_with(**claims: Any) -> Body:
    def body(issuer: str) -> Any:
        credential = _credential(issuer)
        credential["credentialSubject"].update(claims)
        return {"credential": credential}
    return body


SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
DIGEST = "sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW"
RESOURCE = "https://asa-academy.example/syllabus.pdf"

# (name, request body, status, code, pointers of `errors`, other members of the problem)
CASES: list[tuple[str, Body, int, str, list[str] | None, dict[str, Any]]] = [
    ("body is an array", lambda _: [], 400, "bad_request", [""], {}),
    ("no credential", lambda _: {"options": {}}, 400, "bad_request", ["/credential"], {}),
    ("credential not an object", lambda _: {"credential": "vc"}, 400, "bad_request",
     ["/credential"], {}),
    ("options not an object", lambda issuer: {"credential": _credential(issuer),
                                              "options": []},
     400, "bad_request", ["/options"], {}),
    ("unknown member", lambda issuer: {"credential": _credential(issuer), "format": "jwt"},
     400, "bad_request", ["/format"], {}),
    ("unsupported option", lambda issuer: {"credential": _credential(issuer),
                                           "options": {"credentialStatus": {}}},
     422, "invalid_request", ["/options/credentialStatus"], {}),
    ("@context a string", _with(_context=V2), 422, "invalid_credential",
     ["/credential/@context"], {}),
    ("@context without the v2 context first", _with(_context=[OB, V2]), 422,
     "invalid_credential", ["/credential/@context"], {}),
    ("no type", _with(type=None), 422, "invalid_credential", ["/credential/type"], {}),
    ("type without VerifiableCredential", _with(type=["OpenBadgeCredential"]), 422,
     "invalid_credential", ["/credential/type"], {}),
    ("type not strings", _with(type=["VerifiableCredential", 7]), 422,
     "invalid_credential", ["/credential/type"], {}),
    ("no issuer", _with(issuer=None), 422, "invalid_credential", ["/credential/issuer"], {}),
    ("issuer not a URL", _with(issuer="ASA Academy"), 422, "invalid_credential",
     ["/credential/issuer"], {}),
    ("issuer object without a URL id", _with(issuer={"name": "ASA"}), 422,
     "invalid_credential", ["/credential/issuer/id"], {}),
    ("issuer null", _with(issuer=NULL), 422, "invalid_credential", ["/credential/issuer"], {}),
    ("issuer id null", _with(issuer={"id": NULL}), 422, "invalid_credential",
     ["/credential/issuer/id"], {}),
    ("no credentialSubject", _with(credentialSubject=None), 422, "invalid_credential",
     ["/credential/credentialSubject"], {}),
    ("credentialSubject a string", _with(credentialSubject="did:example:learner"), 422,
     "invalid_credential", ["/credential/credentialSubject"], {}),
    ("credentialSubject an empty array", _with(credentialSubject=[]), 422,
     "invalid_credential", ["/credential/credentialSubject"], {}),
    ("credentialSubject with an empty object", _with(credentialSubject=[{"id": "did:ex:1"},
                                                                        {}]),
     422, "invalid_credential", ["/credential/credentialSubject/1"], {}),
    ("credentialSchema without type", _with(credentialSchema=[{"id": SCHEMA}]), 422,
     "invalid_credential", ["/credential/credentialSchema/0/type"], {}),
    ("credentialSchema without id", _with(credentialSchema=[
        {"type": "1EdTechJsonSchemaValidator2019"}]), 422, "invalid_credential",
     ["/credential/credentialSchema/0/id"], {}),
    ("refreshService without type", _with(refreshService={"id": "https://r.example/1"}),
     422, "invalid_credential", ["/credential/refreshService/type"], {}),
    ("termsOfUse without type", _with(termsOfUse=[{"id": "https://t.example/1"}]), 422,
     "invalid_credential", ["/credential/termsOfUse/0/type"], {}),
    ("evidence not an object", _with(evidence=["https://e.example/1"]), 422,
     "invalid_credential", ["/credential/evidence/0"], {}),
    ("relatedResource without digest", _with(relatedResource=[{"id": RESOURCE}]), 422,
     "invalid_credential", ["/credential/relatedResource/0"], {}),
    ("relatedResource without id", _with(relatedResource=[{"digestSRI": DIGEST}]), 422,
     "invalid_credential", ["/credential/relatedResource/0/id"], {}),
    ("relatedResource digest not a string", _with(relatedResource=[
        {"id": RESOURCE, "digestSRI": 384}]), 422, "invalid_credential",
     ["/credential/relatedResource/0/digestSRI"], {}),
    ("relatedResource listed twice", _with(relatedResource=[
        {"id": RESOURCE, "digestSRI": DIGEST}, {"id": RESOURCE, "digestMultibase": "uEiA"}]),
     422, "invalid_credential", ["/credential/relatedResource/1/id"], {}),
    ("validFrom not a dateTime", _with(validFrom="2026-03-01"), 422, "invalid_credential",
     ["/credential/validFrom"], {}),
    ("validUntil without a time zone", _with(validUntil="2027-03-01T00:00:00"), 422,
     "invalid_credential", ["/credential/validUntil"], {}),
    ("validUntil before validFrom", _with(validUntil="2026-02-01T00:00:00Z"), 422,
     "invalid_credential", ["/credential/validUntil"], {}),
    ("id not a URL", _with(id="credential 1"), 422, "invalid_credential",
     ["/credential/id"], {}),
    ("id too long", _with(id="urn:x:" + "a" * 500), 422, "invalid_credential",
     ["/credential/id"], {}),
    ("name not text", _with(name=42), 422, "invalid_credential", ["/credential/name"], {}),
    ("proof without type, credential without id", _with(proof={"proofValue": "z1"}), 422,
     "invalid_credential", ["/credential/proof/type", "/credential/id"], {}),
    ("several problems at once", _with(type=None, issuer=None, validFrom="yesterday"), 422,
     "invalid_credential", ["/credential/type", "/credential/issuer",
                            "/credential/validFrom"], {}),
    ("another issuer", _with(issuer="did:web:elsewhere.example"), 422, "issuer_mismatch",
     ["/credential/issuer"], {"expected_issuer": "did:web:badges.test:issuers:asa-academy"}),
    ("undefined property", _with(color="red"), 422, "invalid_credential", None,
     {"error_code": "jsonld_unsafe"}),
    ("undefined type", _with(type=["VerifiableCredential", "MadeUpCredential"]), 422,
     "invalid_credential", None, {"error_code": "jsonld_unsafe"}),
    ("relative IRI", _subject_with(id="learners/1"), 422, "invalid_credential", None,
     {"error_code": "jsonld_unsafe"}),
    ("inline context", _with(_context=[V2, OB, {"color": "https://ex.example/color"}]), 422,
     "invalid_credential", None, {"error_code": "jsonld_unsafe"}),
    ("context not shipped", _with(_context=[V2, OB, "https://contexts.example/x.jsonld"]),
     422, "invalid_credential", None, {"error_code": "unknown_context"}),
    ("control character", _with(name="Battery\x07safety"), 422, "invalid_request",
     ["/credential/name"], {}),
    ("Open Badge without validFrom", _with(validFrom=None), 422, "invalid_credential",
     ["/credential/validFrom"], {}),
    ("a type that is an object, no validFrom", _with(
        type=["VerifiableCredential", {"id": "x"}], validFrom=None), 422,
     "invalid_credential", ["/credential/type"], {}),
]


def _without_detail(problem: dict[str, Any]) -> dict[str, Any]:
    result = {key: value for key, value in problem.items() if key != "detail"}
    if "errors" in result:
        result["errors"] = [{key: value for key, value in error.items() if key != "detail"}
                            for error in result["errors"]]
    return result


@pytest.mark.parametrize(("name", "body", "status", "code", "pointers", "extra"), CASES,
                         ids=[case[0] for case in CASES])
def test_invalid_issue_requests(app: Flask, client: FlaskClient, token: str, issuer_id: str,
                                name: str, body: Body, status: int, code: str,
                                pointers: list[str] | None, extra: dict[str, Any]) -> None:
    response = client.post("/credentials/issue", headers=bearer(token), json=body(issuer_id))
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    problem = json_of(response)
    expected: dict[str, Any] = {"type": f"{BASE_URL}/problems/{code}",
                                "title": PROBLEMS[code][1], "status": status, "code": code}
    if pointers is not None:
        expected["errors"] = [{"pointer": pointer} for pointer in pointers]
    assert _without_detail(problem) == expected | extra
    assert problem["detail"]
    assert _stored(app) == 0


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    (b'{"credential": ', "application/json", 400, "malformed_json"),
    (b'{"credential": {}}', "text/plain", 415, "unsupported_media_type"),
])
def test_unreadable_issue_requests(app: Flask, client: FlaskClient, token: str, data: bytes,
                                   content_type: str, status: int, code: str) -> None:
    response = client.post("/credentials/issue", headers=bearer(token), data=data,
                           content_type=content_type)
    assert (response.status_code, json_of(response)["code"]) == (status, code)
    assert _stored(app) == 0


@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
@pytest.mark.parametrize(("name", "body", "pointers"), [
    ("body is a string", "vc", [""]),
    ("document missing", {"options": {}}, ["/document"]),
    ("document not an object", {"document": "eyJhbGciOiJFZERTQSJ9"}, ["/document"]),
    ("options not an object", {"document": {}, "options": "challenge"}, ["/options"]),
    ("challenge not a string", {"document": {}, "options": {"challenge": 7}},
     ["/options/challenge"]),
])
def test_malformed_verify_requests(client: FlaskClient, path: str, name: str, body: Any,
                                   pointers: list[str]) -> None:
    member = "verifiableCredential" if path == "/credentials/verify" else "verifiablePresentation"
    if isinstance(body, dict) and "document" in body:
        body = {member if key == "document" else key: value for key, value in body.items()}
    pointers = [pointer.replace("document", member) for pointer in pointers]
    response = client.post(path, json=body)
    assert response.status_code == 400, name
    assert _without_detail(json_of(response)) == {
        "type": f"{BASE_URL}/problems/bad_request", "title": PROBLEMS["bad_request"][1],
        "status": 400, "code": "bad_request", "errors": [{"pointer": p} for p in pointers]}


def test_keys_of_other_hosts_are_fetched_from_the_network_only(
        client: FlaskClient, network: RecordingFetcher) -> None:
    signer = KeyPair.generate()
    for host, fetched in [("did:web:badges.test:issuers:nobody", []),
                          ("did:web:other.example", ["https://other.example/.well-known/did.json"])]:
        credential = add_proof(_credential(host) | {"id": "urn:uuid:0b1f"}, signer,
                               verification_method=f"{host}#{signer.public_key_multibase}",
                               created=START)
        network.urls.clear()
        response = client.post("/credentials/verify", json={"verifiableCredential": credential})
        assert response.status_code == 422
        proof = next(check for check in json_of(response)["checks"] if check["id"] == "proof")
        assert (proof["status"], proof["code"]) == ("error", "resolution_failed")
        assert network.urls == fetched


@dataclass(frozen=True)
class Presented:
    """A credential issued through the API and a holder's key."""

    credential: dict[str, Any]
    holder: KeyPair


@pytest.fixture
def presented(client: FlaskClient, token: str, issuer_id: str) -> Presented:
    issued = _issue(client, token, _credential(issuer_id))
    assert issued.status_code == 201
    return Presented(json_of(issued)["verifiableCredential"], KeyPair.generate())


def _presentation(presented: Presented, *, holder: str | None = None) -> dict[str, Any]:
    return {"@context": [V2], "type": ["VerifiablePresentation"],
            "holder": holder or presented.holder.did_key,
            "verifiableCredential": [presented.credential]}


def _sign_presentation(document: dict[str, Any], key: KeyPair, method: str) -> dict[str, Any]:
    return add_proof(document, key, verification_method=method, created=START,
                     proof_purpose="authentication", challenge=CHALLENGE, domain="lms.example")


def _checks(response: Any) -> dict[str, tuple[str, str | None]]:
    return {check["id"]: (check["status"], check.get("code"))
            for check in json_of(response)["checks"]}


def test_presentations(client: FlaskClient, presented: Presented,
                       network: RecordingFetcher) -> None:
    holder = presented.holder
    signed = _sign_presentation(_presentation(presented), holder,
                                holder.did_key_verification_method)
    options = {"challenge": CHALLENGE, "domain": "lms.example"}
    good = client.post("/presentations/verify",
                       json={"verifiablePresentation": signed, "options": options})
    assert good.status_code == 200, good.get_data(as_text=True)
    assert json_of(good)["verified"] is True
    assert [report["verified"] for report in json_of(good)["credentials"]] == [True]

    wrong = client.post("/presentations/verify", json={
        "verifiablePresentation": signed, "options": {"challenge": "another"}})
    assert wrong.status_code == 422
    assert _checks(wrong)["challenge"] == ("failed", "challenge_mismatch")

    unsigned = client.post("/presentations/verify", json={
        "verifiablePresentation": _presentation(presented), "options": {"challenge": CHALLENGE}})
    assert unsigned.status_code == 422
    assert (_checks(unsigned)["proof"], _checks(unsigned)["challenge"]) == (
        ("failed", "no_proof"), ("failed", "no_proof"))
    assert network.urls == []


def test_a_provider_presents_as_its_did_web_identity(app: Flask, client: FlaskClient,
                                                     presented: Presented, issuer_id: str,
                                                     network: RecordingFetcher) -> None:
    context = context_of(app)
    with context.sessions() as session:
        signer = active_signer(find_provider(session, SLUG), context.vault)
        method, key = signer.verification_method, signer.key_pair
    signed = _sign_presentation(_presentation(presented, holder=issuer_id), key, method)
    response = client.post("/presentations/verify", json={
        "verifiablePresentation": signed, "options": {"challenge": CHALLENGE}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _checks(response)["holder"] == ("passed", None)
    assert network.urls == []


def test_an_issued_credential_can_be_revoked(app: Flask, client: FlaskClient, token: str,
                                             issuer_id: str) -> None:
    issued = _issue(client, token, _credential(issuer_id))
    assert issued.status_code == 201, issued.get_data(as_text=True)
    credential = json_of(issued)["verifiableCredential"]
    entry = credential["credentialStatus"]
    assert (entry["type"], entry["statusPurpose"]) == ("BitstringStatusListEntry", "revocation")
    assert client.post("/credentials/verify", json=json_of(issued)).status_code == 200
    path = f"/api/v1/credentials/{credential['id'].removeprefix('urn:uuid:')}/revoke"
    revoked = client.post(path, headers=bearer(token), json={"reason": "issued in error"})
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    assert json_of(revoked)["status"] == "revoked"
    own = client.get(path.removesuffix("/revoke"), headers=bearer(token))
    assert own.status_code == 200
    assert "achievementId" not in json_of(own)
    document = client.get(json_of(own)["documentUrl"].removeprefix(BASE_URL),
                          headers=bearer(token))
    assert json.loads(document.get_data()) == credential
    history = client.get(f"/api/v1/audit-events?credential={credential['id']}",
                         headers=bearer(token))
    assert [event["action"] for event in json_of(history)["items"]] == ["revoke"]
    refused = client.post("/credentials/verify", json=json_of(issued))
    assert refused.status_code == 422
    checks = {check["id"]: check for check in json_of(refused)["checks"]}
    assert (checks["status"]["status"], checks["status"]["code"]) == ("failed", "revoked")


def test_another_providers_microbadge_is_refused(app: Flask, client: FlaskClient, token: str,
                                                 issuer_id: str) -> None:
    with context_of(app).sessions() as session:
        other = create_provider(session, ProviderInput(slug="beta", name="Beta Academy"),
                                vault=context_of(app).vault, base_url=BASE_URL,
                                clock=lambda: START)
        achievement = create_achievement(session, other, AchievementInput(
            name="Beta's badge", description="Beta only.", criteria_narrative="Passed."),
            base_url=BASE_URL,
            clock=lambda: START)
        session.commit()
        foreign = f"{BASE_URL}/achievements/{achievement.public_id}"
    body = _credential(issuer_id)
    body["credentialSubject"]["achievement"]["id"] = foreign
    before = row_counts(app)
    response = _issue(client, token, body)
    problem = assert_problem(response, 422, "invalid_credential")
    assert problem["errors"] == [{"pointer": "/credential/credentialSubject/achievement/id",
                                  "detail": "is not one of your microbadges on this service"}]
    assert row_counts(app) == before


def test_verification_re_signs_the_services_own_stale_list(app: Flask, client: FlaskClient,
                                                          token: str, issuer_id: str,
                                                          clock: TestClock) -> None:
    # Nobody fetched the list's public URL for 23 hours: its stored copy is about to
    # expire, and VC-API verification re-signs it rather than reading a stale list.
    issued = _issue(client, token, _credential(issuer_id))
    assert issued.status_code == 201
    clock.advance(hours=23)
    verified = client.post("/credentials/verify", json=json_of(issued))
    assert verified.status_code == 200, verified.get_data(as_text=True)
    clock.advance(hours=2)  # past the first signature's validUntil
    assert client.post("/credentials/verify", json=json_of(issued)).status_code == 200
