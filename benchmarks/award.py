"""Awarding throughput: microbadges awarded through the service layer against pure signing.

Run from the repository root:

    python -m benchmarks.award [--count N] [--warmup N] [--backends sqlite,postgresql]
                               [--quick] [--json] [--postgres-url URL]

For each backend, on a fresh database (SQLite in a temporary folder; PostgreSQL in a fresh
schema of the `test` database, dropped at the end), it creates a training provider (did:web,
profile with address and image) and a microbadge shaped like the realistic sample of
`tests/samples.py` (criteria, image, 3 alignments, and the EU micro-credential elements a
`MicroCredential` must state), then times, one `time.perf_counter_ns()`
pair per credential:

- sign: what signing costs without a database: `build_credential(...)` + `add_proof(...)` of
  the same credential (issuer Profile and Achievement built once beforehand; per credential a
  fresh urn:uuid, a salted hashed e-mail and the current time);
- award: what one award request does in the service layer: a new Session, `writing()`
  (BEGIN IMMEDIATE on SQLite), the provider by id, then `award_credential(...)`, which reads
  the microbadge, builds, signs, INSERTs and COMMITs the credential; the Session is closed;
- bulk: what one bulk request (`POST /api/v1/credentials/bulk`) does in the service layer
  for a cohort of 100: `award_credentials(...)`, one transaction for all of them; timed per
  transaction and reported per credential (the transaction's time / 100).

Signs, awards and bulk awards alternate in blocks, so that a disturbance of the (shared)
machine hits them alike. The overhead of the database path is (award - sign) / sign, on
means (throughput) and on medians. SQLAlchemy events split an award's time into SQL
statements, COMMIT and the rest.

Exit status: 0 on success; 1 when a requested backend could not be run (PostgreSQL not
reachable: the other backends are still measured); 2 when a benchmark precondition failed
(an award was not stored, a stored credential does not verify, the two paths sign different
kinds of credential).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import json
import os
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from badges.clock import system_clock
from badges.credential import build_credential
from badges.data_integrity import add_proof, verify_proof
from badges.micro_credential import EuElements
from badges.model import (
    Achievement,
    AchievementSubject,
    AchievementType,
    Address,
    Alignment,
    IdentityObject,
    Profile,
)
from badges.status_documents import StatusPurpose, build_status_entry
from benchmarks.sign_verify import BenchmarkError, machine_info
from issuer.awards.issuance import Issuance
from issuer.awards.issuing import AwardInput, Learner, award_credential, award_credentials
from issuer.awards.models import CredentialRecord
from issuer.awards.status_lists import LIST_SIZE
from issuer.microbadges.images import store_image
from issuer.microbadges.models import AchievementRecord
from issuer.microbadges.services import (
    AchievementInput,
    achievement_model,
    create_achievement,
    set_achievement_image,
)
from issuer.platform.database import (
    create_database_engine,
    make_session_factory,
    upgrade_database,
    writing,
)
from issuer.platform.key_vault import KeyVault
from issuer.platform.urls import status_list_path
from issuer.providers.models import ProviderRecord
from issuer.providers.services import ProviderInput, create_provider, provider_profile
from issuer.providers.signer import active_signer
from keys.key_pair import KeyPair
from keys.public_key import PublicKey
from tests.samples import ORIGIN, realistic_microbadge

DEFAULT_COUNT: Final = 10_000
DEFAULT_WARMUP: Final = 100
QUICK_COUNT: Final = 300
QUICK_WARMUP: Final = 20
BLOCK: Final = 500
BULK: Final = 100  # awards per transaction on the bulk path
BACKENDS: Final = ("sqlite", "postgresql")
POSTGRES_URL: Final = os.environ.get(
    "MICROBADGES_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_OVERHEAD: Final = 0.20
# The hashed-email salt of an award (issuer.awards.issuing uses 12 random bytes too).
SALT_BYTES: Final = 12

EXIT_BACKEND_NOT_RUN: Final = 1
EXIT_PRECONDITION: Final = 2


class BackendUnavailableError(Exception):
    """A requested database cannot be reached: its figures are skipped."""


@dataclass(frozen=True, slots=True)
class Latency:
    """Per-credential times in milliseconds, and the throughput they add up to."""

    median_ms: float
    p95_ms: float
    mean_ms: float
    samples: int

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Latency:
        if not samples_ms:
            raise BenchmarkError("no samples")
        ordered = sorted(samples_ms)
        # Nearest-rank 95th percentile.
        p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
        return cls(statistics.median(ordered), p95, statistics.fmean(ordered), len(ordered))

    @property
    def per_second(self) -> float:
        """Credentials per second: samples / the sum of the timed operations."""
        return 1000.0 / self.mean_ms

    def to_json(self) -> dict[str, Any]:
        return {"credentials_per_s": round(self.per_second, 1),
                "median_ms": round(self.median_ms, 4), "p95_ms": round(self.p95_ms, 4),
                "mean_ms": round(self.mean_ms, 4), "samples": self.samples}


@dataclass(frozen=True, slots=True)
class DbSplit:
    """Where an award's time goes in the database, as means per award (additive)."""

    statements: float
    sql_ms: float
    commit_ms: float
    flush_ms: float
    by_statement: dict[str, tuple[float, float]]  # label -> (executions, ms) per award

    def to_json(self) -> dict[str, Any]:
        return {"statements_per_award": round(self.statements, 3),
                "sql_ms": round(self.sql_ms, 4), "commit_ms": round(self.commit_ms, 4),
                "flush_ms": round(self.flush_ms, 4),
                "by_statement": {label: {"per_award": round(count, 3), "ms": round(ms, 4)}
                                 for label, (count, ms) in self.by_statement.items()}}


@dataclass(frozen=True, slots=True)
class BackendResult:
    """The figures of one database."""

    backend: str
    server: str
    sign: Latency
    award: Latency
    bulk: Latency  # per credential, from the time of each transaction of BULK awards
    split: DbSplit
    stored: int

    @property
    def bulk_overhead_mean(self) -> float:
        """(bulk - sign) / sign on mean times per credential."""
        return (self.bulk.mean_ms - self.sign.mean_ms) / self.sign.mean_ms

    @property
    def overhead_mean(self) -> float:
        """(award - sign) / sign on mean times, i.e. on throughput."""
        return (self.award.mean_ms - self.sign.mean_ms) / self.sign.mean_ms

    @property
    def overhead_median(self) -> float:
        """(award - sign) / sign on medians."""
        return (self.award.median_ms - self.sign.median_ms) / self.sign.median_ms

    @property
    def python_ms(self) -> float:
        """Mean time of an award outside SQL statements and COMMIT (signing included)."""
        return self.award.mean_ms - self.split.sql_ms - self.split.commit_ms

    def to_json(self) -> dict[str, Any]:
        return {"server": self.server, "sign": self.sign.to_json(),
                "award": self.award.to_json(), "bulk": self.bulk.to_json(),
                "bulk_overhead_on_means": round(self.bulk_overhead_mean, 4),
                "overhead_on_means": round(self.overhead_mean, 4),
                "overhead_on_medians": round(self.overhead_median, 4),
                "within_target": self.overhead_mean < TARGET_OVERHEAD,
                "db_split": {**self.split.to_json(), "python_ms": round(self.python_ms, 4)},
                "credentials_stored": self.stored}


@dataclass
class Results:
    """Everything a run produced."""

    backends: list[BackendResult]
    skipped: dict[str, str]
    machine: dict[str, Any]
    settings: dict[str, Any]


# --- the issuer's data ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Issuer:
    """The provider and microbadge every credential of a run is awarded from."""

    sessions: sessionmaker[Session]
    vault: KeyVault
    provider_id: int
    achievement_id: str

    @property
    def signer(self) -> Issuance:
        """Keys, origin and clock of the awards (and of the status lists they start)."""
        return Issuance(vault=self.vault, base_url=ORIGIN, clock=system_clock)


@cache
def badge_png(side: int = 256, speckled: float = 0.4) -> bytes:
    """A valid PNG badge image of typical size (~48 KB for the defaults): a flat colour
    with a deterministic share of speckled pixels, so that it does not compress away."""
    rng = random.Random(7)
    raw = bytearray()
    for _ in range(side):
        raw += b"\x00"  # filter type None
        for _ in range(side):
            raw += (bytes((rng.randrange(256), 83, 148)) if rng.random() < speckled
                    else b"\x0b\x53\x94")

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def _sample_achievement() -> dict[str, Any]:
    subject: dict[str, Any] = realistic_microbadge()["credentialSubject"]
    return dict(subject["achievement"])


def create_issuer(sessions: sessionmaker[Session], vault: KeyVault) -> Issuer:
    """A did:web provider and a microbadge shaped like the sample's (committed)."""
    sample = _sample_achievement()
    with sessions() as session:
        provider = create_provider(session, ProviderInput(
            slug="asa-academy", name="ASA Automotive Academy", url=ORIGIN,
            email="badges@asa-academy.example", image_url=f"{ORIGIN}/images/academy.png",
            address=Address(address_country="Germany", address_country_code="DE",
                            address_locality="Stuttgart"),
        ), vault=vault, base_url=ORIGIN, clock=system_clock)
        record = create_achievement(session, provider, AchievementInput(
            name=sample["name"], description=sample["description"],
            criteria_narrative=sample["criteria"]["narrative"],
            achievement_type=AchievementType.MICRO_CREDENTIAL.value,
            image_caption=sample["image"]["caption"],
            alignment=tuple(Alignment(
                target_name=item["targetName"], target_url=item["targetUrl"],
                target_code=item.get("targetCode"), target_framework=item["targetFramework"],
                target_type=item["targetType"]) for item in sample["alignment"]),
            credits_available=Decimal(sample["creditsAvailable"]),
            elements=EuElements(
                learning_outcomes=("Isolates a high-voltage system safely.",
                                   "Checks the absence of voltage before work."),
                eqf_level=4, assessment="practical-test", participation="blended",
                quality_assurance="internal", supervision="supervised-id"),
        ), base_url=ORIGIN, clock=system_clock)
        image = store_image(session, provider, badge_png(), "image/png", clock=system_clock)
        set_achievement_image(record, image, clock=system_clock)
        session.commit()
        return Issuer(sessions, vault, provider.id, record.public_id)


@dataclass(frozen=True, slots=True)
class Signer:
    """What the pure-sign path needs, taken from the issuer's records once."""

    issuer: Profile
    achievement: Achievement
    name: str
    description: str
    method: str
    key: KeyPair
    list_url: str


def load_signer(issuer: Issuer) -> Signer:
    """The provider's Profile, microbadge and active key, as award_credential uses them."""
    with issuer.sessions() as session:
        provider = session.get(ProviderRecord, issuer.provider_id)
        record = session.scalar(select(AchievementRecord).where(
            AchievementRecord.public_id == issuer.achievement_id))
        if provider is None or record is None:
            raise BenchmarkError("the provider or the microbadge was not stored")
        signer = active_signer(provider, issuer.vault)
        method, key = signer.verification_method, signer.key_pair
        # The URL shape of the provider's revocation list (the list itself is started by
        # the first award).
        list_url = ORIGIN + status_list_path(provider.slug, str(uuid.uuid4()))
        return Signer(provider_profile(provider), achievement_model(ORIGIN, record),
                      record.name, record.description, method, key, list_url)


# --- the two timed operations ---------------------------------------------------------------

def sign_one(signer: Signer, email: str) -> dict[str, Any]:
    """Build and sign one credential, as award_credential does, without a database."""
    now = system_clock()
    subject = AchievementSubject(
        identifier=(IdentityObject.hashed_email(email, salt=secrets.token_hex(SALT_BYTES)),),
        achievement=signer.achievement)
    index = secrets.randbelow(LIST_SIZE)
    document = build_credential(
        credential_id=f"urn:uuid:{uuid.uuid4()}", issuer=signer.issuer, subject=subject,
        valid_from=now, name=signer.name, description=signer.description, awarded_date=now,
        credential_status=build_status_entry(list_url=signer.list_url, index=index,
                                             purpose=StatusPurpose.REVOCATION))
    return add_proof(document, signer.key, verification_method=signer.method, created=now)


def award_one(issuer: Issuer, data: AwardInput) -> tuple[CredentialRecord, bool]:
    """One award request's work in the service layer: its own Session and transaction."""
    with issuer.sessions() as session:
        writing(session)
        provider = session.get(ProviderRecord, issuer.provider_id)
        if provider is None:
            raise BenchmarkError("the provider disappeared")
        return award_credential(session, provider, data, issuer.signer)


def award_bulk(issuer: Issuer, inputs: Sequence[AwardInput]) -> list[CredentialRecord]:
    """One bulk request's work in the service layer: its own Session, one transaction."""
    with issuer.sessions() as session:
        writing(session)
        provider = session.get(ProviderRecord, issuer.provider_id)
        if provider is None:
            raise BenchmarkError("the provider disappeared")
        records, _ = award_credentials(session, provider, inputs, issuer.signer)
        return records


def award_request(issuer: Issuer, index: int, phase: str) -> AwardInput:
    """The award request for learner `index` of `phase` (prepared outside the timed
    region, as the API parses it before calling the service layer)."""
    return AwardInput(achievement_id=issuer.achievement_id, learner=Learner(
        email=learner_email(index, phase), name=f"Learner {phase} {index}"))


def learner_email(index: int, phase: str) -> str:
    """A distinct learner address per award."""
    return f"{phase}{index:05d}@learners.example"


def _expect_signed(result: object) -> None:
    if not isinstance(result, dict) or not result.get("proof"):
        raise BenchmarkError("add_proof returned no proof")


def _expect_created(result: object) -> None:
    if (not isinstance(result, tuple) or not isinstance(result[0], CredentialRecord)
            or result[1] is not True or not result[0].document.startswith("{")):
        raise BenchmarkError(f"award_credential did not create a credential: {result!r}")


# --- database instrumentation ---------------------------------------------------------------

_LABEL: Final = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)', re.IGNORECASE)


def statement_label(statement: str) -> str:
    """`SELECT providers`, `INSERT credentials`, `BEGIN IMMEDIATE`, ..."""
    words = statement.split()
    verb = " ".join(words[:2]) if words[:1] == ["BEGIN"] else (words[0] if words else "?")
    table = _LABEL.search(statement)
    return f"{verb.upper()} {table.group(1)}" if table else verb.upper()


@dataclass
class DbProbe:
    """Sums time spent in SQL statements, flushes and COMMITs (SQLAlchemy events)."""

    statements: dict[str, list[int]] = field(default_factory=dict)  # label -> [count, ns]
    flush_ns: int = 0
    commit_ns: int = 0
    paused: bool = False  # the bulk path is not part of the single-award split
    _started: dict[str, int] = field(default_factory=dict)

    def attach(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        event.listen(engine, "before_cursor_execute", self._before_statement)
        event.listen(engine, "after_cursor_execute", self._after_statement)
        event.listen(sessions, "before_flush", self._start("flush"))
        event.listen(sessions, "after_flush_postexec", self._stop("flush"))
        event.listen(sessions, "before_commit", self._start("commit"))
        event.listen(sessions, "after_commit", self._stop("commit"))

    def reset(self) -> None:
        self.statements.clear()
        self.flush_ns = self.commit_ns = 0

    def _before_statement(self, *_args: Any) -> None:
        self._started["statement"] = time.perf_counter_ns()

    def _after_statement(self, _connection: Any, _cursor: Any, statement: str,
                         *_args: Any) -> None:
        elapsed = time.perf_counter_ns() - self._started.pop("statement")
        if self.paused:
            return
        entry = self.statements.setdefault(statement_label(statement), [0, 0])
        entry[0] += 1
        entry[1] += elapsed

    def _start(self, what: str) -> Callable[..., None]:
        def listener(*_args: Any) -> None:
            self._started[what] = time.perf_counter_ns()
        return listener

    def _stop(self, what: str) -> Callable[..., None]:
        def listener(*_args: Any) -> None:
            elapsed = time.perf_counter_ns() - self._started.pop(what)
            if self.paused:
                return
            if what == "flush":
                self.flush_ns += elapsed
            else:
                self.commit_ns += elapsed
        return listener

    def split(self, awards: int) -> DbSplit:
        """Means per award of everything seen since the last reset."""
        per_award = {label: (count / awards, ns / 1e6 / awards)
                     for label, (count, ns) in sorted(self.statements.items(),
                                                      key=lambda item: -item[1][1])}
        return DbSplit(
            statements=sum(count for count, _ in per_award.values()),
            sql_ms=sum(ms for _, ms in per_award.values()),
            commit_ms=self.commit_ns / 1e6 / awards, flush_ms=self.flush_ns / 1e6 / awards,
            by_statement=per_award)


# --- checks of what was produced ------------------------------------------------------------

def _shape(document: dict[str, Any]) -> dict[str, Any]:
    """The credential with its per-award values (id, times, salt, hash, signature) blanked."""
    shaped = copy.deepcopy(document)
    try:
        for name in ("id", "validFrom", "awardedDate"):
            shaped[name] = "*"
        for identity in shaped["credentialSubject"]["identifier"]:
            identity["identityHash"] = identity["salt"] = "*"
        for proof in shaped["proof"]:
            proof["created"] = proof["proofValue"] = "*"
        status = shaped["credentialStatus"]
        status["id"] = status["statusListIndex"] = status["statusListCredential"] = "*"
    except (KeyError, TypeError) as error:
        raise BenchmarkError(f"unexpected credential shape: {error!r}") from None
    return shaped


def check_same_kind(awarded: dict[str, Any], signed: dict[str, Any]) -> None:
    """Both paths sign the same credential, and its microbadge has the sample's alignments
    (followed by those of its EU micro-credential elements)."""
    if _shape(awarded) != _shape(signed):
        raise BenchmarkError("the award and the pure sign produce different credentials")
    alignment = awarded["credentialSubject"]["achievement"].get("alignment") or []
    expected = _sample_achievement()["alignment"]
    if alignment[:len(expected)] != expected:
        raise BenchmarkError("the microbadge's alignments differ from tests/samples.py")


def check_stored(issuer: Issuer, expected: int) -> int:
    """All awards are stored; the first and the last stored credential verify."""
    with issuer.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(CredentialRecord)) or 0
        provider = session.get(ProviderRecord, issuer.provider_id)
        ends = [session.scalar(select(CredentialRecord).order_by(order).limit(1))
                for order in (CredentialRecord.id.asc(), CredentialRecord.id.desc())]
        if stored != expected or provider is None:
            raise BenchmarkError(f"{stored} credentials stored, expected {expected}")
        keys = {key.verification_method: key.public_key_multibase for key in provider.keys}
        for record in ends:
            if record is None:
                raise BenchmarkError("no credential stored")
            document = json.loads(record.document)
            proof = document["proof"][0]
            verify_proof(document, proof,
                         PublicKey.from_multibase(keys[proof["verificationMethod"]]))
    return stored


# --- one backend ----------------------------------------------------------------------------

@contextlib.contextmanager
def open_backend(backend: str, workdir: Path, postgres_url: str) -> Iterator[Engine]:
    """A fresh, empty database. Raises BackendUnavailableError (PostgreSQL not reachable)."""
    if backend == "sqlite":
        engine = create_database_engine(f"sqlite:///{workdir / 'award.sqlite3'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    shown = make_url(postgres_url).render_as_string(hide_password=True)
    schema = f"mb_bench_{secrets.token_hex(4)}"
    admin = create_database_engine(postgres_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except DBAPIError as error:
        admin.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise BackendUnavailableError(f"PostgreSQL not reachable at {shown}: {reason}") from None
    separator = "&" if "?" in postgres_url else "?"
    engine = create_database_engine(
        f"{postgres_url}{separator}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def server_version(engine: Engine) -> str:
    """`SQLite 3.x` or `PostgreSQL 15.x`."""
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        return f"PostgreSQL {connection.execute(text('SHOW server_version')).scalar_one()}"


def _timed(op: Callable[[], object], check: Callable[[object], None]) -> float:
    start = time.perf_counter_ns()
    result = op()
    elapsed = time.perf_counter_ns() - start
    check(result)
    return elapsed / 1e6


def run_backend(backend: str, engine: Engine, *, count: int, warmup: int,
                block: int) -> BackendResult:
    """Set up the issuer, then time `count` signs and `count` awards, interleaved."""
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    issuer = create_issuer(sessions, KeyVault(secrets.token_hex(32)))
    signer = load_signer(issuer)
    probe = DbProbe()
    probe.attach(engine, sessions)

    first, created = award_one(issuer, award_request(issuer, 0, "check"))
    _expect_created((first, created))
    check_same_kind(json.loads(first.document), sign_one(signer, learner_email(0, "check")))
    for index in range(warmup):
        _expect_signed(sign_one(signer, learner_email(index, "warmup")))
        _expect_created(award_one(issuer, award_request(issuer, index, "warmup")))
    gc.collect()
    probe.reset()
    sign_ms: list[float] = []
    award_ms: list[float] = []
    bulk_ms: list[float] = []
    bulked = 0
    for start in range(0, count, block):
        indexes = range(start, min(count, start + block))
        emails = [learner_email(index, "learner") for index in indexes]
        requests = [award_request(issuer, index, "learner") for index in indexes]
        cohorts = [[award_request(issuer, index, "bulk") for index in indexes[at:at + BULK]]
                   for at in range(0, len(indexes), BULK)]
        sign_ms += [_timed(partial(sign_one, signer, email), _expect_signed)
                    for email in emails]
        award_ms += [_timed(partial(award_one, issuer, data), _expect_created)
                     for data in requests]
        probe.paused = True
        for cohort in cohorts:
            elapsed = _timed(partial(award_bulk, issuer, cohort),
                             partial(_expect_cohort, len(cohort)))
            bulk_ms.append(elapsed / len(cohort))
            bulked += len(cohort)
        probe.paused = False
    split = probe.split(count)
    stored = check_stored(issuer, 1 + warmup + count + bulked)
    return BackendResult(backend, server_version(engine), Latency.of(sign_ms),
                         Latency.of(award_ms), Latency.of(bulk_ms), split, stored)


def _expect_cohort(size: int, result: object) -> None:
    if not isinstance(result, list) or len(result) != size:
        raise BenchmarkError("a bulk award did not store its cohort")


# --- the run --------------------------------------------------------------------------------

def _load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _issuer_dirty() -> bool | None:
    """Whether issuer/ differs from the checked-out commit (None: no git)."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        changed = subprocess.run([git, "status", "--porcelain", "--", "issuer"],
                                 cwd=Path(__file__).resolve().parents[1], capture_output=True,
                                 text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(changed.stdout.strip())


def run(backends: Sequence[str], *, count: int, warmup: int, postgres_url: str) -> Results:
    """Measure every requested backend (each on its own fresh database)."""
    started = datetime.now(UTC)
    machine = machine_info()
    machine.update({name: metadata.version(name) for name in ("SQLAlchemy", "psycopg")})
    if _issuer_dirty() and machine.get("commit") and "+dirty" not in machine["commit"]:
        machine["commit"] += "+dirty"
    machine["load_average_before"] = _load_average()
    block = min(BLOCK, count)
    results: list[BackendResult] = []
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mb-award-") as workdir:
        for backend in backends:
            try:
                with open_backend(backend, Path(workdir), postgres_url) as engine:
                    results.append(run_backend(backend, engine, count=count, warmup=warmup,
                                               block=block))
            except BackendUnavailableError as error:
                skipped[backend] = str(error)
    machine["load_average_after"] = _load_average()
    elapsed = (datetime.now(UTC) - started) / timedelta(seconds=1)
    settings = {"count": count, "warmup": warmup, "block": block,
                "backends": list(backends),
                "started": started.isoformat(timespec="seconds"),
                "elapsed_s": round(elapsed, 1)}
    return Results(results, skipped, machine, settings)


# --- output ---------------------------------------------------------------------------------

SIGN_PATH: Final = "sign: build_credential + add_proof, no DB"
AWARD_PATH: Final = "award: award_credential, 1 transaction each"
BULK_PATH: Final = f"bulk: award_credentials, {BULK} per transaction"


def render_table(results: Results) -> str:
    """The human-readable report."""
    settings = results.settings
    header = ("backend", "path", "credentials/s", "median ms", "p95 ms", "mean ms")
    lines = [header]
    for result in results.backends:
        for path, latency in ((SIGN_PATH, result.sign), (AWARD_PATH, result.award),
                              (BULK_PATH, result.bulk)):
            lines.append((result.backend, path, f"{latency.per_second:.1f}",
                          f"{latency.median_ms:.3f}", f"{latency.p95_ms:.3f}",
                          f"{latency.mean_ms:.3f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [f"microbadges award benchmark, {settings['started']}: {settings['count']} awards "
           f"and {settings['count']} pure signs per backend, interleaved in blocks of "
           f"{settings['block']}, after {settings['warmup']} warm-up rounds of each "
           f"({settings['elapsed_s']} s in all)", ""]
    if results.backends:
        table = [" | ".join(cell.ljust(width) for cell, width in
                            zip(line, widths, strict=True)).rstrip() for line in lines]
        table.insert(1, "-+-".join("-" * width for width in widths))
        out += [*table, "",
                f"DB path overhead, (award - sign) / sign (target < {TARGET_OVERHEAD:.0%}):"]
    for result in results.backends:
        verdict = "within target" if result.overhead_mean < TARGET_OVERHEAD else "OVER target"
        out.append(f"  {result.backend} ({result.server}): {result.overhead_mean:+.1%} on "
                   f"means (throughput), {result.overhead_median:+.1%} on medians: {verdict}")
        bulk = ("within target" if result.bulk_overhead_mean < TARGET_OVERHEAD
                else "OVER target")
        out.append(f"    bulk, {BULK} per transaction: {result.bulk_overhead_mean:+.1%} on "
                   f"means per credential: {bulk}")
    if results.backends:
        out.append("Where an award's time goes (means per award):")
    for result in results.backends:
        split = result.split
        out.append(f"  {result.backend}: {result.award.mean_ms:.3f} ms = SQL "
                   f"{split.sql_ms:.3f} ms ({split.statements:.0f} statements) + COMMIT "
                   f"{split.commit_ms:.3f} ms + Python {result.python_ms:.3f} ms (pure sign "
                   f"{result.sign.mean_ms:.3f} ms); flush incl. INSERT {split.flush_ms:.3f} ms")
        out.append("    " + "; ".join(f"{label} {ms:.3f} ms" + (f" x{count:g}" if count != 1
                                                                 else "")
                                      for label, (count, ms) in split.by_statement.items()))
    for backend, reason in results.skipped.items():
        out.append(f"{backend} NOT run: {reason}")
    out.append("")
    machine = results.machine
    out.append("machine: " + ", ".join(
        f"{name}={machine[name]}" for name in ("commit", "python", "SQLAlchemy", "psycopg",
                                              "pyld", "cryptography", "cpu_count",
                                              "cpus_usable", "cpu_model")
        if name in machine))
    out.append(f"         {machine['platform']}; load average before "
               f"{machine['load_average_before']}, after {machine['load_average_after']}")
    return "\n".join(out)


def to_json(results: Results) -> dict[str, Any]:
    """The machine-readable report."""
    return {
        "settings": results.settings,
        "machine": results.machine,
        "overhead": "(award - sign) / sign; target < 0.20 on means",
        "paths": {"sign": SIGN_PATH, "award": AWARD_PATH, "bulk": BULK_PATH},
        "backends": {result.backend: result.to_json() for result in results.backends},
        "skipped": results.skipped,
    }


def _backend_list(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(BACKENDS))
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"choose from {', '.join(BACKENDS)} (comma-separated), got {value!r}")
    return list(dict.fromkeys(names))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m benchmarks.award`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.award",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=None,
                        help=f"timed awards (and pure signs) per backend (default "
                             f"{DEFAULT_COUNT}; {QUICK_COUNT} with --quick)")
    parser.add_argument("--warmup", type=int, default=None,
                        help=f"untimed rounds of each before timing (default {DEFAULT_WARMUP}; "
                             f"{QUICK_WARMUP} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run: {QUICK_COUNT} awards after {QUICK_WARMUP} warm-up "
                             "rounds (explicit --count/--warmup win)")
    parser.add_argument("--backends", type=_backend_list, default=list(BACKENDS),
                        help=f"comma-separated, from {','.join(BACKENDS)} (default: both)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL,
                        help="PostgreSQL database in which a throw-away schema is created "
                             "(default: $MICROBADGES_TEST_POSTGRES_URL or "
                             "postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    count = args.count if args.count is not None else (
        QUICK_COUNT if args.quick else DEFAULT_COUNT)
    warmup = args.warmup if args.warmup is not None else (
        QUICK_WARMUP if args.quick else DEFAULT_WARMUP)
    if count < 1 or warmup < 0:
        parser.error("--count must be >= 1 and --warmup >= 0")
    try:
        results = run(args.backends, count=count, warmup=warmup,
                      postgres_url=args.postgres_url)
    except BenchmarkError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return EXIT_PRECONDITION
    print(json.dumps(to_json(results), indent=2) if args.json else render_table(results))
    for backend, reason in results.skipped.items():
        print(f"{backend} NOT run: {reason}", file=sys.stderr)
    return EXIT_BACKEND_NOT_RUN if results.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
