"""Facts the service keeps about itself in its database, one row per fact (such as the
origin its identifiers were minted under), read and recorded inside the caller's
transaction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from badges.clock import Clock
from issuer.platform.records import Base

__all__ = ["ServiceFact", "ServiceFactRecord", "read_fact", "record_fact"]


class ServiceFact(StrEnum):
    """The facts the service records about itself."""

    # The public origin (MICROBADGES_BASE_URL) the stored identifiers were minted under.
    ORIGIN = "origin"


class ServiceFactRecord(Base):
    """One fact about the service, by name, and when it was recorded."""

    __tablename__ = "service_facts"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]


def read_fact(session: Session, fact: ServiceFact) -> str | None:
    """The recorded value of `fact` (None when it was never recorded)."""
    return session.scalar(select(ServiceFactRecord.value)
                          .where(ServiceFactRecord.name == fact.value))


def record_fact(session: Session, fact: ServiceFact, value: str, *, clock: Clock,
                replace: bool) -> str:
    """Record `value` as `fact` (flushed, not committed) and return the value now recorded.

    When the fact is recorded already, it is replaced only if `replace`; otherwise the
    recorded value stands and is returned (also when a concurrent transaction recorded it
    first).
    """
    record = session.get(ServiceFactRecord, fact.value)
    if record is None:
        try:
            # A savepoint: another process recording the same fact first (PostgreSQL) must
            # not fail the caller's whole transaction.
            with session.begin_nested():
                session.add(ServiceFactRecord(name=fact.value, value=value,
                                              recorded_at=clock()))
            return value
        except IntegrityError:
            record = session.get(ServiceFactRecord, fact.value, populate_existing=True)
            if record is None:  # an invariant: the conflicting row was committed
                raise
    if replace and record.value != value:
        record.value = value
        record.recorded_at = clock()
        session.flush()
    return record.value
