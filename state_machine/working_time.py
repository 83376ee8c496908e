"""Working time for nudges: Monday to Friday, 09:00-17:00 local, not on bank holidays in Wales.

Deadlines are calendar deadlines and never move; only when a nudge is *sent* follows this.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays


class WorkingCalendar:
    def __init__(
        self,
        tz: ZoneInfo,
        start: time = time(9, 0),
        end: time = time(17, 0),
    ) -> None:
        if not start < end:
            raise ValueError("the working day must start before it ends")
        self.tz, self.start, self.end = tz, start, end
        # The maintained list, with substitute days (e.g. Boxing Day on a Saturday -> Monday).
        self._holidays = holidays.country_holidays("GB", subdiv="WLS")

    def is_bank_holiday(self, d: date) -> bool:
        return d in self._holidays

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and not self.is_bank_holiday(d)

    def is_working_moment(self, t: datetime) -> bool:
        local = _local(t, self.tz)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_working_moment(self, t: datetime) -> datetime:
        """`t` itself when it is working time, else the start of the next working day (UTC)."""
        if self.is_working_moment(t):
            return t.astimezone(UTC)
        local = _local(t, self.tz)
        day = local.date()
        if not (self.is_working_day(day) and local.time() < self.start):
            day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        # Wall-clock 09:00 on that day; zoneinfo gives the right offset either side of a change.
        return datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)

    def add_working_days(self, d: date, n: int) -> date:
        """The working day `n` working days after `d` (n >= 0)."""
        while n > 0:
            d += timedelta(days=1)
            n -= self.is_working_day(d)
        return d


def _local(t: datetime, tz: ZoneInfo) -> datetime:
    if t.tzinfo is None:
        raise ValueError("working time needs a timezone-aware datetime")
    return t.astimezone(tz)
