"""Smoke test of `benchmarks/status.py`: a tiny run has the documented rows (no timing is
asserted; the figures come from the benchmark itself)."""

from __future__ import annotations

import json

import pytest

from benchmarks.status import main


def test_a_tiny_run_reports_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--iterations", "2", "--warmup", "0", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["rows"]) == [
        "revoke + republish", "sign one microbadge (reference)",
        "verify, status list uncached (HTTP)", "verify, status list cached",
        "verify, no status (reference)"]
    assert all(row["samples"] == 2 for row in report["rows"].values())
    assert set(report["ratios"]) == {"revoke / sign", "status check uncached, ms",
                                     "status check cached, ms", "uncached / cached"}
