"""skills frameworks, competences, job roles, microbadge skills and EU micro-credential elements

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:16:35.504273
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("publisher", sa.String(length=200), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("alignment_type", sa.String(length=100), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("owner_provider_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_provider_id"],
            ["providers.id"],
            name=op.f("fk_frameworks_owner_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("slug", "version", name="uq_frameworks_slug_version"),
    )
    op.create_table(
        "competences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("learning_outcomes", sa.JSON(), nullable=False),
        sa.Column("esco_skills", sa.JSON(), nullable=False),
        sa.Column("eqf_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_competences_framework_id_frameworks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competences")),
        sa.UniqueConstraint("framework_id", "code", name="uq_competences_framework_id_code"),
    )
    op.create_table(
        "job_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("esco_occupations", sa.JSON(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"], ["frameworks.id"], name=op.f("fk_job_roles_framework_id_frameworks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_roles")),
        sa.UniqueConstraint("framework_id", "code", name="uq_job_roles_framework_id_code"),
    )
    op.create_table(
        "achievement_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_achievement_skills_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_achievement_skills_competence_id_competences"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_skills")),
        sa.UniqueConstraint(
            "achievement_id",
            "competence_id",
            name="uq_achievement_skills_achievement_id_competence_id",
        ),
    )
    with op.batch_alter_table("achievement_skills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_achievement_skills_achievement_id"), ["achievement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_achievement_skills_competence_id"), ["competence_id"], unique=False
        )

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "learning_outcomes", sa.JSON(), nullable=False, server_default="[]"
            )
        )
        batch_op.add_column(sa.Column("eqf_level", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("assessment", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("participation", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("quality_assurance", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("quality_assurance_url", sa.String(length=2000), nullable=True)
        )
        batch_op.add_column(sa.Column("supervision", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("prerequisites", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("stackability", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("further_information", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("grading", sa.JSON(), nullable=True))

    # The scope is new: provider clients that define microbadges may import frameworks.
    op.execute(
        "UPDATE api_clients SET scope = scope || ' frameworks' "
        "WHERE provider_id IS NOT NULL AND scope LIKE '%achievements%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_column("grading")
        batch_op.drop_column("further_information")
        batch_op.drop_column("stackability")
        batch_op.drop_column("prerequisites")
        batch_op.drop_column("supervision")
        batch_op.drop_column("quality_assurance_url")
        batch_op.drop_column("quality_assurance")
        batch_op.drop_column("participation")
        batch_op.drop_column("assessment")
        batch_op.drop_column("eqf_level")
        batch_op.drop_column("learning_outcomes")

    with op.batch_alter_table("achievement_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_achievement_skills_competence_id"))
        batch_op.drop_index(batch_op.f("ix_achievement_skills_achievement_id"))

    op.drop_table("achievement_skills")
    op.drop_table("job_roles")
    op.drop_table("competences")
    op.drop_table("frameworks")
