"""What each lifecycle trigger changes besides the state, computed from its params and time.

`lifecycle.TRANSITIONS` names one `Effect` per trigger; `fire` applies it to the case and
returns it in the `Transitioned`, and storage writes the same changes to the row by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from state_machine.case import Case, Facts
from state_machine.deadlines import Deadlines


@dataclass(frozen=True)
class Firing:
    """One trigger being fired: the case before it, when, where, and what was given."""

    case: Case
    at: datetime
    tz: ZoneInfo
    reason: str
    params: Mapping[str, Any]


@dataclass(frozen=True, repr=False)
class Effect:
    """A named change with what it does in words, so docs/lifecycle.md can say it."""

    name: str
    says: str
    compute: Callable[[Firing], Facts] = field(compare=False)

    def __call__(self, firing: Firing) -> Facts:
        return self.compute(firing)

    def __repr__(self) -> str:
        return self.name


def _received(f: Firing) -> Facts:
    deadlines = Deadlines.compute(f.at, f.tz)
    assert f.case.la_code  # the has_la guard checked it
    return {
        "received_at": f.at,
        "referred_la_code": f.case.la_code,
        "offered_at": f.at,
        "first_session_due": deadlines.first_session_date_due,
        "support_due": deadlines.support_due,
    }


def _extended(f: Firing) -> Facts:
    until = f.params["until"]
    assert isinstance(until, date)  # the guard checked it
    return {"extension_until": until, "support_due": until, "extension_reason": f.reason}


def _outcome(name: str) -> Callable[[Firing], Facts]:
    def compute(f: Firing) -> Facts:
        return {"outcome": name, "outcome_recorded_at": f.at}

    return compute


def _closed(f: Firing) -> Facts:
    return {"closed_reason": f.reason or None}


RECEIVED = Effect(
    "received",
    "received now, by the LA it names (kept as the LA referred to), and offered to its workers; "
    "first-session date due in 21 days, support in 3 calendar months",
    _received,
)
ALLOCATED = Effect(
    "allocated",
    "the accepting worker is allocated",
    lambda f: {"allocated_worker_id": f.params.get("worker_id")},
)
FIRST_SESSION_SET = Effect(
    "first_session_set",
    "the first-session date is recorded",
    lambda f: {"first_session_date": f.params["first_session_date"]},
)
FIRST_SESSION_MOVED = Effect(
    "first_session_moved",
    "the first-session date is moved (the earlier one stays in the audit trail)",
    lambda f: {"first_session_date": f.params["first_session_date"]},
)


def _transferred(f: Firing) -> Facts:
    """The new LA arranges its own first session (docs/monitoring-return.md): a date the old
    LA booked is dropped (it stays in the audit trail) and the new LA has 21 days from the
    transfer to set one. The delivery deadline does not move: only police agree that."""
    return {
        "la_code": str(f.params["la_code"]),
        "allocated_worker_id": None,
        "offered_at": f.at,
        "first_session_date": None,
        "first_session_due": Deadlines.compute(f.at, f.tz).first_session_date_due,
    }


TRANSFERRED = Effect(
    "transferred",
    "the new LA, offered to it now; no worker allocated until one there accepts; a "
    "first-session date set before is dropped, and one is due 21 days after the transfer",
    _transferred,
)
REALLOCATED = Effect(
    "reallocated",
    "another worker of the LA is allocated (a manager's decision); the state stays",
    lambda f: {"allocated_worker_id": f.params.get("worker_id")},
)
EXTENDED = Effect(
    "extended",
    "support is due by the agreed date, with its reason",
    _extended,
)
CLOSED_WITH_REASON = Effect("closed_with_reason", "the reason for closing is kept", _closed)
NOT_TAKEN_UP = Effect(
    "outcome_not_taken_up", "outcome 'not_taken_up', recorded now", _outcome("not_taken_up")
)
NOT_ENGAGED = Effect(
    "outcome_not_engaged", "outcome 'not_engaged', recorded now", _outcome("not_engaged")
)
COMPLETED = Effect("outcome_completed", "outcome 'completed', recorded now", _outcome("completed"))
POLICE_NOTIFIED = Effect(
    "police_notified",
    "police notified now: the outcome notice is owed in the same transaction (sent after "
    "commit, marked sent)",
    lambda f: {"police_notified_at": f.at},
)
POLICE_ACKNOWLEDGED = Effect(
    "police_acknowledged",
    "police acknowledged now: the case is closed",
    lambda f: {"police_acknowledged_at": f.at},
)
