"""An extension request (guidance footnote 14) told to the police, and their answer told to
the worker. Reference and initials only; the worker's reason only on request, each read
audited.

It goes to the referring officer; if they are no longer active, to the force's other police
users; failing them, to the admins (the reference and the force only), and the first police
user of the force to enrol is sent it: the outcome notice's routing (outcome.py), reused."""

from __future__ import annotations

from conversations.access import Actor
from conversations.cases.words import day
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.outcome import police_for
from conversations.notifications.owed import NoticeKind, owe
from conversations.reply import Button, Notice, Reply
from state_machine.lifecycle import OPEN_STATES
from storage.extensions import APPROVED, DECLINED, Extension
from storage.models import Referral, User
from storage.uow import UnitOfWork


def answer_buttons(
    uow: UnitOfWork, actor: Actor, request: Extension
) -> tuple[tuple[Button, ...], ...]:
    """Approve, Decline and the reason: what the officer may do with an open request."""
    lang, rid = actor.language, request.id
    return (
        (button(uow, actor, t(lang, "extension.approve"), "extension.approve", request_id=rid),
         button(uow, actor, t(lang, "extension.decline"), "extension.decline", request_id=rid)),
        (button(uow, actor, t(lang, "extension.show_reason"), "extension.reason",
                request_id=rid),),
    )  # fmt: skip


async def open_request(uow: UnitOfWork, referral: Referral) -> Extension | None:
    """The request still waiting for the police, on a case still open."""
    if referral.lifecycle_state not in OPEN_STATES:
        return None
    return await uow.extensions.open_for(referral)


async def _of_the_force(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return user.role == "police" and user.force_code == referral.force_code


async def _to_police(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """News while the request is open."""
    request = await open_request(uow, referral)
    if request is None:
        return None
    officer = Actor.of(user)
    lang = officer.language
    las = {la.code: la for la in await uow.people.local_authorities()}
    la = las.get(referral.la_code or "")
    text = t(lang, "extension.notice", reference=referral.reference,
             initials=await uow.personal.initials(referral) or "–",
             la=la.name(lang) if la else "–",
             due=day(request.due_before), until=day(request.until))  # fmt: skip
    return Reply(text, buttons=answer_buttons(uow, officer, request))


async def _admin(_uow: UnitOfWork, _referral: Referral, user: User) -> bool:
    return user.role == "admin"


async def _nobody(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    if await open_request(uow, referral) is None:
        return None
    lang = Actor.of(user).language
    forces = {f.code: f for f in await uow.people.forces()}
    force = forces.get(referral.force_code or "")
    return Reply(t(lang, "extension.nobody", reference=referral.reference,
                   force=force.name(lang) if force else "–"))  # fmt: skip


async def _their_worker(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return (
        user.role == "worker"
        and user.id == referral.allocated_worker_id
        and Actor.of(user).sees_la(referral.la_code)
    )


async def _answered(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """The latest answer: approved with the new date, or declined with the police's reason
    (a read of it, audited)."""
    request = await uow.extensions.latest(referral)
    if request is None or request.status not in (APPROVED, DECLINED):
        return None
    actor = Actor.of(user)
    lang = actor.language
    initials = await uow.personal.initials(referral) or "–"
    if request.status == APPROVED:
        text = t(lang, "extension.approved_told", reference=referral.reference,
                 initials=initials, until=day(request.until))  # fmt: skip
    else:
        _, why = await uow.extensions.words(request.id)
        uow.audit.record("system:extension_notice", "extension_words.read",
                         referral_id=referral.id,
                         details={"purpose": f"decline told to user:{user.id}"})  # fmt: skip
        text = t(lang, "extension.declined_told", reference=referral.reference,
                 initials=initials, until=day(request.until), reason=why or "–")  # fmt: skip
    opens = button(uow, actor, t(lang, "notify.open_case"), "case.open", referral_id=referral.id)
    return Reply(text, buttons=((opens,),))


TO_POLICE = NoticeKind("extension_request", _of_the_force, _to_police)
TO_ADMINS = NoticeKind("extension_no_police", _admin, _nobody)
TO_WORKER = NoticeKind("extension_answered", _their_worker, _answered)


async def ask_police(uow: UnitOfWork, referral: Referral) -> tuple[list[Notice], bool]:
    """Owe the request to the police (True), or failing any, to the admins (False)."""
    police = await police_for(uow, referral)
    if police:
        return await owe(uow, referral, TO_POLICE, police), True
    admins = list(await uow.people.active_with_role("admin"))
    return await owe(uow, referral, TO_ADMINS, admins), False


async def tell_worker(uow: UnitOfWork, referral: Referral, request: Extension) -> list[Notice]:
    """The worker who holds the case now (re-allocated since it was asked: the new one)."""
    holder = referral.allocated_worker_id or request.requested_by
    worker = await uow.people.get(holder) if holder else None
    return [] if worker is None else await owe(uow, referral, TO_WORKER, [worker])


async def waiting_for_police(uow: UnitOfWork, user: User) -> list[Notice]:
    """For a police user just enrolled: their force's requests nobody there could be sent."""
    notices: list[Notice] = []
    for referral in await uow.extensions.open_in_force(user.force_code):
        if any(u.id != user.id for u in await police_for(uow, referral)):
            continue  # someone of the force has it already
        notices += await owe(uow, referral, TO_POLICE, [user])
    return notices
