"""The next session's date, set or moved from the card (the session log sets it too): a
button for each of the coming days or a date typed, from today to the day support ends. It is
the case's planned session, replaced when that session is logged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.first_session import DAYS_OFFERED, FirstSessionHooks
from conversations.cases.session import latest_day
from conversations.cases.words import case_label, day
from conversations.forms.hooks import Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "next_session"
QUESTIONS = (Question("date", "date", "next_session", per_row=2),)


class NextSessionHooks(FirstSessionHooks):
    """The first-session date's buttons and reading; its own words, limit and saving."""

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        referral = referral_of(turn)
        label = await case_label(turn.uow, referral)
        example = day(turn.today() + timedelta(days=DAYS_OFFERED + 2))
        planned = turn.extra.get("planned")
        if planned is None:
            return t(turn.lang, "next_session.q.set", case=label, example=example)
        return t(turn.lang, "next_session.q.move", case=label, current=day(planned),
                 example=example)  # fmt: skip

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        days = [turn.today() + timedelta(days=n) for n in range(DAYS_OFFERED)]
        latest = latest_day(referral_of(turn))
        return [(d.isoformat(), self.label(turn, lang, question, d.isoformat()))
                for d in days if latest is None or d <= latest]  # fmt: skip

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        return today, latest_day(referral_of(turn))

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        planned = turn.extra.get("planned")
        if planned is not None and value == planned.isoformat():
            return Problem("next_session.same_day", {"day": day(planned)})
        return None

    async def finish(self, turn: Turn) -> Outcome:
        uow, actor, referral = turn.uow, turn.actor, referral_of(turn)
        when = date.fromisoformat(turn.dialogue.answers["date"])
        await uow.dialogues.end(actor.user_id)
        await uow.casework.plan_session(
            referral, worker_id=actor.user_id, on=when, actor=actor.audit_name
        )
        text = t(turn.lang, "next_session.set", case=await case_label(uow, referral), day=day(when))
        return Outcome([Reply(text), await card(uow, actor, referral)])


FORM = Form(KIND, "next_session", QUESTIONS, NextSessionHooks(), progress=False)


async def _planned(uow: UnitOfWork, referral: Referral) -> dict[str, Any]:
    return {"planned": await uow.casework.planned(referral)}


ENTRY = CaseForm(FORM, scope.SESSIONS, known=_planned)
