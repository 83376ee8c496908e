"""What a form is made of: its questions, as data, and the hooks that make it its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from conversations.forms.hooks import Hooks

# choice: one button; multi: buttons toggled on and off, then Done; checklist: its `parts`
# ticked on and off in one message, then Done (or All); search: typed words that offer buttons
# (the LA); the rest are typed, perhaps with quick buttons ("Today", "None").
Kind = Literal[
    "choice", "multi", "checklist", "search", "date", "text", "number", "phone", "postcode",
    "name",
]  # fmt: skip
Answers = Mapping[str, Any]
ALL = "all"  # a checklist's button that ticks every part at once


def always(_answers: Answers) -> bool:
    return True


def when(key: str, *values: str) -> Callable[[Answers], bool]:
    """Applies when the answer to `key` is one of `values` (declare `depends_on=(key,)`)."""
    return lambda answers: answers.get(key) in values


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    section: str = ""
    # Fixed button values; a form whose choices come from data (forces, LAs) gives them
    # in `Hooks.options` instead.
    choices: tuple[str, ...] = ()
    personal: bool = False  # the store keeps it encrypted, with the individual's details
    applies: Callable[[Answers], bool] = always
    # The answers `applies` reads: while one is still ahead, this question may yet apply, so
    # the progress counts it (and N only ever falls). Each must come earlier in the form.
    depends_on: tuple[str, ...] = ()
    # Answers given in the light of others: when one of these changes on the review, this
    # question is asked again (consent names the LA).
    rests_on: tuple[str, ...] = ()
    # A quick button that answers a typed question ("None known"): "none" typed counts as it.
    shortcut: str | None = None
    limit: int = 500  # the longest text, or the highest number
    least: int = 0  # the lowest number
    # Answers that pause the form until the user has done something (a message says what).
    pauses_on: tuple[str, ...] = ()
    per_row: int = 2
    # Multi-select values that answer the question on their own ("national" instead of LAs).
    alone: tuple[str, ...] = ()
    # Reads a typed answer instead of the kind's parser: the value, or a Problem.
    parser: Callable[[str], Any] | None = None
    # Later questions this one may answer in the same message (its parts), each still
    # recorded, shown on the review and changed on its own: a checklist's items; a choice
    # whose every value stands for answers to its parts (`fills`); a typed answer that holds
    # another (an address with its postcode: `Hooks.split`). A part left unanswered is asked
    # next, on its own, under its group's number in the progress.
    parts: tuple[str, ...] = ()
    # A button value -> the parts it answers, each with a value of that part's own buttons
    # ("today" for a date). A value named here answers only its parts, never the question.
    fills: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def answers_itself(self) -> bool:
        """False for a question that only answers its parts (a checklist, a choice whose
        values all stand for parts): it has no answer of its own to show or change."""
        return not (self.kind == "checklist" or (self.kind == "choice" and bool(self.fills)))


@dataclass(frozen=True)
class Form:
    """One declaration per form. `kind` names its dialogue and prefixes its buttons' actions
    (`<kind>.answer` ...); `prefix` its message keys (`<prefix>.q.<key>`, `<prefix>.a.<key>.
    <value>`, `<prefix>.r.<key>` on the review, `<prefix>.section.<section>`)."""

    kind: str
    prefix: str
    questions: tuple[Question, ...]
    hooks: Hooks
    # Sections the review offers to change; a form without any has no review and ends with
    # `Hooks.finish` after its last question.
    editable_sections: tuple[str, ...] = ()
    progress: bool = True  # "n/N · " before each question
    edits: bool = False  # a question after a press replaces the pressed message
    reask: bool = True  # after a problem with an answer, ask the question again below it
    use_buttons: str = "dialogue.use_buttons"
    by_key: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = [q.key for q in self.questions]
        assert len(set(keys)) == len(keys), f"{self.kind}: a question key twice"
        for i, q in enumerate(self.questions):
            for key in (*q.depends_on, *q.rests_on):
                assert key in keys[:i], f"{self.kind}.{q.key}: {key} must come earlier"
        object.__setattr__(self, "by_key", {q.key: q for q in self.questions})
        groups = [q for q in self.questions if q.parts]
        parts = [part for q in groups for part in q.parts]
        assert len(set(parts)) == len(parts), f"{self.kind}: a part of two questions"
        for group in groups:
            _check_group(self, group, keys)

    @property
    def review(self) -> bool:
        return bool(self.editable_sections)

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.section for q in self.questions))


def _check_group(form: Form, group: Question, keys: list[str]) -> None:
    """A group's parts come after it and apply where it does; what it fills is theirs to take."""
    name = f"{form.kind}.{group.key}"
    for part in group.parts:
        assert part in keys[keys.index(group.key) + 1 :], f"{name}: {part} must come later"
        question = form.by_key[part]
        assert question.applies in (always, group.applies), f"{name}: {part} applies apart"
        if group.kind == "checklist":  # ticked: its first choice; not ticked: its last
            assert question.kind == "choice" and len(question.choices) == 2, f"{name}: {part}"
    assert ALL not in group.parts, f"{name}: a part named {ALL}"
    if group.kind == "choice" and group.fills:
        assert set(group.fills) == set(group.choices), f"{name}: every value fills its parts"
    for value, filled in group.fills.items():
        for part, given in filled.items():
            assert part in group.parts, f"{name}.{value}: {part} is not one of its parts"
            # A choice's button, or a typed question's quick button ("today").
            assert given in form.by_key[part].choices, f"{name}.{value}: {given} for {part}"
