"""Smoke test of `benchmarks/figures.py`: a tiny run has the documented shape and its
figures add up (the benchmark itself checks by-provider totals). No timing is asserted."""

from __future__ import annotations

import json

import pytest

from benchmarks.figures import PERIODS, main
from issuer.figures.services import DIMENSIONS


def test_a_tiny_sqlite_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rows", "500", "--repeat", "1", "--backends", "sqlite", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    [sqlite] = report["backends"]
    assert sqlite["rows"] == 500
    assert [(row["by"], row["period"]) for row in sqlite["figures"]] == [
        (by, period or "-") for by in DIMENSIONS for period in PERIODS]
    assert all(row["groups"] > 0 for row in sqlite["figures"])
    assert set(sqlite["figures"][0]) == {"by", "period", "groups", "answer_ms",
                                         "budget_ratio", "live_ms"}
