"""What makes a form its own: a store for its answers and hooks for its special cases.

A feature subclasses `Hooks` and overrides only what differs; every default is the plain
behaviour (the question's text from the catalogue, its buttons from `choices`, nothing
extra after an answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from conversations.i18n import t
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply

if TYPE_CHECKING:
    from conversations.access import Actor
    from conversations.forms.questions import Answers, Form, Question
    from storage.dialogues import DialogueState
    from storage.uow import UnitOfWork


class Store(Protocol):
    """Where a form's answers live (the dialogue row, or a referral and its encrypted
    details): the engine reads and writes them only through this."""

    async def answers(self) -> dict[str, Any]:
        """What `applies`, `depends_on` and `rests_on` read: the answers so far."""
        ...

    async def record(self, question: Question, value: Any) -> None: ...

    async def given(self) -> dict[str, Any]:
        """Everything the review shows (personal details too: the read may be audited)."""
        ...


class RowStore:
    """Answers kept in the dialogue row itself: for a form with nothing personal in it."""

    def __init__(self, uow: UnitOfWork, dialogue: DialogueState) -> None:
        self.uow, self.dialogue = uow, dialogue

    async def answers(self) -> dict[str, Any]:
        return dict(self.dialogue.answers)

    async def given(self) -> dict[str, Any]:
        return dict(self.dialogue.answers)

    async def record(self, question: Question, value: Any) -> None:
        self.uow.dialogues.advance(self.dialogue, self.dialogue.step, **{question.key: value})


@dataclass(frozen=True)
class Split:
    """What one answer gives: the question's own value (unless `own` is False: it answers only
    its parts) and, for each part it answers, what the part is given: a value of the part's
    buttons ("yes", "today"), or its words as if typed there (a postcode)."""

    value: Any = None
    parts: Mapping[str, Any] = field(default_factory=dict)
    own: bool = True


@dataclass
class Turn:
    """One user action on one form: who, where they are, and the form's store."""

    uow: UnitOfWork
    actor: Actor
    dialogue: DialogueState
    form: Form
    extra: dict[str, Any] = field(default_factory=dict)  # what an entry point passes on
    _store: Store | None = None

    @property
    def lang(self) -> str:
        return self.actor.language

    def today(self) -> date:
        now: datetime = self.uow.clock.now()
        return now.astimezone(self.uow.tz).date()

    async def store(self) -> Store:
        if self._store is None:
            self._store = await self.form.hooks.store(self)
        return self._store


class Hooks:
    async def store(self, turn: Turn) -> Store:
        raise NotImplementedError

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        """The question as asked (without the progress)."""
        return t(turn.lang, f"{turn.form.prefix}.q.{question.key}")

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        return t(lang, f"{turn.form.prefix}.a.{question.key}.{value}")

    def done_label(self, turn: Turn, question: Question) -> str:
        """The Done button of a multi-select or a checklist."""
        return t(turn.lang, f"{turn.form.prefix}.a.{question.key}.done")

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        """Its buttons as (value, label); override for choices that come from data. A
        checklist's are its parts."""
        values = question.parts if question.kind == "checklist" else question.choices
        return [(value, self.label(turn, lang, question, value)) for value in values]

    def split(self, turn: Turn, question: Question, value: Any) -> Split:
        """What an answer gives (see `Split`): a checklist its parts, ticked or not (a ticked
        part records its first choice, one left unticked its last); a value in `fills` the
        parts it names; anything else the question's own answer. Override for a typed
        answer that holds another (an address with its postcode)."""
        if question.kind == "checklist":
            ticked = set(value)
            by_key = turn.form.by_key
            return Split(
                own=False,
                parts={p: by_key[p].choices[0 if p in ticked else -1] for p in question.parts},
            )
        if isinstance(value, str) and value in question.fills:
            return Split(own=False, parts=question.fills[value])
        return Split(value)

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        """The earliest and latest date a date question accepts: by default, not the future."""
        return None, today

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        """A further check of a value that parsed (against other answers, say)."""
        return None

    async def search(self, turn: Turn, question: Question, text: str) -> Outcome:
        """A `search` question's typed words: the buttons to pick from, or a problem."""
        raise NotImplementedError

    async def after(
        self, turn: Turn, question: Question, value: Any, answers: Answers
    ) -> Outcome | None:
        """Once an answer is recorded: an Outcome ends the turn here (an ending, a hand-over);
        None goes on to the next question."""
        return None

    async def aside(self, turn: Turn, question: Question, value: Any) -> list[Reply]:
        """Messages shown before the next question (a warning about this answer)."""
        return []

    async def shown(self, turn: Turn, question: Question, value: Any) -> str:
        """An answer as the review shows it."""
        if value is None:
            return "–"
        if question.kind == "date":
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        if question.choices and value in question.choices:
            return self.label(turn, turn.lang, question, value)
        return str(value)

    async def review_title(self, turn: Turn) -> str:
        return t(turn.lang, f"{turn.form.prefix}.review.title")

    async def review_notes(self, turn: Turn, given: Answers) -> list[str]:
        """Lines under the answers on the review (a mismatch worth a look)."""
        return []

    async def forget(
        self, uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str
    ) -> None:
        """Discarding the dialogue: what else the form kept goes too (a screening's referral,
        never submitted). Nothing by default: the dialogue row held it all."""

    async def finish(self, turn: Turn) -> Outcome:
        """A form without a review: what happens after its last answer."""
        raise NotImplementedError
