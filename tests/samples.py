"""A realistic signed OB 3.0 microbadge, shared by tests, interop checks and benchmarks.

Issuer profile with address and image, an achievement with criteria, image and 3 alignments
(ESCO skill, EQF level, PASS key competence), a hashed-email recipient and a Bitstring Status
List entry: the shape microbadges issues for the Automotive Skills Alliance.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from badges.credential import build_credential
from badges.data_integrity import add_proof
from badges.model import (
    Achievement,
    AchievementSubject,
    AchievementType,
    Address,
    Alignment,
    Criteria,
    IdentityObject,
    Image,
    Profile,
)
from badges.status_list import MIN_LIST_BITS, encode_status_list, set_status
from keys.key_pair import KeyPair

ORIGIN: Final = "https://badges.asa-academy.example"
ISSUER_ID: Final = f"{ORIGIN}/issuers/asa-academy"
# A fixed key, so that signatures (and so the property tests) are reproducible.
SEED_HEX: Final = "9b3f7a1c5e2d4b6a8c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
SIGNED_AT: Final = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)
LIST_URL: Final = f"{ORIGIN}/status/revocation/1"


def sample_key() -> KeyPair:
    """The fixed issuer key of the sample."""
    return KeyPair.from_hex(SEED_HEX)


def realistic_microbadge(issuer_id: str = ISSUER_ID) -> dict[str, Any]:
    """The unsigned microbadge, as the builder emits it."""
    issuer = Profile(
        id=issuer_id,
        name="ASA Automotive Academy",
        url=ORIGIN,
        email="badges@asa-academy.example",
        image=Image(id=f"{ORIGIN}/images/academy.png", caption="ASA Automotive Academy"),
        address=Address(address_country="Germany", address_country_code="DE",
                        address_locality="Stuttgart"),
    )
    achievement = Achievement(
        id=f"{ORIGIN}/achievements/hv-battery-safety",
        name="High-voltage battery safety (Practitioner)",
        description="Works safely on high-voltage traction batteries of electric vehicles.",
        criteria=Criteria(narrative="Passed the practical assessment on a de-energised "
                                    "traction battery and the written test (75%)."),
        achievement_type=AchievementType.MICRO_CREDENTIAL,
        image=Image(id=f"{ORIGIN}/images/hv-battery-safety.png", caption="HV battery safety"),
        credits_available=1,
        alignment=(
            Alignment(target_name="ensure safety of electric vehicle batteries",
                      target_url="http://data.europa.eu/esco/skill/"
                                 "8e9f4c2a-5b1d-4f6e-9a3c-7d2b1e0f4a5c",
                      target_framework="ESCO", target_type="ext:ESCOSkill"),
            Alignment(target_name="EQF level 4", target_url="http://data.europa.eu/snb/eqf/4",
                      target_code="4", target_framework="European Qualifications Framework",
                      target_type="ext:EQFLevel"),
            Alignment(target_name="Complex problem solving",
                      target_url=f"{ORIGIN}/frameworks/pass/complex-problem-solving",
                      target_framework="PASS key competences",
                      target_type="ext:PASSKeyCompetence"),
        ),
    )
    subject = AchievementSubject(
        identifier=(IdentityObject.hashed_email("learner@example.com", salt="s4lt-7f3a"),),
        achievement=achievement,
    )
    return build_credential(
        credential_id="urn:uuid:3f1c9e4a-8b2d-4c7e-a1f0-5d6b7c8e9f01",
        issuer=issuer,
        subject=subject,
        valid_from=datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC),
        name="High-voltage battery safety (Practitioner)",
        description="ASA Automotive Academy certifies this microbadge.",
        credential_status={
            "id": f"{LIST_URL}#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": LIST_URL,
        },
    )


def signed_microbadge() -> dict[str, Any]:
    """The sample signed by the sample key, verification method `<issuer id>#<multikey>`."""
    key = sample_key()
    return add_proof(realistic_microbadge(), key,
                     verification_method=f"{ISSUER_ID}#{key.public_key_multibase}",
                     created=SIGNED_AT)


def signed_status_list(revoked: tuple[int, ...] = ()) -> dict[str, Any]:
    """The revocation list at LIST_URL (131,072 entries), signed by the sample key."""
    bits = bytearray(MIN_LIST_BITS // 8)
    for index in revoked:
        set_status(bits, index, True)
    key = sample_key()
    return add_proof({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER_ID,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation",
                              "encodedList": encode_status_list(bits)},
    }, key, verification_method=f"{ISSUER_ID}#{key.public_key_multibase}", created=SIGNED_AT)


def blank_node_clique(size: int) -> dict[str, Any]:
    """A credential whose subject holds `size` blank nodes that all know each other: a poison
    graph for RDFC-1.0 (plain pyld spends ~40 s of CPU on size 8)."""
    nodes = [{"id": f"_:b{i}", "knows": [{"id": f"_:b{j}"} for j in range(size) if j != i]}
             for i in range(size)]
    return {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b986873",
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:1", "graph": nodes}}
