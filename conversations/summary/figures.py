"""The numbers of `/summary` for one LA (or the total), worked out from the rows the store
read: each number with a list behind it keeps the referrals it counts."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from state_machine.deadlines import local_date
from state_machine.lifecycle import OPEN_STATES, ReferralState
from state_machine.obligations import Obligation
from storage.live import Live
from storage.summary import Received

S = ReferralState
# The numbers that have a list behind them, in the order shown.
LISTED: tuple[str, ...] = (
    "referred", "allocated", "engaged", "new_this_week", "awaiting_acceptance",
    "first_session_soon", "overdue_first_session", "overdue_delivery", "overdue_police_told",
    "awaiting_police_ack",
)  # fmt: skip
OUTCOMES: tuple[str, ...] = ("completed", "not_engaged", "not_taken_up")
SOON = timedelta(days=7)


@dataclass
class Figures:
    la_code: str | None  # None: the total
    lists: dict[str, list[Live]] = field(default_factory=lambda: {k: [] for k in LISTED})
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    median_days: float | None = None  # referral received to first session, this period
    welsh_wanted: int = 0
    welsh_met: int = 0

    def count(self, key: str) -> int:
        return len(self.lists[key])


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())  # Monday


def figures(
    la_code: str | None,
    live: Sequence[Live],
    owed: Mapping[int, Sequence[Obligation]],
    week: Sequence[Live],
    received: Sequence[Received],
    outcomes: Mapping[str, int],
    welsh_sessions: set[int],
    *,
    now: datetime,
    tz: ZoneInfo,
    period_start: datetime,
) -> Figures:
    """`week`: the referrals received since Monday began; `received`: since the period's
    start."""
    f = Figures(la_code)
    today = local_date(now, tz)
    for r in live:
        state = r.lifecycle_state
        if state in OPEN_STATES:
            f.lists[state.value].append(r)
        if state is S.REFERRED:
            f.lists["awaiting_acceptance"].append(r)
        for o in owed.get(r.id, ()):
            if o.what == "first_session_date" and o.due is not None:
                if o.overdue:
                    f.lists["overdue_first_session"].append(r)
                elif o.due - today <= SOON:
                    f.lists["first_session_soon"].append(r)
            elif o.what == "support_delivered" and o.overdue:
                f.lists["overdue_delivery"].append(r)
            elif o.what == "police_notified" and o.overdue:
                f.lists["overdue_police_told"].append(r)
            elif o.what == "police_acknowledgement":
                f.lists["awaiting_police_ack"].append(r)
    f.lists["new_this_week"] = [r for r in week if r.lifecycle_state is not S.CLOSED_INELIGIBLE]
    days: list[int] = []
    for p in received:
        if p.received_at < period_start:
            continue
        if p.first_session_date is not None:
            days.append((p.first_session_date - local_date(p.received_at, tz)).days)
        if p.session_language == "cy":
            f.welsh_wanted += 1
            f.welsh_met += p.id in welsh_sessions
    for outcome, n in outcomes.items():
        if outcome in f.outcomes:
            f.outcomes[outcome] += n
    f.median_days = statistics.median(days) if days else None
    return f
