"""The screening as a form: its questions (questions.py) and what is special about it.

The special cases, each a hook: the consent question reads out the words with the LA's
name, and the consequences explained depend on the disposal; the social services date is
not before the incident; a date of birth that does not fit the age given offers to change the
age to fit it; the LA is found by typing part of its name or a postcode, and says they live in
Wales; an address typed with its postcode gives the postcode too; after every answer the
eligibility rules may end the
screening (or hand a parent under 18 to the YOT); a home postcode outside the LA chosen is
pointed out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.forms.engine import answer, ask
from conversations.forms.hooks import Hooks, Split, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.keyboards import button, rows
from conversations.parsing import Offer, Problem, parse_uk_postcode
from conversations.reply import Outcome, Reply
from conversations.screening import render
from conversations.screening.answers import age_on, find_las, postcode_fits_la, postcode_in
from conversations.screening.handover import hand_to_yot
from conversations.screening.questions import BY_KEY, EDITABLE_SECTIONS, MAX_AGE, QUESTIONS
from conversations.screening.store import ScreeningStore
from state_machine.eligibility import Decision, assess
from state_machine.lifecycle import ReferralState
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "screening"


async def referral_of(turn: Turn) -> Referral:
    assert turn.dialogue.referral_id is not None
    return await turn.uow.referrals.with_answers(turn.dialogue.referral_id)


class ScreeningHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return ScreeningStore(turn.uow, turn.actor, await referral_of(turn))

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        lang = turn.lang
        if question.key in ("explained", "explained_consequences"):
            oocd = (await referral_of(turn)).oocd or "community_resolution"
            consequences = t(lang, f"screen.consequences.{oocd}")
            return t(lang, f"screen.q.{question.key}", consequences=consequences)
        if question.key == "consent":
            wording = await render.consent_wording(turn.uow, turn.actor, await referral_of(turn))
            return t(lang, "screen.q.consent", wording=wording)
        return await super().text(turn, question, answers)

    def split(self, turn: Turn, question: Question, value: Any) -> Split:
        """The LA they live in says they live in Wales; an address typed with a postcode gives
        the postcode too (read as if typed at its own question; kept in the address when it is
        not a postcode, so nothing typed is lost)."""
        if question.key == "la" and value not in question.fills:
            return Split(value, {"resident_in_wales": "yes"})
        if question.key == "address" and (found := postcode_in(value)) is not None:
            rest, postcode = found
            kept = rest if rest and not isinstance(parse_uk_postcode(postcode), Problem) else value
            return Split(kept, {"postcode": postcode})
        return super().split(turn, question, value)

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        if question.key == "dob":
            return today - timedelta(days=365 * MAX_AGE), today
        return None, today

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        """Social services are spoken to after the incident, not before; the date of birth
        must fit the age given (a year either way)."""
        incident = answers.get("incident_date")
        if question.key == "social_services_date" and incident and value < incident:
            day = date.fromisoformat(incident).strftime("%d/%m/%Y")
            return Problem("screen.social_services_before_incident", {"incident": day})
        if question.key == "dob" and answers.get("age") is not None:
            return _dob_against_age(date.fromisoformat(value), int(answers["age"]), today)
        return None

    async def search(self, turn: Turn, question: Question, text: str) -> Outcome:
        """The LA: part of a name (either language) or a postcode offers buttons to pick;
        exactly one match is taken at once, and said on the next message."""
        lang = turn.lang
        found = find_las(text, await turn.uow.people.local_authorities())
        if not found:
            example = "Caerdydd / Cardiff / CF10"
            return Outcome([Reply(t(lang, "screen.la.none_found", example=example))])
        if len(found) == 1:
            (la,) = found
            answered = await answer(turn, question, la.code, pressed=False)
            chosen = Reply(t(lang, "screen.la.chosen", la=la.name(lang)))
            return Outcome([chosen, *answered.replies], notices=answered.notices)
        choices = [
            button(turn.uow, turn.actor, la.name(lang), "screening.answer", q=question.key,
                   v=la.code)
            for la in found
        ]  # fmt: skip
        return Outcome([Reply(t(lang, "screen.la.pick"), buttons=rows(choices))])

    async def after(
        self, turn: Turn, question: Question, value: Any, answers: Answers
    ) -> Outcome | None:
        """Eligibility after every answer: an ineligible one is confirmed, then ends the
        screening (a mistyped date or a mis-tapped score must not close it at once); a parent
        under 18 goes to the force's YOT officers (or waits for them); refused consent closes
        it."""
        uow, actor = turn.uow, turn.actor
        referral = await referral_of(turn)
        decision = assess(answers, actor.role)
        if decision is not None and decision.reason == "under_18":
            return await hand_to_yot(uow, actor, referral)
        if decision is not None:
            return await _confirm_end(turn, question, value, decision)
        if question.key == "consent" and value == "refused":
            return await _refused(turn, referral)
        return None

    async def aside(self, turn: Turn, question: Question, value: Any) -> list[Reply]:
        """A home postcode whose area does not reach the LA chosen is worth a look."""
        referral = await referral_of(turn)
        if question.key != "postcode" or postcode_fits_la(value, referral.la_code):
            return []
        la = await render.la_name(turn.uow, turn.lang, referral.la_code)
        return [Reply(t(turn.lang, "screen.postcode_la", postcode=value, la=la))]

    async def shown(self, turn: Turn, question: Question, value: Any) -> str:
        if question.kind == "search" and value is not None:
            las = {la.code: la for la in await turn.uow.people.local_authorities()}
            return las[value].name(turn.lang) if value in las else str(value)
        return await super().shown(turn, question, value)

    async def review_title(self, turn: Turn) -> str:
        reference = (await referral_of(turn)).reference
        return t(turn.lang, "screen.review.title", reference=reference)

    async def forget(
        self, uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str
    ) -> None:
        """A screening never submitted goes with everything it held."""
        if dialogue.referral_id is not None:
            referral = await uow.referrals.get_by_id(dialogue.referral_id)
            if referral.lifecycle_state is ReferralState.SCREENING:
                await uow.referrals.discard_screening(referral, actor=actor, reason=reason)

    async def review_notes(self, turn: Turn, given: Answers) -> list[str]:
        postcode, code = given.get("postcode"), (await referral_of(turn)).la_code
        las = {la.code: la for la in await turn.uow.people.local_authorities()}
        if not postcode or code not in las or postcode_fits_la(postcode, code):
            return []
        la = las[code].name(turn.lang)
        return [t(turn.lang, "screen.review.postcode_la", postcode=postcode, la=la)]


def _dob_against_age(dob: date, age: int, today: date) -> Problem | None:
    """A date of birth more than a year from the age given: either may be the slip, so the
    officer may keep the date and take the age it gives today (eligibility is then assessed
    on that age: under 18 goes to the YOT), or type the date again. An age the age question
    would refuse is not offered."""
    fits = age_on(dob, today)
    if abs(fits - age) <= 1:
        return None
    said: dict[str, object] = {"age": age, "fits": fits}
    asked = BY_KEY["age"]
    if not asked.least <= fits <= asked.limit:
        return Problem("screen.dob_age_impossible", said)
    shown: dict[str, object] = {"dob": dob.strftime("%d/%m/%Y"), "fits": fits}
    keep = Offer("keep", "screen.dob_keep", shown, {"age": fits})
    return Problem("screen.dob_age_mismatch", said, (keep, Offer("again", "screen.dob_again")))


async def _confirm_end(turn: Turn, question: Question, value: Any, decision: Decision) -> Outcome:
    """The answer is kept and the officer stays on its question until they say: end the
    screening, or change the answer (typing or pressing another answer changes it too). An
    answer given with others in one message (a checklist's) is named with its question."""
    lang, uow, actor, step = turn.lang, turn.uow, turn.actor, turn.dialogue.step
    shown = await turn.form.hooks.shown(turn, question, value)
    if question.key != step:
        shown = f"{t(lang, f'screen.r.{question.key}')}: {shown}"
    end = button(uow, actor, t(lang, "screen.end.yes"), "screening.end", q=step)
    back = button(uow, actor, t(lang, "screen.end.no"), "screening.unsay", q=step,
                  key=question.key)  # fmt: skip
    reason = t(lang, f"screen.ineligible.{decision.reason}")
    text = t(lang, "screen.end.confirm", reason=reason, answer=shown)
    return Outcome([Reply(text, buttons=((end,), (back,)))])


async def end_confirmed(turn: Turn) -> Outcome:
    """ "Yes, end it": ended with the reason, if the answers still make it ineligible."""
    referral = await referral_of(turn)
    decision = assess(await turn.uow.referrals.answers(referral), turn.actor.role)
    if decision is None:  # the answer was changed meanwhile
        return Outcome([await ask(turn)])
    return await _ineligible(turn, referral, decision)


async def unsay(turn: Turn, key: str) -> Outcome:
    """ "No, change it": the answer that would end it is taken back and the question it was
    given at asked again."""
    question = turn.form.by_key[turn.dialogue.step]
    if key not in (question.key, *question.parts):
        return Outcome([Reply(t(turn.lang, "button.stale"))])
    referral = await referral_of(turn)
    await turn.uow.referrals.forget_answer(referral, key)
    return Outcome([await ask(turn, edit=True)])


async def _ineligible(turn: Turn, referral: Referral, decision: Decision) -> Outcome:
    """Ineligible: end at once, recording why and the section it rests on."""
    uow, actor = turn.uow, turn.actor
    reason = f"{decision.reason} ({decision.section})"
    await uow.personal.purge(referral, actor=actor.audit_name, reason="ineligible")
    await uow.referrals.transition(
        referral, "close_ineligible", actor=actor.audit_name, reason=reason
    )
    await uow.dialogues.end(actor.user_id)
    return Outcome([render.ineligible(actor.language, decision, referral.reference)])


async def _refused(turn: Turn, referral: Referral) -> Outcome:
    uow, actor = turn.uow, turn.actor
    await uow.personal.purge(referral, actor=actor.audit_name, reason="consent refused")
    await uow.referrals.transition(
        referral, "refuse_consent", actor=actor.audit_name, reason="consent refused"
    )
    await uow.dialogues.end(actor.user_id)
    text = t(actor.language, "screen.consent_refused", reference=referral.reference)
    return Outcome([Reply(text)])


FORM = Form(
    kind=KIND,
    prefix="screen",
    questions=QUESTIONS,
    hooks=ScreeningHooks(),
    editable_sections=EDITABLE_SECTIONS,
    use_buttons="screen.use_buttons",
)
