"""Revocation round trip through every verifier front end, and the `microbadges credentials`
command on the service database: award → verifies (library, CLI, VC-API); revoke → the same
credential fails with `revoked`; suspend / unsuspend from the command line flip the bits.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from badges.status_list import decode_status_list, get_status
from issuer.platform.settings import Settings
from tests.issuer.api_setup import Tenant, award, create_achievement
from tests.issuer.support import BASE_URL, ServiceFetcher, TestClock, json_of
from verifier.report import CheckId, CheckStatus
from verifier.verify import VerifierOptions, verify_credential

NOW = "2026-03-02T10:00:00Z"  # the test clock, for `verify --now`


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("MICROBADGES_")}
    environment.update(MICROBADGES_DATABASE_URL=settings.database_url,
                       MICROBADGES_SECRET_FILE=str(settings.secret_file),
                       MICROBADGES_BASE_URL=BASE_URL, MICROBADGES_DEMO="false",
                       MICROBADGES_INSTANCE_PATH=str(settings.instance_path))
    return subprocess.run([sys.executable, "-m", "cli.main", *args], env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def _documents(client: FlaskClient, tmp_path: Path, credential: dict[str, Any]) -> list[str]:
    """`--document URL=FILE` options with the service's did.json and status list."""
    urls = [f"{BASE_URL}/issuers/alpha/did.json",
            credential["credentialStatus"]["statusListCredential"]]
    options = []
    for number, url in enumerate(urls):
        path = tmp_path / f"document-{number}.json"
        path.write_bytes(client.get(url.removeprefix(BASE_URL)).get_data())
        options += ["--document", f"{url}={path}"]
    return options


def _cli_verify(settings: Settings, client: FlaskClient, tmp_path: Path,
                credential: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    return _cli(settings, "verify", str(path), "--offline", "--now", NOW,
                *_documents(client, tmp_path, credential))


def test_revocation_reaches_the_library_the_cli_and_the_vc_api(
        app: Flask, client: FlaskClient, settings: Settings, tenant: Tenant,
        clock: TestClock, tmp_path: Path) -> None:
    view = award(client, tenant, create_achievement(client, tenant)["id"])
    credential = view["credential"]
    options = VerifierOptions(clock=clock, fetcher=ServiceFetcher(client), require_issuer=True)
    assert verify_credential(credential, options).verified
    verified = _cli_verify(settings, client, tmp_path, credential)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Verdict: VERIFIED" in verified.stdout
    assert client.post("/credentials/verify",
                       json={"verifiableCredential": credential}).status_code == 200

    path = f"/api/v1/credentials/{credential['id'].removeprefix('urn:uuid:')}/revoke"
    assert client.post(path, headers=tenant.headers,
                       json={"reason": "awarded by mistake"}).status_code == 200

    report = verify_credential(credential, options)
    status = report.check(CheckId.STATUS)
    assert (report.verified, status.status, status.code) == (False, CheckStatus.FAILED,
                                                             "revoked")
    refused = _cli_verify(settings, client, tmp_path, credential)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "NOT VERIFIED (status: revoked)" in refused.stdout
    answer = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert answer.status_code == 422
    assert {check["id"]: check.get("code") for check in json_of(answer)["checks"]}[
        "status"] == "revoked"


def _bit(client: FlaskClient, entry: dict[str, str]) -> bool:
    listed = json_of(client.get(entry["statusListCredential"].removeprefix(BASE_URL)))
    return get_status(decode_status_list(listed["credentialSubject"]["encodedList"]),
                      int(entry["statusListIndex"]))


def test_the_credentials_command(app: Flask, client: FlaskClient, settings: Settings,
                                 tenant: Tenant) -> None:
    assert client.patch("/api/v1/provider", headers=tenant.headers,
                        json={"suspensionEnabled": True}).status_code == 200
    achievement_id = create_achievement(client, tenant)["id"]
    first = award(client, tenant, achievement_id)
    second = award(client, tenant, achievement_id, email="grace@example.org")
    revocation, suspension = first["credential"]["credentialStatus"]

    suspended = _cli(settings, "credentials", "suspend", first["id"], "--provider", "alpha",
                     "--reason", "under investigation")
    assert suspended.returncode == 0, suspended.stderr
    assert suspended.stdout.splitlines()[0] == f"suspended: {first['id']}"
    assert _bit(client, suspension)
    assert not _bit(client, revocation)
    unsuspended = _cli(settings, "credentials", "unsuspend",
                       first["id"].removeprefix("urn:uuid:"), "--provider", "alpha", "--json")
    assert json.loads(unsuspended.stdout) == {"changed": [first["id"]], "unchanged": []}
    assert not _bit(client, suspension)

    bulk = _cli(settings, "credentials", "bulk-revoke", "--provider", "alpha",
                "--achievement", achievement_id, "--issued-after", "2026-03-02",
                "--reason", "session void", "--json")
    assert bulk.returncode == 0, bulk.stderr
    assert sorted(json.loads(bulk.stdout)["changed"]) == sorted([first["id"], second["id"]])
    assert _bit(client, revocation)
    events = json_of(client.get("/api/v1/audit-events", headers=tenant.headers))["items"]
    # The bulk revocation logs an event per credential.
    assert [event["action"] for event in events] == ["revoke", "revoke", "unsuspend",
                                                     "suspend"]
    assert all(event["actor"].startswith("cli:") for event in events)
    assert events[0]["reason"] == "session void"

    repeated = _cli(settings, "credentials", "revoke", first["id"], "--provider", "alpha",
                    "--reason", "again")
    assert repeated.returncode == 0
    assert repeated.stdout.splitlines()[0] == f"unchanged (nothing to do): {first['id']}"
    assert repeated.stderr == ""  # nothing but results: no warning either
    foreign = _cli(settings, "credentials", "bulk-revoke", "--provider", "alpha",
                   "--achievement", "00000000-0000-4000-8000-000000000000", "--reason", "x")
    assert foreign.returncode == 2
    assert "no microbadge" in foreign.stderr

    again = _cli(settings, "credentials", "suspend", first["id"], "--provider", "alpha")
    assert again.returncode == 2
    assert again.stderr.startswith("error: ")
    assert "revoked" in again.stderr
    unknown = _cli(settings, "credentials", "revoke", "urn:uuid:00000000-0000-4000-8000-"
                   "000000000000", "--provider", "alpha", "--reason", "x")
    assert unknown.returncode == 2
    assert "no credential" in unknown.stderr
    empty = _cli(settings, "credentials", "bulk-revoke", "--provider", "alpha",
                 "--reason", "x")
    assert empty.returncode == 2
    assert "empty filter" in empty.stderr
