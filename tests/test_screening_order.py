"""The screening's order: forward through what applies; from the review, one answer and what
rests on it; a progress that goes up by one and never adds to its total."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.forms.order import REVIEW, asked_again, next_key, opened_by_change, progress
from conversations.screening.questions import BY_KEY, EDITABLE_SECTIONS, QUESTIONS
from storage.uow import Storage
from tests import screening_script as script
from tests.screening_script import a

FORWARD = {"outcome": "community_resolution", "history": "first", "session_language": "en"}


def test_going_forward_skips_what_does_not_apply() -> None:
    assert next_key(QUESTIONS, "history", FORWARD) == "incident_date"  # no repeat question
    assert next_key(QUESTIONS, "history", {**FORWARD, "history": "previous"}) == "repeat_disposal"
    assert next_key(QUESTIONS, "session_language", FORWARD) == "contact_times"
    other = {**FORWARD, "session_language": "other"}
    assert next_key(QUESTIONS, "session_language", other) == "interpreter_language"
    assert next_key(QUESTIONS, QUESTIONS[-1].key, FORWARD) == REVIEW
    assert next_key(QUESTIONS, None, {}) == "outcome"


def test_every_question_but_consent_can_be_changed_from_the_review() -> None:
    def opened(key: str) -> str | None:
        return opened_by_change(QUESTIONS, key, EDITABLE_SECTIONS, FORWARD)

    assert opened("phone") == "phone"
    assert opened("la") == "la"
    assert opened("consent") is None  # taken again, not edited
    assert opened("interpreter_language") is None  # does not apply
    assert opened("no_such_question") is None


def test_while_changing_an_answer_only_what_is_still_to_ask_is_visited() -> None:
    assert next_key(QUESTIONS, "phone", FORWARD, frozenset()) == REVIEW
    assert next_key(QUESTIONS, "la", FORWARD, frozenset({"consent"})) == "consent"
    # Asked in question order, and only while it applies.
    ask = frozenset({"explained_consequences", "repeat_disposal"})
    previous = {**FORWARD, "history": "previous"}
    assert next_key(QUESTIONS, "outcome", previous, ask) == "repeat_disposal"
    assert next_key(QUESTIONS, "outcome", FORWARD, ask) == "explained_consequences"
    only = frozenset({"interpreter_language"})
    assert next_key(QUESTIONS, "session_language", FORWARD, only) == REVIEW


def test_a_change_asks_again_what_rests_on_it_and_what_it_made_apply() -> None:
    before = {**FORWARD, "la": "cardiff", "age": 34, "consent": "given"}

    def again(key: str, value: Any) -> frozenset[str]:
        return asked_again(QUESTIONS, BY_KEY[key], [], before, {**before, key: value})

    assert again("la", "newport") == {"consent"}
    assert again("outcome", "conditional_caution") == {"explained_consequences"}
    assert again("age", 40) == {"dob"}
    assert again("session_language", "other") == {"interpreter_language"}
    assert again("phone", "+447700900456") == frozenset()
    assert again("la", "cardiff") == frozenset()  # the same LA: consent stands


ELIGIBLE = {
    "outcome": "community_resolution", "offence_level": "yes", "gravity": "2",
    "incident_date": "2026-11-14", "relationship": "grandparent", "la": "cardiff", "age": 34,
    "social_services_date": "2026-11-22", "compliance_factors": "none_known",
    "explained_expectations": "done", "explained_consequences": "done",
    "explained_benefits": "done", "consent": "given", "contact_times": "evenings",
}  # fmt: skip


def walk(choices: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Answer every question in turn as the screening asks it; (key, n, N) for each."""
    answers: dict[str, Any] = {}
    seen = []
    key = next_key(QUESTIONS, None, answers)
    while key != REVIEW:
        n, total = progress(QUESTIONS, key, answers)
        seen.append((key, n, total))
        answers[key] = choices.get(key, ELIGIBLE.get(key, "yes"))
        if key == "repeat_disposal" and answers[key] == "conditional_caution":
            answers["outcome"] = "conditional_caution"  # as the screening records it
        key = next_key(QUESTIONS, key, answers)
    return seen


def steady(seen: list[tuple[str, int, int]]) -> None:
    numbers = [n for _, n, _ in seen]
    totals = [total for _, _, total in seen]
    assert numbers == list(range(1, len(seen) + 1)), seen  # one up per question answered
    assert all(a >= b for a, b in pairwise(totals)), seen  # never rises
    assert totals[-1] == len(seen)  # the last question is n/n


def test_the_progress_goes_up_by_one_and_its_total_never_rises() -> None:
    plain = walk({"history": "first", "session_language": "cy"})
    steady(plain)
    assert plain[0] == ("outcome", 1, 34) and plain[-1][1:] == (32, 32)


def test_the_progress_stays_steady_where_an_answer_adds_a_question() -> None:
    for branch in (
        {"history": "previous", "repeat_disposal": "conditional_caution"},
        {"history": "first", "session_language": "other"},
        {"history": "previous", "repeat_disposal": "conditional_caution",
         "session_language": "other"},
    ):  # fmt: skip
        seen = walk(branch)
        steady(seen)
        keys = [key for key, _, _ in seen]
        assert ("repeat_disposal" in keys) == (branch["history"] == "previous")
        assert ("interpreter_language" in keys) == (branch.get("session_language") == "other")


async def shown_progress(storage: Storage, steps: list[script.Step]) -> list[tuple[int, int]]:
    """A sergeant's whole screening through the assistant: the n/N on each question asked."""
    assistant = Assistant(storage, "bot")
    token = await create_invite(storage, InviteSpec("police", "Sgt", "gwent"), actor="t")
    await assistant.start(9, token, "en")
    actor = await assistant.identify(9)
    assert actor is not None
    seen: list[tuple[int, int]] = []
    buttons: dict[str, str] = {}
    for kind, value in steps:
        if value == "/screen":
            outcome = await assistant.command(actor, "screen")
        elif kind in ("say", "pick"):
            outcome = await assistant.text(actor, value)
        else:
            outcome = await assistant.press(actor, buttons[value])
        assert outcome is not None
        for reply in outcome.replies:
            buttons |= {b.label: b.token for row in reply.buttons for b in row}
            if match := re.match(r"(\d+)/(\d+) · ", reply.text):
                seen.append((int(match[1]), int(match[2])))
    return seen


def _replace(steps: list[script.Step], old: script.Step, *new: script.Step) -> list[script.Step]:
    at = steps.index(old)
    return [*steps[:at], *new, *steps[at + 1 :]]


async def test_a_sergeant_sees_the_count_go_up_by_one_and_its_total_never_rise(
    storage: Storage,
) -> None:
    steps = script.whole("en")
    steps = _replace(
        steps,
        ("press", a("en", "history", "first")),
        ("press", a("en", "history", "previous")),  # adds the repeat-offence question
        ("press", a("en", "repeat_disposal", "conditional_caution")),
    )
    steps = _replace(
        steps,
        ("press", a("en", "session_language", "cy")),
        ("press", a("en", "session_language", "other")),  # adds the interpreter's language
        ("say", "Polish"),
    )
    seen = await shown_progress(storage, steps)
    numbers, totals = [n for n, _ in seen], [total for _, total in seen]
    assert numbers == list(range(1, 35)), seen  # every one of the 34 questions, one up each
    assert all(x >= y for x, y in pairwise(totals)) and totals[-1] == 34, seen
