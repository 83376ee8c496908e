"""Nudges wait for working time: weekdays 09:00-17:00 in Wales, not on bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state_machine.working_time import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar(LONDON)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=LONDON)


def test_friday_at_five_waits_for_monday_morning() -> None:
    assert CAL.next_working_moment(local(2026, 11, 27, 17, 0)) == local(2026, 11, 30, 9, 0)


def test_saturday_waits_for_monday_morning() -> None:
    assert CAL.next_working_moment(local(2026, 11, 28, 11, 0)) == local(2026, 11, 30, 9, 0)


def test_just_before_nine_waits_until_nine_the_same_day() -> None:
    assert CAL.next_working_moment(local(2026, 11, 24, 8, 59)) == local(2026, 11, 24, 9, 0)


def test_inside_working_time_the_moment_is_now() -> None:
    now = local(2026, 11, 24, 16, 59)
    nudge = CAL.next_working_moment(now)
    assert nudge == now
    assert nudge.tzinfo is UTC


def test_the_working_day_starts_at_nine_and_is_over_at_five() -> None:
    assert CAL.is_working_moment(local(2026, 11, 24, 9, 0))
    assert not CAL.is_working_moment(local(2026, 11, 24, 8, 59, 59))
    assert not CAL.is_working_moment(local(2026, 11, 24, 17, 0))
    assert CAL.next_working_moment(local(2026, 11, 24, 17, 0)) == local(2026, 11, 25, 9, 0)


def test_the_next_working_moment_is_given_in_utc() -> None:
    assert CAL.next_working_moment(local(2026, 11, 28, 11, 0)).tzinfo is UTC


def test_christmas_and_the_boxing_day_substitute_are_skipped() -> None:
    # 2026: Christmas Friday 25th; Boxing Day Saturday 26th, observed Monday 28th.
    assert not CAL.is_working_day(date(2026, 12, 25))
    assert not CAL.is_working_day(date(2026, 12, 28))
    assert CAL.next_working_moment(local(2026, 12, 24, 17, 30)) == local(2026, 12, 29, 9, 0)


def test_the_new_year_bank_holiday_is_skipped_across_the_year_end() -> None:
    # Thursday 31 Dec 2026 after five; Friday 1 Jan 2027 is a bank holiday.
    assert CAL.next_working_moment(local(2026, 12, 31, 17, 0)) == local(2027, 1, 4, 9, 0)


def test_easter_2027_is_skipped_and_nine_oclock_is_eight_utc_in_summer_time() -> None:
    # Good Friday 26 March, Easter Monday 29 March; BST began on Sunday 28 March.
    assert not CAL.is_working_day(date(2027, 3, 26))
    assert not CAL.is_working_day(date(2027, 3, 29))
    nudge = CAL.next_working_moment(local(2027, 3, 25, 18, 0))
    assert nudge == local(2027, 3, 30, 9, 0)
    assert nudge == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)


def test_the_october_clock_change_keeps_nine_oclock_local() -> None:
    # Friday 23 Oct 2026 17:30 BST; the clocks go back on Sunday 25th, so 09:00 GMT = 09:00 UTC.
    nudge = CAL.next_working_moment(datetime(2026, 10, 23, 16, 30, tzinfo=UTC))
    assert nudge == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "holiday",
    [
        date(2027, 1, 1),  # New Year's Day
        date(2027, 5, 3),  # Early May
        date(2027, 5, 31),  # Spring
        date(2027, 8, 30),  # Summer
    ],
)
def test_bank_holidays_in_wales_are_not_working_days(holiday: date) -> None:
    assert holiday.weekday() < 5
    assert not CAL.is_working_day(holiday)


def test_an_ordinary_weekday_is_a_working_day() -> None:
    assert CAL.is_working_day(date(2027, 5, 4))
    assert not CAL.is_working_day(date(2027, 5, 8))  # a Saturday


def test_working_days_are_counted_past_weekends_and_holidays() -> None:
    assert CAL.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert CAL.add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
    assert CAL.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_working_hours_can_be_configured() -> None:
    early = WorkingCalendar(LONDON, start=time(8, 0), end=time(12, 30))
    assert early.next_working_moment(local(2026, 11, 24, 7, 0)) == local(2026, 11, 24, 8, 0)
    assert early.next_working_moment(local(2026, 11, 24, 12, 30)) == local(2026, 11, 25, 8, 0)
    with pytest.raises(ValueError, match="start before"):
        WorkingCalendar(LONDON, start=time(17, 0), end=time(9, 0))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.next_working_moment(datetime(2026, 11, 24, 10, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.is_working_moment(datetime(2026, 11, 24, 10, 0))  # noqa: DTZ001


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone
        max_value=datetime(2030, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_the_next_working_moment_is_the_first_one_at_or_after_t(t: datetime) -> None:
    nudge = CAL.next_working_moment(t)
    assert nudge >= t and CAL.is_working_moment(nudge)
    if nudge == t:
        return
    # Nothing was skipped: t was outside working time, the nudge is the start of a day, and
    # every day strictly between them is not a working day.
    assert not CAL.is_working_moment(t)
    was, then = t.astimezone(LONDON), nudge.astimezone(LONDON)
    assert then.time() == CAL.start
    if then.date() == was.date():
        assert was.time() < CAL.start
    else:
        assert not CAL.is_working_day(was.date()) or was.time() >= CAL.end
    day = was.date() + timedelta(days=1)
    while day < then.date():
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (local(2026, 11, 27, 16, 30), 1, local(2026, 11, 30, 16, 30)),  # Friday -> Monday
        (local(2026, 11, 28, 12, 0), 1, local(2026, 12, 1, 9, 0)),  # Saturday: from Monday 9
        (local(2026, 11, 24, 8, 0), 0, local(2026, 11, 24, 9, 0)),  # none: the next moment
        (local(2027, 3, 25, 10, 0), 1, local(2027, 3, 30, 10, 0)),  # Easter, clocks forward
    ],
)
def test_working_days_after_a_moment_keep_the_wall_clock_time(
    start: datetime, n: int, expected: datetime
) -> None:
    assert CAL.working_days_after(start, n) == expected


def test_the_next_working_morning_is_tomorrow_at_nine_or_after_the_weekend() -> None:
    assert CAL.next_working_morning(local(2026, 11, 24, 16, 0)) == local(2026, 11, 25, 9, 0)
    assert CAL.next_working_morning(local(2026, 11, 24, 7, 0)) == local(2026, 11, 25, 9, 0)
    assert CAL.next_working_morning(local(2026, 11, 27, 10, 0)) == local(2026, 11, 30, 9, 0)
    assert CAL.next_working_morning(local(2026, 11, 28, 10, 0)) == local(2026, 11, 30, 9, 0)
    assert CAL.next_working_morning(local(2026, 12, 24, 10, 0)) == local(2026, 12, 29, 9, 0)
