"""A distance-travelled measure (guidance §8 ii, footnote 22), from the case card: which
standardised questionnaire (the tools file's list), at the start or at the end of support,
the day it was taken (not ahead, not before the referral came) and its score (within the
tool's range). A review with Change, and Save. An end measure is compared with the start
measure of the same tool when saved: better in the tool's direction is a positive outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label, day
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from state_machine.distance_tools import PHASES, DistanceTool, score_of

KIND = "measure"
WIDEST = 100000  # a score typed is read first as any number up to this; then the tool's range


def parse_score(text: str) -> str | Problem:
    """A score as typed (22, 3.5, 3,5): kept as its text, as the tools file may hold decimals."""
    value = score_of(text)
    if value is None or not 0 <= value <= WIDEST:
        return Problem("measure.score_invalid", {})
    return format(value.normalize(), "f")


QUESTIONS = (
    Question("tool", "choice", "measure", per_row=1),
    Question("phase", "choice", "measure", PHASES),
    Question("on", "date", "measure", ("today", "yesterday")),
    Question("score", "text", "measure", parser=parse_score, depends_on=("tool",)),
)


def tool_of(turn: Turn, answers: Answers) -> DistanceTool | None:
    return turn.uow.distance_tools.named(str(answers.get("tool")))


class MeasureHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        lang = turn.lang
        if question.key == "tool":
            label = await case_label(turn.uow, referral_of(turn))
            return t(lang, "measure.q.tool", case=label)
        if question.key == "on":
            return t(lang, "measure.q.on", example=day(turn.today()))
        tool = tool_of(turn, answers)
        if question.key == "score" and tool is not None:
            return t(lang, "measure.q.score", tool=tool.name(lang), measures=tool.measures(lang),
                     low=_number(tool.lowest), high=_number(tool.highest))  # fmt: skip
        return await super().text(turn, question, answers)

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        """The tools come from the tools file in force, not from code."""
        if question.key == "tool":
            return [(tool.key, tool.name(lang)) for tool in turn.uow.distance_tools.tools]
        return await super().options(turn, question, answers, lang)

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        if question.key == "tool":
            tool = turn.uow.distance_tools.named(value)
            return tool.name(lang) if tool is not None else value
        return super().label(turn, lang, question, value)

    async def shown(self, turn: Turn, question: Question, value: Any) -> str:
        if question.key == "tool" and value is not None:
            return self.label(turn, turn.lang, question, str(value))
        return await super().shown(turn, question, value)

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        received = referral_of(turn).received_at
        return (received.astimezone(turn.uow.tz).date() if received else None), today

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        if question.key == "tool" and turn.uow.distance_tools.named(str(value)) is None:
            return Problem(turn.form.use_buttons, {})  # a tool taken out of the file meanwhile
        tool = tool_of(turn, answers)
        score = score_of(str(value)) if question.key == "score" else None
        if tool is not None and score is not None and not tool.holds(score):
            return Problem("measure.score_range", {"tool": tool.name(turn.lang),
                           "low": _number(tool.lowest), "high": _number(tool.highest)})  # fmt: skip
        return None

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "measure.review.title", case=label)


def _number(value: Any) -> str:
    return format(value.normalize(), "f")


FORM = Form(KIND, "measure", QUESTIONS, MeasureHooks(), editable_sections=("measure",))


async def save(turn: Turn) -> Outcome:
    uow, actor, referral = turn.uow, turn.actor, referral_of(turn)
    answers = await SealedStore(uow, turn.dialogue, turn.form).answers()
    tool = tool_of(turn, answers)
    if tool is None:  # taken out of the tools file since it was picked
        await uow.dialogues.end(actor.user_id)
        return Outcome([Reply(t(turn.lang, "button.stale"))])
    measure = await uow.measures.record(
        referral, tool, phase=answers["phase"], on=date.fromisoformat(answers["on"]),
        score=str(answers["score"]), recorded_by=actor.user_id, actor=actor.audit_name,
    )  # fmt: skip
    await uow.dialogues.end(actor.user_id)
    text = t(turn.lang, "measure.saved", case=await case_label(uow, referral),
             tool=tool.name(turn.lang), day=day(measure.on))  # fmt: skip
    return Outcome([Reply(text, edit=True), await card(uow, actor, referral)])


ENTRY = CaseForm(FORM, scope.WORKED_ON, save)
