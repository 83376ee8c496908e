"""Where a nudge sweep's time goes: the time spent in each of its steps, summed over the runs
timed inside `timing()` (benchmarks/scale.py prints it for 1,000 due).

Each step is the real function wrapped for the while, not a copy: a wrapper's own cost (a
microsecond a call) is in the figures, so the steps called once a notice read a little high.
A step's time includes the steps it calls (rendering calls what is still owed, which asks what
each case owes); "the rest" is what no step holds.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from conversations.notifications import nudge_sweep, nudges, owed
from storage.buttons import ButtonStore
from storage.notifications import NotificationStore
from storage.nudges import NudgeLedger
from storage.personal import PersonalDetailsStore
from storage.referrals import ReferralRepository

# (owner, attribute, what the step is); asynchronous unless said
STEPS: tuple[tuple[Any, str, str], ...] = (
    (NudgeLedger, "due_referrals", "the due cases"),
    (ReferralRepository, "cases_of", "the cases"),
    (ReferralRepository, "owed_now", "what each case owes"),
    (nudge_sweep, "plan", "plan"),
    (nudge_sweep._People, "load", "people"),
    (PersonalDetailsStore, "preload", "initials"),
    (NudgeLedger, "claim_all", "claims"),
    (NotificationStore, "record_all", "notices"),
    (owed, "notice_for", "render the notices"),
    (nudges, "still_owed", "  of which still owed"),
    (nudges, "_says", "  of which the words"),
    (NudgeLedger, "sent_all", "claims linked to their notices"),
    (NudgeLedger, "plan_next", "next moments"),
    (NudgeLedger, "snoozed_due", "the snoozed"),
    (ButtonStore, "save", "button tokens"),
)
SYNC = {"plan"}


class Phases:
    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.outermost = 0.0  # in steps not called by another step
        self.depth = 0
        self.runs = 0
        self.total = 0.0

    def report(self) -> list[str]:
        """A line a step, the mean over the runs in ms, then what no step holds."""
        if not self.runs:
            return []
        lines = []
        for _owner, _name, what in STEPS:
            spent = self.spent.get(what, 0.0) / self.runs
            lines.append(f"{what:<34} {spent * 1e3:7.1f} ms")
        rest = (self.total - self.outermost) / self.runs
        lines.append(f"{'the rest (the loop, commits)':<34} {rest * 1e3:7.1f} ms")
        return lines


def _timed(phases: Phases, what: str, f: Callable[..., Any], sync: bool) -> Callable[..., Any]:
    def done(started: float) -> None:
        spent = time.perf_counter() - started
        phases.spent[what] += spent
        phases.depth -= 1
        if not phases.depth:
            phases.outermost += spent

    if sync:

        def step(*args: Any, **kwargs: Any) -> Any:
            phases.depth += 1
            started = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                done(started)

        return step

    async def astep(*args: Any, **kwargs: Any) -> Any:
        phases.depth += 1
        started = time.perf_counter()
        try:
            return await f(*args, **kwargs)
        finally:
            done(started)

    return astep


@contextmanager
def timing() -> Iterator[Phases]:
    """Each step timed while inside; the caller adds each run's total (`runs`, `total`)."""
    phases = Phases()
    kept = [(owner, name, owner.__dict__[name]) for owner, name, _what in STEPS]
    try:
        for owner, name, what in STEPS:
            f = getattr(owner, name)
            setattr(owner, name, _timed(phases, what, f, name in SYNC))
        yield phases
    finally:
        for owner, name, original in kept:
            setattr(owner, name, original)
