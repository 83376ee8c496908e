"""Who may see a case's timeline, and its personal details: checked at every use (DESIGN.md
§8), so a button says which case, never who may."""

from __future__ import annotations

from conversations.access import Actor
from storage.models import Referral


def may_see(actor: Actor, referral: Referral) -> bool:
    """A case that was referred (a screening never submitted is no case) and is the
    reader's: their LA's as a manager, theirs as its worker, their force's as police."""
    if referral.received_at is None:
        return False
    if actor.role == "manager":
        return actor.sees_la(referral.la_code)
    if actor.role == "worker":
        return actor.sees_la(referral.la_code) and referral.allocated_worker_id == actor.user_id
    if actor.role == "police":
        return actor.force_code is not None and referral.force_code == actor.force_code
    return False


def may_see_details(actor: Actor, referral: Referral) -> bool:
    """The personal details in a timeline: LA staff who may see it; never the police."""
    return actor.role in ("manager", "worker") and may_see(actor, referral)
