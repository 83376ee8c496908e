"""Who may see a case and who may work on it, checked each time one is opened or acted on:
a button says which case, never who may (DESIGN.md §8)."""

from __future__ import annotations

from conversations.access import Actor
from state_machine.lifecycle import ReferralState
from storage.casework import LIVE_STATES
from storage.dialogues import DialogueState
from storage.errors import NotFound
from storage.models import Referral
from storage.uow import UnitOfWork

S = ReferralState
WORKED_ON = (S.ALLOCATED, S.ENGAGED)  # accepted, no outcome yet: attempts and dates go in
# Sessions are logged (and the next one booked, the parent's feedback taken) once a first
# session is set: the case is engaged.
SESSIONS = (S.ENGAGED,)


async def find(uow: UnitOfWork, referral_id: int | None) -> Referral | None:
    if referral_id is None:
        return None
    try:
        return await uow.referrals.get_by_id(referral_id)
    except NotFound:
        return None


def may_view(actor: Actor, referral: Referral) -> bool:
    """The case card: a worker, for their own cases and the offers waiting in their LAs; a
    manager, for every case in theirs (a national reader, in every LA)."""
    if referral.lifecycle_state not in LIVE_STATES or not actor.sees_la(referral.la_code):
        return False
    if actor.role == "manager":
        return True
    if actor.role != "worker":
        return False
    waiting = referral.lifecycle_state is S.REFERRED
    return waiting or referral.allocated_worker_id == actor.user_id


def may_work_on(
    actor: Actor, referral: Referral, states: tuple[ReferralState, ...] = WORKED_ON
) -> bool:
    """Recording on a case: only the worker it is allocated to, while it is in their LAs and
    has no outcome yet (for sessions: while it is engaged)."""
    return (
        actor.role == "worker"
        and actor.sees_la(referral.la_code)
        and referral.allocated_worker_id == actor.user_id
        and referral.lifecycle_state in states
    )


def may_log_sessions(actor: Actor, referral: Referral) -> bool:
    return may_work_on(actor, referral, SESSIONS)


async def worked_on(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int | None,
    states: tuple[ReferralState, ...] = WORKED_ON,
) -> Referral | None:
    """The case, if `actor` may record on it now; None otherwise."""
    referral = await find(uow, referral_id)
    return referral if referral is not None and may_work_on(actor, referral, states) else None


async def still_theirs(
    uow: UnitOfWork,
    actor: Actor,
    dialogue: DialogueState,
    states: tuple[ReferralState, ...] = WORKED_ON,
) -> Referral | None:
    """A dialogue on a case goes on only while its worker may still record on the case (moved
    to another LA, or the case re-allocated or closed meanwhile: it ends)."""
    referral = await worked_on(uow, actor, dialogue.referral_id, states)
    if referral is None:
        await uow.dialogues.end(actor.user_id)
    return referral
