"""The endorsements check (verifier/endorsements.py): each embedded endorsement is verified
and reported; one that does not verify never fails the credential that carries it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from keys.key_pair import KeyPair
from tests.verifier.conftest import microbadge, offline, sign
from verifier.report import CheckId, CheckResult, CheckStatus, EndorsementPlace
from verifier.verify import verify_credential

ISSUER = KeyPair.from_seed(bytes([1]) * 32)
ENDORSER = KeyPair.from_seed(bytes([2]) * 32)
ACHIEVEMENT_ID = "https://academy.example/achievements/battery-safety"
ENDORSEMENT_ID = "urn:uuid:1f3e2c44-0b1d-4d6e-9d43-0d9b7f0c2a77"

Change = Callable[[dict[str, Any]], None]


def endorsement(change: Change = lambda _: None, *, after_signing: Change = lambda _: None,
                 endorsement_id: str = ENDORSEMENT_ID) -> dict[str, Any]:
    """An endorsement of the microbadge's achievement by ENDORSER."""
    document: dict[str, Any] = {
        "@context": microbadge(ISSUER.did_key)["@context"],
        "id": endorsement_id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": ENDORSER.did_key, "type": ["Profile"],
                   "name": "Automotive Skills Alliance", "url": "https://asa.example"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "ASA endorses this microbadge",
        "credentialSubject": {"id": ACHIEVEMENT_ID, "type": ["EndorsementSubject"],
                              "endorsementComment": "Aligned with the DRIVES framework."},
    }
    change(document)
    signed = sign(document, ENDORSER)
    after_signing(signed)
    return signed


def endorsed(*endorsements: object) -> dict[str, Any]:
    """The microbadge, with `endorsements` in its achievement, signed by ISSUER."""
    document = microbadge(ISSUER.did_key)
    document["credentialSubject"]["achievement"]["endorsement"] = list(endorsements)
    return sign(document, ISSUER)


def proof(**changes: str) -> Change:
    return lambda document: document["proof"][0].update(changes)


CASES: list[tuple[str, dict[str, Any], str | None, str | None]] = [
    ("valid", endorsement(), None, None),
    ("tampered", endorsement(after_signing=lambda d: d.update(name="ASA endorses all")),
     "invalid_signature", "proof: proof 1: Ed25519 signature does not match"),
    ("cryptosuite nobody implements", endorsement(after_signing=proof(
        cryptosuite="eddsa-rdf-2022")),
     "unsupported_proof", "proof: no proof is of a type microbadges can verify"),
    ("key that cannot be resolved", endorsement(after_signing=proof(
        verificationMethod="did:web:asa.example#key-1")),
     "resolution_failed", "proof: proof 1: no document available for "
                          "https://asa.example/.well-known/did.json"),
    ("expired", endorsement(lambda d: d.update(validUntil="2025-12-01T00:00:00Z")),
     "expired", "validity: expired on 2025-12-01T00:00:00Z (validUntil)"),
    ("of something else", endorsement(lambda d: d["credentialSubject"].update(
        id="https://elsewhere.example/achievements/1")),
     "endorsement_subject_mismatch", "credentialSubject: it endorses "
     "https://elsewhere.example/achievements/1, not the achievement "
     f"{ACHIEVEMENT_ID} it is embedded in"),
]


@pytest.mark.parametrize(("name", "given", "code", "reason"), CASES,
                         ids=[case[0] for case in CASES])
def test_an_endorsement_is_reported_and_never_fails_the_credential(
        name: str, given: dict[str, Any], code: str | None, reason: str | None) -> None:
    report = verify_credential(endorsed(given), offline())
    outcome = (f"verified, {ENDORSER.did_key} endorses the achievement" if code is None
               else f"not verified [{code}] {reason}")
    assert report.check(CheckId.ENDORSEMENTS) == CheckResult(
        CheckId.ENDORSEMENTS, CheckStatus.PASSED,
        "1 of 1 endorsement verified" if code is None else
        "0 of 1 endorsement verified; 1 did not verify and does not count as an endorsement",
        None, (f"achievement endorsement {ENDORSEMENT_ID}: {outcome}",))
    assert [(result.place, result.endorses, result.code, result.message)
            for result in report.endorsements] == [
        (EndorsementPlace.ACHIEVEMENT, EndorsementPlace.ACHIEVEMENT if code is None else None,
         code, reason)]
    assert report.verified  # the credential's verdict rests on its own checks


def test_one_valid_and_one_invalid_endorsement() -> None:
    other = "urn:uuid:0b7f6d1e-4c55-4a0e-8f0e-6a2d1c9b8e33"
    report = verify_credential(endorsed(
        endorsement(),
        endorsement(after_signing=proof(cryptosuite="eddsa-rdf-2022"),
                     endorsement_id=other)), offline())
    assert report.verified
    assert report.check(CheckId.ENDORSEMENTS) == CheckResult(
        CheckId.ENDORSEMENTS, CheckStatus.PASSED,
        "1 of 2 endorsements verified; 1 did not verify and does not count as an endorsement",
        None, (f"achievement endorsement {ENDORSEMENT_ID}: verified, {ENDORSER.did_key} "
               "endorses the achievement",
               f"achievement endorsement {other}: not verified [unsupported_proof] proof: no "
               "proof is of a type microbadges can verify"))
    endorsements = report.to_json()["endorsements"]
    assert [(item["credentialId"], item["verified"], item["embeddedIn"], item.get("endorses"),
             item.get("code")) for item in endorsements] == [
        (ENDORSEMENT_ID, True, "achievement", "achievement", None),
        (other, False, "achievement", None, "unsupported_proof")]
    assert [check["status"] for check in endorsements[1]["checks"]] == [
        "passed", "passed", "passed", "passed", "error", "skipped", "skipped", "passed",
        "skipped", "skipped"]


@pytest.mark.parametrize(("given", "detail"), [
    ("an endorsement", "achievement endorsement (no id): not verified [not_an_object] parse: "
                       "an endorsement must be a JSON object"),
    (endorsement(lambda d: d.update(
        type=["VerifiableCredential", "OpenBadgeCredential"], credentialSubject={
            "id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": microbadge(ISSUER.did_key)["credentialSubject"]["achievement"]})),
     f"achievement endorsement {ENDORSEMENT_ID}: not verified [not_an_endorsement] type: it "
     "is not an EndorsementCredential"),
], ids=["not an object", "not an EndorsementCredential"])
def test_a_malformed_endorsement_is_the_credentials_own_schema_problem(
        given: object, detail: str) -> None:
    # The credential's signed document must itself conform to the OB 3.0 schema, which
    # describes its endorsements: that is the credential's fault, not the endorsement's.
    report = verify_credential(endorsed(given), offline())
    assert [(check.id, check.status, check.code) for check in report.checks
            if check.status is CheckStatus.FAILED] == [
        (CheckId.SCHEMA, CheckStatus.FAILED, "schema_invalid")]
    assert report.check(CheckId.ENDORSEMENTS).details == (detail,)


def test_endorsements_nested_too_deeply_are_not_checked() -> None:
    inner = endorsement(lambda d: d["issuer"].update(endorsement=[endorsement(
        endorsement_id="urn:uuid:7d0c1f7a-3b2e-4d5c-9a8b-1e2f3a4b5c6d")]))
    middle = endorsement(lambda d: d["issuer"].update(endorsement=[inner]))
    report = verify_credential(endorsed(middle), offline())
    assert report.verified
    assert report.endorsements[0].verified
    nested = report.endorsements[0].report.endorsements[0].report
    assert nested.check(CheckId.ENDORSEMENTS) == CheckResult(
        CheckId.ENDORSEMENTS, CheckStatus.SKIPPED,
        "not checked: endorsements nested too deeply", "too_deep")


CREDENTIAL_ID = microbadge(ISSUER.did_key)["id"]
CREATOR_ID = "https://academy.example/issuers/curriculum"
PLACES: list[tuple[str, str, EndorsementPlace | None]] = [
    # (where it is embedded, the id it endorses, what it endorses from there)
    ("credential", CREDENTIAL_ID, EndorsementPlace.CREDENTIAL),
    ("credential", ISSUER.did_key, EndorsementPlace.ISSUER),
    ("credential", ACHIEVEMENT_ID, EndorsementPlace.ACHIEVEMENT),
    ("credential", CREATOR_ID, EndorsementPlace.CREATOR),
    ("credential", "https://elsewhere.example", None),
    ("issuer", ISSUER.did_key, EndorsementPlace.ISSUER),
    ("issuer", ACHIEVEMENT_ID, None),
    ("achievement", ACHIEVEMENT_ID, EndorsementPlace.ACHIEVEMENT),
    ("achievement", CREDENTIAL_ID, None),
    ("creator", CREATOR_ID, EndorsementPlace.CREATOR),
    ("creator", ISSUER.did_key, None),
]


@pytest.mark.parametrize(("place", "subject", "endorses"), PLACES)
def test_an_endorsement_counts_for_what_it_is_embedded_in(
        place: str, subject: str, endorses: EndorsementPlace | None) -> None:
    document = microbadge(ISSUER.did_key)
    achievement = document["credentialSubject"]["achievement"]
    achievement["creator"] = {"id": CREATOR_ID, "type": ["Profile"], "name": "Curriculum team"}
    holder = {"credential": document, "issuer": document["issuer"],
              "achievement": achievement, "creator": achievement["creator"]}[place]
    holder["endorsement"] = [endorsement(lambda d: d["credentialSubject"].update(id=subject))]
    report = verify_credential(sign(document, ISSUER), offline())
    assert report.verified
    [result] = report.endorsements
    assert (result.place.value, result.endorses) == (place, endorses)
    assert result.code == (None if endorses else "endorsement_subject_mismatch")
