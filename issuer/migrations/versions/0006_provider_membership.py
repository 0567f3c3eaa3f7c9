"""provider registry entry: the operator's legal name and membership of each provider, and
when a provider last changed (the known-issuer registry's `meta.updated`)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 00:12:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place (the tables that reference providers are
    # never recreated).
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("membership", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))

    # A provider last changed when its newest key was made (a rotation), or else when it
    # was created: profile changes before this revision left no time behind.
    op.execute(sa.text(
        "UPDATE providers SET updated_at = COALESCE("
        "(SELECT MAX(signing_keys.created_at) FROM signing_keys"
        " WHERE signing_keys.provider_id = providers.id), created_at)"))


def downgrade() -> None:
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("membership")
        batch_op.drop_column("legal_name")
