"""Upskilling figures: distinct learners and credentials per competence, framework, job
role, provider or country, per month, quarter or year, and progress against the annual
target (a share of a configured workforce).

What counts: microbadge awards that are not revoked and not superseded (a re-issued
credential replaces its predecessor: one award, counted once); suspended ones count. A
learner is the credential's `learner_key` (the same e-mail address or DID across
providers); distinct learners are counted in the database per group, never summed
across groups. By competence and framework, a credential counts for every competence its
microbadge proves; by job role, when it proves a competence the role requires at the
required level or above.

Each figure is one grouped SQL query (per job role, framework or country: one each),
shaped so that both databases answer from one pass over the covering index: the inner
query groups by (learner, key, period), the outer one counts the learners and sums the
credentials. That is exact but costs 1-5 µs per credential row, seconds at a million; so
the alliance-wide figures are also kept as snapshots (`refresh_figures`, run by
`microbadges figures --refresh`, e.g. from cron), which `snapshot_figures` answers from in
milliseconds, saying as of when. Figures of one provider or of a date window are always
computed live.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, or_, select
from sqlalchemy import Integer as SqlInteger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from badges.clock import Clock
from issuer.awards.models import CredentialRecord, CredentialState
from issuer.figures.models import FigureSnapshotRecord
from issuer.frameworks.models import CompetenceRecord, FrameworkRecord, JobRoleRecord
from issuer.frameworks.services import level_ranks
from issuer.microbadges.models import AchievementSkillRecord
from issuer.platform.database import writing
from issuer.providers.models import ProviderRecord

__all__ = [
    "DIMENSIONS",
    "PERIODS",
    "Figure",
    "FigureQuery",
    "Snapshot",
    "answer_figures",
    "compute_figures",
    "figures_csv",
    "refresh_figures",
    "snapshot_figures",
    "target_progress",
]

DIMENSIONS: Final = ("total", "competence", "framework", "job_role", "provider", "country")
PERIODS: Final = ("month", "quarter", "year")
_COUNTED: Final = (CredentialState.ACTIVE, CredentialState.SUSPENDED)


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureQuery:
    """What to count: grouped `by` a dimension (and a period), optionally within
    [start, end) of issuing, and for one provider only (`provider_id`; None: all)."""

    by: str = "total"
    period: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    provider_id: int | None = None

    def __post_init__(self) -> None:
        if self.by not in DIMENSIONS:
            raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}")
        if self.period is not None and self.period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}")


@dataclass(frozen=True, slots=True)
class Figure:
    """One group: what it is (`key`: code, name, …), the period, and the two counts."""

    key: dict[str, Any]
    period: str | None
    learners: int
    credentials: int

    def to_json(self) -> dict[str, Any]:
        return {**self.key, **({"period": self.period} if self.period else {}),
                "learners": self.learners, "credentials": self.credentials}


def _period(session: Session, period: str | None) -> ColumnElement[str]:
    """The issuing period of a credential as text: 2026-03, 2026-Q1 or 2026 (UTC)."""
    issued = CredentialRecord.issued_at
    if period is None:
        return literal("")
    if session.get_bind().dialect.name == "postgresql":
        utc = func.timezone("UTC", issued)
        pattern = {"month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[period]
        return func.to_char(utc, pattern)
    # SQLite keeps UTC text 'YYYY-MM-DD HH:MM:SS…'.
    if period == "month":
        return func.substr(issued, 1, 7)
    if period == "year":
        return func.substr(issued, 1, 4)
    month = cast(func.substr(issued, 6, 2), SqlInteger)
    quarter = cast((month + 2) / 3, SqlInteger)  # integer division
    return func.substr(issued, 1, 4, type_=String) + "-Q" + cast(quarter, String)


def _where(query: FigureQuery) -> list[ColumnElement[bool]]:
    # Microbadge awards only: VC-API credentials name no microbadge, and so no skill.
    conditions: list[ColumnElement[bool]] = [CredentialRecord.state.in_(_COUNTED),
                                             CredentialRecord.achievement_id.is_not(None)]
    if query.start is not None:
        conditions.append(CredentialRecord.issued_at >= query.start)
    if query.end is not None:
        conditions.append(CredentialRecord.issued_at < query.end)
    if query.provider_id is not None:
        conditions.append(CredentialRecord.provider_id == query.provider_id)
    return conditions


def _counted(session: Session, inner: Select[Any]) -> list[tuple[Any, str, int, int]]:
    """(group, period, learners, credentials) from an inner query of
    (group, period, learner_key, credentials) rows grouped by the first three."""
    sub = inner.subquery()
    rows = session.execute(
        select(sub.c.grp, sub.c.period, func.count(sub.c.learner_key), func.sum(sub.c.n))
        .group_by(sub.c.grp, sub.c.period).order_by(sub.c.grp, sub.c.period))
    return [(grp, period, int(learners), int(total or 0))
            for grp, period, learners, total in rows]


def _grouped(session: Session, query: FigureQuery,
             group: ColumnElement[Any] | InstrumentedAttribute[Any],
             *, extra: Sequence[ColumnElement[bool]] = (),
             via_skills: bool = False) -> list[tuple[Any, str, int, int]]:
    period = _period(session, query.period).label("period")
    inner = select(group.label("grp"), period, CredentialRecord.learner_key.label("learner_key"),
                   func.count().label("n"))
    if via_skills:
        inner = inner.join(AchievementSkillRecord,
                           AchievementSkillRecord.achievement_id == CredentialRecord.achievement_id)
    # Learner first: a scan in learner order (ix_credentials_figures) groups as it goes.
    inner = inner.where(*_where(query), *extra).group_by(
        CredentialRecord.learner_key, group, period)
    return _counted(session, inner)


def compute_figures(session: Session, query: FigureQuery) -> list[Figure]:
    """The figures `query` asks for, ordered by group and period."""
    if query.by == "total":
        return [Figure({}, period or None, learners, total) for _, period, learners, total
                in _grouped(session, query, literal(0))]
    if query.by == "provider":
        providers = {record.id: record for record in session.scalars(select(ProviderRecord))}
        return [Figure({"provider": providers[grp].slug, "name": providers[grp].name},
                       period or None, learners, total) for grp, period, learners, total
                in _grouped(session, query, CredentialRecord.provider_id)]
    if query.by == "country":
        return _by_country(session, query)
    if query.by == "competence":
        competences = {record.id: record for record in session.scalars(select(CompetenceRecord))}
        return [Figure(_competence_key(competences[grp]), period or None, learners, total)
                for grp, period, learners, total in _grouped(
                    session, query, AchievementSkillRecord.competence_id, via_skills=True)]
    if query.by == "framework":
        return _by_framework(session, query)
    return _by_job_role(session, query)


def _competence_key(record: CompetenceRecord) -> dict[str, Any]:
    framework = record.framework
    return {"framework": framework.slug, "version": framework.version,
            "competence": record.code, "name": record.name}


def _by_framework(session: Session, query: FigureQuery) -> list[Figure]:
    frameworks = {record.id: record for record in session.scalars(select(FrameworkRecord))}
    figures = []
    for framework_id, record in sorted(frameworks.items()):
        # A credential counts once per framework, however many of its competences it proves.
        proving = select(AchievementSkillRecord.achievement_id).join(CompetenceRecord).where(
            CompetenceRecord.framework_id == framework_id)
        figures += [Figure({"framework": record.slug, "version": record.version,
                            "name": record.name}, period or None, learners, total)
                    for _, period, learners, total in _grouped(
                        session, query, literal(framework_id),
                        extra=[CredentialRecord.achievement_id.in_(proving)])]
    return figures


def _by_job_role(session: Session, query: FigureQuery) -> list[Figure]:
    figures = []
    for role in session.scalars(select(JobRoleRecord).order_by(JobRoleRecord.id)):
        framework = role.framework
        order = level_ranks(framework)
        codes = {item.code: item.id for item in framework.competences}
        meets = [and_(AchievementSkillRecord.competence_id == codes[item["competence"]],
                      AchievementSkillRecord.level.in_(
                          [code for code, rank in order.items()
                           if rank >= order[item["level"]]]))
                 for item in role.requirements if item["competence"] in codes]
        if not meets:
            continue
        achievements = select(AchievementSkillRecord.achievement_id).where(or_(*meets))
        key = {"framework": framework.slug, "version": framework.version,
               "jobRole": role.code, "name": role.name}
        figures += [Figure(key, period or None, learners, total)
                    for _, period, learners, total in _grouped(
                        session, query, literal(role.id),
                        extra=[CredentialRecord.achievement_id.in_(achievements)])]
    return figures


def _by_country(session: Session, query: FigureQuery) -> list[Figure]:
    countries: dict[str, list[int]] = {}
    for provider in session.scalars(select(ProviderRecord).order_by(ProviderRecord.id)):
        code = (provider.address or {}).get("address_country_code") or "unknown"
        countries.setdefault(code, []).append(provider.id)
    figures = []
    for code in sorted(countries):
        figures += [Figure({"country": code}, period or None, learners, total)
                    for _, period, learners, total in _grouped(
                        session, query, literal(code),
                        extra=[CredentialRecord.provider_id.in_(countries[code])])]
    return figures


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Figures as stored by the last refresh, and when that was."""

    figures: list[Figure]
    computed_at: datetime


def refresh_figures(session: Session, clock: Clock) -> dict[str, float]:
    """Recompute and store every alliance-wide figure (each dimension, with no period and
    per period): each is counted in a read transaction, then stored in a short writer
    transaction of its own (on SQLite the count never holds the write lock). Returns the
    seconds each count took."""
    timings = {}
    for by in DIMENSIONS:
        for period in (None, *PERIODS):
            started = time.perf_counter()
            figures = compute_figures(session, FigureQuery(by=by, period=period))
            seconds = time.perf_counter() - started
            session.rollback()
            values = {"computed_at": clock(), "seconds": seconds,
                      "figures": [figure.to_json() for figure in figures]}
            _store_snapshot(session, by, period or "", values)
            timings[f"{by}/{period or '-'}"] = seconds
    return timings


def _store_snapshot(session: Session, by: str, period: str, values: dict[str, Any]) -> None:
    for attempt in (1, 2):  # two refreshes at once: the second one updates the first's row
        writing(session)
        record = session.scalar(select(FigureSnapshotRecord).where(
            FigureSnapshotRecord.dimension == by,
            FigureSnapshotRecord.period == period).with_for_update())
        if record is None:
            session.add(FigureSnapshotRecord(dimension=by, period=period, **values))
        else:
            for name, value in values.items():
                setattr(record, name, value)
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise


def snapshot_figures(session: Session, by: str, period: str | None) -> Snapshot | None:
    """The stored alliance-wide figures of (by, period), if a refresh stored them."""
    record = session.scalar(select(FigureSnapshotRecord).where(
        FigureSnapshotRecord.dimension == by, FigureSnapshotRecord.period == (period or "")))
    if record is None:
        return None
    figures = []
    for stored in record.figures:
        item = dict(stored)  # the loaded JSON stays as stored
        counts = {name: item.pop(name) for name in ("learners", "credentials")}
        figures.append(Figure(item, item.pop("period", None), counts["learners"],
                              counts["credentials"]))
    return Snapshot(figures, record.computed_at)


def answer_figures(session: Session, query: FigureQuery, *, live: bool = False,
                   ) -> tuple[list[Figure], datetime | None]:
    """The figures `query` asks for and as of when: from the snapshot for alliance-wide
    figures without a date window (unless `live`, or no refresh stored them yet), computed
    now otherwise (as of None: now)."""
    if not live and query.provider_id is None and query.start is None and query.end is None:
        snapshot = snapshot_figures(session, query.by, query.period)
        if snapshot is not None:
            return snapshot.figures, snapshot.computed_at
    return compute_figures(session, query), None


def target_progress(session: Session, *, workforce: int, percent: int,
                    provider_id: int | None = None,
                    live: bool = False) -> dict[str, Any] | None:
    """Distinct learners per year (answered as `answer_figures` answers them) against
    `percent`% of `workforce`; None without a configured workforce."""
    if workforce <= 0:
        return None
    per_year = workforce * percent // 100
    years, _ = answer_figures(session, FigureQuery(by="total", period="year",
                                                   provider_id=provider_id), live=live)
    return {"workforce": workforce, "annualPercent": percent, "annualTarget": per_year,
            "years": [{"year": figure.period, "learners": figure.learners,
                       "progress": round(figure.learners / per_year, 6) if per_year else None}
                      for figure in years]}


def figures_csv(figures: Sequence[Figure]) -> str:
    """The figures as CSV: the key columns, period, learners, credentials."""
    names: list[str] = []
    for figure in figures:
        names += [name for name in figure.key if name not in names]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=[*names, "period", "learners", "credentials"],
                            lineterminator="\r\n")
    writer.writeheader()
    for figure in figures:
        writer.writerow({**figure.key, "period": figure.period or "",
                         "learners": figure.learners, "credentials": figure.credentials})
    return out.getvalue()
