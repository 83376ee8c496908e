"""Ask the police for an extension of the delivery date (guidance footnote 14), from the card
of a case the worker holds: the date proposed (after the support-due date in force, within
six months of it) and the reason (free text about the individual: sealed). A review with
Change, and Send. One request open at a time.

Sending owes the request to the referring officer (or, as the outcome notice goes, the
force's other police users, failing them the admins) in the same unit of work; the police
answer with Approve or Decline (extension_answer.py)."""

from __future__ import annotations

from datetime import date, timedelta

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label, day, short_day
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.notifications.extension import ask_police
from conversations.reply import Outcome, Reply
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "extension_request"  # its buttons are `extension_request.…`; the police answer `extension.…`
REASON_LIMIT = 500
LONGEST = timedelta(days=183)  # at most six months past the date in force: then ask again
OFFERED_WEEKS = (2, 4, 8, 12)

QUESTIONS = (
    Question("until", "date", "extension"),
    Question("reason", "text", "extension", personal=True, limit=REASON_LIMIT),
)


def window(referral: Referral, today: date) -> tuple[date, date]:
    """The dates a request may propose: after the support-due date in force (and not in the
    past), up to six months after it."""
    due = referral.support_due or today
    return max(due + timedelta(days=1), today), due + LONGEST


class ExtensionHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        referral = referral_of(turn)
        if question.key == "until":
            label = await case_label(turn.uow, referral)
            earliest, latest = window(referral, turn.today())
            return t(turn.lang, "extension.q.until", case=label, due=day(referral.support_due),
                     earliest=day(earliest), latest=day(latest),
                     example=day(min(earliest + timedelta(days=30), latest)))  # fmt: skip
        return await super().text(turn, question, answers)

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        if question.key != "until":
            return super().label(turn, lang, question, value)
        try:
            when = date.fromisoformat(value)
        except ValueError:  # a crafted press: read as typed words, and refused as such
            return value
        due = referral_of(turn).support_due or turn.today()
        return t(lang, "extension.weeks_later", weeks=(when - due).days // 7,
                 day=short_day(lang, when))  # fmt: skip

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        """A few weeks after the date in force, as buttons; any other date typed."""
        if question.key != "until":
            return await super().options(turn, question, answers, lang)
        earliest, latest = window(referral_of(turn), turn.today())
        due = referral_of(turn).support_due or turn.today()
        days = [due + timedelta(weeks=n) for n in OFFERED_WEEKS]
        return [(d.isoformat(), self.label(turn, lang, question, d.isoformat()))
                for d in days if earliest <= d <= latest]  # fmt: skip

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        return window(referral_of(turn), today)

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "extension.review.title", case=label)


FORM = Form(KIND, "extension", QUESTIONS, ExtensionHooks(), editable_sections=("extension",))


async def save(turn: Turn) -> Outcome:
    """The request recorded (the reason encrypted) and owed to the police; then the card."""
    uow, actor, referral, lang = turn.uow, turn.actor, referral_of(turn), turn.lang
    store = SealedStore(uow, turn.dialogue, turn.form)
    answers = await store.answers()
    until = date.fromisoformat(answers["until"])
    earliest, latest = window(referral, turn.today())
    await uow.dialogues.end(actor.user_id)
    if not earliest <= until <= latest:  # the date in force moved since it was typed
        return Outcome([Reply(t(lang, "extension.not_now"), edit=True)])
    request = await uow.extensions.ask(
        referral, by=actor.user_id, until=until, reason=str(store.personal()["reason"]),
        actor=actor.audit_name,
    )  # fmt: skip
    if request is None:
        return Outcome([Reply(t(lang, "extension.already_open"), edit=True)])
    notices, police = await ask_police(uow, referral)
    label = await case_label(uow, referral)
    told = "extension.sent" if police else "extension.sent_admins"
    reply = Reply(t(lang, told, case=label, until=day(until)), edit=True)
    return Outcome([reply, await card(uow, actor, referral)], notices=notices)


ENTRY = CaseForm(FORM, scope.WORKED_ON, save)


async def begin(uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
    """From the card (the caller checked the worker may record): one request at a time."""
    waiting = await uow.extensions.open_for(referral)
    if waiting is not None:
        return Outcome([Reply(t(actor.language, "extension.already_open"))])
    return await ENTRY.begin(uow, actor, referral)
