"""What grows with the data is found through an index: each statement /summary, /overdue and
/workload run, as run, read by the query planner of SQLite and of PostgreSQL (issue 13)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Select

from storage.summary import (
    Scope,
    live_query,
    monthly_query,
    outcomes_query,
    period_query,
    received_query,
    welsh_query,
)
from storage.uow import Storage

AT = datetime(2026, 12, 2, 9, tzinfo=UTC)
SCOPES = [Scope(None), Scope(("cardiff",)), Scope(None, "gwent"), Scope(("cardiff", "newport"))]


def statements(scope: Scope) -> list[tuple[Select[Any], set[str]]]:
    """Each statement, and the indexes any one of which it may use."""
    return [
        (live_query(scope), {"ix_referrals_state", "ix_referrals_la_code"}),
        (received_query(scope, AT), {"ix_referrals_received_at", "ix_referrals_la_code"}),
        (outcomes_query(scope, AT, AT), {"ix_referrals_outcome_recorded_at",
                                         "ix_referrals_la_code"}),
        (welsh_query([1, 2, 3]), {"ix_parenting_sessions_referral_id"}),
        (period_query(scope, AT), {"ix_referrals_received_at", "ix_referrals_la_code"}),
        (monthly_query(scope, AT, [AT, AT]), {"ix_referrals_received_at",
                                              "ix_referrals_la_code"}),
    ]  # fmt: skip


async def plan(storage: Storage, statement: Select[Any]) -> str:
    async with storage.unit_of_work() as uow:
        connection = await uow.session.connection()
        dialect = connection.dialect
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        names = compiled.positiontup or []
        params = tuple(compiled.params[name] for name in names)
        if dialect.name == "postgresql":
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # few rows here
            rows = await connection.exec_driver_sql(f"EXPLAIN {compiled}", params)
        else:
            params = tuple(p.isoformat() if isinstance(p, datetime) else p for p in params)
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
        return " ".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("scope", SCOPES, ids=repr)
async def test_each_summary_query_reads_through_an_index(storage: Storage, scope: Scope) -> None:
    for statement, indexes in statements(scope):
        shown = await plan(storage, statement)
        assert any(index in shown for index in indexes), shown
        assert "Seq Scan" not in shown
        assert re.search(r"SCAN (referrals|parenting_sessions)(?! USING)", shown) is None, shown
