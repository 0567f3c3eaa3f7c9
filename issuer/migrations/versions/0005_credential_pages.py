"""credential pages: share tokens of awards, learner-hidden pages, management link renewals

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:30:00.000000
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 5000
_TOKEN_BYTES = 20  # issuer.pages.badges.SHARE_TOKEN_BYTES as of this revision


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_token", sa.String(length=43), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("manage_generation", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.create_index("ix_credentials_share_token", ["share_token"], unique=True)

    # Awards issued before get their page too (VC-API credentials have none).
    connection = op.get_bind()
    credentials = sa.table("credentials", sa.column("id", sa.Integer()),
                           sa.column("kind", sa.String()),
                           sa.column("share_token", sa.String()))
    update = (credentials.update().where(credentials.c.id == sa.bindparam("row_id"))
              .values(share_token=sa.bindparam("token")))
    after = 0
    while True:  # keyset batches: bounded memory however many credentials there are
        rows = connection.execute(
            sa.select(credentials.c.id).where(credentials.c.id > after,
                                              credentials.c.kind == "award")
            .order_by(credentials.c.id).limit(_BATCH)).scalars().all()
        if not rows:
            break
        after = rows[-1]
        connection.execute(update, [{"row_id": row_id,
                                     "token": secrets.token_urlsafe(_TOKEN_BYTES)}
                                    for row_id in rows])


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_credentials_share_token")
        batch_op.drop_column("manage_generation")
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("share_token")
