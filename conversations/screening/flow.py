"""Where the screening goes next: a `transitions` step machine built from the question list.

States are the questions plus `review`. `next` walks forward to the first question that applies
(skipping, e.g., the interpreter's language unless "other" was chosen); while the officer is
changing one section from the review screen, it returns to `review` at the section's end, via
consent again if the LA changed. `change_<section>` goes from `review` to that section.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from transitions import EventData, Machine

from conversations.screening.questions import EDITABLE_SECTIONS, QUESTIONS, Question

REVIEW = "review"
STATES = [q.key for q in QUESTIONS] + [REVIEW]


class _Position:
    def __init__(self, step: str, answers: Mapping[str, Any], editing: str | None) -> None:
        self.state = step
        self.answers = answers
        self.editing = editing


def _reachable(dest: Question) -> Any:
    def condition(event: EventData) -> bool:
        pos = event.model
        assert isinstance(pos, _Position)
        if not dest.applies(pos.answers):
            return False
        if pos.editing is None:
            return True
        # While changing a section: stay in it, and ask consent again if it was cleared.
        return dest.section == pos.editing or (
            dest.key == "consent" and "consent" not in pos.answers
        )

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
    for section in EDITABLE_SECTIONS:
        for dest in (q for q in QUESTIONS if q.section == section):
            table.append(
                {
                    "trigger": f"change_{section}",
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


def _fire(step: str, trigger: str, answers: Mapping[str, Any], editing: str | None) -> str:
    pos = _position()
    pos.answers, pos.editing = answers, editing
    _MACHINE.set_state(step, model=pos)
    pos.trigger(trigger)  # type: ignore[attr-defined]
    return pos.state


def first_step() -> str:
    return QUESTIONS[0].key


def next_step(step: str, answers: Mapping[str, Any], editing: str | None = None) -> str:
    """The question after `step` (or `review`), given the answers so far."""
    return _fire(step, "next", answers, editing)


def change_section(section: str, answers: Mapping[str, Any]) -> str:
    """The first question of `section` that applies, when changing it from the review."""
    if section not in EDITABLE_SECTIONS:
        raise ValueError(f"section '{section}' cannot be changed")
    return _fire(REVIEW, f"change_{section}", answers, section)
