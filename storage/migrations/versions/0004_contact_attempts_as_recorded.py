"""Contact attempts as a worker records them: the day (not a time), the methods and results
the contact form offers, and a short note, encrypted

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

METHODS = "'phone', 'text', 'letter', 'email', 'home_visit', 'other'"
RESULTS = "'no_answer', 'message_left', 'spoke', 'wrong_number', 'declined'"


def _day_of(column: str) -> str:
    """The calendar day of a timestamp column, as each database spells it."""
    return (
        f"date({column})" if op.get_bind().dialect.name == "sqlite" else f"CAST({column} AS DATE)"
    )


def upgrade() -> None:
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempted_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.LargeBinary(), nullable=True))
    # Nothing wrote this table before; should a row exist, it keeps its day and meaning.
    op.execute(f"UPDATE contact_attempts SET attempted_on = {_day_of('attempted_at')}")
    op.execute("UPDATE contact_attempts SET method = 'home_visit' WHERE method = 'visit'")
    op.execute("UPDATE contact_attempts SET result = 'spoke' WHERE result = 'reached'")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.alter_column("attempted_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("attempted_at")
        batch_op.create_check_constraint(
            op.f("ck_contact_attempts_method"), f"method IN ({METHODS})"
        )
        batch_op.create_check_constraint(
            op.f("ck_contact_attempts_result"), f"result IN ({RESULTS})"
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contact_attempts_result"), type_="check")
        batch_op.drop_constraint(op.f("ck_contact_attempts_method"), type_="check")
        batch_op.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE contact_attempts SET attempted_at = attempted_on")
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.alter_column(
            "attempted_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.drop_column("note")
        batch_op.drop_column("attempted_on")
