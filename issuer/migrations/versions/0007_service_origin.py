"""service facts: the origin the stored identifiers were minted under

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No origin is filled in here: the migration does not know it. The service adopts its
    # configured origin at the first start of a database that holds providers.
    op.create_table(
        "service_facts",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_service_facts")),
    )


def downgrade() -> None:
    op.drop_table("service_facts")
