"""Verifier fixtures: a fixed clock, offline fetchers, a key and a signed microbadge."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from badges.data_integrity import add_proof
from keys.key_pair import KeyPair
from keys.resolution import StaticDocumentFetcher
from verifier.verify import VerifierOptions

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SIGNED_AT = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def offline(documents: Mapping[str, object] | None = None) -> VerifierOptions:
    """Verifier options with a fixed clock and only the given documents (no network)."""
    return VerifierOptions(clock=lambda: NOW, fetcher=StaticDocumentFetcher(dict(documents or {})))


def sign(document: Mapping[str, Any], key: KeyPair) -> dict[str, Any]:
    """Sign with the key's did:key verification method at SIGNED_AT."""
    return add_proof(document, key, verification_method=key.did_key_verification_method,
                     created=SIGNED_AT)


def microbadge(issuer: str) -> dict[str, Any]:
    """A minimal OB 3.0 credential issued by `issuer`."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                     "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"],
        "id": "urn:uuid:8e5a3e2c-5f0f-4f43-9a59-4e4b5b0f0c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Automotive Academy"},
        "validFrom": "2025-06-01T00:00:00Z",
        "name": "Battery safety",
        "description": "Handles high-voltage batteries safely.",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://academy.example/achievements/battery-safety",
                "type": ["Achievement"],
                "name": "Battery safety",
                "description": "High-voltage battery safety.",
                "criteria": {"narrative": "Pass the practical assessment."},
            },
        },
    }


@pytest.fixture
def key() -> KeyPair:
    """A fresh signing key."""
    return KeyPair.generate()
