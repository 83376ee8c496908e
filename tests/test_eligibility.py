"""Eligibility (guidance §1, §3, §4): each rule ends a screening, and says where it comes from."""

from __future__ import annotations

import pytest

from conversations.screening.render import section_text
from state_machine.eligibility import assess, repeat_needs_conditional_caution

ELIGIBLE = {
    "outcome": "community_resolution", "offence_level": "yes", "gravity": "2",
    "history": "first", "incident_date": "2026-11-14", "relationship": "grandparent",
    "accepts_responsibility": "yes", "admits_guilt": "yes", "remorse": "yes",
    "resident_in_wales": "yes", "age": 34, "willing": "yes",
}  # fmt: skip


def test_an_eligible_grandparent_passes_every_rule() -> None:
    assert assess(ELIGIBLE, "police") is None


@pytest.mark.parametrize(
    ("change", "reason", "section"),
    [
        ({"outcome": "nfa"}, "nfa", "§1 Police process"),
        ({"outcome": "charge"}, "charge", "§1 Police process"),
        ({"offence_level": "no"}, "not_reasonable_punishment", "§3"),
        ({"gravity": "3"}, "gravity", "§3, footnote 9"),
        ({"incident_date": "2022-03-20"}, "before_commencement", "§1 Issue"),
        ({"relationship": "club_leader"}, "in_loco_parentis", "§3"),
        ({"relationship": "other_in_loco_parentis"}, "in_loco_parentis", "§3"),
        ({"relationship": "foster_carer"}, "foster_carer", "§3"),
        ({"accepts_responsibility": "no"}, "responsibility", "§3"),
        ({"admits_guilt": "no"}, "responsibility", "§3"),
        ({"remorse": "no"}, "responsibility", "§3"),
        ({"resident_in_wales": "no"}, "not_resident", "§3"),
        ({"age": 17}, "under_18", "§3, §4 YOTs role"),
        ({"willing": "no"}, "not_willing", "§3, footnote 11"),
        ({"repeat_disposal": "end"}, "repeat_offence", "§3, footnote 8"),
    ],
)
def test_each_rule_ends_the_screening_with_its_reason_and_section(
    change: dict[str, object], reason: str, section: str
) -> None:
    decision = assess({**ELIGIBLE, **change}, "police")
    assert decision is not None
    assert (decision.reason, decision.section) == (reason, section)


def test_the_commencement_day_itself_and_gravity_one_are_eligible() -> None:
    assert assess({**ELIGIBLE, "incident_date": "2022-03-21", "gravity": "1"}, "police") is None


def test_every_listed_family_tie_is_eligible() -> None:
    for tie in ("parent", "guardian", "step_parent", "grandparent", "aunt_uncle",
                "family_friend", "other_family"):  # fmt: skip
        assert assess({**ELIGIBLE, "relationship": tie}, "police") is None


def test_the_yot_refers_under_18s_only_and_signposts() -> None:
    assert assess({**ELIGIBLE, "age": 17}, "yot") is None
    adult = assess(ELIGIBLE, "yot")
    assert adult is not None and adult.reason == "adult_via_police"
    young = assess({**ELIGIBLE, "age": 16}, "police")
    assert young is not None and young.signpost == "yot"
    nfa = assess({**ELIGIBLE, "outcome": "nfa"}, "police")
    assert nfa is not None and nfa.signpost == "families_first"


def test_previous_offending_with_a_community_resolution_asks_for_a_conditional_caution() -> None:
    assert repeat_needs_conditional_caution({"history": "previous",
                                             "outcome": "community_resolution"})  # fmt: skip
    assert not repeat_needs_conditional_caution({"history": "previous",
                                                 "outcome": "conditional_caution"})  # fmt: skip
    assert not repeat_needs_conditional_caution({"history": "first",
                                                 "outcome": "community_resolution"})  # fmt: skip


def test_the_guidance_reference_is_shown_in_the_readers_language() -> None:
    assert section_text("cy", "§3, footnote 9") == "§3, troednodyn 9"
    assert section_text("cy", "§1 Police process") == "§1 Proses yr heddlu"
    assert section_text("en", "§3, §4 YOTs role") == "§3, §4 YOTs role"
