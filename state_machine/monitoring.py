"""The six-monthly monitoring return (guidance §8 ii-iv) as arithmetic over plain records.

docs/monitoring-return.md defines each count in words; the functions here are those words.
Storage reads the records (storage/monitoring.py); nothing here knows SQL or Telegram.

Attribution, so each individual counts once in the total row: counts 1 and 7 (a referral
from the police, and the preference stated in it) go to the LA the police referred to; the
others (what happened in the support) go to the LA that holds the case, which after a
transfer is the LA delivering it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from state_machine.deadlines import SERVICE_TZ
from state_machine.distance_tools import Direction
from state_machine.periods import Period

# The eleven counts of §8(ii), in the guidance's order. These keys are the column names in
# every output and the message keys of their headings (`return.col.<key>`).
COUNTS: tuple[str, ...] = (
    "referred",
    "took_up",
    "partially_completed",
    "disengaged",
    "completed",
    "positive_outcome",
    "preferred_welsh",
    "welsh_after_preference",
    "completed_in_welsh",
    "physical_punishment_not_police",
    "not_physical_punishment",
)
# The last two are not in the case records: managers enter them with the §8(iii) items.
ENTERED_COUNTS: tuple[str, ...] = COUNTS[-2:]
# §8(iii): how the grant was used, entered by managers per LA and period.
ITEMS: tuple[str, ...] = ("fte", "staff", "universal_support", "training", "other_activity")

# The rule for publication (docs/monitoring-return.md): counts rounded to the nearest 5 and
# any count from 1 to 4 suppressed, shown as the GSS symbol for a confidential value.
SUPPRESS_BELOW = 5
ROUND_TO = 5
SUPPRESSED = "[c]"


class Attended(NamedTuple):
    """What the return reads of a case's sessions: those attended (planned, missed and
    cancelled ones are neither received nor attended), counted; the Welsh-medium ones' days."""

    sessions: int = 0
    welsh: int = 0  # of them, Welsh-medium
    welsh_days: tuple[date, ...] = ()  # the days those were held


class MeasureRecord(NamedTuple):
    tool: str
    phase: str  # start | end
    score: str
    measured_on: date
    positive: bool | None = None  # the worker's judgement, used when the tool has no direction


class CaseRecord(NamedTuple):
    """One referral as the return reads it. A tuple: a national return makes over 100,000,
    and a frozen dataclass of these fields took 1.3 us to make, a tuple 0.3 us."""

    referral_id: int
    la_code: str  # the LA holding the case now
    referred_la_code: str  # the LA the police referred to
    received_at: datetime | None
    preferred_welsh: bool
    first_session_date: date | None
    outcome: str | None  # not_taken_up | not_engaged | completed
    outcome_recorded_at: datetime | None
    attended: Attended = Attended()
    measures: tuple[MeasureRecord, ...] = ()


@dataclass(frozen=True)
class Entered:
    """What a manager enters for one LA and period: the last two counts and §8(iii)."""

    physical_punishment_not_police: int | None = None
    not_physical_punishment: int | None = None
    fte: Decimal | None = None
    staff: int | None = None
    universal_support: bool | None = None
    training: str | None = None
    other_activity: str | None = None


@dataclass(frozen=True)
class Row:
    la_code: str | None  # None: the total row
    counts: dict[str, int | None]  # None: an entered count not entered yet
    entered: Entered = field(default_factory=Entered)


@dataclass(frozen=True)
class Window:
    """What a return counts: events in the period, and none after `as_of` (a return run
    before the period is over counts only what has happened so far)."""

    period: Period
    as_of: datetime
    tz: ZoneInfo = SERVICE_TZ

    def holds(self, at: datetime | None) -> bool:
        start, end, as_of, _ = self._bounds
        return at is not None and start <= at < end and at <= as_of

    def holds_day(self, day: date | None) -> bool:
        today = self._bounds[3]
        return day is not None and self.period.holds_day(day) and day <= today

    @cached_property
    def _bounds(self) -> tuple[datetime, datetime, datetime, date]:
        """Worked out once, in UTC as the stored times are (two times of one zone compare
        without working out an offset): a return asks them of every case's every date."""
        tz, period, as_of = self.tz, self.period, self.as_of.astimezone(UTC)
        start, end = period.starts_at(tz).astimezone(UTC), period.ends_at(tz).astimezone(UTC)
        return start, end, as_of, as_of.astimezone(tz).date()


def improved(start: str, end: str, direction: Direction) -> bool | None:
    """End better than start in the tool's direction; None when a score is not a number."""
    try:
        first, last = Decimal(start.strip()), Decimal(end.strip())
    except (InvalidOperation, AttributeError):
        return None
    return last > first if direction == "higher_is_better" else last < first


def positive_outcome(case: CaseRecord, window: Window, directions: Mapping[str, Direction]) -> bool:
    """A tool measured at the start and at the end (the end in the window) shows the end
    better than the start in that tool's direction; for a tool with no known direction (or
    a score that is not a number), the end measure's own `positive` judgement."""
    if not case.measures:  # most cases (storage reads only those with an end in the period)
        return False
    for tool in dict.fromkeys(m.tool for m in case.measures):
        starts = sorted((m for m in case.measures if m.tool == tool and m.phase == "start"),
                        key=lambda m: m.measured_on)  # fmt: skip
        ends = sorted((m for m in case.measures if m.tool == tool and m.phase == "end"),
                      key=lambda m: m.measured_on)  # fmt: skip
        if not starts or not ends or not window.holds_day(ends[-1].measured_on):
            continue
        first, last = starts[0], ends[-1]
        direction = directions.get(tool)
        better = improved(first.score, last.score, direction) if direction else None
        if better is None:
            better = last.positive
        if better:
            return True
    return False


def sessions_count(case: CaseRecord, window: Window) -> bool:
    """Whether `counts_of` reads the case's sessions at all: for an outcome of not engaged or
    completed in the window, or a preference for Welsh. Storage reads no sessions for the
    rest (four in ten of a period's cases at 1,000,000 referrals)."""
    ended = case.outcome in ("not_engaged", "completed") and window.holds(case.outcome_recorded_at)
    return ended or case.preferred_welsh


def counts_of(
    case: CaseRecord, window: Window, directions: Mapping[str, Direction]
) -> dict[str, dict[str, int]]:
    """Which counts this case adds 1 to, by the LA each is attributed to."""
    out: dict[str, dict[str, int]] = {}

    def add(la: str, key: str) -> None:
        out.setdefault(la, {})[key] = 1

    if window.holds(case.received_at):
        add(case.referred_la_code, "referred")
        if case.preferred_welsh:
            add(case.referred_la_code, "preferred_welsh")
    la = case.la_code
    if window.holds_day(case.first_session_date):
        add(la, "took_up")
    ended = window.holds(case.outcome_recorded_at)
    attended = case.attended
    if ended and case.outcome == "not_engaged":
        add(la, "partially_completed" if attended.sessions else "disengaged")
    if ended and case.outcome == "completed":
        add(la, "completed")
        if attended.sessions and attended.welsh == attended.sessions:
            add(la, "completed_in_welsh")
    if positive_outcome(case, window, directions):
        add(la, "positive_outcome")
    if case.preferred_welsh and any(window.holds_day(day) for day in attended.welsh_days):
        add(la, "welsh_after_preference")
    return out


class Tally:
    """The counts added up case by case, a chunk of cases at a time: a national return need
    not keep its 80,000 cases in memory at once."""

    def __init__(
        self,
        window: Window,
        la_codes: Sequence[str],
        directions: Mapping[str, Direction] | None = None,
    ) -> None:
        self.window, self.la_codes, self.directions = window, list(la_codes), directions or {}
        self.counts = {la: dict.fromkeys(COUNTS[:-2], 0) for la in la_codes}

    def add(self, cases: Iterable[CaseRecord]) -> None:
        """A case's count attributed to an LA outside `la_codes` is left out (a manager
        sees their LAs only)."""
        tally, window, directions = self.counts, self.window, self.directions
        for case in cases:
            for la, keys in counts_of(case, window, directions).items():
                if la in tally:
                    for key in keys:
                        tally[la][key] += 1

    def rows(self, entered: Mapping[str, Entered]) -> list[Row]:
        """A row per LA in `la_codes` (in that order) and the total row last."""
        rows = []
        for la in self.la_codes:
            given = entered.get(la, Entered())
            counts: dict[str, int | None] = dict(self.counts[la])
            counts["physical_punishment_not_police"] = given.physical_punishment_not_police
            counts["not_physical_punishment"] = given.not_physical_punishment
            rows.append(Row(la, counts, given))
        return [*rows, total(rows)]


def total(rows: Sequence[Row]) -> Row:
    counts: dict[str, int | None] = {}
    for key in COUNTS:
        values = [r.counts[key] for r in rows if r.counts[key] is not None]
        counts[key] = sum(v for v in values if v is not None) if values else None
    ftes = [r.entered.fte for r in rows if r.entered.fte is not None]
    staff = [r.entered.staff for r in rows if r.entered.staff is not None]
    summed = Entered(
        fte=sum(ftes, Decimal(0)) if ftes else None,
        staff=sum(s for s in staff if s is not None) if staff else None,
    )
    return Row(None, counts, summed)


def publishable(value: int | None) -> int | str | None:
    """A count as it may be published: 0 stays 0, 1-4 is suppressed, the rest is rounded to
    the nearest 5 (7 -> 5, 8 -> 10; a whole number is never half-way)."""
    if value is None or value == 0:
        return value
    if value < SUPPRESS_BELOW:
        return SUPPRESSED
    return ((value + ROUND_TO // 2) // ROUND_TO) * ROUND_TO


def published(rows: Sequence[Row]) -> list[dict[str, int | str | None]]:
    """Every row's counts under the publication rule; the total is rounded from the true
    total, not summed from rounded rows."""
    return [{key: publishable(row.counts[key]) for key in COUNTS} for row in rows]
