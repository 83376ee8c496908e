"""Nudges wait for working time: weekdays 09:00-17:00 in Wales, not on bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state_machine.working_time import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar(LONDON)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


def test_friday_after_five_waits_for_monday_morning() -> None:
    assert CAL.next_working_moment(local(2026, 11, 27, 17, 0)) == local(2026, 11, 30, 9, 0)


def test_saturday_waits_for_monday_morning() -> None:
    assert CAL.next_working_moment(local(2026, 11, 28, 11, 0)) == local(2026, 11, 30, 9, 0)


def test_just_before_nine_waits_a_minute_and_working_time_is_now() -> None:
    assert CAL.next_working_moment(local(2026, 11, 24, 8, 59)) == local(2026, 11, 24, 9, 0)
    now = local(2026, 11, 24, 16, 59)
    assert CAL.next_working_moment(now) == now
    assert CAL.is_working_moment(local(2026, 11, 24, 9, 0))
    assert not CAL.is_working_moment(local(2026, 11, 24, 17, 0))


def test_christmas_and_the_boxing_day_substitute_are_skipped() -> None:
    # 2026: Christmas Friday 25th; Boxing Day Saturday 26th, observed Monday 28th.
    assert CAL.next_working_moment(local(2026, 12, 24, 17, 30)) == local(2026, 12, 29, 9, 0)
    assert not CAL.is_working_day(date(2026, 12, 28))


def test_easter_2027_is_skipped_and_summer_time_has_begun() -> None:
    # Good Friday 26 March, Easter Monday 29 March; BST began on Sunday 28 March.
    nudge = CAL.next_working_moment(local(2027, 3, 25, 18, 0))
    assert nudge == local(2027, 3, 30, 9, 0)
    assert nudge == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)


def test_the_october_clock_change_keeps_nine_oclock_local() -> None:
    # Friday 23 Oct 2026 17:30 BST; the clocks go back on Sunday 25th.
    nudge = CAL.next_working_moment(datetime(2026, 10, 23, 16, 30, tzinfo=UTC))
    assert nudge == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "holiday",
    [date(2027, 1, 1), date(2027, 5, 3), date(2027, 5, 31), date(2027, 8, 30)],
)
def test_bank_holidays_in_wales_are_not_working_days(holiday: date) -> None:
    assert holiday.weekday() == 0 or holiday.day == 1
    assert not CAL.is_working_day(holiday)


def test_working_days_are_counted_past_weekends_and_holidays() -> None:
    assert CAL.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.next_working_moment(datetime(2026, 11, 24, 10, 0))  # noqa: DTZ001


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
    if nudge > t:
        # Nothing between: every day strictly between is not a working day, and on the
        # nudge's own day it is the start of the working day.
        assert nudge.astimezone(LONDON).time() == CAL.start
        day = t.astimezone(LONDON).date() + timedelta(days=1)
        while day < nudge.astimezone(LONDON).date():
            assert not CAL.is_working_day(day)
            day += timedelta(days=1)
