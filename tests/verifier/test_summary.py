"""What a person reads of a badge (verifier.summary): the facts of third-party credentials,
asserted exactly; the verdict of each kind of report; and no input makes it raise."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, load_json
from tests.verifier.conftest import offline
from tests.verifier.test_endorsements import ENDORSER, endorsed, endorsement, proof
from verifier.registry import read_registry
from verifier.summary import BadgeSummary, Endorsement, NameSource, endorsements, summarize
from verifier.verdict import VerdictState, verdict
from verifier.verify import verify_credential

LIST_URL = ("https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/"
            "refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist")


def test_the_1edtech_simple_credential_reads_as_its_issuer_wrote_it() -> None:
    summary = summarize(load_json(FIXTURES / "validator-ob30-simple.json"))
    assert summary == BadgeSummary(
        credential_id="http://example.com/credentials/3527",
        name="Teamwork",
        description="This badge recognizes the development of the capacity to collaborate "
                    "within a group environment.",
        criteria="Team members are nominated for this badge by their peers and recognized "
                 "upon review by Example Corp management.",
        image_url=None, image_alt="Badge image of Teamwork",
        achievement_url="https://example.com/achievements/21st-century-skills/teamwork",
        achievement_type=None, issuer_name="Example Corp",
        issuer_url="https://example.com/issuers/876543",
        issuer_id="https://example.com/issuers/876543",
        valid_from=datetime(2010, 1, 1, tzinfo=UTC), valid_until=None,
        skills=(), elements=(), credits=None, results=())


def test_alignments_split_into_skills_and_eu_elements() -> None:
    credential: dict[str, Any] = {"credentialSubject": {"achievement": {
        "name": "HV safety", "creditsAvailable": 2.5,
        "image": {"id": "javascript:alert(1)", "caption": "Medal"},
        "alignment": [
            {"targetName": "Teamwork", "targetUrl": "https://f.example/c/TEAM",
             "targetCode": "TEAM", "targetFramework": "ASA (2026.1)",
             "targetDescription": "Level: Practitioner", "targetType": "CFItem"},
            {"targetName": "EQF level 5", "targetUrl": "http://data.europa.eu/snb/eqf/5",
             "targetType": "ext:EQFLevel", "targetFramework": "European Qualifications "
                                                              "Framework"},
            {"targetName": "ECTS", "targetUrl": "javascript:alert(2)",
             "targetType": "ext:CreditSystem",
             "targetDescription": "Notional workload: 2.5 ECTS credits"},
            {"targetUrl": "https://nameless.example"},
        ]}}}
    summary = summarize(credential)
    assert [(s.name, s.url, s.framework, s.code, s.level) for s in summary.skills] == [
        ("Teamwork", "https://f.example/c/TEAM", "ASA (2026.1)", "TEAM", "Practitioner")]
    assert [(e.label, e.value, e.url) for e in summary.elements] == [
        ("EQF level", "EQF level 5", "http://data.europa.eu/snb/eqf/5"),
        ("Workload", "Notional workload: 2.5 ECTS credits", None)]  # never a javascript: URL
    assert summary.credits == "2.5"
    assert summary.image_url is None
    assert summary.image_alt == "Medal"


def test_verdicts_in_plain_words() -> None:
    def state(fixture: str, documents: dict[str, Any] | None = None) -> VerdictState:
        report = verify_credential(load_json(FIXTURES / f"validator-ob30-{fixture}.json"),
                                   offline(documents))
        return verdict(report).state

    # No registry vouches for the 1EdTech sample issuer: authentic, issuer not confirmed.
    assert state("simple") is VerdictState.UNCONFIRMED
    assert state("simple-err-expired") is VerdictState.EXPIRED
    assert state("simple-err-proof-value") is VerdictState.NOT_VERIFIED
    assert state("simple-noproof") is VerdictState.NOT_VERIFIED
    revoked_list = {LIST_URL: load_json(
        FIXTURES / "validator-ob30-bitstring-status-list-credential-testlist.json")}
    assert state("bitstring-credential-status-revoked", revoked_list) is VerdictState.REVOKED
    assert state("bitstring-credential-status-revoked") is VerdictState.UNDECIDED
    nothing = verdict(verify_credential("[]"))
    assert nothing.state is VerdictState.NO_CREDENTIAL
    assert nothing.title == "No credential found"
    assert nothing.explanation == ("This input does not contain a credential: expected a "
                                   "JSON object, not a JSON list.")
    broken = load_json(FIXTURES / "validator-ob30-simple.json")
    del broken["credentialSubject"]
    failed = verdict(verify_credential(broken, offline()))
    assert failed.state is VerdictState.NOT_VERIFIED
    assert failed.problem is not None
    assert "Failed check: Structure" in failed.explanation


def test_only_verified_endorsements_are_shown() -> None:
    report = verify_credential(endorsed(
        endorsement(),
        endorsement(lambda d: d["issuer"].update(name="Unverified Body"),
                    after_signing=proof(cryptosuite="eddsa-rdf-2022"),
                    endorsement_id="urn:uuid:0b7f6d1e-4c55-4a0e-8f0e-6a2d1c9b8e33"),
        endorsement(lambda d: d["credentialSubject"].update(id="https://elsewhere.example"),
                    endorsement_id="urn:uuid:5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")),
        offline())
    assert [result.verified for result in report.endorsements] == [True, False, False]
    assert endorsements(report) == (Endorsement(
        endorser_name="Automotive Skills Alliance", endorser_id=ENDORSER.did_key,
        endorser_url="https://asa.example", name_source=NameSource.ENDORSEMENT,
        endorses="the achievement", comment="Aligned with the DRIVES framework."),)
    assert NameSource.ENDORSEMENT.value == "as stated in the endorsement"


def test_a_registered_endorser_is_named_by_its_registry() -> None:
    registry = read_registry({"meta": {"name": "ASA partner registry"}, "registry": {
        ENDORSER.did_key: {"name": "Automotive Skills Alliance AISBL",
                           "url": "https://www.automotive-skills-alliance.eu"}}},
        source="registry.json")
    report = verify_credential(endorsed(endorsement()), dataclasses.replace(
        offline(), registries=(lambda: registry,)))
    assert endorsements(report) == (Endorsement(
        endorser_name="Automotive Skills Alliance AISBL", endorser_id=ENDORSER.did_key,
        endorser_url="https://www.automotive-skills-alliance.eu",
        name_source=NameSource.REGISTRY, endorses="the achievement",
        comment="Aligned with the DRIVES framework.", confirmed_by="ASA partner registry"),)


def test_a_report_without_endorsements_shows_none() -> None:
    report = verify_credential(load_json(FIXTURES / "validator-ob30-simple.json"), offline())
    assert endorsements(report) == ()
    assert endorsements(verify_credential("[]")) == ()


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=12), inner, max_size=5),
                     max_leaves=30)
_KEYS = st.sampled_from(["credentialSubject", "achievement", "issuer", "name", "alignment",
                         "image", "validFrom", "validUntil", "creditsAvailable", "result",
                         "targetName", "targetType", "id", "url", "criteria"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, st.recursive(
    _JSON, lambda inner: st.dictionaries(_KEYS, inner, max_size=5), max_leaves=30),
    max_size=8))
def test_any_json_summarizes_without_raising(credential: dict[str, Any]) -> None:
    summary = summarize(credential)
    assert summary.name
    for link in (summary.issuer_url, summary.achievement_url,
                 *(skill.url for skill in summary.skills)):
        assert link is None or link.startswith(("https://", "http://"))


def test_members_of_the_wrong_type_are_left_out() -> None:
    odd: dict[str, Any] = {"credentialSubject": [{"achievement": {
        "name": ["not", "a", "string"], "creditsAvailable": 10 ** 400,
        "alignment": [{"targetName": "X", "targetType": ["ext:EQFLevel"]},
                      {"targetName": "Y", "targetType": {"a": 1}}, "text", 7],
        "image": {"id": {"nested": True}}, "criteria": [], "description": 5}}],
        "issuer": ["a"], "validFrom": 20260101, "validUntil": "not a date"}
    summary = summarize(odd)
    assert summary.name == "Unnamed credential"
    assert summary.credits is None
    assert [skill.name for skill in summary.skills] == ["X", "Y"]
    assert (summary.issuer_id, summary.valid_from, summary.valid_until) == (None, None, None)
    assert summarize({"credentialSubject": {"achievement": {
        "creditsAvailable": float("inf")}}}).credits is None
