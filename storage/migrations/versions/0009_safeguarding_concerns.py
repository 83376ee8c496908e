"""Safeguarding concerns (NICE NG76 §1.3): the level (immediate risk or concern), the day it
was seen or said, and the action taken, each checked

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    "level": "level IN ('immediate_risk', 'concern')",
    "action_taken": "action_taken IN ('social_care', 'police', 'safeguarding_lead')",
}


def upgrade() -> None:
    # Nothing wrote concerns before: a row in the old words has no level nor day to keep.
    op.execute("DELETE FROM safeguarding_concerns")
    with op.batch_alter_table("safeguarding_concerns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=16), nullable=False))
        batch_op.add_column(sa.Column("noticed_on", sa.Date(), nullable=False))
        for name, check in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_safeguarding_concerns_{name}"), check)


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_concerns", schema=None) as batch_op:
        for name in reversed(CHECKS):
            batch_op.drop_constraint(op.f(f"ck_safeguarding_concerns_{name}"), type_="check")
        batch_op.drop_column("noticed_on")
        batch_op.drop_column("level")
