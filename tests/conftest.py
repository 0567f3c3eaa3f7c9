"""Shared fixtures: paths to the vendored standards data beside the repository."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
VENDOR = REPO / "tests" / "vendor"  # copies of shared/vendor test data (see its README)
VECTORS = VENDOR / "test-vectors"
FIXTURES = VENDOR / "fixtures"

_cache: dict[Path, Any] = {}


def load_json(path: Path) -> Any:
    """Return a fresh copy of a vendored JSON file (parsed once per session)."""
    if path not in _cache:
        _cache[path] = json.loads(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_cache[path])


@pytest.fixture
def ob3_vector() -> dict[str, Any]:
    """The OB 3.0 implementation-guide eddsa-rdfc-2022 test vector."""
    result: dict[str, Any] = load_json(VECTORS / "ob3" / "ob3-eddsa-rdfc-2022-impl-guide.json")
    return result
