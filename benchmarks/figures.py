"""Upskilling figures at scale: every figure the API offers, on 1,000,000 credentials, on
SQLite and PostgreSQL, against the issue's budget of one second per answer: answered from
the snapshots (`issuer.figures.services.refresh_figures`), and counted live.

Run from the repository root:

    python -m benchmarks.figures [--rows N] [--repeat N] [--backends sqlite,postgresql]
                                 [--json] [--postgres-url URL]

For each backend, on a fresh database (SQLite in a temporary folder; PostgreSQL in a fresh
schema of the `test` database, dropped at the end), migrated like the service's, it
imports the demo framework (8 competences, 5 job roles), creates 24 providers in 8
countries with 60 microbadges proving 1 to 3 competences at random levels, and inserts
`--rows` credential rows (default 1,000,000) for 250,000 learners issued over three years,
3% of them revoked and 2% superseded. The rows carry every column the figures read; their
`document` is a placeholder (`{}`): signing a million credentials would take the best part
of an hour and the figures never read it. Then ANALYZE (PostgreSQL: VACUUM ANALYZE, as
autovacuum would), one snapshot refresh, which counts every figure live once (by total,
competence, framework, job role, provider, country; with no period, by month, by quarter,
by year) and reports each count's time; then answering each figure (no period, by year, by
quarter) from its snapshot is timed `--repeat` times (default 5): the median is reported,
and its ratio to the 1,000 ms budget.

Exit status: 0 on success (whether or not the budget is met: the table says), 1 when a
requested backend could not be run, 2 when a figure does not add up (the total of a
by-provider figure differs from the overall total).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, insert, select, text

from badges.clock import system_clock
from benchmarks.award import (
    POSTGRES_URL,
    BackendUnavailableError,
    open_backend,
    server_version,
)
from benchmarks.sign_verify import BenchmarkError, machine_info
from issuer.awards.models import CredentialRecord
from issuer.awards.queries import learner_key
from issuer.figures.services import DIMENSIONS, FigureQuery, answer_figures, refresh_figures
from issuer.frameworks.json_format import framework_input_from_json
from issuer.frameworks.models import CompetenceRecord
from issuer.frameworks.services import import_framework
from issuer.microbadges.models import AchievementRecord, AchievementSkillRecord
from issuer.platform.database import make_session_factory, upgrade_database
from issuer.providers.models import ProviderRecord
from issuer.seed import DEMO_FRAMEWORK

DEFAULT_ROWS: Final = 1_000_000
DEFAULT_REPEAT: Final = 5
BUDGET_MS: Final = 1000.0
LEARNERS: Final = 250_000
COUNTRIES: Final = ("DE", "FR", "IT", "ES", "PL", "CZ", "SE", "RO")
PERIODS: Final = (None, "year", "quarter")
_CHUNK: Final = 20_000
_START: Final = datetime(2024, 1, 1, tzinfo=UTC)


def seed(engine: Engine, rows: int) -> float:
    """The framework, providers, microbadges and `rows` credentials; returns seconds."""
    started = time.perf_counter()
    rng = random.Random(1_000_000)
    sessions = make_session_factory(engine)
    with sessions() as session:
        import_framework(session, framework_input_from_json(json.loads(
            DEMO_FRAMEWORK.read_text(encoding="utf-8"))), owner=None, clock=system_clock)
        competences = list(session.scalars(select(CompetenceRecord)))
        now = system_clock()
        providers = [ProviderRecord(slug=f"provider-{index}", issuer_id=f"did:web:b:{index}",
                                    identifier_method="did:web", name=f"Provider {index}",
                                    address={"address_country_code": COUNTRIES[index % 8]},
                                    created_at=now) for index in range(24)]
        session.add_all(providers)
        session.flush()
        achievements = [AchievementRecord(
            public_id=str(uuid.uuid4()), provider_id=providers[index % 24].id,
            name=f"Microbadge {index}", description="benchmark", alignment=[], tags=[],
            created_at=now, updated_at=now,
            skills=[AchievementSkillRecord(competence=competence,
                                           level=rng.choice(("awareness", "practitioner",
                                                             "expert")))
                    for competence in rng.sample(competences, rng.randint(1, 3))])
            for index in range(60)]
        session.add_all(achievements)
        session.commit()
        pairs = [(record.id, record.provider_id) for record in achievements]
    keys = [learner_key(f"learner{index}@example.org", None) for index in range(LEARNERS)]
    span = int(timedelta(days=3 * 365).total_seconds())
    for start in range(0, rows, _CHUNK):
        batch = []
        for index in range(start, min(rows, start + _CHUNK)):
            achievement_id, provider_id = pairs[rng.randrange(len(pairs))]
            draw = rng.random()
            batch.append({
                "credential_id": f"urn:uuid:{uuid.UUID(int=index)}", "provider_id": provider_id,
                "achievement_id": achievement_id, "kind": "award",
                "state": "revoked" if draw < 0.03 else "superseded" if draw < 0.05 else "active",
                "learner_key": keys[rng.randrange(LEARNERS)],
                "issued_at": _START + timedelta(seconds=rng.randrange(span)),
                "verification_method": "did:web:b:0#key-1", "document": "{}"})
        _insert(engine, batch)
    if engine.dialect.name == "postgresql":  # what autovacuum does: index-only scans
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def _insert(engine: Engine, batch: list[dict[str, Any]]) -> None:
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            connection.execute(insert(CredentialRecord), batch)
        return
    columns = list(batch[0])
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()  # a psycopg cursor: COPY (the loading is not measured)
        with cursor, cursor.copy(f"COPY credentials ({', '.join(columns)}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row([row[name] for name in columns])
        raw.commit()
    finally:
        raw.close()


def measure(engine: Engine, repeat: int) -> tuple[float, list[dict[str, Any]]]:
    """The refresh's seconds (every snapshot, monthly ones included), and per figure: the
    live count's time (as the refresh measured it, one run) and the median time of
    answering from the snapshot."""
    sessions = make_session_factory(engine)
    results = []
    with sessions() as session:
        started = time.perf_counter()
        live = refresh_figures(session, system_clock)
        refresh_s = time.perf_counter() - started
        totals: dict[str | None, int] = {}
        for by in DIMENSIONS:
            for period in PERIODS:
                query = FigureQuery(by=by, period=period)
                figures, as_of = answer_figures(session, query)
                if as_of is None:
                    raise BenchmarkError(f"no snapshot of {by}/{period} after the refresh")
                samples = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    answer_figures(session, query)
                    samples.append((time.perf_counter() - started) * 1000)
                if by == "total":
                    totals[period] = sum(figure.credentials for figure in figures)
                if by == "provider" and sum(figure.credentials for figure in figures) != \
                        totals.get(period):
                    raise BenchmarkError(f"by provider ({period}) does not add up to the total")
                median = statistics.median(samples)
                results.append({"by": by, "period": period or "-", "groups": len(figures),
                                "answer_ms": round(median, 2),
                                "budget_ratio": round(median / BUDGET_MS, 4),
                                "live_ms": round(live[f"{by}/{period or '-'}"] * 1000, 1)})
    return refresh_s, results


def measure_provider(engine: Engine, repeat: int) -> list[dict[str, Any]]:
    """One provider's own figures (1/24 of the rows), which are always counted live:
    median milliseconds per figure."""
    sessions = make_session_factory(engine)
    results = []
    with sessions() as session:
        provider_id = session.scalar(select(ProviderRecord.id).order_by(ProviderRecord.id))
        for by in DIMENSIONS:
            for period in PERIODS:
                query = FigureQuery(by=by, period=period, provider_id=provider_id)
                figures, _ = answer_figures(session, query)
                samples = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    answer_figures(session, query)
                    samples.append((time.perf_counter() - started) * 1000)
                median = statistics.median(samples)
                results.append({"by": by, "period": period or "-", "groups": len(figures),
                                "answer_ms": round(median, 1),
                                "budget_ratio": round(median / BUDGET_MS, 4)})
    return results


def run_backend(backend: str, engine: Engine, *, rows: int, repeat: int) -> dict[str, Any]:
    upgrade_database(engine)
    seconds = seed(engine, rows)
    refresh_s, figures = measure(engine, repeat)
    return {"backend": backend, "server": server_version(engine), "rows": rows,
            "seed_s": round(seconds, 1), "refresh_s": round(refresh_s, 1), "figures": figures,
            "provider_figures": measure_provider(engine, repeat)}


def render(report: dict[str, Any]) -> str:
    out = [f"microbadges figures benchmark, {report['started']}: "
           f"{report['rows']:,} credentials, median of {report['repeat']} runs, "
           f"budget {BUDGET_MS:.0f} ms", ""]
    for result in report["backends"]:
        out.append(f"{result['backend']} ({result['server']}), seeded in {result['seed_s']} s")
        out.append(f"  {'by':<12} {'period':<8} {'groups':>6} {'answer ms':>10} "
                   f"{'/ budget':>9} {'live ms':>9}")
        for row in result["figures"]:
            out.append(f"  {row['by']:<12} {row['period']:<8} {row['groups']:>6} "
                       f"{row['answer_ms']:>10.2f} {row['budget_ratio']:>8.4f}x "
                       f"{row['live_ms']:>9.1f}")
        worst = max(row["answer_ms"] for row in result["figures"])
        refresh = result["refresh_s"]
        verdict = "within" if worst < BUDGET_MS else "OVER"
        out.append(f"  slowest answer: {worst:.2f} ms ({verdict} the budget); "
                   f"refreshing every snapshot (24 live counts, by month too): {refresh:.1f} s")
        out.append("  one provider's own figures (live):")
        for row in result["provider_figures"]:
            out.append(f"  {row['by']:<12} {row['period']:<8} {row['groups']:>6} "
                       f"{row['answer_ms']:>10.1f} {row['budget_ratio']:>8.4f}x")
        worst = max(row["answer_ms"] for row in result["provider_figures"])
        verdict = "within" if worst < BUDGET_MS else "OVER"
        out.append(f"  slowest: {worst:.1f} ms ({verdict} the budget)")
        out.append("")
    for backend, reason in report["skipped"].items():
        out.append(f"{backend}: not run: {reason}")
    out.append("machine: " + ", ".join(f"{key}={value}" for key, value in
                                       report["machine"].items()))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.figures",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if not backends or set(backends) - {"sqlite", "postgresql"} or args.rows < 1 \
            or args.repeat < 1:
        parser.error("--backends is sqlite and/or postgresql; --rows and --repeat >= 1")
    report: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                              "rows": args.rows, "repeat": args.repeat, "backends": [],
                              "skipped": {}, "machine": machine_info()}
    try:
        with tempfile.TemporaryDirectory(prefix="mb-figures-") as workdir:
            for backend in backends:
                try:
                    with open_backend(backend, Path(workdir), args.postgres_url) as engine:
                        report["backends"].append(run_backend(backend, engine, rows=args.rows,
                                                              repeat=args.repeat))
                except BackendUnavailableError as error:
                    report["skipped"][backend] = str(error)
    except BenchmarkError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return 2
    stream = io.StringIO()
    print(json.dumps(report, indent=2) if args.json else render(report), file=stream)
    sys.stdout.write(stream.getvalue())
    return 1 if report["skipped"] else 0


if __name__ == "__main__":
    sys.exit(main())
