"""The screening's step machine: forward through what applies; from the review, one answer."""

from __future__ import annotations

from conversations.screening import flow
from conversations.screening.questions import QUESTIONS

FORWARD = {"outcome": "community_resolution", "history": "first", "session_language": "en"}


def test_going_forward_skips_what_does_not_apply() -> None:
    assert flow.next_step("history", FORWARD) == "incident_date"  # no repeat-disposal question
    assert flow.next_step("history", {**FORWARD, "history": "previous"}) == "repeat_disposal"
    assert flow.next_step("session_language", FORWARD) == "contact_times"
    other = {**FORWARD, "session_language": "other"}
    assert flow.next_step("session_language", other) == "interpreter_language"
    assert flow.next_step(QUESTIONS[-1].key, FORWARD) == flow.REVIEW


def test_every_question_but_consent_can_be_changed_from_the_review() -> None:
    assert flow.change_answer("phone", FORWARD) == "phone"
    assert flow.change_answer("la", FORWARD) == "la"
    assert flow.change_answer("consent", FORWARD) is None  # taken again, not edited
    assert flow.change_answer("interpreter_language", FORWARD) is None  # does not apply
    assert flow.change_answer("no_such_question", FORWARD) is None


def test_while_changing_an_answer_only_what_is_still_to_ask_is_visited() -> None:
    assert flow.next_step("phone", FORWARD, frozenset()) == flow.REVIEW
    assert flow.next_step("la", FORWARD, frozenset({"consent"})) == "consent"
    # Asked in question order, and only while it applies.
    ask = frozenset({"explained_consequences", "repeat_disposal"})
    assert flow.next_step("outcome", {**FORWARD, "history": "previous"}, ask) == "repeat_disposal"
    assert flow.next_step("outcome", FORWARD, ask) == "explained_consequences"
    assert flow.next_step("session_language", FORWARD, frozenset({"interpreter_language"})) == (
        flow.REVIEW
    )
