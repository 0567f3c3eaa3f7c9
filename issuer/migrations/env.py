"""Alembic environment: runs the migrations on the Engine handed over by
issuer.platform.database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

# Every domain's records, so that Base.metadata describes every table.
import issuer.auth.models
import issuer.awards.models
import issuer.figures.models
import issuer.frameworks.models
import issuer.microbadges.models
import issuer.pathways.models
import issuer.platform.facts
import issuer.providers.models  # noqa: F401
from issuer.platform.records import Base

engine = context.config.attributes["engine"]
assert isinstance(engine, Engine)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
