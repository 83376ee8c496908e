"""The screening's order: forward through what applies; from the review, one answer and what
rests on it; a progress that goes up by one and never adds to its total."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.forms.order import (
    REVIEW,
    asked_again,
    groups,
    next_key,
    opened_by_change,
    progress,
)
from conversations.screening.questions import BY_KEY, EDITABLE_SECTIONS, QUESTIONS
from storage.uow import Storage
from tests import screening_script as script
from tests.screening_script import a

FORWARD = {"outcome": "community_resolution", "history": "first", "session_language": "en"}
GROUP = groups(QUESTIONS)


def test_going_forward_skips_what_does_not_apply() -> None:
    assert next_key(QUESTIONS, "history", FORWARD) == "gravity"  # no repeat question
    assert next_key(QUESTIONS, "history", {**FORWARD, "history": "previous"}) == "repeat_disposal"
    assert next_key(QUESTIONS, "session_language", FORWARD) == "contact_times"
    other = {**FORWARD, "session_language": "other"}
    assert next_key(QUESTIONS, "session_language", other) == "interpreter_language"
    assert next_key(QUESTIONS, QUESTIONS[-1].key, FORWARD) == REVIEW
    assert next_key(QUESTIONS, None, {}) == "outcome"


def test_parts_answered_with_their_group_are_not_asked_and_the_others_are() -> None:
    both = {"offence_level", "history"}
    assert next_key(QUESTIONS, "offence", FORWARD, skip=both) == "gravity"
    assert next_key(QUESTIONS, "offence", FORWARD) == "offence_level"  # given on its own
    # "Yes, another day": spoken to, recorded; the day is asked next, then the needs.
    spoken = {"social_services"}
    assert next_key(QUESTIONS, "social_services_when", {}, skip=spoken) == "social_services_date"
    assert next_key(QUESTIONS, "social_services_date", {}, skip=spoken) == "needs"
    assert next_key(QUESTIONS, "address", {}, skip={"postcode"}) == "session_language"
    assert next_key(QUESTIONS, "address", {}) == "postcode"  # typed without one


def test_every_question_but_consent_can_be_changed_from_the_review() -> None:
    def opened(key: str) -> str | None:
        return opened_by_change(QUESTIONS, key, EDITABLE_SECTIONS, FORWARD)

    assert opened("phone") == "phone"
    assert opened("la") == "la"
    assert opened("remorse") == "remorse"  # ticked with two others, changed on its own
    assert opened("social_services_date") == "social_services_date"
    assert opened("consent") is None  # taken again, not edited
    assert opened("interpreter_language") is None  # does not apply
    assert opened("responsibility") is None  # it has no answer of its own
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
    before = {**FORWARD, "la": "cardiff", "resident_in_wales": "yes", "age": 34,
              "consent": "given"}  # fmt: skip

    def again(key: str, value: Any, filled: frozenset[str] = frozenset()) -> frozenset[str]:
        return asked_again(QUESTIONS, BY_KEY[key], [], before, {**before, key: value}, filled)

    assert again("la", "newport", frozenset({"resident_in_wales"})) == {"consent"}
    assert again("outcome", "conditional_caution") == {"explained_consequences"}
    assert again("age", 40) == {"dob"}
    assert again("session_language", "other") == {"interpreter_language"}
    assert again("phone", "+447700900456") == frozenset()
    assert again("la", "cardiff") == frozenset()  # the same LA: consent stands
    # A new address: the postcode with it, or asked for (personal, so never in the answers).
    assert again("address", "2 Stryd Fawr", frozenset({"postcode"})) == frozenset()
    assert again("address", "2 Stryd Fawr") == {"postcode"}


ELIGIBLE = {
    "outcome": "community_resolution", "offence": "first", "gravity": "2",
    "incident_date": "2026-11-14", "relationship": "grandparent", "la": "cardiff", "age": 34,
    "social_services_when": "yesterday", "needs": "nothing_known", "consent": "given",
    "contact_times": "evenings", "social_services_date": "2026-11-20",
    "compliance_factors": "work", "postcode": "CF10 1AA",
}  # fmt: skip


def walk(choices: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Answer every question in turn as the screening asks it; (key, n, N) for each. A
    question with parts answers them as the screening's engine and hooks do: a checklist all
    ticked, a choice's `fills`, the LA "lives in Wales", the address its postcode (unless
    `choices["address"]` is "no postcode")."""
    answers: dict[str, Any] = {}
    seen = []
    filled: set[str] = set()
    key = next_key(QUESTIONS, None, answers)
    while key != REVIEW:
        n, total = progress(QUESTIONS, key, answers)
        seen.append((key, n, total))
        question, value = BY_KEY[key], choices.get(key, ELIGIBLE.get(key, "yes"))
        parts: dict[str, Any] = {}
        if question.kind == "checklist":
            parts = {part: BY_KEY[part].choices[0] for part in question.parts}
        elif value in question.fills:
            parts = dict(question.fills[value])
        else:
            answers[key] = value
        if key == "la":
            parts = {"resident_in_wales": "yes"}
        if key == "address" and value != "no postcode":
            parts = {"postcode": "CF10 1AA"}
        answers |= parts
        if key == "repeat_disposal" and answers[key] == "conditional_caution":
            answers["outcome"] = "conditional_caution"  # as the screening records it
        filled = set(parts) | (filled if key in GROUP else set())
        key = next_key(QUESTIONS, key, answers, skip=filled)
    return seen


def steady(seen: list[tuple[str, int, int]]) -> None:
    """n goes up by one per message, except that a part asked on its own (the date after
    "Yes, another day") keeps its group's number; N never rises; the last is n/n."""
    for (key, n, _), (then, m, _) in pairwise(seen):
        follow_up = then in GROUP and GROUP[then] in (key, GROUP.get(key))
        assert m == (n if follow_up else n + 1), seen
    assert seen[0][1] == 1, seen
    totals = [total for _, _, total in seen]
    assert all(a >= b for a, b in pairwise(totals)), seen  # never rises
    assert totals[-1] == seen[-1][1]  # the last question is n/n


def test_the_progress_goes_up_by_one_and_its_total_never_rises() -> None:
    plain = walk({"offence": "first", "session_language": "cy"})
    steady(plain)
    assert plain[0] == ("outcome", 1, 25) and plain[-1][1:] == (23, 23)
    assert len(plain) == 23  # the common path: 23 questions, between /screen and Submit


def test_the_progress_stays_steady_where_an_answer_adds_a_question() -> None:
    for branch in (
        {"offence": "previous", "repeat_disposal": "conditional_caution"},
        {"offence": "first", "session_language": "other"},
        {"offence": "previous", "repeat_disposal": "conditional_caution",
         "session_language": "other"},
        {"social_services_when": "another_day", "needs": "something",
         "address": "no postcode"},
    ):  # fmt: skip
        seen = walk(branch)
        steady(seen)
        keys = [key for key, _, _ in seen]
        assert ("repeat_disposal" in keys) == (branch.get("offence") == "previous")
        assert ("interpreter_language" in keys) == (branch.get("session_language") == "other")
        for part in ("social_services_date", "compliance_factors", "postcode"):
            assert (part in keys) == ("needs" in branch), part  # asked on its own


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
        ("press", a("en", "offence", "first")),
        ("press", a("en", "offence", "previous")),  # adds the repeat-offence question
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
    assert numbers == list(range(1, 26)), seen  # every one of the 25 questions, one up each
    assert all(x >= y for x, y in pairwise(totals)) and totals[-1] == 25, seen


async def test_a_part_asked_on_its_own_keeps_its_groups_number(storage: Storage) -> None:
    """The Social Services date after "Yes, another day", the compliance factors after
    "something may affect it", the postcode after an address without one."""
    steps = script.whole("en")
    for old, *new in [
        (("press", a("en", "social_services_when", "yesterday")),
         ("press", a("en", "social_services_when", "another_day")), ("say", "20/11/2026")),
        (("press", a("en", "needs", "nothing_known")),
         ("press", a("en", "needs", "something")), ("say", "Works nights")),
        (("say", "1 Heol y Frenhines, Caerdydd cf10 1aa"),
         ("say", "1 Heol y Frenhines, Caerdydd"), ("say", "cf10 1aa")),
    ]:  # fmt: skip
        steps = _replace(steps, old, *new)
    seen = await shown_progress(storage, steps)
    numbers, totals = [n for n, _ in seen], [total for _, total in seen]
    repeated = [n for n, m in pairwise(numbers) if n == m]
    assert repeated == [9, 10, 17], seen  # each follow-up under its group's number
    assert sorted(set(numbers)) == list(range(1, 24)), seen
    assert all(x >= y for x, y in pairwise(totals)) and totals[-1] == 23, seen
