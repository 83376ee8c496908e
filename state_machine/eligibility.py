"""Eligibility for tailored parenting support (guidance §1, §3, §4), one rule per answer.

Each rule looks at the screening answers so far and may end the screening. The decision names
the guidance section it rests on, so the sergeant is told why, not just "no".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

COMMENCEMENT = date(2022, 3, 21)  # Children (Abolition of Defence of Reasonable Punishment)
ELIGIBLE_RELATIONSHIPS = frozenset(
    {"parent", "guardian", "step_parent", "grandparent", "aunt_uncle", "family_friend",
     "other_family"}
)  # fmt: skip
MAX_GRAVITY = 2  # "a first, low level (1-2 on the Gravity Matrix) offence" (§3)
ADULT_AGE = 18

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Decision:
    """Why a screening ends here: a reason code (a message key) and the section it rests on."""

    reason: str
    section: str
    # What the officer can still do (e.g. signpost to Families First), if anything.
    signpost: str | None = None


@dataclass(frozen=True)
class Rule:
    question: str
    decide: Callable[[Answers, str], Decision | None]


def _outcome(a: Answers, _role: str) -> Decision | None:
    if a.get("outcome") == "nfa":
        return Decision("nfa", "§1 Police process", signpost="families_first")
    if a.get("outcome") == "charge":
        return Decision("charge", "§1 Police process")
    return None


def _refuse_if(question: str, test: Callable[[Any], bool], decision: Decision) -> Rule:
    def decide(a: Answers, _role: str) -> Decision | None:
        value = a.get(question)
        return decision if value is not None and test(value) else None

    return Rule(question, decide)


def _refuse_no(question: str, reason: str, section: str) -> Rule:
    return _refuse_if(question, lambda v: v == "no", Decision(reason, section))


def _relationship(a: Answers, _role: str) -> Decision | None:
    rel = a.get("relationship")
    if rel is None or rel in ELIGIBLE_RELATIONSHIPS:
        return None
    if rel == "foster_carer":
        return Decision("foster_carer", "§3", signpost="discuss_with_la")
    return Decision("in_loco_parentis", "§3")


def _age(a: Answers, role: str) -> Decision | None:
    age = a.get("age")
    if age is None:
        return None
    if int(age) < ADULT_AGE and role != "yot":
        return Decision("under_18", "§3, §4 YOTs role", signpost="yot")
    if int(age) >= ADULT_AGE and role == "yot":
        return Decision("adult_via_police", "§4 YOTs role")
    return None


RULES: tuple[Rule, ...] = (
    Rule("outcome", _outcome),
    _refuse_if(
        "repeat_disposal", lambda v: v == "end", Decision("repeat_offence", "§3, footnote 8")
    ),
    _refuse_no("offence_level", "not_reasonable_punishment", "§3"),
    _refuse_if("gravity", lambda v: int(v) > MAX_GRAVITY, Decision("gravity", "§3, footnote 9")),
    _refuse_if(
        "incident_date",
        lambda v: date.fromisoformat(v) < COMMENCEMENT,
        Decision("before_commencement", "§1 Issue"),
    ),
    Rule("relationship", _relationship),
    _refuse_no("accepts_responsibility", "responsibility", "§3"),
    _refuse_no("admits_guilt", "responsibility", "§3"),
    _refuse_no("remorse", "responsibility", "§3"),
    _refuse_no("resident_in_wales", "not_resident", "§3"),
    Rule("age", _age),
    _refuse_no("willing", "not_willing", "§3, footnote 11"),
)


def assess(answers: Answers, role: str) -> Decision | None:
    """The first rule the answers break, or None while the individual may be eligible."""
    for rule in RULES:
        decision = rule.decide(answers, role)
        if decision is not None:
            return decision
    return None


def repeat_needs_conditional_caution(answers: Answers) -> bool:
    """Previous offending with a Community Resolution: the guidance expects a Conditional
    Caution for a further offence (§3 footnote 8), so the officer is asked to choose again."""
    return answers.get("history") == "previous" and answers.get("outcome") == "community_resolution"
