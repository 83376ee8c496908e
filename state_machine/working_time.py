"""Working time for nudges: Monday to Friday, 09:00-17:00 local, not on bank holidays in Wales.

Deadlines are calendar deadlines and never move; only when a nudge is *sent* follows this.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

SERVICE_TZ = ZoneInfo("Europe/London")
_KEPT = 4096  # moments kept by next_working_moment: a few years of midnights


class WorkingCalendar:
    """Weekdays between `start` (inclusive) and `end` (exclusive) in `tz`, bank holidays off."""

    def __init__(
        self,
        tz: ZoneInfo = SERVICE_TZ,
        start: time = time(9, 0),
        end: time = time(17, 0),
    ) -> None:
        if not start < end:
            raise ValueError("the working day must start before it ends")
        self.tz, self.start, self.end = tz, start, end
        self._bank_holidays: dict[int, frozenset[date]] = {}
        self._next: dict[datetime, datetime] = {}  # next_working_moment, by the moment asked

    def bank_holidays(self, year: int) -> frozenset[date]:
        """Bank holidays in Wales that year, substitute days included (cached per year)."""
        if year not in self._bank_holidays:
            # observed=True adds substitutes, e.g. Boxing Day on a Saturday -> the Monday.
            found = holidays.country_holidays("GB", subdiv="WLS", years=year, observed=True)
            self._bank_holidays[year] = frozenset(found)
        return self._bank_holidays[year]

    def is_bank_holiday(self, d: date) -> bool:
        return d in self.bank_holidays(d.year)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and not self.is_bank_holiday(d)

    def is_working_moment(self, t: datetime) -> bool:
        local = _local(t, self.tz)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_working_moment(self, t: datetime) -> datetime:
        """`t` itself when it is working time, else the start of the next working day (UTC).
        Kept per moment: a sweep asks it of the same few midnights for every case."""
        found = self._next.get(t)
        if found is None:
            if len(self._next) >= _KEPT:
                self._next.clear()
            found = self._next[t] = self._next_working_moment(t)
        return found

    def _next_working_moment(self, t: datetime) -> datetime:
        if self.is_working_moment(t):
            return t.astimezone(UTC)
        local = _local(t, self.tz)
        day = local.date()
        if not (self.is_working_day(day) and local.time() < self.start):
            day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        # Wall-clock start on that day; zoneinfo gives the right offset either side of a change.
        return datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)

    def working_days_after(self, t: datetime, n: int) -> datetime:
        """`n` working days of working time after `t` (UTC): from the first working moment at
        or after `t`, the same wall-clock time `n` working days later. Friday 16:30 + 1 is
        Monday 16:30; Saturday noon + 1 is Tuesday 09:00 (the clock starts on Monday)."""
        start = self.next_working_moment(t).astimezone(self.tz)
        day = self.add_working_days(start.date(), n)
        return datetime.combine(day, start.time(), tzinfo=self.tz).astimezone(UTC)

    def next_working_morning(self, t: datetime) -> datetime:
        """The start of the first working day after `t`'s local day (UTC): "tomorrow", as
        "Remind me tomorrow" means it (pressed on a Friday or a Saturday: Monday 09:00)."""
        day = self.add_working_days(_local(t, self.tz).date(), 1)
        return datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)

    def add_working_days(self, d: date, n: int) -> date:
        """The working day `n` working days after `d` (n >= 0)."""
        if n < 0:
            raise ValueError("only counts forwards")
        while n > 0:
            d += timedelta(days=1)
            n -= self.is_working_day(d)
        return d


def _local(t: datetime, tz: ZoneInfo) -> datetime:
    if t.utcoffset() is None:
        raise ValueError("working time needs a timezone-aware datetime")
    return t.astimezone(tz)
