"""The monitoring return: the LA the police referred to (kept on transfer), indexes on the
dates a return counts by, and what managers enter per LA and period

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

`referred_la_code` is filled for referrals already received from their LA now: a referral
transferred before this revision is counted at the LA it is in (none were in production).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("referrals", "received_at"),
    ("referrals", "first_session_date"),
    ("referrals", "outcome_recorded_at"),
    ("parenting_sessions", "held_on"),
    ("distance_measures", "measured_on"),
]


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referred_la_code", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_referrals_referred_la_code_local_authorities"),
            "local_authorities",
            ["referred_la_code"],
            ["code"],
        )
    op.execute("UPDATE referrals SET referred_la_code = la_code WHERE received_at IS NOT NULL")
    for table, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    op.create_table(
        "monitoring_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("la_code", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("physical_punishment_not_police", sa.Integer(), nullable=True),
        sa.Column("not_physical_punishment", sa.Integer(), nullable=True),
        sa.Column("fte", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("staff", sa.Integer(), nullable=True),
        sa.Column("universal_support", sa.Boolean(), nullable=True),
        sa.Column("training", sa.String(length=1000), nullable=True),
        sa.Column("other_activity", sa.String(length=1000), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "physical_punishment_not_police >= 0",
            name=op.f("ck_monitoring_entries_pp_not_police"),
        ),
        sa.CheckConstraint(
            "not_physical_punishment >= 0", name=op.f("ck_monitoring_entries_not_pp")
        ),
        sa.CheckConstraint("fte >= 0", name=op.f("ck_monitoring_entries_fte")),
        sa.CheckConstraint("staff >= 0", name=op.f("ck_monitoring_entries_staff")),
        sa.ForeignKeyConstraint(
            ["la_code"],
            ["local_authorities.code"],
            name=op.f("fk_monitoring_entries_la_code_local_authorities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_entries")),
        sa.UniqueConstraint("la_code", "period", name=op.f("uq_monitoring_entries_la_code_period")),
    )


def downgrade() -> None:
    op.drop_table("monitoring_entries")
    for table, column in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_referrals_referred_la_code_local_authorities"), type_="foreignkey"
        )
        batch_op.drop_column("referred_la_code")
