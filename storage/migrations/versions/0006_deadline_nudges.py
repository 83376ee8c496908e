"""Deadline nudges: when each referral next has one due (indexed), when it was offered, and the
nudge ledger keyed by the due moment, linked to its notification, with undeliverable ones and
snoozes on record

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Open or awaiting the police: planned again by the first sweep (only the latest nudge of
# each rule is then sent, not every one since the referral came in).
_PLANNED = "('referred', 'allocated', 'engaged', 'outcome_not_taken_up', 'outcome_not_engaged', 'outcome_completed')"


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_nudge_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_referrals_next_nudge_at"), ["next_nudge_at"], unique=False
        )
    op.execute("UPDATE referrals SET offered_at = received_at WHERE received_at IS NOT NULL")
    op.execute(
        f"UPDATE referrals SET next_nudge_at = received_at "
        f"WHERE received_at IS NOT NULL AND state IN {_PLANNED}"
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=32),
            type_=sa.String(length=64),
            existing_nullable=False,
        )

    # Nothing was ever written to the ledger: it is made again in its new shape.
    op.drop_table("nudge_ledger")
    op.create_table(
        "nudge_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("undeliverable", sa.String(length=16), nullable=True),
        sa.Column("instead_of", sa.Integer(), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instead_of"],
            ["nudge_ledger.id"],
            name=op.f("fk_nudge_ledger_instead_of_nudge_ledger"),
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_nudge_ledger_notification_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name=op.f("fk_nudge_ledger_recipient_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_nudge_ledger_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_ledger")),
        sa.UniqueConstraint(
            "referral_id",
            "rule",
            "due_at",
            "recipient_user_id",
            name=op.f("uq_nudge_ledger_referral_id_rule_due_at_recipient_user_id"),
        ),
    )
    with op.batch_alter_table("nudge_ledger", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nudge_ledger_snoozed_until"), ["snoozed_until"], unique=False
        )


def downgrade() -> None:
    op.drop_table("nudge_ledger")
    op.create_table(
        "nudge_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"],
            ["users.id"],
            name=op.f("fk_nudge_ledger_recipient_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_nudge_ledger_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudge_ledger")),
        sa.UniqueConstraint(
            "referral_id",
            "rule",
            "due_on",
            "recipient_user_id",
            name=op.f("uq_nudge_ledger_referral_id_rule_due_on_recipient_user_id"),
        ),
    )
    op.execute("DELETE FROM notifications WHERE kind LIKE 'nudge:%'")  # longer than 32
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=64),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_next_nudge_at"))
        batch_op.drop_column("next_nudge_at")
        batch_op.drop_column("offered_at")
