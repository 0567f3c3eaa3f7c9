"""The Alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from issuer.database import create_database_engine, current_revision, head_revision
from issuer.models import Base


def test_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_every_table_is_migrated(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        from sqlalchemy import inspect

        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == {*Base.metadata.tables, "alembic_version"}
