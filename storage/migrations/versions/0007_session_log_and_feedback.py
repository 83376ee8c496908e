"""The session log (guidance §7): cancelled by whom, duration, delivery, language, the
engagement judged (appropriate or not) with its reason, the other parent, and the worker's
notes, encrypted; the parent's feedback at the end of support (§6)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    "engagement": "engagement IN ('appropriate', 'not_appropriate')",
    "delivery": "delivery IN ('face_to_face', 'online')",
    "language": "language IN ('cy', 'en', 'other', 'bsl')",
    "cancelled_by": "cancelled_by IN ('parent', 'service')",
}
ADDED = (
    ("cancelled_by", sa.String(length=16)),
    ("minutes", sa.Integer()),
    ("delivery", sa.String(length=16)),
    ("language", sa.String(length=16)),
    ("engagement_reason", sa.LargeBinary()),
    ("police_agreed_other_parent", sa.Boolean()),
    ("other_parent_took_part", sa.Boolean()),
    ("doing_well", sa.LargeBinary()),
    ("next_steps", sa.LargeBinary()),
)


def upgrade() -> None:
    # Nothing wrote sessions before; an engagement in the old words has no meaning now.
    op.execute("UPDATE parenting_sessions SET engagement = NULL")
    with op.batch_alter_table("parenting_sessions", schema=None) as batch_op:
        for name, kind in ADDED:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        for name, check in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_parenting_sessions_{name}"), check)
    op.create_table(
        "parent_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("helpful", sa.Integer(), nullable=False),
        sa.Column("comment", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("helpful BETWEEN 1 AND 5", name=op.f("ck_parent_feedback_helpful")),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_parent_feedback_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_parent_feedback_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_feedback")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_parent_feedback_referral_id")),
    )


def downgrade() -> None:
    op.drop_table("parent_feedback")
    with op.batch_alter_table("parenting_sessions", schema=None) as batch_op:
        for name in reversed(CHECKS):
            batch_op.drop_constraint(op.f(f"ck_parenting_sessions_{name}"), type_="check")
        for name, _kind in reversed(ADDED):
            batch_op.drop_column(name)
