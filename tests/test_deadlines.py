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


def received(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> Deadlines:
    return Deadlines.compute(datetime(y, mo, d, h, mi, tzinfo=UTC), LONDON)


def test_a_first_session_date_is_due_21_days_after_receipt() -> None:
    assert received(2026, 11, 23, 10).first_session_date_due == date(2026, 12, 14)


def test_support_is_due_three_calendar_months_after_receipt() -> None:
    assert received(2026, 12, 15, 10).support_due == date(2027, 3, 15)


def test_a_referral_received_on_30_november_must_have_support_by_28_february() -> None:
    assert received(2026, 11, 30, 10).support_due == date(2027, 2, 28)


def test_in_a_leap_year_30_november_runs_to_29_february() -> None:
    assert received(2027, 11, 30, 10).support_due == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 5, 31), 1, date(2027, 6, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 10, 31), 4, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 3, date(2027, 3, 15)),
        (date(2026, 10, 1), 15, date(2028, 1, 1)),
    ],
)
def test_calendar_months_are_clamped_to_the_end_of_a_shorter_month(
    start: date, months: int, expected: date
) -> None:
    assert add_calendar_months(start, months) == expected


def test_the_local_date_counts_in_summer_when_utc_is_still_the_day_before() -> None:
    # 23:30 UTC on 30 June is 00:30 BST on 1 July in Wales.
    assert received(2027, 6, 30, 23, 30).support_due == date(2027, 10, 1)
    assert received(2027, 6, 30, 23, 30).first_session_date_due == date(2027, 7, 22)


def test_in_winter_the_utc_date_and_the_local_date_agree_late_in_the_evening() -> None:
    # 23:30 UTC on 31 October is 23:30 GMT, still 31 October.
    assert received(2026, 10, 31, 23, 30).first_session_date_due == date(2026, 11, 21)
    assert received(2026, 10, 31, 23, 30).support_due == date(2027, 1, 31)


def test_the_evening_before_the_clocks_go_back_is_already_the_next_local_day() -> None:
    # Saturday 24 Oct 2026 23:30 UTC is 00:30 BST on Sunday 25 Oct (clocks go back at 02:00).
    assert received(2026, 10, 24, 23, 30).first_session_date_due == date(2026, 11, 15)
    # Sunday 25 Oct 23:30 UTC is 23:30 GMT: still the 25th.
    assert received(2026, 10, 25, 23, 30).first_session_date_due == date(2026, 11, 15)
    assert received(2026, 10, 25, 22, 59).support_due == date(2027, 1, 25)


def test_the_evening_the_clocks_go_forward_is_the_next_local_day() -> None:
    # Saturday 27 Mar 2027 23:30 UTC is 23:30 GMT: still the 27th.
    assert received(2027, 3, 27, 23, 30).first_session_date_due == date(2027, 4, 17)
    # Sunday 28 Mar 23:30 UTC is 00:30 BST on Monday 29 Mar.
    assert received(2027, 3, 28, 23, 30).first_session_date_due == date(2027, 4, 19)
    assert received(2027, 3, 28, 23, 30).support_due == date(2027, 6, 29)


def test_an_agreed_extension_replaces_the_support_deadline() -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    extended = Deadlines.compute(at, LONDON, date(2027, 4, 30))
    assert extended.support_due == date(2027, 4, 30)
    assert extended.first_session_date_due == date(2026, 12, 14)


def test_an_extension_equal_to_the_normal_deadline_is_accepted() -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert Deadlines.compute(at, LONDON, date(2027, 2, 23)).support_due == date(2027, 2, 23)


def test_an_extension_earlier_than_the_normal_deadline_is_refused() -> None:
    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="earlier"):
        Deadlines.compute(at, LONDON, date(2027, 2, 22))


def test_the_service_time_zone_is_the_default() -> None:
    at = datetime(2027, 6, 30, 23, 30, tzinfo=UTC)
    assert Deadlines.compute(at) == Deadlines.compute(at, LONDON)


def test_a_naive_received_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Deadlines.compute(datetime(2026, 11, 23, 10), LONDON)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        is_past(date(2026, 12, 14), datetime(2026, 12, 15), LONDON)  # noqa: DTZ001


def test_a_deadline_is_met_on_its_own_day_and_missed_the_day_after() -> None:
    due = date(2026, 12, 14)
    clock = FixedClock(datetime(2026, 12, 14, 23, 59, tzinfo=LONDON))
    assert not is_past(due, clock.now(), LONDON)
    assert days_left(due, clock.now(), LONDON) == 0
    clock.advance(minutes=1)
    assert is_past(due, clock.now(), LONDON)
    assert days_left(due, clock.now(), LONDON) == -1


def test_the_local_date_decides_whether_a_summer_deadline_has_passed() -> None:
    # 23:30 UTC on the due day is already the next day in BST.
    due = date(2027, 7, 22)
    assert not is_past(due, datetime(2027, 7, 22, 22, 59, tzinfo=UTC), LONDON)
    assert is_past(due, datetime(2027, 7, 22, 23, 0, tzinfo=UTC), LONDON)


def test_days_left_counts_whole_local_days() -> None:
    assert days_left(date(2026, 12, 14), datetime(2026, 11, 23, 10, tzinfo=UTC), LONDON) == 21


@given(st.datetimes(min_value=datetime(2022, 3, 21), max_value=datetime(2035, 12, 31),  # noqa: DTZ001
                    timezones=st.just(UTC)))  # fmt: skip
def test_every_deadline_is_21_days_and_about_three_months_after_receipt(at: datetime) -> None:
    deadlines = Deadlines.compute(at, LONDON)
    local = at.astimezone(LONDON).date()
    assert deadlines.first_session_date_due - local == timedelta(days=21)
    assert 89 <= (deadlines.support_due - local).days <= 92
    assert not is_past(deadlines.first_session_date_due, at, LONDON)
