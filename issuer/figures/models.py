"""Records of the alliance-wide figure snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuer.platform.records import Base

__all__ = ["FigureSnapshotRecord"]

class FigureSnapshotRecord(Base):
    """The alliance-wide figures of one (dimension, period), as last computed by
    `issuer.figures.services.refresh_figures`: answers in milliseconds, as of `computed_at`."""

    __tablename__ = "figure_snapshots"
    __table_args__ = (UniqueConstraint("dimension", "period",
                                       name="uq_figure_snapshots_dimension_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))  # "" for no period
    computed_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)  # how long computing it took
    figures: Mapped[list[Any]] = mapped_column(JSON)
