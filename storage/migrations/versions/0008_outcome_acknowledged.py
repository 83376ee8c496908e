"""The outcome and the notice to police: the reason for 'did not engage appropriately'
(encrypted) and when the police acknowledged the outcome

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_reason", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("police_acknowledged_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("police_acknowledged_at")
        batch_op.drop_column("outcome_reason")
