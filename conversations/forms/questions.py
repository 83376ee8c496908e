"""What a form is made of: its questions, as data, and the hooks that make it its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from conversations.forms.hooks import Hooks

# choice: one button; multi: buttons toggled on and off, then Done; search: typed words that
# offer buttons (the LA); the rest are typed, perhaps with quick buttons ("Today", "None").
Kind = Literal["choice", "multi", "search", "date", "text", "number", "phone", "postcode", "name"]
Answers = Mapping[str, Any]


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

    @property
    def review(self) -> bool:
        return bool(self.editable_sections)

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.section for q in self.questions))
