"""`microbadges db upgrade|current` and `microbadges clients create` on SQLite and on the
machine's PostgreSQL server (a fresh schema of the `test` database)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from cli.main import main
from issuer.auth.clients import secret_matches
from issuer.auth.models import ApiClientRecord
from issuer.platform.database import create_database_engine, head_revision, make_session_factory
from issuer.platform.key_vault import KeyVault
from issuer.providers.origin import MOVE_CONFIRMATION
from issuer.providers.services import ProviderInput, create_provider
from tests.issuer.support import TestClock


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No MICROBADGES_* variable but a throw-away instance folder."""
    for name in list(os.environ):
        if name.startswith("MICROBADGES_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MICROBADGES_INSTANCE_PATH", str(tmp_path / "instance"))


@pytest.fixture
def service_environment(clean_environment: None, monkeypatch: pytest.MonkeyPatch,
                        empty_database_url: str) -> str:
    """MICROBADGES_DATABASE_URL names an empty database."""
    monkeypatch.setenv("MICROBADGES_DATABASE_URL", empty_database_url)
    return empty_database_url


def _run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_db_upgrade_and_current(service_environment: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    head = head_revision()
    code, out, _ = _run(capsys, "db", "current")
    assert code == 0
    assert out.endswith(f": revision none (empty database); head is {head}: "
                        "run `microbadges db upgrade`\n")
    code, out, _ = _run(capsys, "db", "upgrade")
    assert code == 0
    assert out.endswith(f": upgraded from revision none (empty database) to {head} (head)\n")
    code, out, _ = _run(capsys, "db", "upgrade")
    assert (code, out.split(": ", 1)[1]) == (0, f"already at revision {head} (head)\n")
    code, out, _ = _run(capsys, "db", "current")
    assert (code, out.split(": ", 1)[1]) == (0, f"revision {head} (head)\n")


def test_clients_create(service_environment: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "clients", "create", "--operator")
    assert code == 2
    assert err.startswith("error: the database is at revision none, not ")
    assert err.endswith("run `microbadges db upgrade` first\n")
    assert _run(capsys, "db", "upgrade")[0] == 0

    code, out, err = _run(capsys, "clients", "create", "--operator", "--json")
    assert code == 0
    operator = json.loads(out)
    assert operator["scope"] == "providers figures"
    assert operator["provider"] is None
    assert "shown only this once" in err

    code, _, err = _run(capsys, "clients", "create", "--provider", "acme")
    assert (code, err) == (2, "error: no provider 'acme'\n")

    engine = create_database_engine(service_environment)
    try:
        with make_session_factory(engine)() as session:
            create_provider(session, ProviderInput(slug="acme", name="Acme Academy"),
                            vault=KeyVault("k" * 32), base_url="https://badges.test",
                            clock=TestClock())
            session.commit()
        code, out, _ = _run(capsys, "clients", "create", "--provider", "acme",
                            "--scope", "credentials:read", "--name", "LMS")
        assert code == 0
        lines = dict(line.split(": ", 1) for line in out.splitlines())
        assert lines["scope"] == "credentials:read"

        code, _, err = _run(capsys, "clients", "create", "--provider", "acme",
                            "--scope", "providers")
        assert code == 2
        assert err.startswith("error: scopes must be among provider, achievements")

        with make_session_factory(engine)() as session:
            stored = {record.client_id: record for record in session.scalars(
                select(ApiClientRecord))}
    finally:
        engine.dispose()
    assert set(stored) == {operator["client_id"], lines["client_id"]}
    assert secret_matches(operator["client_secret"],
                          stored[operator["client_id"]].secret_hash)
    assert secret_matches(lines["client_secret"], stored[lines["client_id"]].secret_hash)
    assert stored[lines["client_id"]].name == "LMS"
    assert stored[lines["client_id"]].provider_id is not None


@pytest.mark.usefixtures("clean_environment")
def test_db_upgrade_refuses_invalid_settings(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MICROBADGES_DATABASE_URL", "mysql://db/badges")
    code, out, err = _run(capsys, "db", "upgrade")
    assert (code, out) == (2, "")
    assert err.startswith("error: MICROBADGES_DATABASE_URL must be a sqlite:/// or")


def test_frameworks_import_export_and_figures(service_environment: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from issuer.seed import DEMO_FRAMEWORK

    assert _run(capsys, "db", "upgrade")[0] == 0
    code, out, err = _run(capsys, "frameworks", "import", str(DEMO_FRAMEWORK))
    assert (code, out, err) == (0, "imported: asa-skills 2026.1\n", "")
    code, out, _ = _run(capsys, "frameworks", "import", str(DEMO_FRAMEWORK))
    assert out == "already imported (same content): asa-skills 2026.1\n"
    code, exported, _ = _run(capsys, "frameworks", "export", "asa-skills", "2026.1")
    assert json.loads(exported) == json.loads(DEMO_FRAMEWORK.read_text(encoding="utf-8"))
    code, as_csv, _ = _run(capsys, "frameworks", "export", "asa-skills", "2026.1",
                           "--format", "csv")
    bad = tmp_path / "bad.csv"
    bad.write_text(as_csv.replace("2026.1", "2026.2").replace(
        "PASS-KC-LEADERSHIP,Leadership", "PASS-KC-LEADERSHIP,", 1), encoding="utf-8")
    code, out, err = _run(capsys, "frameworks", "import", str(bad))
    assert code == 2
    assert err.splitlines() == ["error: the CSV file has 1 error; nothing was imported",
                                "  line 12, column name: is required"]
    assert _run(capsys, "frameworks", "export", "asa-skills", "2026.2")[0] == 2
    code, out, _ = _run(capsys, "figures", "--by", "competence", "--format", "json")
    assert (code, json.loads(out)) == (0, {"by": "competence", "period": None, "asOf": "now",
                                           "figures": []})
    code, out, err = _run(capsys, "figures", "--refresh")
    assert err == "refreshed 24 figures in " + err.removeprefix("refreshed 24 figures in ")
    assert out.splitlines()[0].split() == ["total", "period", "learners", "credentials"]
    assert "counted: 20" in out  # from the snapshot just stored, with its date


def test_db_set_origin(service_environment: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "db", "set-origin", "https://badges.test")
    assert (code, err.split(" first")[0]) == (2, "error: the database is at revision none, "
                                                 f"not {head_revision()}: run `microbadges db "
                                                 "upgrade`")
    assert _run(capsys, "db", "upgrade")[0] == 0
    code, out, _ = _run(capsys, "db", "set-origin", "HTTPS://Badges.test/")
    assert code == 0
    assert out.split(": ", 1)[1] == ("origin https://badges.test recorded\n"
                                     "Start the service with "
                                     "MICROBADGES_BASE_URL=https://badges.test.\n")
    code, out, _ = _run(capsys, "db", "set-origin", "https://badges.test")
    assert (code, out.split(": ", 1)[1]) == (0, "origin https://badges.test (recorded already)\n")

    engine = create_database_engine(service_environment)
    try:
        with make_session_factory(engine)() as session:
            create_provider(session, ProviderInput(slug="acme", name="Acme Academy"),
                            vault=KeyVault("k" * 32), base_url="https://badges.test",
                            clock=TestClock())
            session.commit()
    finally:
        engine.dispose()
    code, out, err = _run(capsys, "db", "set-origin", "https://moved.test")
    assert (code, out) == (2, "")
    assert err == ("error: the identifiers of this database's 1 provider, and every credential "
                   "issued so far, name https://badges.test: after the move they keep "
                   "verifying only while https://badges.test keeps serving them. Repeat with "
                   "--break-issued-credentials to move anyway\n")
    # The option the message names (issuer.providers.origin) is the command's.
    code, out, _ = _run(capsys, "db", "set-origin", "https://moved.test", MOVE_CONFIRMATION)
    assert code == 0
    assert out.split(": ", 1)[1].splitlines() == [
        "origin moved from https://badges.test to https://moved.test",
        "The 0 credentials issued so far, and the did:web and https issuer ids of the 1 "
        "provider created before, name https://badges.test: they verify only while "
        "https://badges.test keeps serving them.",
        "Start the service with MICROBADGES_BASE_URL=https://moved.test."]


@pytest.mark.usefixtures("clean_environment")
@pytest.mark.parametrize(("origin", "message"), [
    ("badges.example.org", "error: ORIGIN must be an https origin such as "
                           "https://badges.example.org, got 'badges.example.org'\n"),
    ("http://badges.example.org", "error: ORIGIN must use https except on a loopback host, "
                                  "got 'http://badges.example.org'\n"),
    ("https://badges.example.org/issuers", "error: ORIGIN must be an origin only (scheme, "
                                           "host, port), got "
                                           "'https://badges.example.org/issuers'\n"),
])
def test_db_set_origin_refuses_what_is_not_an_origin(
        capsys: pytest.CaptureFixture[str], origin: str, message: str) -> None:
    assert _run(capsys, "db", "set-origin", origin) == (2, "", message)


@pytest.mark.parametrize("content", [
    '{"slug": ' + "9" * 100_000 + "}",
    '{"slug": ' + "[" * 50_000 + "]" * 50_000 + "}",
], ids=["huge integer", "deep nesting"])
def test_frameworks_import_of_hostile_json_is_one_error_line(
        clean_environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        content: str) -> None:
    hostile = tmp_path / "framework.json"
    hostile.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "frameworks", "import", str(hostile))
    assert (code, out) == (2, "")
    assert err.startswith("error: the file is not a JSON object: ")
    assert err.count("\n") == 1
