"""A manager re-allocates a case to another active worker of its LA: from the case card, or
from /workload (a worker's cases, then one of them). Three presses: the case, the worker,
then Yes (it changes who holds the case: confirmed first). The lifecycle's `reallocate`
moves it (audited with both workers); both workers are told. Scope is checked at every
press: a manager of the case's LA (a national manager only reads), the worker active in that LA, the
case still held by the worker it was when the choice was shown."""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.words import case_label
from conversations.i18n import t
from conversations.keyboards import button, rows
from conversations.notifications.case_changes import tell_workers
from conversations.reply import Button, Outcome, Reply
from state_machine.errors import LifecycleError
from state_machine.lifecycle import ReferralState
from storage.models import Referral, User
from storage.uow import UnitOfWork

S = ReferralState
HELD = (S.ALLOCATED, S.ENGAGED)  # a worker holds it: accepted, no outcome yet


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


def may_reallocate(actor: Actor, referral: Referral) -> bool:
    """A manager of the case's LA; a national manager reads, and does not re-allocate."""
    return (
        actor.role == "manager"
        and referral.la_code in actor.la_codes
        and referral.lifecycle_state in HELD
    )


async def _workers(uow: UnitOfWork, referral: Referral) -> list[User]:
    """The LA's active workers who could take it (not the one holding it)."""
    assert referral.la_code is not None
    found = await uow.people.active_in_la("worker", referral.la_code)
    return [w for w in found if w.id != referral.allocated_worker_id]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def reallocate(uow: UnitOfWork, actor: Actor, payload: dict[str, Any]) -> Outcome:
    """One press: with only the case, the workers to choose from; with a worker, Yes to
    confirm; with Yes, done."""
    lang = actor.language
    referral = await scope.find(uow, _int(payload.get("referral_id")))
    if referral is None or not may_reallocate(actor, referral):
        return _stale(actor)
    label = await case_label(uow, referral)
    old = referral.allocated_worker_id
    old_user = await uow.people.get(old) if old is not None else None
    old_name = old_user.display_name if old_user is not None else "–"
    worker_id = _int(payload.get("worker_id"))
    back = button(uow, actor, t(lang, "case.back"), "case.open", referral_id=referral.id)
    if worker_id is None:
        choices = [
            button(
                uow,
                actor,
                w.display_name,
                "case.reallocate",
                referral_id=referral.id,
                worker_id=w.id,
                held_by=old,
            )
            for w in await _workers(uow, referral)
        ]
        if not choices:
            return Outcome([Reply(t(lang, "reallocate.nobody", case=label), buttons=((back,),))])
        text = t(lang, "reallocate.choose", case=label, worker=old_name)
        return Outcome([Reply(text, buttons=(*rows(choices), (back,)), edit=True)])
    new = next((w for w in await _workers(uow, referral) if w.id == worker_id), None)
    if new is None or payload.get("held_by") != old:  # left, moved, or it changed hands
        return _stale(actor)
    if payload.get("confirmed") is not True:
        sure = button(
            uow,
            actor,
            t(lang, "reallocate.yes"),
            "case.reallocate",
            referral_id=referral.id,
            worker_id=new.id,
            held_by=old,
            confirmed=True,
        )
        text = t(lang, "reallocate.sure", case=label, old=old_name, new=new.display_name)
        return Outcome([Reply(text, buttons=((sure,), (back,)), edit=True)])
    try:  # the row is locked first: of two managers pressing at once, one moves it
        await uow.referrals.transition(referral, "reallocate", actor=actor.audit_name,
                                       reason="manager", worker_id=new.id)  # fmt: skip
    except LifecycleError:
        return _stale(actor)
    uow.audit.record(actor.audit_name, "referral.reallocated", referral_id=referral.id,
                     details={"from": str(old), "to": str(new.id)})  # fmt: skip
    notices = await tell_workers(uow, referral, old_user, new)
    done = Reply(t(lang, "reallocate.done", case=label, old=old_name, new=new.display_name),
                 buttons=((back,),), edit=True)  # fmt: skip
    return Outcome([done], notices=notices)


async def cases_of(uow: UnitOfWork, actor: Actor, worker_id: Any) -> Outcome:
    """From /workload: a worker's cases in the manager's LAs, each to re-allocate."""
    lang, wid = actor.language, _int(worker_id)
    if actor.role != "manager" or wid is None:
        return _stale(actor)
    worker = await uow.people.get(wid)
    held = [r for r in await uow.casework.live(actor.la_codes, worker_id=wid)
            if r.allocated_worker_id == wid and may_reallocate(actor, r)]  # fmt: skip
    if worker is None or not held:
        return _stale(actor)
    buttons: list[Button] = [
        button(uow, actor, await case_label(uow, r), "case.reallocate", referral_id=r.id)
        for r in held
    ]
    text = t(lang, "reallocate.cases_of", worker=worker.display_name, n=len(held))
    return Outcome([Reply(text, buttons=rows(buttons, 1))])
