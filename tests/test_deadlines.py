"""Deadlines: a first-session date within 21 days, support within 3 calendar months."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from state_machine.clock import FixedClock
from state_machine.deadlines import Deadlines, add_calendar_months, days_left, is_past

LONDON = ZoneInfo("Europe/London")


def received(*parts: int) -> Deadlines:
    return Deadlines.compute(datetime(*parts, tzinfo=UTC), LONDON)  # type: ignore[misc]


def test_a_referral_received_on_30_november_must_have_support_by_28_february() -> None:
    assert received(2026, 11, 30, 10).support_due == date(2027, 2, 28)


def test_in_a_leap_year_30_november_runs_to_29_february() -> None:
    assert received(2027, 11, 30, 10).support_due == date(2028, 2, 29)


def test_a_first_session_date_is_due_21_days_after_receipt() -> None:
    assert received(2026, 11, 23, 10).first_session_date_due == date(2026, 12, 14)


def test_month_ends_are_clamped() -> None:
    assert add_calendar_months(date(2027, 5, 31), 1) == date(2027, 6, 30)
    assert add_calendar_months(date(2026, 12, 15), 3) == date(2027, 3, 15)


def test_the_local_date_counts_not_the_utc_date() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in Wales (BST).
    assert received(2027, 6, 30, 23, 30).support_due == date(2027, 10, 1)
    # 23:30 UTC on 31 October is still 31 October in Wales (GMT).
    assert received(2026, 10, 31, 23, 30).first_session_date_due == date(2026, 11, 21)
    # Around the March change: 23:30 UTC Saturday 27 March 2027 is still 27 March (GMT).
    assert received(2027, 3, 27, 23, 30).first_session_date_due == date(2027, 4, 17)


def test_an_agreed_extension_replaces_the_support_deadline() -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert Deadlines.compute(at, LONDON, date(2027, 4, 30)).support_due == date(2027, 4, 30)
    with pytest.raises(ValueError, match="earlier"):
        Deadlines.compute(at, LONDON, date(2027, 1, 1))


def test_a_deadline_is_met_on_its_own_day() -> None:
    clock = FixedClock(datetime(2026, 12, 14, 23, 59, tzinfo=LONDON))
    assert not is_past(date(2026, 12, 14), clock.now(), LONDON)
    assert days_left(date(2026, 12, 14), clock.now(), LONDON) == 0
    clock.advance(minutes=1)
    assert is_past(date(2026, 12, 14), clock.now(), LONDON)


def test_the_clock_refuses_naive_times_and_moves_only_when_told() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.now() == clock.now()
    assert clock.advance(timedelta(days=1), hours=2) == datetime(2026, 1, 2, 2, tzinfo=UTC)


@given(st.datetimes(min_value=datetime(2022, 3, 21), max_value=datetime(2035, 12, 31),  # noqa: DTZ001
                    timezones=st.just(UTC)))  # fmt: skip
def test_every_deadline_is_21_days_and_about_three_months_after_receipt(at: datetime) -> None:
    deadlines = Deadlines.compute(at, LONDON)
    local = at.astimezone(LONDON).date()
    assert deadlines.first_session_date_due - local == timedelta(days=21)
    assert 89 <= (deadlines.support_due - local).days <= 92
