"""What a sergeant types on a phone, read the way they meant it, in English or Welsh."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing import (
    Problem,
    initials,
    match_choice,
    parse_age,
    parse_date,
    parse_name,
    parse_text,
    parse_uk_phone,
    parse_uk_postcode,
    postcode_las,
    search_las,
)
from storage.reference import Place

TODAY = date(2026, 11, 23)
LAS = [
    Place("isle-of-anglesey", "Isle of Anglesey", "Ynys Môn"),
    Place("cardiff", "Cardiff", "Caerdydd"),
    Place("caerphilly", "Caerphilly", "Caerffili"),
    Place("torfaen", "Torfaen", "Tor-faen"),
    Place("rhondda-cynon-taf", "Rhondda Cynon Taf", "Rhondda Cynon Taf"),
    Place("carmarthenshire", "Carmarthenshire", "Sir Gaerfyrddin"),
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14/11/2026", date(2026, 11, 14)), ("1/11/26", date(2026, 11, 1)),
        ("01-11-2026", date(2026, 11, 1)), (" 1.11.2026 ", date(2026, 11, 1)),
        ("today", TODAY), ("Heddiw.", TODAY), ("yesterday", date(2026, 11, 22)),
        ("DDOE", date(2026, 11, 22)), ("29/02/2028", date(2028, 2, 29)),
    ],
)  # fmt: skip
def test_dates_are_read_day_first_and_in_either_language(typed: str, meant: date) -> None:
    assert parse_date(typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["31/11/2026", "29/02/2027", "next week", "11/2026", ""])
def test_a_date_that_is_not_one_gets_an_example(typed: str) -> None:
    assert parse_date(typed, TODAY) == Problem("parse.date.invalid", {"example": "21/03/2022"})


def test_dates_outside_the_allowed_range_say_which_way() -> None:
    early = parse_date("01/01/2020", TODAY, earliest=date(2022, 3, 21))
    assert early == Problem("parse.date.too_early", {"earliest": "21/03/2022"})
    late = parse_date("24/11/2026", TODAY, latest=TODAY)
    assert isinstance(late, Problem) and late.key == "parse.date.in_future"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("07400 123456", "+447400123456"), ("07400-123-456", "+447400123456"),
        ("+44 7400 123456", "+447400123456"), ("+44 (0)7400 123456", "+447400123456"),
        ("0044 7400 123456", "+447400123456"), ("029 2087 2087", "+442920872087"),
        ("01970 123456", "+441970123456"), ("0300 123 4567", "+443001234567"),
    ],
)  # fmt: skip
def test_uk_phone_numbers_in_any_usual_form(typed: str, e164: str) -> None:
    assert parse_uk_phone(typed) == e164


@pytest.mark.parametrize("typed", ["0909 8790 123", "0800 123 4567", "12345", "07400 12345",
                                   "+33 6 12 34 56 78"])  # fmt: skip
def test_premium_special_short_and_foreign_numbers_are_refused(typed: str) -> None:
    assert isinstance(parse_uk_phone(typed), Problem)


@pytest.mark.parametrize(
    ("typed", "postcode"),
    [("cf10 1aa", "CF10 1AA"), ("CF101AA", "CF10 1AA"), ("ll57 2dg", "LL57 2DG"),
     ("sa1 1aa", "SA1 1AA"), ("w1a 1aa", "W1A 1AA"), ("gir 0aa", "GIR 0AA")],
)  # fmt: skip
def test_postcodes_are_tidied(typed: str, postcode: str) -> None:
    assert parse_uk_postcode(typed) == postcode


@pytest.mark.parametrize("typed", ["CF1", "CF10 1A", "12345", "CF10 1AAA"])
def test_a_postcode_that_is_not_one_gets_an_example(typed: str) -> None:
    assert parse_uk_postcode(typed) == Problem("parse.postcode.invalid", {"example": "CF10 1AA"})


def test_a_postcode_suggests_the_las_its_area_reaches() -> None:
    assert "cardiff" in postcode_las("CF10 1AA")
    assert postcode_las("LL57 2DG")[0] == "isle-of-anglesey"
    assert postcode_las("W1A 1AA") == ()


@pytest.mark.parametrize(
    ("typed", "first"),
    [("card", "cardiff"), ("caerdydd", "cardiff"), ("mon", "isle-of-anglesey"),
     ("ynys", "isle-of-anglesey"), ("torfaen", "torfaen"), ("rct", "rhondda-cynon-taf"),
     ("gaerf", "carmarthenshire")],
)  # fmt: skip
def test_an_la_is_found_by_part_of_either_name(typed: str, first: str) -> None:
    found = search_las(typed, LAS)
    assert found and found[0].code == first


def test_caer_finds_both_caerphilly_and_cardiff_and_nothing_finds_nothing() -> None:
    assert {la.code for la in search_las("caer", LAS)} >= {"cardiff", "caerphilly"}
    assert search_las("x", LAS) == [] and search_las("zzz", LAS) == []


def test_text_is_tidied_and_limited() -> None:
    assert parse_text("  works   nights \n\n weekends ", limit=50) == "works nights\nweekends"
    assert parse_text("   ", limit=50) == Problem("parse.text.empty")
    assert parse_text("x" * 51, limit=50) == Problem(
        "parse.text.too_long", {"limit": 50, "length": 51}
    )


def test_names_and_their_initials() -> None:
    assert parse_name("  Siân   ap Dafydd-Jones ") == "Siân ap Dafydd-Jones"
    assert initials("Siân ap Dafydd-Jones") == "SDJ"
    assert initials("Gwenllian O'Brien") == "GO"
    for bad in ("J", "R2D2", "x" * 101):
        assert isinstance(parse_name(bad), Problem)


def test_ages_in_words_either_language() -> None:
    assert parse_age("34", low=10, high=110) == 34
    assert parse_age("17 oed", low=10, high=110) == 17
    assert parse_age("19 years old", low=10, high=110) == 19
    assert parse_age("200", low=10, high=110) == Problem(
        "parse.number.out_of_range", {"low": 10, "high": 110}
    )
    assert isinstance(parse_age("thirty", low=10, high=110), Problem)


def test_typing_a_buttons_words_counts_as_pressing_it() -> None:
    choices = [("yes", "Yes"), ("no", "No")]
    assert match_choice("ie", choices) == "yes" and match_choice("Naddo", choices) == "no"
    outcomes = [("community_resolution", "Community Resolution"),
                ("conditional_caution", "Conditional Caution")]  # fmt: skip
    assert match_choice("community resolution!", outcomes) == "community_resolution"
    assert match_choice("cond", outcomes) == "conditional_caution"
    assert match_choice("co", outcomes) is None  # too short to tell
    assert match_choice("2. Conditional Caution", outcomes) == "conditional_caution"
    assert match_choice("Rhiant", [("parent", "Rhiant (gan gynnwys mabwysiadol)")]) == "parent"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_any_date_written_day_first_reads_back_as_itself(d: date) -> None:
    assert parse_date(d.strftime("%d/%m/%Y"), TODAY) == d


@given(st.text(max_size=300), st.integers(min_value=1, max_value=200))
def test_accepted_text_never_exceeds_its_limit(text: str, limit: int) -> None:
    result = parse_text(text, limit=limit)
    assert isinstance(result, Problem) or len(result) <= limit
