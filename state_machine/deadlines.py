"""Calendar deadlines from a referral's received time (guidance §4 and §8 i)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

FIRST_SESSION_DATE_WITHIN = timedelta(days=21)
SUPPORT_WITHIN_MONTHS = 3
SERVICE_TZ = ZoneInfo("Europe/London")


@lru_cache(maxsize=4096)  # pure, and a summary asks it of the same few hundred days again
def add_calendar_months(d: date, months: int) -> date:
    """`d` plus whole calendar months, clamped to the month's end (30 Nov + 3 = 28/29 Feb)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def local_date(at: datetime, tz: ZoneInfo) -> date:
    """The calendar date of `at` in the service's time zone."""
    if at.utcoffset() is None:
        raise ValueError("a deadline needs a timezone-aware time")
    return at.astimezone(tz).date()


@dataclass(frozen=True)
class Deadlines:
    """The two calendar deadlines a referral runs against."""

    first_session_date_due: date  # a first-session date must be set by the end of this day
    support_due: date  # support delivered by the end of this day (or the agreed extension)

    @classmethod
    def compute(
        cls, received_at: datetime, tz: ZoneInfo = SERVICE_TZ, extension: date | None = None
    ) -> Deadlines:
        """Deadlines counted from the *local* date the referral was received."""
        return _from_day(local_date(received_at, tz), extension)


@lru_cache(maxsize=4096)  # pure: the same day's deadlines for every case received on it
def _from_day(received: date, extension: date | None) -> Deadlines:
    support = add_calendar_months(received, SUPPORT_WITHIN_MONTHS)
    if extension is not None and extension < support:
        raise ValueError("an extension cannot be earlier than the 3-month deadline")
    return Deadlines(received + FIRST_SESSION_DATE_WITHIN, extension or support)


def is_past(due: date, now: datetime, tz: ZoneInfo = SERVICE_TZ) -> bool:
    """True once the due day itself is over in local time (a deadline is met on its own day)."""
    return local_date(now, tz) > due


def days_left(due: date, now: datetime, tz: ZoneInfo = SERVICE_TZ) -> int:
    """Whole local days until `due`: 0 on the day itself, negative once it has passed."""
    return (due - local_date(now, tz)).days
