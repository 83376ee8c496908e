"""Monitoring periods: six-monthly in the financial year, with boundaries at local midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from state_machine.periods import Period, PeriodError, last_ended


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_h1_is_april_to_september_and_h2_is_october_to_march_of_the_next_year() -> None:
    h1, h2 = Period.parse("2026-H1"), Period.parse("2026-h2")
    assert (h1.first_day, h1.last_day) == (date(2026, 4, 1), date(2026, 9, 30))
    assert (h2.first_day, h2.last_day) == (date(2026, 10, 1), date(2027, 3, 31))
    assert h1.following == h2 and h2.following == Period(2027, 1) and h2.previous == h1
    assert Period(2026, 1).previous == Period(2025, 2)


@pytest.mark.parametrize("text", ["2026", "2026-H3", "H1-2026", "26-H1", "", "2026-H0"])
def test_a_name_that_is_not_a_period_is_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # 1 April is in British Summer Time: local midnight is 23:00 UTC the day before.
        (utc(2026, 3, 31, 22, 59), "2025-H2"),
        (utc(2026, 3, 31, 23, 0), "2026-H1"),
        (utc(2026, 3, 31, 23, 30), "2026-H1"),
        # 1 October, also in summer time.
        (utc(2026, 9, 30, 22, 59), "2026-H1"),
        (utc(2026, 9, 30, 23, 0), "2026-H2"),
        # 1 April 2027 falls after the clocks went forward on 28 March 2027.
        (utc(2027, 3, 31, 22, 59, 59), "2026-H2"),
        (utc(2027, 3, 31, 23, 0), "2027-H1"),
    ],
)
def test_a_moment_belongs_to_the_period_of_its_local_date(at: datetime, expected: str) -> None:
    period = Period.of(at)
    assert period.name == expected
    assert period.holds(at)
    assert not period.previous.holds(at) and not period.following.holds(at)


def test_the_boundaries_are_local_midnights_whatever_the_offset() -> None:
    h1 = Period(2026, 1)
    assert h1.starts_at().astimezone(UTC) == utc(2026, 3, 31, 23, 0)  # BST
    assert h1.ends_at().astimezone(UTC) == utc(2026, 9, 30, 23, 0)  # BST
    h2 = Period(2026, 2)  # the clocks go back on 25 October 2026 inside it
    assert h2.starts_at().astimezone(UTC) == utc(2026, 9, 30, 23, 0)
    assert h2.ends_at().astimezone(UTC) == utc(2027, 3, 31, 23, 0)
    # The hour repeated when the clocks go back (01:00-02:00 on 25 October) is in H2 twice.
    assert h2.holds(utc(2026, 10, 25, 0, 30)) and h2.holds(utc(2026, 10, 25, 1, 30))
    # Both boundaries always fall in summer time (the clocks change at the end of March and
    # of October), after the change in March 2026 too.
    assert Period(2025, 2).ends_at().astimezone(UTC) == utc(2026, 3, 31, 23, 0)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Period.of(datetime(2026, 4, 1))  # noqa: DTZ001 - the naive time is the point


def test_the_last_ended_period_is_the_one_before_today() -> None:
    assert last_ended(date(2026, 12, 2)).name == "2026-H1"
    assert last_ended(date(2026, 4, 1)).name == "2025-H2"
    assert last_ended(date(2027, 3, 31)).name == "2026-H1"
