"""Extension requests to the police (guidance footnote 14), and the worker's words on a
transfer and a withdrawal (encrypted)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADDED = (
    ("extension_requested_at", sa.DateTime(timezone=True)),
    ("transfer_reason", sa.LargeBinary()),
    ("withdrawal_reason", sa.LargeBinary()),
)


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for name, kind in ADDED:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_until", sa.Date(), nullable=False),
        sa.Column("due_before", sa.Date(), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'approved', 'declined', 'withdrawn')",
            name=op.f("ck_extension_requests_status"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_extension_requests_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_extension_requests_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_extension_requests_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    op.create_index(
        op.f("ix_extension_requests_referral_id"), "extension_requests", ["referral_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_extension_requests_referral_id"), table_name="extension_requests")
    op.drop_table("extension_requests")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for name, _kind in reversed(ADDED):
            batch_op.drop_column(name)
