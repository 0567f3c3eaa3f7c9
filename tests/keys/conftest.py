"""Shared fixtures for the keys tests: the published key-pair vectors, read fresh per test."""

from __future__ import annotations

import json

import pytest

from keys.key_pair import KeyPair
from tests.conftest import VECTORS


def _load(relative: str) -> dict[str, str]:
    data = json.loads((VECTORS / relative).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def ob3_vector() -> dict[str, str]:
    """1EdTech OB 3.0 implementation guide eddsa-rdfc-2022 `keyPair`."""
    key_pair = _load("ob3/ob3-eddsa-rdfc-2022-impl-guide.json")["keyPair"]
    assert isinstance(key_pair, dict)
    return key_pair


@pytest.fixture
def w3c_vector() -> dict[str, str]:
    """W3C vc-di-eddsa test-vector key pair (32-byte seed secret form)."""
    return _load("w3c-vc-di-eddsa/keyPair.json")


@pytest.fixture
def key_pair(ob3_vector: dict[str, str]) -> KeyPair:
    """A deterministic key pair: the OB 3.0 vector key."""
    return KeyPair.from_hex(ob3_vector["privateKeyHex_seedThenPublic"])
