"""Indexes for a scope of one LA at scale (the 1,000,000-referral benchmark,
docs/performance.md): an LA's referrals by state, by day received and by day its outcome was
recorded, so `/summary` for one LA reads its own live cases and its last year, not every
referral the LA ever had

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_referrals_la_code_state", ["la_code", "state"]),
    ("ix_referrals_la_code_received_at", ["la_code", "received_at"]),
    ("ix_referrals_la_code_outcome_recorded_at", ["la_code", "outcome_recorded_at"]),
)


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "referrals", columns, unique=False)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="referrals")
