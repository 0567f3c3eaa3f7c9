"""pathways; learner keys of credentials; figure snapshots

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:33:41.647047
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


_BATCH = 5000


def _learner_key(email: str | None, did: str | None) -> int:
    """issuer.awards.queries.learner_key as of this revision (migrations stay frozen)."""
    value = "mailto:" + email.strip().lower() if email is not None else (did or "").strip()
    return int.from_bytes(hashlib.sha256(value.encode("utf-8")).digest()[:8], "big") >> 1


def upgrade() -> None:
    op.create_table(
        "figure_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_snapshots")),
        sa.UniqueConstraint("dimension", "period", name="uq_figure_snapshots_dimension_period"),
    )
    op.create_table(
        "pathways",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("job_role_id", sa.Integer(), nullable=True),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_pathways_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["job_role_id"], ["job_roles.id"], name=op.f("fk_pathways_job_role_id_job_roles")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_pathways_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathways")),
        sa.UniqueConstraint("public_id", name=op.f("uq_pathways_public_id")),
    )
    with op.batch_alter_table("pathways", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pathways_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "pathway_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["pathways.id"], name=op.f("fk_pathway_providers_pathway_id_pathways")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_pathway_providers_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_providers")),
        sa.UniqueConstraint(
            "pathway_id", "provider_id", name="uq_pathway_providers_pathway_id_provider_id"
        ),
    )
    with op.batch_alter_table("pathway_providers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pathway_providers_provider_id"), ["provider_id"], unique=False
        )

    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pathway_partners", sa.JSON(), server_default="[]",
                      nullable=False)
        )

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("learner_key", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_credentials_learner_key", ["learner_key"], unique=False)
        batch_op.create_index(
            "ix_credentials_figures",
            ["learner_key", "state", "achievement_id", "provider_id", "issued_at"],
            unique=False,
        )

    # Credentials issued before: their learner key from the stored e-mail or DID.
    connection = op.get_bind()
    credentials = sa.table("credentials", sa.column("id", sa.Integer()),
                           sa.column("learner_email", sa.String()),
                           sa.column("learner_did", sa.String()),
                           sa.column("learner_key", sa.BigInteger()))
    update = (credentials.update().where(credentials.c.id == sa.bindparam("row_id"))
              .values(learner_key=sa.bindparam("key")))
    after = 0
    while True:  # keyset batches: bounded memory however many credentials there are
        rows = connection.execute(
            sa.select(credentials.c.id, credentials.c.learner_email, credentials.c.learner_did)
            .where(credentials.c.id > after).order_by(credentials.c.id).limit(_BATCH)).all()
        if not rows:
            break
        after = rows[-1][0]
        updates = [{"row_id": row_id, "key": _learner_key(email, did)}
                   for row_id, email, did in rows if email is not None or did is not None]
        if updates:
            connection.execute(update, updates)

    # The scope is new: clients that read credentials (a provider's: its own figures) or
    # manage providers (the operator's: everyone's) may read the figures.
    op.execute(
        "UPDATE api_clients SET scope = scope || ' figures' "
        "WHERE scope LIKE '%credentials:read%' OR scope LIKE '%providers%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("pathway_partners")

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_credentials_figures")
        batch_op.drop_index("ix_credentials_learner_key")
        batch_op.drop_column("learner_key")

    with op.batch_alter_table("pathway_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_providers_provider_id"))

    op.drop_table("pathway_providers")
    with op.batch_alter_table("pathways", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathways_provider_id"))

    op.drop_table("pathways")
    op.drop_table("figure_snapshots")
