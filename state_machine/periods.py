"""Monitoring periods (guidance §8 iv): six-monthly, in the Welsh Government financial year.

H1 is 1 April to 30 September, H2 is 1 October to 31 March; `2026-H1` is April-September
2026 and `2026-H2` is October 2026-March 2027. A period's boundaries are midnights in local
time (Europe/London), so a referral at 00:30 BST on 1 October (23:30 UTC on 30 September)
is in H2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from state_machine.deadlines import SERVICE_TZ

_NAME = re.compile(r"^\s*(\d{4})\s*-?\s*[Hh]([12])\s*$")


class PeriodError(ValueError):
    """A period name that is not `YYYY-H1` or `YYYY-H2`."""


@dataclass(frozen=True, order=True)
class Period:
    year: int  # the financial year's starting calendar year: 2026 for April 2026-March 2027
    half: int  # 1 (April-September) or 2 (October-March)

    def __post_init__(self) -> None:
        if self.half not in (1, 2) or not 2000 <= self.year <= 2999:
            raise PeriodError(f"no such period: {self.year}-H{self.half}")

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _NAME.match(text)
        if match is None:
            raise PeriodError(f"'{text}' is not a period such as 2026-H1 or 2026-H2")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Period:
        if 4 <= day.month <= 9:
            return cls(day.year, 1)
        return cls(day.year if day.month >= 10 else day.year - 1, 2)

    @classmethod
    def of(cls, at: datetime, tz: ZoneInfo = SERVICE_TZ) -> Period:
        """The period a moment falls in, by its local date."""
        if at.utcoffset() is None:
            raise ValueError("a period needs a timezone-aware time")
        return cls.containing(at.astimezone(tz).date())

    @property
    def name(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def first_day(self) -> date:
        return date(self.year, 4, 1) if self.half == 1 else date(self.year, 10, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 9, 30) if self.half == 1 else date(self.year + 1, 3, 31)

    def starts_at(self, tz: ZoneInfo = SERVICE_TZ) -> datetime:
        """Local midnight at the start of the first day (aware; compare it with any aware time)."""
        return datetime.combine(self.first_day, time(), tz)

    def ends_at(self, tz: ZoneInfo = SERVICE_TZ) -> datetime:
        """Local midnight after the last day: the period is [starts_at, ends_at)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), tz)

    def holds(self, at: datetime, tz: ZoneInfo = SERVICE_TZ) -> bool:
        return self.starts_at(tz) <= at < self.ends_at(tz)

    def holds_day(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    @property
    def following(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)


def last_ended(today: date) -> Period:
    """The latest period wholly over by `today`: the one a return is usually made for."""
    return Period.containing(today).previous
