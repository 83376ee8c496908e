"""A referral as plain columns: what the lifecycle's rules and the managers' lists read of it,
without an ORM object each (a national `/summary` reads every live case in Wales; loading
them as `Referral`s was a third of its time at 1,000,000 referrals, docs/performance.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from state_machine.case import ReferralState
from storage.models import Referral
from storage.models_cases import state_named


class Live(NamedTuple):
    id: int
    reference: str
    state: str
    la_code: str | None
    consent_given_at: datetime | None
    referring_officer_id: int | None
    received_at: datetime | None
    referred_la_code: str | None
    offered_at: datetime | None
    first_session_due: date | None
    support_due: date | None
    extension_until: date | None
    extension_reason: str | None
    allocated_worker_id: int | None
    first_session_date: date | None
    outcome: str | None
    outcome_recorded_at: datetime | None
    police_notified_at: datetime | None
    police_acknowledged_at: datetime | None
    closed_reason: str | None
    extension_requested_at: datetime | None

    @property
    def lifecycle_state(self) -> ReferralState:
        return state_named(self.state)


# The referrals table's columns of the same names, in the same order, to select (the
# table's: see storage/summary.py).
COLUMNS: tuple[Any, ...] = tuple(Referral.__table__.c[name] for name in Live._fields)
