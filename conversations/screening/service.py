"""The screening as a sergeant (or a YOT officer) goes through it: ask, check, record, move on.

Every answer is stored as it is given (eligibility answers as screening answers, personal
details encrypted), so a restart, a lost signal or another bot instance loses nothing. The
dialogue row only says where the officer is.
"""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button, rows
from conversations.parsing import Problem, initials
from conversations.reply import Outcome, Reply
from conversations.screening import flow, render
from conversations.screening.answers import find_las, label, postcode_fits_la, read_value
from conversations.screening.handover import hand_to_yot
from conversations.screening.questions import ASKED_AGAIN_WITH, BY_KEY, QUESTIONS, Question
from conversations.screening.submit import submit
from state_machine.eligibility import Decision, assess
from state_machine.lifecycle import ReferralState
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "screening"
ROLES = ("police", "yot")


def _one(reply: Reply) -> Outcome:
    return Outcome([reply])


async def begin(uow: UnitOfWork, actor: Actor) -> Outcome:
    """`/screen`: start, or offer to carry on with the screening already under way."""
    lang = actor.language
    current = await uow.dialogues.current(actor.user_id)
    if current is not None and current.kind == KIND:
        carry_on = button(uow, actor, t(lang, "screen.carry_on"), "screening.resume")
        restart = button(uow, actor, t(lang, "screen.start_again"), "screening.restart")
        return _one(Reply(t(lang, "screen.in_progress"), buttons=((carry_on,), (restart,))))
    return await _start(uow, actor)


async def _start(uow: UnitOfWork, actor: Actor) -> Outcome:
    referral = await uow.referrals.start_screening(
        actor=actor.audit_name,
        officer_id=actor.user_id,
        force_code=actor.force_code,
        yot=actor.role == "yot",
    )
    dialogue = await uow.dialogues.begin(
        actor.user_id, KIND, flow.first_step(), referral_id=referral.id
    )
    intro = Reply(t(actor.language, "screen.intro"))
    return Outcome([intro, await _ask(uow, actor, dialogue, {})])


async def discard(uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str) -> None:
    """End a conversation; a screening it held that was never submitted goes with everything
    it held (for /cancel, "start again" and the idle sweep alike)."""
    if dialogue.referral_id is not None:
        referral = await uow.referrals.get_by_id(dialogue.referral_id)
        if referral.lifecycle_state is ReferralState.SCREENING:
            await uow.referrals.discard_screening(referral, actor=actor, reason=reason)
    await uow.dialogues.end(dialogue.user_id)


async def on_button(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    lang = actor.language
    if action == "screening.resume":
        return _one(await ask_current(uow, actor, dialogue))
    if action == "screening.restart":
        await discard(uow, dialogue, actor=actor.audit_name, reason="started again")
        return await _start(uow, actor)
    if action in ("screening.change", "screening.edit", "screening.back"):
        if dialogue.step != flow.REVIEW:
            return _one(Reply(t(lang, "button.stale")))
        return _one(await _from_review(uow, actor, dialogue, action, payload))
    if action == "screening.submit" and dialogue.step == flow.REVIEW:
        return await submit(uow, actor, await _referral(uow, dialogue), dialogue)
    if action == "screening.answer" and payload.get("q") == dialogue.step:
        question = BY_KEY[dialogue.step]
        value = str(payload["v"])
        if question.kind != "choice" and question.kind != "la":
            return await on_text(uow, actor, dialogue, label(lang, question, value))
        return await _answer(uow, actor, dialogue, question, value)
    return _one(Reply(t(lang, "button.stale")))


async def _from_review(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Reply:
    """Correcting an answer: the review's Change picks a section, then one answer in it."""
    referral = await _referral(uow, dialogue)
    answers = await uow.referrals.answers(referral)
    if action == "screening.change":
        return render.pick_answer(uow, actor, str(payload["section"]), answers)
    step = flow.change_answer(str(payload.get("q")), answers)
    if action == "screening.back" or step is None:
        return await render.review(uow, actor, referral, answers)
    uow.dialogues.advance(dialogue, step, ask=[])
    return await render.question(uow, actor, referral, BY_KEY[step], answers)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    lang = actor.language
    if dialogue.step == flow.REVIEW:
        return _one(Reply(t(lang, "screen.review_use_buttons")))
    question = BY_KEY[dialogue.step]
    referral = await _referral(uow, dialogue)
    answers = await uow.referrals.answers(referral)
    if question.kind == "la":
        found = find_las(text, await uow.people.local_authorities())
        if not found:
            return _one(Reply(t(lang, "screen.la.none_found", example="Caerdydd / Cardiff / CF10")))
        choices = [
            button(uow, actor, la.name(lang), "screening.answer", q="la", v=la.code) for la in found
        ]
        return _one(Reply(t(lang, "screen.la.pick"), buttons=rows(choices)))
    today = uow.clock.now().astimezone(uow.tz).date()
    value = read_value(lang, question, text, today, answers)
    if isinstance(value, Problem):
        again = await _ask(uow, actor, dialogue, answers)
        return Outcome([Reply(t(lang, value.key, **value.params)), again])
    return await _answer(uow, actor, dialogue, question, value)


async def _answer(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, question: Question, value: Any
) -> Outcome:
    lang = actor.language
    referral = await _referral(uow, dialogue)
    changing = dialogue.answers.get("ask")  # None, or still to ask while changing an answer
    before = await uow.referrals.answers(referral) if changing is not None else {}
    await _record(uow, actor, referral, question, value)
    answers = await uow.referrals.answers(referral)
    decision = assess(answers, actor.role)
    if decision is not None and decision.reason == "under_18":
        notices = await hand_to_yot(uow, actor, referral)
        if notices is not None:
            text = t(lang, "handover.done", reference=referral.reference)
            return Outcome([Reply(text)], notices=notices)
    if decision is not None:
        return await _end(uow, actor, dialogue, referral, decision)
    if question.key == "consent" and value == "refused":
        return await _refused(uow, actor, dialogue, referral)
    if value in question.pauses_on:
        return _one(Reply(t(lang, f"screen.pause.{question.key}")))
    ask = None if changing is None else _still_to_ask(question, changing, before, answers)
    step = flow.next_step(question.key, answers, ask)
    uow.dialogues.advance(
        dialogue, step, ask=None if ask is None or step == flow.REVIEW else sorted(ask)
    )
    next_one = await _ask(uow, actor, dialogue, answers)
    if question.key == "postcode" and not postcode_fits_la(value, referral.la_code):
        la = await render.la_name(uow, lang, referral.la_code)
        mismatch = Reply(t(lang, "screen.postcode_la", postcode=value, la=la))
        return Outcome([mismatch, next_one])
    return _one(next_one)


def _still_to_ask(
    question: Question, asked: list[str], before: dict[str, Any], after: dict[str, Any]
) -> frozenset[str]:
    """While an answer is being changed: what the change made apply (the interpreter's
    language, say), and what rests on an answer that changed (consent on the LA)."""
    ask = set(asked) - {question.key}
    ask |= {q.key for q in QUESTIONS if q.applies(after) and not q.applies(before)}
    for key, dependants in ASKED_AGAIN_WITH.items():
        if before.get(key) != after.get(key):
            ask |= set(dependants)
    return frozenset(ask)


async def _record(
    uow: UnitOfWork, actor: Actor, referral: Referral, question: Question, value: Any
) -> None:
    if question.personal:
        fields = {question.key: value}
        if question.key == "name":  # notifications show only these
            fields["initials"] = initials(value)
        await uow.personal.merge(referral, fields, actor=actor.audit_name)
        return
    key, stored = question.key, value
    if key == "repeat_disposal" and stored == "conditional_caution":
        key = "outcome"  # the officer changed the disposal, as footnote 8 expects
    await uow.referrals.record_answer(referral, key, stored, by=actor.user_id)
    if key == "outcome" and stored in ("community_resolution", "conditional_caution"):
        referral.oocd = stored
    if key == "la" and referral.la_code not in (None, stored):
        for stale in ("consent", "consent_record"):  # consent named the old LA
            await uow.referrals.forget_answer(referral, stale)
        referral.consent_given_at = None
    if key == "la":
        referral.la_code = stored
    if key == "consent" and stored == "given":
        wording = await render.consent_wording(uow, actor, referral)
        await uow.referrals.record_answer(
            referral,
            "consent_record",
            {
                "wording": wording,
                "language": actor.language,
                "officer": actor.user_id,
                "at": uow.clock.now().isoformat(),
            },
            by=actor.user_id,
        )
        referral.consent_given_at = uow.clock.now()


async def _end(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, referral: Referral, decision: Decision
) -> Outcome:
    """Ineligible: end at once, recording why and the section it rests on."""
    reason = f"{decision.reason} ({decision.section})"
    await uow.personal.purge(referral, actor=actor.audit_name, reason="ineligible")
    await uow.referrals.transition(
        referral, "close_ineligible", actor=actor.audit_name, reason=reason
    )
    await uow.dialogues.end(actor.user_id)
    return _one(render.ineligible(actor.language, decision, referral.reference))


async def _refused(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, referral: Referral
) -> Outcome:
    await uow.personal.purge(referral, actor=actor.audit_name, reason="consent refused")
    await uow.referrals.transition(
        referral, "refuse_consent", actor=actor.audit_name, reason="consent refused"
    )
    await uow.dialogues.end(actor.user_id)
    return _one(Reply(t(actor.language, "screen.consent_refused", reference=referral.reference)))


async def _referral(uow: UnitOfWork, dialogue: DialogueState) -> Referral:
    assert dialogue.referral_id is not None
    return await uow.referrals.get_by_id(dialogue.referral_id)


async def ask_current(uow: UnitOfWork, actor: Actor, dialogue: DialogueState) -> Reply:
    referral = await _referral(uow, dialogue)
    return await _ask(uow, actor, dialogue, await uow.referrals.answers(referral))


async def _ask(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, answers: dict[str, Any]
) -> Reply:
    referral = await _referral(uow, dialogue)
    if dialogue.step == flow.REVIEW:
        return await render.review(uow, actor, referral, answers)
    return await render.question(uow, actor, referral, BY_KEY[dialogue.step], answers)
