"""The Alembic migrations and the SQLAlchemy models describe the same schema; data
migrations fill what they add."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import column, insert, table, text

from issuer.awards.queries import learner_key
from issuer.platform.database import (
    create_database_engine,
    current_revision,
    head_revision,
    upgrade_database,
)
from issuer.platform.records import Base


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


def test_upgrading_a_database_with_data_keeps_it_and_backfills(
        empty_database_url: str) -> None:
    """From revision 0002 with a provider, a microbadge and credentials (SQLite: tables
    that rows reference must be altered in place, never recreated), 0004's backfill of
    learner keys and 0005's of share tokens, in batches, and 0006's of when each provider
    last changed (its newest key)."""
    engine = create_database_engine(empty_database_url)
    try:
        upgrade_database(engine, "0002")
        now = datetime(2026, 1, 1, tzinfo=UTC)
        # The tables as revision 0002 has them (the models are at head).
        providers = table("providers", column("id"), column("slug"), column("issuer_id"),
                          column("identifier_method"), column("name"), column("created_at"))
        credentials = table("credentials", *(column(name) for name in (
            "id", "credential_id", "provider_id", "achievement_id", "kind", "state",
            "learner_email",
            "learner_did", "issued_at", "verification_method", "document")))
        keys = table("signing_keys", *(column(name) for name in (
            "id", "provider_id", "verification_method", "public_key_multibase",
            "encrypted_private_key", "state", "created_at")))
        achievements = table("achievements", *(column(name) for name in (
            "id", "public_id", "provider_id", "name", "description", "alignment", "tags",
            "created_at", "updated_at")))
        with engine.begin() as connection:
            connection.execute(insert(providers).values(
                id=1, slug="p", issuer_id="did:web:x:p", identifier_method="did:web", name="P",
                created_at=now))
            connection.execute(insert(keys), [
                {"id": index, "provider_id": 1, "verification_method": f"did:web:x:p#k{index}",
                 "public_key_multibase": f"k{index}", "encrypted_private_key": b"",
                 "state": "retired" if index == 1 else "active",
                 "created_at": now + timedelta(days=index)} for index in (1, 2)])
            connection.execute(insert(achievements).values(
                id=1, public_id=str(uuid.UUID(int=1)), provider_id=1, name="A",
                description="A", alignment="[]", tags="[]", created_at=now, updated_at=now))
            connection.execute(insert(credentials), [
                {"id": index, "credential_id": f"urn:uuid:{uuid.UUID(int=index)}",
                 "provider_id": 1, "achievement_id": 1, "kind": "award", "state": "active",
                 "learner_email": f"Learner{index % 7}@Example.org" if index % 3 else None,
                 "learner_did": "did:example:ada" if index % 3 == 0 and index % 2 else None,
                 "issued_at": now, "verification_method": "did:web:x:p#k", "document": "{}"}
                for index in range(1, 5_003)])
        upgrade_database(engine)
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT learner_email, learner_did, learner_key FROM credentials")).all()
        assert len(rows) == 5_002
        for email, did, key in rows:
            assert key == learner_key(email, did)
        assert sum(key is None for _, _, key in rows) == sum(
            email is None and did is None for email, did, _ in rows) > 0
        with engine.connect() as connection:
            tokens = connection.execute(text(
                "SELECT share_token FROM credentials")).scalars().all()
        assert len(set(tokens)) == 5_002
        assert all(len(token) == 27 for token in tokens)  # 160 bits, base64url
        with engine.connect() as connection:
            assert connection.execute(text(
                "SELECT learning_outcomes FROM achievements")).scalar_one() in ("[]", [])
            assert connection.execute(text(
                "SELECT pathway_partners FROM providers")).scalar_one() in ("[]", [])
            assert connection.execute(text(
                "SELECT providers.updated_at = signing_keys.created_at FROM providers"
                " JOIN signing_keys ON signing_keys.id = 2")).scalar_one()
    finally:
        engine.dispose()
