"""Referral references: random, unambiguous, and read back however a person types them."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from state_machine.reference import ALPHABET, new_reference, normalise_reference


def test_a_reference_has_no_characters_a_tired_reader_could_confuse() -> None:
    assert not set("01OILU") & set(ALPHABET)
    ref = new_reference(random.Random(7).choice)
    assert ref.startswith("R-") and len(ref) == 8


def test_a_typed_reference_is_understood_in_any_case_with_or_without_its_prefix() -> None:
    assert normalise_reference("r-7k3m9q") == "R-7K3M9Q"
    assert normalise_reference(" 7K3 M9Q ") == "R-7K3M9Q"
    assert normalise_reference("R7K3M9Q") == "R-7K3M9Q"
    assert normalise_reference("RABCDE") == "R-RABCDE"  # a code may itself start with R
    assert normalise_reference("R-7K3M9") is None  # too short
    assert normalise_reference("R-0K3M9Q") is None  # 0 is never used


@given(st.randoms())
def test_every_new_reference_reads_back_as_itself(rng: random.Random) -> None:
    ref = new_reference(rng.choice)
    assert normalise_reference(ref) == ref == normalise_reference(ref.lower().replace("-", " "))
