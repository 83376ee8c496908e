"""At scale (1,000,000 referrals, docs/performance.md) what grows with the data is read
through an index: the sweep's due cases, the return's referrals a period touches and its
reads of them, and one LA's /summary through the indexes that lead with the LA (migration
0010), not every referral the LA ever had."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from state_machine.periods import Period
from storage.monitoring import attended_query, cases_query, measured_query, touching
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


async def test_the_returns_reads_of_the_touched_cases_go_by_key_and_index(
    storage: Storage,
) -> None:
    """The touched referrals' columns by primary key (the touching set computed in the same
    statement), their attended sessions by referral, the period's end measures by day."""
    if storage.db.is_postgresql:
        pytest.skip("PostgreSQL plans by the statistics of the data it holds")
    h1, tz = Period(2026, 1), ZoneInfo("Europe/London")
    for las in (None, ["cardiff"]):
        shown = await plan(storage, cases_query(h1, tz, las))
        assert "SEARCH referrals USING INTEGER PRIMARY KEY" in shown, shown
        assert re.search(r"SCAN (?!anon_)\w+", shown) is None, shown  # only the set itself
    expected = [
        (attended_query([1, 2, 3]), "ix_parenting_sessions_referral_id"),
        (measured_query(h1), "ix_distance_measures_measured_on"),
    ]
    for statement, index in expected:
        shown = await plan(storage, statement)
        assert index in shown, shown


def test_postgresql_is_given_the_touched_set_as_an_array_it_looks_up_by_key() -> None:
    """Given `IN (union)`, PostgreSQL misjudged the set (473,048 for 81,438) and joined by
    reading all 1,000,000 referrals; `= ANY(ARRAY(union))` it reads by primary key."""
    statement = cases_query(Period(2026, 1), ZoneInfo("Europe/London"), None)
    assert "referrals.id = ANY(ARRAY(SELECT" in str(statement.compile(dialect=postgresql.dialect()))
    assert "referrals.id IN (SELECT" in str(statement.compile(dialect=sqlite.dialect()))
