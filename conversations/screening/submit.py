"""Submitting the referral, telling the LA's workers, and a worker accepting it."""

from __future__ import annotations

from datetime import date

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.offers import day, la_of, notify_new_referral
from conversations.reply import Outcome, Reply
from conversations.screening.questions import BY_KEY, QUESTIONS
from state_machine.errors import LifecycleError
from state_machine.lifecycle import ReferralState
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork


async def submit(
    uow: UnitOfWork, actor: Actor, referral: Referral, dialogue: DialogueState
) -> Outcome:
    lang = actor.language
    answers = await uow.referrals.answers(referral)
    referral.session_language = answers.get("session_language")
    stale = [q.key for q in QUESTIONS if q.personal and not q.applies(answers)]
    await uow.personal.forget(referral, stale, actor=actor.audit_name)
    try:
        await uow.referrals.transition(referral, "submit", actor=actor.audit_name)
    except LifecycleError:
        return Outcome([Reply(t(lang, "screen.submit_refused"))])
    await uow.dialogues.end(actor.user_id)
    la = await la_of(uow, referral.la_code)
    offered = await notify_new_referral(uow, referral)
    text = t(
        lang,
        "screen.submitted" if offered.la_told else "screen.submitted_waiting",
        reference=referral.reference,
        la=la.name(lang),
        first_session_due=day(referral.first_session_due),
        support_due=day(referral.support_due),
    )
    if not offered.la_told:  # said plainly: nobody at the LA knows of it yet
        told = (
            "screen.submitted_admins_told" if offered.admins_told else "screen.submitted_no_admin"
        )
        text = f"{text}\n{t(lang, told)}"
    return Outcome([Reply(text)], notices=offered.notices)


async def accept(uow: UnitOfWork, actor: Actor, referral_id: int) -> Reply:
    """A worker takes the referral on. Role and scope are checked here, whatever was pressed."""
    lang = actor.language
    referral = await uow.referrals.get_by_id(referral_id)
    if actor.role != "worker" or not actor.sees_la(referral.la_code):
        return Reply(t(lang, "button.stale"))
    if referral.lifecycle_state is not ReferralState.REFERRED:
        return await _not_open(uow, actor, referral)
    try:  # the row is locked first: of two workers pressing at once, one wins
        await uow.referrals.transition(
            referral, "accept", actor=actor.audit_name, worker_id=actor.user_id
        )
    except LifecycleError:
        return await _not_open(uow, actor, referral)
    details = button(
        uow, actor, t(lang, "notify.show_details"), "referral.details", referral_id=referral.id
    )
    case = button(uow, actor, t(lang, "notify.open_case"), "case.open", referral_id=referral.id)
    return Reply(
        t(
            lang,
            "notify.accepted",
            reference=referral.reference,
            first_session_due=day(referral.first_session_due),
            support_due=day(referral.support_due),
        ),
        buttons=((details,), (case,)),
        edit=True,
    )


async def _not_open(uow: UnitOfWork, actor: Actor, referral: Referral) -> Reply:
    """Accept pressed on a referral no longer waiting: say who has it, if anyone does."""
    lang, reference = actor.language, referral.reference
    if referral.allocated_worker_id == actor.user_id:
        return Reply(t(lang, "notify.already_yours", reference=reference), edit=True)
    worker_id = referral.allocated_worker_id
    worker = await uow.people.get(worker_id) if worker_id is not None else None
    if worker is None:
        return Reply(t(lang, "notify.not_waiting", reference=reference), edit=True)
    text = t(lang, "notify.already_accepted", reference=reference, name=worker.display_name)
    return Reply(text, edit=True)


# What the worker who accepted may see: every personal answer, in the order asked.
DETAIL_FIELDS = tuple(q.key for q in QUESTIONS if q.personal)


async def details(uow: UnitOfWork, actor: Actor, referral_id: int) -> Reply:
    """Full details, only for the worker who accepted the referral and while it is in their
    LAs (checked now, whenever the button was made); the read is audited."""
    lang = actor.language
    referral = await uow.referrals.get_by_id(referral_id)
    allowed = actor.role == "worker" and actor.sees_la(referral.la_code)
    if not allowed or referral.allocated_worker_id != actor.user_id:
        return Reply(t(lang, "button.stale"))
    found = await uow.personal.read(referral, actor=actor.audit_name, purpose="worker contact")
    if not found:
        return Reply(t(lang, "notify.details_gone", reference=referral.reference))
    lines = [t(lang, "notify.details_title", reference=referral.reference)]
    for key in DETAIL_FIELDS:
        if key in found:
            value = found[key]
            if key == "dob":
                value = date.fromisoformat(value).strftime("%d/%m/%Y")
            elif value in BY_KEY[key].choices:  # a button's value, not typed text
                value = t(lang, f"screen.a.{key}.{value}")
            lines.append(f"• {t(lang, f'screen.r.{key}')}: {value}")
    noted = await uow.casework.notes(referral, actor=actor.audit_name, purpose="worker contact")
    if noted:  # the worker's own notes on contact attempts are about the individual too
        lines += ["", t(lang, "notify.details_notes")]
        lines += [f"• {a.on.strftime('%d/%m/%Y')}: {note}" for a, note in noted]
    held = await uow.casework.session_notes(
        referral, actor=actor.audit_name, purpose="worker contact"
    )
    if held:  # and their words in the session log: why, what goes well, the next steps
        lines += ["", t(lang, "notify.details_sessions")]
        for session, words in held:
            said = "; ".join(f"{t(lang, f'session.r.{key}')}: {words[key]}"
                             for key in SESSION_WORDS if key in words)  # fmt: skip
            lines.append(f"• {session.on.strftime('%d/%m/%Y')}: {said}")
    raised = await uow.safeguarding.words(
        referral, actor=actor.audit_name, purpose="worker contact"
    )
    if raised:  # what was seen or said about a safeguarding concern: here only, audited
        lines += ["", t(lang, "notify.details_concerns")]
        for concern, seen in raised:
            level = t(lang, f"concern.a.level.{concern.level}")
            action = t(lang, f"concern.a.action.{concern.action}")
            lines.append(f"• {concern.on.strftime('%d/%m/%Y')} ({level}; {action}): {seen}")
    return Reply("\n".join(lines))


SESSION_WORDS = ("engagement_reason", "doing_well", "next_steps")
