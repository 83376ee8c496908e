"""Which nudges a case is due, from its obligations, the rules and the clock (issue 12).

Pure: the case, the rules, the time and the working calendar in; what to send now and what
comes later out. Storage keeps the next moment on the referral (`next_nudge_at`, indexed) so
the sweeper asks the database only for cases with something due, and claims each nudge in the
ledger under (case, rule, due moment, recipient) so it goes once.

A rule makes a nudge *due* at a calendar moment (the local midnight starting "day 7", or a
moment in working time for working days); it is *sent* at the first working moment at or
after that. Deadlines themselves (the obligation's due date) never move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from state_machine.case import Case
from state_machine.nudge_rules import Audience, NudgeRule, NudgeRules
from state_machine.obligations import Obligation, obligations
from state_machine.working_time import WorkingCalendar


class Recipient(NamedTuple):
    """Whom a nudge is for: one person (`user_id`), or everyone of an audience in an LA.
    (NamedTuples, this and `Nudge`: a sweep plans a thousand cases at once.)"""

    audience: Audience
    user_id: int | None = None
    la_code: str | None = None

    @property
    def role(self) -> str:
        """The role a person must have to receive it."""
        return {"la_managers": "manager", "referring_officer": "police"}.get(
            self.audience, "worker"
        )


class Nudge(NamedTuple):
    rule: NudgeRule
    due_at: datetime  # when the rule makes it due (UTC); part of its ledger key
    send_at: datetime  # the first working moment at or after `due_at`
    to: Recipient
    deadline: date | None  # the obligation's own due date, which nothing moves


@dataclass(frozen=True)
class Plan:
    due: tuple[Nudge, ...]  # to send now: of each rule, the latest that fell due
    coming: tuple[Nudge, ...]  # not yet, soonest first

    @property
    def next_at(self) -> datetime | None:
        """When something next falls due (None: nothing will, as the case stands)."""
        return self.coming[0].send_at if self.coming else None


def recipient(audience: Audience, case: Case) -> Recipient | None:
    """Who that audience is on this case now; None when nobody is (no worker allocated)."""
    if audience == "allocated_worker":
        worker = case.allocated_worker_id
        return None if worker is None else Recipient(audience, user_id=worker)
    if audience == "referring_officer":
        officer = case.referring_officer_id
        return None if officer is None else Recipient(audience, user_id=officer)
    return None if case.la_code is None else Recipient(audience, la_code=case.la_code)


def moments(rule: NudgeRule, owed: Obligation, calendar: WorkingCalendar) -> list[datetime]:
    """When the rule makes each of its nudges due, in UTC, earliest first."""
    if rule.from_due:
        if owed.due is None:
            return []
        return list(_days_from(owed.due, rule.timing, rule.counts, calendar.tz))
    if owed.since is None:
        return []
    if rule.timing == "working_days_after_start":
        return [calendar.working_days_after(owed.since, n) for n in rule.counts]
    start = owed.since.astimezone(calendar.tz).date()
    return list(_days_from(start, rule.timing, rule.counts, calendar.tz))


@lru_cache(maxsize=4096)  # pure, and a sweep asks it of the same few days for every case
def _days_from(
    day: date, timing: str, counts: tuple[int, ...], tz: ZoneInfo
) -> tuple[datetime, ...]:
    """The local midnights `counts` calendar days before or after `day`, earliest first."""
    sign = -1 if timing == "days_before_due" else 1
    return tuple(sorted(_midnight_in(day + timedelta(days=sign * n), tz) for n in counts))


def plan(
    case: Case,
    rules: NudgeRules,
    now: datetime,
    calendar: WorkingCalendar,
    *,
    since: datetime | None = None,
    owed: Sequence[Obligation] | None = None,
) -> Plan:
    """The nudges due on `case` at `now` and those still to come.

    `since` is when the case was last planned for (the `next_nudge_at` the sweeper found):
    what fell due before it was seen then, sent or passed over on purpose (a change to the
    case counts as seeing it), and is not sent late now. Of each rule only the latest due is
    sent: after downtime, one nudge, not a burst of stale ones. `owed` is what is owed on
    the case at `now` (`obligations`), where the caller has it already.
    """
    by_what = {o.what: o for o in (obligations(case, now, calendar.tz) if owed is None else owed)}
    due: list[Nudge] = []
    coming: list[Nudge] = []
    to_each: dict[Audience, Recipient | None] = {}  # a few audiences, many rules
    for rule in rules.rules:
        obligation = by_what.get(rule.chases)
        if obligation is None:
            continue
        if rule.to not in to_each:
            to_each[rule.to] = recipient(rule.to, case)
        to = to_each[rule.to]
        if to is None:
            continue
        latest: Nudge | None = None
        for at in moments(rule, obligation, calendar):
            send_at = calendar.next_working_moment(at)
            if send_at > now:
                coming.append(Nudge(rule, at, send_at, to, obligation.due))
            elif since is None or send_at >= since:
                latest = Nudge(rule, at, send_at, to, obligation.due)
        if latest is not None:
            due.append(latest)
    coming.sort(key=lambda n: (n.send_at, n.due_at, n.rule.name))
    return Plan(tuple(due), tuple(coming))


def _midnight(day: date, calendar: WorkingCalendar) -> datetime:
    """The local midnight that starts `day` (it always exists in the UK: clocks change at
    01:00 and 02:00)."""
    return _midnight_in(day, calendar.tz)


@lru_cache(maxsize=4096)  # a sweep asks for the same few days of every case
def _midnight_in(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
