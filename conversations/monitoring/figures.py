"""The managers' figures for the return, in the chat (guidance §8 ii counts 10 and 11, and
§8 iii): for one of their LAs and a period, the two counts no case record holds, the
parenting workers' FTE and how many people work on it with the grant, whether they support
universal parenting, the training given and other activity funded. A review with Change,
then Save, which sets them as `oocps return-entry` does (`uow.monitoring.enter`, audited).

The answers are about the grant's use, not people, and live in the dialogue row. The
manager's scope is checked at every turn and again when saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from conversations.access import Actor
from conversations.forms import engine
from conversations.forms.hooks import Hooks, RowStore, Store, Turn
from conversations.forms.order import REVIEW, next_key
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.keyboards import button
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from state_machine.distance_tools import score_of
from state_machine.periods import Period, PeriodError
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

KIND = "figures"
MOST = 100000  # far more than any LA supports in six months
MOST_FTE = Decimal(1000)
NONE = "none"
YES_NO = ("yes", "no")


def read_fte(text: str) -> str | Problem:
    """Full-time equivalent, as typed (1.5, 1,5, 0): kept as text until saved."""
    value = score_of(text)
    if value is None or not 0 <= value <= MOST_FTE or value.as_tuple().exponent < -2:  # type: ignore[operator]
        return Problem("figures.fte_invalid", {})
    return format(value.normalize(), "f")


QUESTIONS = (
    Question("la", "choice", "which", per_row=1),
    Question("period", "choice", "which", per_row=2),
    Question("physical_punishment_not_police", "number", "counts", limit=MOST),
    Question("not_physical_punishment", "number", "counts", limit=MOST),
    Question("fte", "text", "staff", parser=read_fte),
    Question("staff", "number", "staff", limit=MOST),
    Question("universal_support", "choice", "staff", YES_NO),
    Question("training", "text", "activity", (NONE,), limit=500, shortcut=NONE),
    Question("other_activity", "text", "activity", (NONE,), limit=500, shortcut=NONE),
)


PERIODS_OFFERED = 4  # the current period and the three before it


def offered_periods(today: date) -> list[Period]:
    """The periods offered as buttons (here and by /return): the current one, so far, then
    the ones before it."""
    found = [Period.containing(today)]
    while len(found) < PERIODS_OFFERED:
        found.append(found[-1].previous)
    return found


def periods(turn: Turn) -> list[Period]:
    return offered_periods(turn.today())


class FiguresHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return RowStore(turn.uow, turn.dialogue)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        names = await la_names(turn.uow, turn.lang)
        la = names.get(str(answers.get("la")), "–")
        return t(turn.lang, f"figures.q.{question.key}", la=la, period=answers.get("period", ""))

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        if question.key == "la":
            names = await la_names(turn.uow, lang)
            return [(code, names.get(code, code)) for code in turn.actor.la_codes]
        if question.key == "period":
            return [(p.name, p.name) for p in periods(turn)]
        return await super().options(turn, question, answers, lang)

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        if question.key == "la" and value not in turn.actor.la_codes:
            return Problem(turn.form.use_buttons, {})
        if question.key == "period" and value not in [p.name for p in periods(turn)]:
            return Problem(turn.form.use_buttons, {})
        return None

    async def shown(self, turn: Turn, question: Question, value: Any) -> str:
        if question.key == "la":
            return (await la_names(turn.uow, turn.lang)).get(str(value), "–")
        if question.key == "period":
            return str(value)
        return await super().shown(turn, question, value)

    async def review_title(self, turn: Turn) -> str:
        return t(turn.lang, "figures.review.title")


async def la_names(uow: UnitOfWork, lang: str) -> dict[str, str]:
    return {p.code: p.name(lang) for p in await uow.people.local_authorities()}


FORM = Form(
    KIND, "figures", QUESTIONS, FiguresHooks(),
    editable_sections=("which", "counts", "staff", "activity"),
)  # fmt: skip


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


async def begin(uow: UnitOfWork, actor: Actor) -> Outcome:
    """From /return: an LA's manager only (a national reader enters for no LA). With one
    LA, it is taken as given."""
    if actor.role != "manager" or not actor.la_codes:
        return _stale(actor)
    given = {"la": actor.la_codes[0]} if len(actor.la_codes) == 1 else {}
    step = next_key(QUESTIONS, "la" if given else None, given)
    dialogue = await uow.dialogues.begin(actor.user_id, KIND, step, given)
    return Outcome([await engine.ask(Turn(uow, actor, dialogue, FORM), given)])


def _still_theirs(actor: Actor, dialogue: DialogueState) -> bool:
    la = dialogue.answers.get("la")
    return actor.role == "manager" and (la is None or la in actor.la_codes)


async def on_button(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    if not _still_theirs(actor, dialogue):
        await uow.dialogues.end(actor.user_id)
        return _stale(actor)
    turn = Turn(uow, actor, dialogue, FORM)
    if action == f"{KIND}.submit":
        return await save(turn) if dialogue.step == REVIEW else _stale(actor)
    outcome = await engine.on_button(turn, action, payload)
    return outcome if outcome is not None else _stale(actor)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    if not _still_theirs(actor, dialogue):
        await uow.dialogues.end(actor.user_id)
        return Outcome([Reply(t(actor.language, "text.not_expected"))])
    return await engine.on_text(Turn(uow, actor, dialogue, FORM), text)


def values_of(answers: Answers) -> dict[str, object]:
    """The answers as the entered items (`storage.monitoring.Entered`)."""
    return {
        "physical_punishment_not_police": int(answers["physical_punishment_not_police"]),
        "not_physical_punishment": int(answers["not_physical_punishment"]),
        "fte": Decimal(str(answers["fte"])),
        "staff": int(answers["staff"]),
        "universal_support": answers["universal_support"] == "yes",
        "training": None if answers["training"] == NONE else str(answers["training"]),
        "other_activity": (
            None if answers["other_activity"] == NONE else str(answers["other_activity"])
        ),
    }


async def save(turn: Turn) -> Outcome:
    uow, actor, lang = turn.uow, turn.actor, turn.lang
    answers = dict(turn.dialogue.answers)
    try:
        period = Period.parse(str(answers.get("period")))
    except PeriodError:
        return _stale(actor)
    la = str(answers.get("la"))
    if la not in actor.la_codes:  # checked again as it is saved
        await uow.dialogues.end(actor.user_id)
        return _stale(actor)
    await uow.monitoring.enter(la, period, values_of(answers), actor=actor.audit_name)
    await uow.dialogues.end(actor.user_id)
    name = (await la_names(uow, lang)).get(la, la)
    again = button(uow, actor, t(lang, "figures.see_return"), "return.period", period=period.name)
    text = t(lang, "figures.saved", la=name, period=period.name)
    return Outcome([Reply(text, buttons=((again,),), edit=True)])
