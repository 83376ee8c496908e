"""The domain's clock: it tells UTC and only moves when a test moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from state_machine.clock import Clock, FixedClock

LONDON = ZoneInfo("Europe/London")


def test_a_fixed_clock_keeps_telling_the_same_time() -> None:
    clock: Clock = FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    assert clock.now() == clock.now() == datetime(2026, 1, 1, 9, tzinfo=UTC)


def test_the_clock_tells_utc_even_when_set_in_local_time() -> None:
    clock = FixedClock(datetime(2026, 7, 1, 10, tzinfo=LONDON))
    assert clock.now().tzinfo is UTC
    assert clock.now() == datetime(2026, 7, 1, 9, tzinfo=UTC)


def test_a_naive_time_is_refused_when_made_or_set() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 2))  # noqa: DTZ001
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)


def test_set_moves_the_clock_anywhere() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.set(datetime(2025, 6, 1, 12, tzinfo=UTC))
    assert clock.now() == datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_advance_takes_a_timedelta_keywords_or_both() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(days=1)) == datetime(2026, 1, 2, tzinfo=UTC)
    assert clock.advance(hours=2, minutes=30) == datetime(2026, 1, 2, 2, 30, tzinfo=UTC)
    assert clock.advance(timedelta(days=1), hours=1) == datetime(2026, 1, 3, 3, 30, tzinfo=UTC)
    assert clock.now() == datetime(2026, 1, 3, 3, 30, tzinfo=UTC)


def test_advancing_across_a_clock_change_is_elapsed_time() -> None:
    # 00:30 GMT on 28 March 2027; an hour later it is 02:30 BST, not 01:30 (which never happens).
    clock = FixedClock(datetime(2027, 3, 28, 0, 30, tzinfo=LONDON))
    clock.advance(hours=1)
    assert clock.now().astimezone(LONDON).hour == 2
