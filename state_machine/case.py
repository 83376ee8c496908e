"""One referral as the domain sees it: its state and the facts the rules read and change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TypedDict


class ReferralState(Enum):
    SCREENING = "screening"
    CLOSED_INELIGIBLE = "closed_ineligible"
    CLOSED_NO_CONSENT = "closed_no_consent"
    REFERRED = "referred"
    ALLOCATED = "allocated"
    ENGAGED = "engaged"
    OUTCOME_NOT_TAKEN_UP = "outcome_not_taken_up"
    OUTCOME_NOT_ENGAGED = "outcome_not_engaged"
    OUTCOME_COMPLETED = "outcome_completed"
    CLOSED = "closed"
    CLOSED_WITHDRAWN = "closed_withdrawn"


class Facts(TypedDict, total=False):
    """What a transition may change besides the state. The names are the referral's columns
    and `Case`'s fields, so storage applies a change by name, knowing no trigger."""

    received_at: datetime
    referred_la_code: str
    offered_at: datetime
    first_session_due: date
    support_due: date
    extension_until: date
    extension_reason: str
    allocated_worker_id: int | None
    first_session_date: date | None
    la_code: str
    outcome: str
    outcome_recorded_at: datetime
    police_notified_at: datetime
    police_acknowledged_at: datetime
    closed_reason: str | None


@dataclass
class Case:
    """What the rules need to know about one referral; storage fills it from its rows."""

    state: ReferralState
    la_code: str | None = None
    consent_given: bool = False
    referring_officer_id: int | None = None
    received_at: datetime | None = None
    referred_la_code: str | None = None  # the LA the police referred to (kept on transfer)
    offered_at: datetime | None = None  # offered to the LA's workers: on receipt, on a transfer
    first_session_due: date | None = None
    support_due: date | None = None  # the deadline in force: 3 months, or the agreed extension
    extension_until: date | None = None
    extension_reason: str | None = None
    allocated_worker_id: int | None = None
    first_session_date: date | None = None
    attended_sessions: int = 0
    appropriate_sessions: int = 0  # attended, with engagement judged appropriate (§8 i)
    # The day of the earliest session booked and not logged yet: the first-session date while
    # no session on or after it is logged, or the next session date planned (nudges chase it).
    session_planned_on: date | None = None
    outcome: str | None = None
    outcome_recorded_at: datetime | None = None
    police_notified_at: datetime | None = None
    police_acknowledged_at: datetime | None = None
    closed_reason: str | None = None
    # An extension asked of the police and not yet answered: since when (one at a time).
    extension_requested_at: datetime | None = None

    def apply(self, facts: Facts) -> None:
        """Take on a transition's changes (the same ones storage writes to the row)."""
        for name, value in facts.items():
            setattr(self, name, value)
