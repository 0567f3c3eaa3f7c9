"""Smoke test of `benchmarks/award.py`: a tiny run has the documented shape.

No timing is asserted (figures come from the benchmark itself, see benchmarks/README.md).
"""

from __future__ import annotations

import json

import pytest

from benchmarks.award import EXIT_BACKEND_NOT_RUN, main, statement_label

TINY = ["--count", "3", "--warmup", "1", "--backends", "sqlite"]


def test_json_report_of_a_tiny_sqlite_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*TINY, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["settings"]["count"] == 3
    assert report["settings"]["warmup"] == 1
    assert report["skipped"] == {}
    assert list(report["backends"]) == ["sqlite"]
    sqlite = report["backends"]["sqlite"]
    assert sqlite["server"].startswith("SQLite ")
    for path in ("sign", "award"):
        assert set(sqlite[path]) == {"credentials_per_s", "median_ms", "p95_ms", "mean_ms",
                                     "samples"}
        assert sqlite[path]["samples"] == 3
    assert sqlite["bulk"]["samples"] == 1  # one cohort of 3, timed per credential
    assert {"overhead_on_means", "overhead_on_medians", "within_target",
            "bulk_overhead_on_means"} <= set(sqlite)
    # The shape check award + 1 warm-up + 3 timed awards + a cohort of 3, all stored.
    assert sqlite["credentials_stored"] == 8
    split = sqlite["db_split"]
    assert {"INSERT credentials", "SELECT achievements", "BEGIN IMMEDIATE"} <= set(
        split["by_statement"])
    assert split["by_statement"]["INSERT credentials"]["per_award"] == 1


def test_table_report_of_a_tiny_sqlite_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(TINY) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("microbadges award benchmark, ")
    header, _, *rows = [[cell.strip() for cell in line.split("|")] for line in lines[2:7]]
    assert header == ["backend", "path", "credentials/s", "median ms", "p95 ms", "mean ms"]
    assert [row[:2] for row in rows] == [
        ["sqlite", "sign: build_credential + add_proof, no DB"],
        ["sqlite", "award: award_credential, 1 transaction each"],
        ["sqlite", "bulk: award_credentials, 100 per transaction"]]
    assert any(line.startswith("  sqlite (SQLite ") for line in lines)
    assert any(line.startswith("machine: ") for line in lines)


def test_an_unreachable_postgresql_is_skipped_with_the_reason(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Nothing listens on port 1 of the loopback interface: the connection is refused.
    code = main(["--count", "1", "--warmup", "0", "--backends", "postgresql",
                 "--postgres-url", "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/test"])
    assert code == EXIT_BACKEND_NOT_RUN
    captured = capsys.readouterr()
    assert "postgresql NOT run: PostgreSQL not reachable at " \
           "postgresql+psycopg://postgres:***@127.0.0.1:1/test" in captured.err
    assert "hunter2" not in captured.out + captured.err


@pytest.mark.parametrize("backends", ["mysql", "", "sqlite,oracle"])
def test_unknown_backends_are_a_usage_error(backends: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--backends", backends])
    assert exit_info.value.code == 2
    assert "choose from sqlite, postgresql" in capsys.readouterr().err


@pytest.mark.parametrize(("statement", "label"), [
    ("BEGIN IMMEDIATE", "BEGIN IMMEDIATE"),
    ('SELECT providers.id, providers.slug FROM providers WHERE providers.id = ?',
     "SELECT providers"),
    ("INSERT INTO credentials (credential_id) VALUES (%(credential_id)s) RETURNING "
     "credentials.id", "INSERT credentials"),
    ('UPDATE "credentials" SET state=? WHERE credentials.id = ?', "UPDATE credentials"),
])
def test_statement_labels(statement: str, label: str) -> None:
    assert statement_label(statement) == label
