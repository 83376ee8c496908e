"""Where the screening goes next: a `transitions` step machine built from the question list.

States are the questions plus `review`. `next` walks forward to the first question that applies
(skipping, e.g., the interpreter's language unless "other" was chosen). `change_<question>` goes
from `review` to one answer; while the officer changes it, `next` visits only the questions
still to ask (`ask`: those the change made apply, or asked again because of it, such as consent
when the LA changed), then returns to `review`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from transitions import EventData, Machine

from conversations.screening.questions import EDITABLE_QUESTIONS, QUESTIONS, Question

REVIEW = "review"
STATES = [q.key for q in QUESTIONS] + [REVIEW]
EDITABLE_KEYS = frozenset(q.key for q in EDITABLE_QUESTIONS)


class _Position:
    def __init__(self, step: str, answers: Mapping[str, Any], ask: frozenset[str] | None) -> None:
        self.state = step
        self.answers = answers
        self.ask = ask  # None: going forward; a set: changing an answer from the review


def _reachable(dest: Question) -> Any:
    def condition(event: EventData) -> bool:
        pos = event.model
        assert isinstance(pos, _Position)
        return dest.applies(pos.answers) and (pos.ask is None or dest.key in pos.ask)

    condition.__name__ = f"reaches_{dest.key}"
    return condition


def _transitions() -> list[dict[str, Any]]:
    table: list[dict[str, Any]] = []
    for i, source in enumerate(QUESTIONS):
        for dest in QUESTIONS[i + 1 :]:
            table.append(
                {
                    "trigger": "next",
                    "source": source.key,
                    "dest": dest.key,
                    "conditions": [_reachable(dest)],
                }
            )
        table.append({"trigger": "next", "source": source.key, "dest": REVIEW})
    for dest in EDITABLE_QUESTIONS:
        table.append(
            {
                "trigger": f"change_{dest.key}",
                "source": REVIEW,
                "dest": dest.key,
                "conditions": [_reachable(dest)],
            }
        )
    return table


_MACHINE = Machine(
    model=None,
    states=STATES,
    transitions=_transitions(),
    initial=QUESTIONS[0].key,
    auto_transitions=False,
    send_event=True,
)


_LOCAL = threading.local()


def _position() -> _Position:
    """One model per thread, added to the machine once: adding a model gives it a method per
    state and trigger, which cost more than the step itself."""
    pos: _Position | None = getattr(_LOCAL, "position", None)
    if pos is None:
        pos = _LOCAL.position = _Position(QUESTIONS[0].key, {}, None)
        _MACHINE.add_model(pos)
    return pos


def _fire(step: str, trigger: str, answers: Mapping[str, Any], ask: frozenset[str] | None) -> str:
    pos = _position()
    pos.answers, pos.ask = answers, ask
    _MACHINE.set_state(step, model=pos)
    pos.trigger(trigger)  # type: ignore[attr-defined]
    return pos.state


def first_step() -> str:
    return QUESTIONS[0].key


def next_step(step: str, answers: Mapping[str, Any], ask: frozenset[str] | None = None) -> str:
    """The question after `step` (or `review`), given the answers so far; while changing an
    answer, only the questions in `ask`."""
    return _fire(step, "next", answers, ask)


def change_answer(key: str, answers: Mapping[str, Any]) -> str | None:
    """The question to ask again when the officer changes `key` from the review; None when it
    cannot be changed there (consent is taken again, not edited) or does not apply."""
    if key not in EDITABLE_KEYS:
        return None
    step = _fire(REVIEW, f"change_{key}", answers, frozenset({key}))
    return None if step == REVIEW else step
