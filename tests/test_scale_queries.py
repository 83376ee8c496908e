"""At scale (1,000,000 referrals, docs/performance.md) what grows with the data is read
through an index: the sweep's due cases, the return's referrals a period touches, and one
LA's /summary through the indexes that lead with the LA (migration 0010), not every
referral the LA ever had."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from state_machine.periods import Period
from storage.monitoring import touching
from storage.nudges import due_query
from storage.summary import Scope, live_query, monthly_query, outcomes_query, period_query
from storage.uow import Storage
from tests.test_summary_queries import plan

AT = datetime(2026, 12, 2, 9, tzinfo=UTC)
LA = Scope(("cardiff",))


async def test_the_sweep_finds_what_is_due_through_its_index(storage: Storage) -> None:
    shown = await plan(storage, due_query(AT, 100))
    assert "ix_referrals_next_nudge_at" in shown, shown
    assert "Seq Scan" not in shown


async def test_each_part_of_the_returns_read_has_an_index(storage: Storage) -> None:
    shown = await plan(storage, touching(Period(2026, 1), ZoneInfo("Europe/London")))
    for index in ("ix_referrals_received_at", "ix_referrals_first_session_date",
                  "ix_referrals_outcome_recorded_at", "ix_parenting_sessions_held_on_referral_id",
                  "ix_distance_measures_measured_on"):  # fmt: skip
        assert index in shown, shown
    assert "Seq Scan" not in shown
    assert re.search(r"SCAN \w+(?! USING)", shown) is None, shown


async def test_one_las_summary_reads_through_the_indexes_that_lead_with_the_la(
    storage: Storage,
) -> None:
    # SQLite, as shipped, keeps no statistics: without these it took ix_referrals_la_code
    # and read all of an LA's referrals of every year (7 s at 1,000,000 referrals).
    # PostgreSQL's planner chooses by its statistics, which empty tables do not have.
    if storage.db.is_postgresql:
        pytest.skip("PostgreSQL plans by the statistics of the data it holds")
    expected = [
        (live_query(LA), "ix_referrals_la_code_state"),
        (period_query(LA, AT), "ix_referrals_la_code_received_at"),
        (monthly_query(LA, AT, [AT, AT]), "ix_referrals_la_code_received_at"),
        (outcomes_query(LA, AT, AT), "ix_referrals_la_code_outcome_recorded_at"),
    ]
    for statement, index in expected:
        shown = await plan(storage, statement)
        assert index in shown, shown
