"""Revocation and status-check latency: revoke-plus-republish, and a verification whose
status list is fetched over HTTP, or read from the verifier's Cache-Control cache.

Run from the repository root:

    python -m benchmarks.status [--iterations N] [--warmup N] [--json]

The issuer app runs on a fresh SQLite database in a temporary folder, behind Werkzeug's
threaded server on a loopback port (its public origin; the provider is a did:key issuer, as
on any plain-http origin). Each operation is timed on its own with `time.perf_counter_ns()`;
warm-up rounds are untimed; medians and nearest-rank p90 in ms. Rows:

- revoke + republish: `change_status(revoke)` of one credential, as the API route does: row
  locks, set the bit, re-sign the 131,072-entry list (GZIP, RDFC-1.0, Ed25519), the audit
  row, COMMIT. Reference: signing one microbadge (`add_proof`), the cost it is made of.
- verify, status list uncached: `verify_credential()` (all 9 checks) with
  `HttpsDocumentFetcher(allow_private_network=True)`: the list is fetched over loopback
  HTTP, verified (its proof, issuer, dates), decoded and the bit read.
- verify, status list cached: the same with a shared `ResponseCache`, which serves the list
  while its `Cache-Control: max-age=300` lasts (no HTTP; the list is still verified).
- Reference of both: the same credential re-signed without `credentialStatus`, so that the
  difference is the status check itself.

Exit status: 0; 2 when a precondition fails (a revoked credential still verifies, a fresh
one does not, the cache did not serve the list).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from werkzeug.serving import make_server

from badges.data_integrity import add_proof
from benchmarks.sign_verify import BenchmarkError, Timing, machine_info
from issuer.app import create_app
from issuer.awards.issuing import AwardInput, Learner, award_credential
from issuer.awards.models import CredentialRecord
from issuer.awards.revocation import StatusAction, StatusChange, change_status
from issuer.microbadges.services import AchievementInput, create_achievement
from issuer.platform.database import writing
from issuer.platform.settings import Settings
from issuer.providers.models import ProviderRecord
from issuer.providers.services import ProviderInput, create_provider
from issuer.providers.signer import active_signer
from issuer.web.context import IssuerContext
from verifier.fetch import HttpsDocumentFetcher
from verifier.http_cache import ResponseCache
from verifier.report import CheckId, CheckStatus
from verifier.verify import VerifierOptions, verify_credential

DEFAULT_ITERATIONS: Final = 200
DEFAULT_WARMUP: Final = 20
EXIT_PRECONDITION: Final = 2


@dataclass(frozen=True, slots=True)
class Service:
    """The running app: its context, origin and provider."""

    context: IssuerContext
    base_url: str
    provider_id: int
    achievement_id: str


@contextmanager
def running_service(folder: Path) -> Iterator[Service]:
    """The issuer app on a loopback port, with one provider and one microbadge."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    handler: list[Callable[..., Any]] = []
    server = make_server("127.0.0.1", 0, lambda environ, start: handler[0](environ, start),
                         threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app = create_app(Settings(base_url=base_url, database_url=f"sqlite:///{folder}/db.sqlite3",
                              instance_path=folder, secret_file=folder / "secret.key",
                              demo=False, rate_limit_verify=None, rate_limit_token=None))
    handler.append(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context: IssuerContext = app.extensions["microbadges"]
    try:
        with context.sessions() as session:
            provider = create_provider(writing(session), ProviderInput(
                slug="bench", name="Benchmark Academy"), vault=context.vault,
                base_url=base_url, clock=context.clock)
            achievement = create_achievement(session, provider, AchievementInput(
                name="High-voltage battery safety", description="Works safely on HV batteries.",
                criteria_narrative="Passed the practical assessment."), base_url=base_url,
                clock=context.clock)
            session.commit()
            yield Service(context, base_url, provider.id, achievement.public_id)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        context.engine.dispose()


def award(service: Service, number: int) -> CredentialRecord:
    """One award through the service layer."""
    with service.context.sessions() as session:
        provider = writing(session).get_one(ProviderRecord, service.provider_id)
        record, _ = award_credential(
            session, provider,
            AwardInput(achievement_id=service.achievement_id,
                       learner=Learner(email=f"learner{number}@example.org")),
            service.context.issuance())
        return record


def measure_revoke(service: Service, iterations: int, warmup: int) -> tuple[Timing, Timing]:
    """(revoke + republish, the reference sign), alternating one of each."""
    records = [award(service, number) for number in range(iterations + warmup)]
    change = StatusChange(action=StatusAction.REVOKE, actor="benchmark", reason="benchmark")
    signer = service.context.issuance()
    revoke_ms, sign_ms = [], []
    for number, record in enumerate(records):
        with service.context.sessions() as session:
            provider = writing(session).get_one(ProviderRecord, service.provider_id)
            credential = session.get_one(CredentialRecord, record.id)
            key_signer = active_signer(provider, service.context.vault)
            method, key = key_signer.verification_method, key_signer.key_pair
            document = json.loads(credential.document)
            del document["proof"]
            started = time.perf_counter_ns()
            change_status(session, provider, credential, change, signer)
            revoke = (time.perf_counter_ns() - started) / 1e6
            started = time.perf_counter_ns()
            add_proof(document, key, verification_method=method,
                      created=service.context.clock())
            sign = (time.perf_counter_ns() - started) / 1e6
        if number >= warmup:
            revoke_ms.append(revoke)
            sign_ms.append(sign)
    return Timing.of(revoke_ms), Timing.of(sign_ms)


def _verified(document: dict[str, Any], options: VerifierOptions) -> CheckStatus:
    report = verify_credential(document, options)
    if not report.verified:
        raise BenchmarkError(f"a fresh credential does not verify: {report.first_problem}")
    return report.check(CheckId.STATUS).status


def measure_status(service: Service, iterations: int, warmup: int) -> dict[str, Timing]:
    """Full verifications: the list uncached, cached, and no status at all."""
    with service.context.sessions() as session:
        credential = json.loads(award(service, 10**6).document)
        provider = session.get_one(ProviderRecord, service.provider_id)
        signer = active_signer(provider, service.context.vault)
        method, key = signer.verification_method, signer.key_pair
    unsigned = {name: value for name, value in credential.items()
                if name not in ("proof", "credentialStatus")}
    without_status = add_proof(unsigned, key, verification_method=method,
                               created=service.context.clock())
    cache = ResponseCache()
    cases = {
        "uncached": (credential, HttpsDocumentFetcher(allow_private_network=True)),
        "cached": (credential, HttpsDocumentFetcher(allow_private_network=True, cache=cache)),
        "no status": (without_status, HttpsDocumentFetcher(allow_private_network=True)),
    }
    expected = {"uncached": CheckStatus.PASSED, "cached": CheckStatus.PASSED,
                "no status": CheckStatus.SKIPPED}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for number in range(iterations + warmup):
        for name, (document, fetcher) in cases.items():
            options = VerifierOptions(fetcher=fetcher)
            started = time.perf_counter_ns()
            status = _verified(document, options)
            elapsed = (time.perf_counter_ns() - started) / 1e6
            if status is not expected[name]:
                raise BenchmarkError(f"{name}: the status check was {status}")
            if number >= warmup:
                samples[name].append(elapsed)
    if len(cache) != 1:
        raise BenchmarkError("the cache did not keep the status list")
    return {name: Timing.of(values) for name, values in samples.items()}


def check_revoked(service: Service) -> None:
    """A revoked credential no longer verifies (through HTTP, uncached)."""
    with service.context.sessions() as session:
        revoked = session.scalars(select(CredentialRecord).where(
            CredentialRecord.state == "revoked").limit(1)).one()
        document = json.loads(revoked.document)
    report = verify_credential(document, VerifierOptions(
        fetcher=HttpsDocumentFetcher(allow_private_network=True)))
    if report.verified or report.check(CheckId.STATUS).code != "revoked":
        raise BenchmarkError("a revoked credential still verifies")


def run(iterations: int, warmup: int) -> dict[str, Any]:
    """Every measurement, as a JSON-ready dictionary."""
    with tempfile.TemporaryDirectory(prefix="microbadges-status-") as folder, \
            running_service(Path(folder)) as service:
        revoke, sign = measure_revoke(service, iterations, warmup)
        check_revoked(service)
        status = measure_status(service, iterations, warmup)
    return {"settings": {"iterations": iterations, "warmup": warmup},
            "machine": machine_info(),
            "rows": {"revoke + republish": revoke.to_json(),
                     "sign one microbadge (reference)": sign.to_json(),
                     "verify, status list uncached (HTTP)": status["uncached"].to_json(),
                     "verify, status list cached": status["cached"].to_json(),
                     "verify, no status (reference)": status["no status"].to_json()},
            "ratios": {
                "revoke / sign": round(revoke.median_ms / sign.median_ms, 2),
                "status check uncached, ms": round(status["uncached"].median_ms
                                                   - status["no status"].median_ms, 3),
                "status check cached, ms": round(status["cached"].median_ms
                                                 - status["no status"].median_ms, 3),
                "uncached / cached": round(status["uncached"].median_ms
                                           / status["cached"].median_ms, 2)}}


def render(results: dict[str, Any]) -> str:
    """The results as a table."""
    lines = [f"microbadges status benchmark: {results['settings']['iterations']} timed ops "
             f"after {results['settings']['warmup']} warm-up rounds", "",
             f"{'operation':<40} | {'median ms':>9} | {'p90 ms':>8}", "-" * 64]
    for name, row in results["rows"].items():
        lines.append(f"{name:<40} | {row['median_ms']:>9.3f} | {row['p90_ms']:>8.3f}")
    lines.append("")
    lines += [f"{name}: {value}" for name, value in results["ratios"].items()]
    machine = results["machine"]
    lines.append(f"machine: commit={machine.get('commit')}, python={machine['python']}, "
                 f"cpu_count={machine['cpu_count']}, cpu_model={machine.get('cpu_model')}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m benchmarks.status`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.status",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.iterations < 1 or args.warmup < 0:
        parser.error("--iterations must be >= 1 and --warmup >= 0")
    try:
        results = run(args.iterations, args.warmup)
    except BenchmarkError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return EXIT_PRECONDITION
    print(json.dumps(results, indent=2) if args.json else render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
