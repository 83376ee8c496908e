"""What is owed on a case now, by whom and by when: the one answer nudges, overdue lists, case
cards and the monitoring return read (DESIGN.md §3).

Due dates are calendar dates in the service's time zone, met by the end of that day; working
hours and bank holidays decide only when a nudge is sent (working_time.py), never a due date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from state_machine.case import Case, ReferralState
from state_machine.deadlines import Deadlines, local_date
from state_machine.lifecycle import OPEN_STATES, OUTCOME_STATES


@dataclass(frozen=True)
class Owner:
    """Who owes it: one person (`user_id`), or while nobody is named, everyone in that role
    for the LA (`la_code`) — an unallocated referral is owed by the LA's workers."""

    role: Literal["worker", "referring_officer"]
    user_id: int | None = None
    la_code: str | None = None


@dataclass(frozen=True)
class Obligation:
    what: str  # accepted | first_session_date | support_delivered | session_logged | ...
    owed_by: Owner
    due: date | None  # by the end of this local day; None where the guidance sets no date
    overdue: bool
    since: datetime | None = None  # when it began to be owed: what nudges count from


@dataclass(frozen=True)
class Rule:
    """One kind of obligation, with the words docs/lifecycle.md shows beside the diagram."""

    what: str
    owed_while: str
    owed_by: str
    due: str
    owes: Callable[[Case, ZoneInfo], Owed | None]
    since: str = "received"  # what `Obligation.since` is, in words
    dated: bool = True  # False: the guidance sets no date (nudges count from `since` only)
    started: bool = True  # False: no `since` (nudges count from the due date only)


@dataclass(frozen=True)
class Owed:
    """What a rule finds on a case: who owes it, by when, and since when."""

    owner: Owner
    due: date | None
    since: datetime | None


def _la(case: Case) -> Owner:
    if case.allocated_worker_id is not None:
        return Owner("worker", user_id=case.allocated_worker_id)
    return Owner("worker", la_code=case.la_code)


def _deadlines(case: Case, tz: ZoneInfo) -> Deadlines | None:
    if case.received_at is None:
        return None
    return Deadlines.compute(case.received_at, tz, extension=case.extension_until)


def _accepted(case: Case, _tz: ZoneInfo) -> Owed | None:
    if case.state is not ReferralState.REFERRED or case.received_at is None:
        return None
    return Owed(Owner("worker", la_code=case.la_code), None, case.offered_at or case.received_at)


def _first_session_date(case: Case, tz: ZoneInfo) -> Owed | None:
    deadlines = _deadlines(case, tz)
    if case.state not in OPEN_STATES or case.first_session_date is not None or deadlines is None:
        return None
    # After a transfer the new LA has its own 21 days, from when it was offered the case.
    due = case.first_session_due or deadlines.first_session_date_due
    return Owed(_la(case), due, case.offered_at or case.received_at)


def _support_delivered(case: Case, tz: ZoneInfo) -> Owed | None:
    deadlines = _deadlines(case, tz)
    if case.state not in OPEN_STATES or deadlines is None:
        return None
    return Owed(_la(case), deadlines.support_due, case.received_at)


def _police_notified(case: Case, tz: ZoneInfo) -> Owed | None:
    if case.state not in OUTCOME_STATES or case.police_notified_at is not None:
        return None
    recorded = case.outcome_recorded_at
    return Owed(_la(case), local_date(recorded, tz) if recorded else None, recorded)


def _police_acknowledgement(case: Case, _tz: ZoneInfo) -> Owed | None:
    if case.state not in OUTCOME_STATES or case.police_notified_at is None:
        return None
    if case.police_acknowledged_at is not None:
        return None
    officer = Owner("referring_officer", user_id=case.referring_officer_id)
    return Owed(officer, None, case.police_notified_at)


def _extension_answered(case: Case, _tz: ZoneInfo) -> Owed | None:
    if case.state not in OPEN_STATES or case.extension_requested_at is None:
        return None
    officer = Owner("referring_officer", user_id=case.referring_officer_id)
    return Owed(officer, None, case.extension_requested_at)


def _session_logged(case: Case, _tz: ZoneInfo) -> Owed | None:
    if case.state is not ReferralState.ENGAGED or case.session_planned_on is None:
        return None
    return Owed(_la(case), case.session_planned_on, None)


RULES: tuple[Rule, ...] = (
    Rule(
        "accepted",
        "a referral waits for one of the LA's workers to accept it",
        "the LA's workers",
        "no date in the guidance: owed, never overdue (nudges chase it in working days)",
        _accepted,
        since="offered to the LA (received, or transferred to it)",
        dated=False,
    ),
    Rule(
        "first_session_date",
        "an open referral has no first-session date yet",
        "the allocated worker; while unallocated, the LA's workers",
        "21 days after the local date the referral was received (§8 i: 3 weeks); after a "
        "transfer, 21 days after the local date of the transfer (the new LA arranges its own)",
        _first_session_date,
        since="received, or transferred",
    ),
    Rule(
        "support_delivered",
        "the referral is open (referred, allocated or engaged)",
        "the allocated worker; while unallocated, the LA's workers",
        "3 calendar months after the local date received, clamped to the month's end "
        "(30 Nov -> 28/29 Feb), or the extension agreed with police (§4, footnote 14)",
        _support_delivered,
    ),
    Rule(
        "police_notified",
        "an outcome is recorded and the police have not been told",
        "the allocated worker; while unallocated, the LA's workers",
        "the local date the outcome was recorded (§8 i)",
        _police_notified,
        since="the outcome recorded",
    ),
    Rule(
        "police_acknowledgement",
        "the police were told the outcome and have not acknowledged it",
        "the referring officer",
        "no date in the guidance: owed, never overdue",
        _police_acknowledgement,
        since="the police told",
        dated=False,
    ),
    Rule(
        "extension_answered",
        "the worker asked the police for an extension and they have not answered",
        "the referring officer",
        "no date in the guidance: owed, never overdue (nudges chase it in working days)",
        _extension_answered,
        since="the extension asked",
        dated=False,
    ),
    Rule(
        "session_logged",
        "an engaged case has a session booked and not logged (the next session date, or the "
        "first-session date while no session on or after it is logged)",
        "the allocated worker",
        "the session's own day: logged once it has taken place, or not",
        _session_logged,
        since="none (counted from the session's day)",
        started=False,
    ),
)


def obligations(case: Case, now: datetime, tz: ZoneInfo) -> list[Obligation]:
    """What is owed on `case` at `now`, in `RULES` order. Nothing on screenings or closed
    cases. A due date is overdue from the start of the next local day."""
    owed = []
    today = local_date(now, tz)
    for rule in RULES:
        found = rule.owes(case, tz)
        if found is not None:
            overdue = found.due is not None and today > found.due  # is_past, today worked out once
            owed.append(Obligation(rule.what, found.owner, found.due, overdue, found.since))
    return owed


def soonest(owed: Sequence[Obligation]) -> Obligation | None:
    """The obligation due first: what a case card and a case list show as next. One with no
    date (the police's acknowledgement) comes after every dated one; ties keep `RULES` order."""
    return min(owed, key=lambda o: (o.due is None, o.due or date.max), default=None)
