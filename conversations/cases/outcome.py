"""The outcome of a case (guidance §8 i, the three rows), as a form on the engine, from the
card of the worker it is allocated to:

- **did not take up**: only once the 21 days for a first-session date are over with none
  set, or once the individual declined (a contact attempt saying so); the attempts are
  listed first;
- **did not engage appropriately**: with its reason (free text about the individual: kept
  sealed, then encrypted on the referral), the worker reminded of circumstances, additional
  needs and language;
- **completed**: at least one attended session with engagement judged appropriate.

The first two ask once whether there is a safeguarding concern to raise. The review is the
confirmation: nothing takes effect before Record. Then the lifecycle moves the case and the
form goes to police (conversations/notifications/outcome.py) in the same unit of work.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.card import attempt_lines, card
from conversations.cases.contact import ContactStore
from conversations.cases.words import case_label, day
from conversations.forms import engine
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.order import REVIEW
from conversations.forms.questions import Answers, Form, Question, when
from conversations.i18n import t
from conversations.notifications.outcome import notify_outcome
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from state_machine.contact import DECLINED
from state_machine.errors import LifecycleError
from state_machine.lifecycle import ReferralState
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "outcome"
NOT_TAKEN_UP, NOT_ENGAGED, COMPLETED = "not_taken_up", "not_engaged", "completed"
OUTCOMES = (NOT_TAKEN_UP, NOT_ENGAGED, COMPLETED)
ASKS_SAFEGUARDING = (NOT_TAKEN_UP, NOT_ENGAGED)
TRIGGERS = {NOT_TAKEN_UP: "record_not_taken_up", NOT_ENGAGED: "record_not_engaged",
            COMPLETED: "record_completed"}  # fmt: skip
REASON_LIMIT = 500
S = ReferralState

QUESTIONS = (
    Question("outcome", "choice", "outcome", OUTCOMES, per_row=1),
    Question("reason", "text", "outcome", personal=True, limit=REASON_LIMIT,
             applies=when("outcome", NOT_ENGAGED), depends_on=("outcome",)),
    Question("safeguarding", "choice", "safeguarding", ("yes", "no"),
             applies=when("outcome", *ASKS_SAFEGUARDING), depends_on=("outcome",)),
)  # fmt: skip


def _referral(turn: Turn) -> Referral:
    referral = turn.extra["referral"]  # checked by the entry point, for this very turn
    assert isinstance(referral, Referral)
    return referral


def offered(referral: Referral) -> tuple[str, ...]:
    """The outcomes that fit the case's state: before a first-session date only 'did not
    take up'; once engaged, the other two."""
    if referral.lifecycle_state is S.ENGAGED:
        return (NOT_ENGAGED, COMPLETED)
    return (NOT_TAKEN_UP,) if referral.first_session_date is None else ()


def why_not(turn: Turn, value: str) -> Problem | None:
    """Why this outcome cannot be recorded now, if it cannot (the lifecycle's guards say the
    same again when it is recorded)."""
    referral, extra = _referral(turn), turn.extra
    if value not in offered(referral):
        return Problem("outcome.not_now")
    if value == NOT_TAKEN_UP and not extra["declined"]:
        due = referral.first_session_due
        if due is not None and turn.today() <= due:
            return Problem("outcome.not_yet.not_taken_up", {"day": day(due + timedelta(days=1))})
    if value == COMPLETED and not extra["appropriate"]:
        return Problem("outcome.not_yet.completed")
    return None


class OutcomeHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return ContactStore(turn.uow, turn.dialogue, QUESTIONS)

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        if question.key != "outcome":
            return await super().options(turn, question, answers, lang)
        return [(v, self.label(turn, lang, question, v)) for v in offered(_referral(turn))]

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        referral, lang = _referral(turn), turn.lang
        if question.key != "outcome":
            return await super().text(turn, question, answers)
        label = await case_label(turn.uow, referral)
        lines = [t(lang, "outcome.q.outcome", case=label)]
        if referral.lifecycle_state is S.ENGAGED:  # what 'completed' rests on
            lines.append(t(lang, "outcome.attended", count=turn.extra["attended"],
                           appropriate=turn.extra["appropriate"]))  # fmt: skip
        else:  # what 'did not take up' rests on, first (§8 i)
            lines += ["", *attempt_lines(lang, turn.extra["attempts"], every=True)]
        return "\n".join(lines)

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        return why_not(turn, str(value)) if question.key == "outcome" else None

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, _referral(turn))
        return t(turn.lang, "outcome.review.title", case=label)

    async def review_notes(self, turn: Turn, given: Answers) -> list[str]:
        """Before "completed": a questionnaire scored at the start and not at the end. No
        score can be added once the outcome is recorded, and the return counts a positive
        outcome only from both (guidance §8 ii)."""
        if given.get("outcome") != COMPLETED:
            return []
        measures = await turn.uow.measures.measures(_referral(turn))
        ended = {m.tool for m in measures if m.phase == "end"}
        unended = dict.fromkeys(m.tool for m in measures if m.phase == "start" and m.tool
                                not in ended)  # fmt: skip
        if not unended:
            return []
        names = []
        for key in unended:
            tool = turn.uow.distance_tools.named(key)
            names.append(tool.name(turn.lang) if tool is not None else key)
        return [t(turn.lang, "outcome.note.no_end_measure", tools=", ".join(names))]


FORM = Form(KIND, "outcome", QUESTIONS, OutcomeHooks(),
            editable_sections=("outcome", "safeguarding"))  # fmt: skip


async def _turn(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, referral: Referral) -> Turn:
    """The facts the outcome rests on, read once per turn."""
    attempts = await uow.casework.attempts(referral)
    tally = (await uow.casework.tallies([referral.id]))[referral.id]
    extra = {"referral": referral, "attempts": attempts, "attended": tally.attended,
             "appropriate": tally.appropriate,
             "declined": any(a.result == DECLINED for a in attempts)}  # fmt: skip
    return Turn(uow, actor, dialogue, FORM, extra=extra)


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


async def begin(uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
    """From the card: which outcome (the caller checked the worker may record)."""
    dialogue = await uow.dialogues.begin(
        actor.user_id, KIND, engine.first_key(FORM), referral_id=referral.id
    )
    return Outcome([await engine.ask(await _turn(uow, actor, dialogue, referral), {})])


async def begin_not_taken_up(uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
    """From the day-21 nudge's "Did not take up": the form with that outcome chosen, if it
    may be recorded now (the 21 days over, or the individual declined), the contact
    attempts it rests on listed first (§8 i); else why not yet, and nothing begun."""
    dialogue = await uow.dialogues.begin(
        actor.user_id, KIND, engine.first_key(FORM), referral_id=referral.id
    )
    turn = await _turn(uow, actor, dialogue, referral)
    problem = why_not(turn, NOT_TAKEN_UP)
    if problem is not None:
        await uow.dialogues.end(actor.user_id)
        return Outcome([Reply(t(actor.language, problem.key, **problem.params))])
    lang = actor.language
    lines = [t(lang, "outcome.chosen_not_taken_up", case=await case_label(uow, referral)), "",
             *attempt_lines(lang, turn.extra["attempts"], every=True)]  # fmt: skip
    question = FORM.by_key["outcome"]
    asked = await engine.answer(turn, question, NOT_TAKEN_UP, pressed=False)
    return Outcome([Reply("\n".join(lines)), *asked.replies], notices=asked.notices)


async def on_button(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    referral = await scope.still_theirs(uow, actor, dialogue)
    if referral is None:
        return _stale(actor)
    turn = await _turn(uow, actor, dialogue, referral)
    if action == f"{KIND}.submit":
        return await save(turn) if dialogue.step == REVIEW else _stale(actor)
    if action == f"{KIND}.answer" and payload.get("q") == "outcome" == dialogue.step:
        # A press is not checked by the engine (a button shown is a valid choice): this one
        # may be crafted, or the case may have moved on since it was shown.
        problem = why_not(turn, str(payload.get("v")))
        if problem is not None:
            return Outcome([Reply(t(actor.language, problem.key, **problem.params), hint=True)])
    outcome = await engine.on_button(turn, action, payload)
    return outcome if outcome is not None else _stale(actor)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    referral = await scope.still_theirs(uow, actor, dialogue)
    if referral is None:  # ended: nothing is waiting for what they typed
        return Outcome([Reply(t(actor.language, "text.not_expected"))])
    return await engine.on_text(await _turn(uow, actor, dialogue, referral), text)


async def save(turn: Turn) -> Outcome:
    """Recorded through the lifecycle, the reason encrypted, the safeguarding answer in the
    transition's audit event; the form owed to police in the same unit of work."""
    uow, actor, referral, lang = turn.uow, turn.actor, _referral(turn), turn.lang
    store = ContactStore(uow, turn.dialogue, QUESTIONS)
    answers, personal = await store.answers(), store.personal()
    outcome = str(answers.get("outcome"))
    problem = why_not(turn, outcome)
    if problem is not None:
        await uow.dialogues.end(actor.user_id)
        return Outcome([Reply(t(lang, problem.key, **problem.params))])
    params: dict[str, Any] = {}
    if outcome == NOT_TAKEN_UP and turn.extra["declined"]:
        params["refused"] = True
    if outcome == NOT_ENGAGED:
        params["reason_recorded"] = bool(personal.get("reason"))
    if outcome in ASKS_SAFEGUARDING:
        params["safeguarding_concern"] = answers.get("safeguarding")
    try:
        await uow.referrals.transition(referral, TRIGGERS[outcome], actor=actor.audit_name,
                                       **params)  # fmt: skip
    except LifecycleError:
        await uow.dialogues.end(actor.user_id)
        return Outcome([Reply(t(lang, "outcome.refused"))])
    if outcome == NOT_ENGAGED:
        referral.outcome_reason = uow.casework.seal(str(personal["reason"]))
    await uow.dialogues.end(actor.user_id)
    told = await notify_outcome(uow, referral, actor=actor.audit_name)
    label = await case_label(uow, referral)
    lines = [t(lang, "outcome.saved", case=label, outcome=t(lang, f"outcome.a.outcome.{outcome}"))]
    lines.append(t(lang, "outcome.sent" if told.police else "outcome.sent_admins"))
    if answers.get("safeguarding") == "yes":
        lines.append(t(lang, "outcome.safeguarding_now"))
    text = "\n".join(lines)
    return Outcome([Reply(text, edit=True), await card(uow, actor, referral)],
                   notices=told.notices)  # fmt: skip
