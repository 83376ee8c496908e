"""What a custody sergeant types on a phone, in English or Welsh, read the way they meant it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.parsing import (
    Problem,
    initials,
    match_choice,
    means_nothing,
    parse_age,
    parse_children_ages,
    parse_date,
    parse_name,
    parse_text,
    parse_uk_phone,
    parse_uk_postcode,
    postcode_las,
    search_las,
)

TODAY = date(2026, 11, 23)
BAD_DATE = Problem("parse.date.invalid", {"example": "21/03/2022"})
BAD_PHONE = Problem("parse.phone.invalid", {"example": "07400 123456"})
BAD_POSTCODE = Problem("parse.postcode.invalid", {"example": "CF10 1AA"})


@dataclass(frozen=True)
class LA:
    code: str
    name_en: str
    name_cy: str


# The 22 Welsh LAs in the order they are seeded.
WALES = [LA(*names) for names in [
    ("isle-of-anglesey", "Isle of Anglesey", "Ynys Môn"), ("gwynedd", "Gwynedd", "Gwynedd"),
    ("conwy", "Conwy", "Conwy"), ("denbighshire", "Denbighshire", "Sir Ddinbych"),
    ("flintshire", "Flintshire", "Sir y Fflint"), ("wrexham", "Wrexham", "Wrecsam"),
    ("ceredigion", "Ceredigion", "Ceredigion"), ("pembrokeshire", "Pembrokeshire", "Sir Benfro"),
    ("carmarthenshire", "Carmarthenshire", "Sir Gaerfyrddin"),
    ("swansea", "Swansea", "Abertawe"),
    ("neath-port-talbot", "Neath Port Talbot", "Castell-nedd Port Talbot"),
    ("bridgend", "Bridgend", "Pen-y-bont ar Ogwr"),
    ("vale-of-glamorgan", "Vale of Glamorgan", "Bro Morgannwg"),
    ("cardiff", "Cardiff", "Caerdydd"),
    ("rhondda-cynon-taf", "Rhondda Cynon Taf", "Rhondda Cynon Taf"),
    ("caerphilly", "Caerphilly", "Caerffili"), ("blaenau-gwent", "Blaenau Gwent", "Blaenau Gwent"),
    ("torfaen", "Torfaen", "Tor-faen"), ("monmouthshire", "Monmouthshire", "Sir Fynwy"),
    ("newport", "Newport", "Casnewydd"), ("powys", "Powys", "Powys"),
    ("merthyr-tydfil", "Merthyr Tydfil", "Merthyr Tudful"),
]]  # fmt: skip


def codes(query: str) -> list[str]:
    return [la.code for la in search_las(query, WALES)]


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("21/03/2022", date(2022, 3, 21)), ("1/3/2022", date(2022, 3, 1)),
        ("1/1/22", date(2022, 1, 1)), ("21-03-2022", date(2022, 3, 21)),
        ("21.03.2022", date(2022, 3, 21)), ("  21/03/2022  ", date(2022, 3, 21)),
        ("21 / 03 / 2022", date(2022, 3, 21)), ("2/3/2022", date(2022, 3, 2)),
        ("29/02/2028", date(2028, 2, 29)), ("29/02/24", date(2024, 2, 29)),
        ("2022-03-21", date(2022, 3, 21)),
    ],
)  # fmt: skip
def test_a_date_is_read_day_first_with_any_usual_separator(typed: str, meant: date) -> None:
    assert parse_date(typed, TODAY) == meant


@pytest.mark.parametrize(
    ("typed", "days_ago"),
    [("today", 0), ("Today", 0), ("TODAY!", 0), ("heddiw", 0), ("heddiw.", 0), ("Heddiw", 0),
     ("yesterday", 1), ("Yesterday.", 1), ("ddoe", 1), ("Ddoe?", 1), (" DDOE ", 1)],
)  # fmt: skip
def test_a_sergeant_can_type_today_or_yesterday_in_either_language(
    typed: str, days_ago: int
) -> None:
    assert parse_date(typed, TODAY) == TODAY - timedelta(days=days_ago)


def test_a_sergeant_can_type_yesterday_in_welsh_on_new_years_day() -> None:
    assert parse_date("ddoe", date(2027, 1, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    "typed",
    ["31/11/2026", "29/02/2027", "29/02/2100", "0/1/2022", "1/13/2022", "3/21/2022", "21/03",
     "11/2026", "21/03/2022/1", "21/03/022", "21 03 2022", "next week", "tomorrow", "", "   ",
     "٢١/٠٣/٢٠٢٢"],
)  # fmt: skip
def test_something_that_is_not_a_calendar_date_gets_an_example(typed: str) -> None:
    assert parse_date(typed, TODAY) == BAD_DATE


def test_a_date_before_the_earliest_allowed_says_which_day_is_the_first() -> None:
    found = parse_date("01/01/2020", TODAY, earliest=date(2022, 3, 21))
    assert found == Problem("parse.date.too_early", {"earliest": "21/03/2022"})
    assert parse_date("21/03/2022", TODAY, earliest=date(2022, 3, 21)) == date(2022, 3, 21)


def test_a_date_after_today_is_in_the_future_and_today_itself_is_allowed() -> None:
    found = parse_date("24/11/2026", TODAY, latest=TODAY)
    assert found == Problem("parse.date.in_future", {"latest": "23/11/2026"})
    assert parse_date("heddiw", TODAY, latest=TODAY) == TODAY


def test_a_past_date_after_an_earlier_limit_is_too_late_not_in_the_future() -> None:
    found = parse_date("ddoe", TODAY, latest=date(2026, 11, 1))
    assert found == Problem("parse.date.too_late", {"latest": "01/11/2026"})


def test_a_date_past_a_limit_still_ahead_is_too_late_not_in_the_future() -> None:
    found = parse_date("24/02/2027", TODAY, earliest=TODAY, latest=date(2027, 2, 23))
    assert found == Problem("parse.date.too_late", {"latest": "23/02/2027"})
    assert parse_date("23/02/2027", TODAY, latest=date(2027, 2, 23)) == date(2027, 2, 23)


def test_a_two_digit_year_is_this_century_unless_that_would_pass_the_latest_date() -> None:
    assert parse_date("12/05/85", TODAY) == date(2085, 5, 12)
    assert parse_date("12/05/85", TODAY, latest=TODAY) == date(1985, 5, 12)
    assert parse_date("1/11/26", TODAY, latest=TODAY) == date(2026, 11, 1)
    assert parse_date("1/12/26", TODAY, latest=TODAY) == Problem(
        "parse.date.in_future", {"latest": "23/11/2026"}
    )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_any_date_written_dd_mm_yyyy_reads_back_as_itself(day: date) -> None:
    assert parse_date(day.strftime("%d/%m/%Y"), TODAY) == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}", TODAY) == day


# Phone numbers -----------------------------------------------------------------------------


# Numbers `phonenumbers` holds as allocated (Ofcom's drama ranges such as 07700 900xxx are not).


@pytest.mark.parametrize(
    "typed",
    ["07400 123456", "07400123456", "07400-123-456", "(07400) 123 456", "+44 7400 123456",
     "+447400123456", "+44 (0)7400 123456", "+44(0)7400123456", "0044 7400 123456",
     "447400123456", " 07400 123 456 ", "０７４００ １２３４５６"],
)  # fmt: skip
def test_a_mobile_number_in_any_usual_form_becomes_e164(typed: str) -> None:
    assert parse_uk_phone(typed) == "+447400123456"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("029 2087 2087", "+442920872087"), ("(029) 2087-2087", "+442920872087"),
     ("01970 123456", "+441970123456"), ("0113 496 0123", "+441134960123"),
     ("0300 123 4567", "+443001234567"), ("+44 (0)20 7946 0123", "+442079460123"),
     ("07624 123456", "+447624123456"), ("07781 123456", "+447781123456")],
)  # fmt: skip
def test_landlines_03_numbers_and_island_mobiles_are_accepted(typed: str, e164: str) -> None:
    assert parse_uk_phone(typed) == e164


@pytest.mark.parametrize(
    "typed",
    ["0909 879 0123", "09098790123", "+44 909 879 0123", "0871 123 4567", "0845 123 4567",
     "0800 123 4567", "0500 123456", "07000 123456", "07600 123456", "0400 123 4567",
     "06000 123456", "056 1234 5678"],
)  # fmt: skip
def test_premium_rate_service_personal_pager_and_voip_numbers_are_refused(typed: str) -> None:
    assert parse_uk_phone(typed) == BAD_PHONE


@pytest.mark.parametrize(
    "typed",
    ["07400 12345", "074001234567", "7400 123456", "007400123456", "12345", "", "+",
     "+33 6 12 34 56 78", "+1 202 555 0143", "07400 123456 ext 4", "07400 1234S56",
     "tel: 07400 123456", "*07400 123456", "01 234 5678", "07700 900123", "01632 960123"],
)  # fmt: skip
def test_short_long_foreign_garbled_and_unallocated_numbers_are_refused(typed: str) -> None:
    assert parse_uk_phone(typed) == BAD_PHONE


@given(st.text("0123456789", min_size=9, max_size=9))
def test_any_mobile_reads_the_same_whichever_way_it_is_written(rest: str) -> None:
    national = f"7{rest}"
    forms = [f"0{national}", f"0{national[:4]} {national[4:]}", f"+44 {national}",
             f"+44 (0){national}", f"0044 {national}", f"44{national}"]  # fmt: skip
    read = [parse_uk_phone(form) for form in forms]
    assert read in (["+44" + national] * len(forms), [BAD_PHONE] * len(forms))


def test_the_example_a_refusal_shows_is_itself_accepted() -> None:
    assert parse_uk_phone(BAD_PHONE.params["example"]) == "+447400123456"  # type: ignore[arg-type]


# Postcodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "postcode"),
    [("CF10 1AA", "CF10 1AA"), ("cf10 1aa", "CF10 1AA"), ("CF101AA", "CF10 1AA"),
     ("  cf10   1aa ", "CF10 1AA"), ("c f 1 0 1 a a", "CF10 1AA"), ("M1 1AE", "M1 1AE"),
     ("B33 8TH", "B33 8TH"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"),
     ("W1A 1HQ", "W1A 1HQ"), ("N1C 4AG", "N1C 4AG"), ("EC1A 1BB", "EC1A 1BB"),
     ("sw1a2aa", "SW1A 2AA"), ("ll57 2dg", "LL57 2DG"), ("SA11AA", "SA1 1AA"),
     ("gir 0aa", "GIR 0AA"), ("GIR0AA", "GIR 0AA")],
)  # fmt: skip
def test_every_official_postcode_shape_is_tidied_to_upper_case_with_one_space(
    typed: str, postcode: str
) -> None:
    assert parse_uk_postcode(typed) == postcode


@pytest.mark.parametrize(
    "typed",
    ["CF1", "CF10", "CF10 1A", "CF10 1AAA", "CF10 A1A", "12345", "", "CF1O 1AA", "CF10 1AC",
     "QF10 1AA", "CZ10 1AA", "W1I 1AA", "CFA10 1AA", "CF10 1AA CF10 1AA", "CF10-1AA"],
)  # fmt: skip
def test_a_postcode_that_cannot_exist_gets_an_example(typed: str) -> None:
    assert parse_uk_postcode(typed) == BAD_POSTCODE


AREA = "ABCDEFGHIJKLMNOPRSTUWYZ"  # first letter: never Q, V, X
DISTRICT = "ABCDEFGHKLMNOPQRSTUVWXY"  # second letter: never I, J, Z
UNIT = "ABDEFGHJLNPQRSTUWXYZ"  # inward letters: never C, I, K, M, O, V
letter = st.sampled_from
outward = st.one_of(
    st.tuples(letter(AREA), st.integers(1, 99).map(str)).map("".join),
    st.tuples(letter(AREA), letter(DISTRICT), st.integers(0, 99).map(str)).map("".join),
    st.tuples(letter(AREA), st.integers(1, 9).map(str), letter("ABCDEFGHJKPSTUW")).map("".join),
    st.tuples(
        letter(AREA), letter(DISTRICT), st.integers(0, 9).map(str), letter("ABEHMNPRVWXY")
    ).map("".join),
)
inward = st.tuples(st.integers(0, 9).map(str), letter(UNIT), letter(UNIT)).map("".join)


@given(outward, inward)
def test_any_valid_postcode_round_trips_however_it_is_typed(out: str, inw: str) -> None:
    postcode = f"{out} {inw}"
    assert parse_uk_postcode(postcode) == postcode
    assert parse_uk_postcode(f"{out}{inw}".lower()) == postcode
    assert parse_uk_postcode(f"  {out.lower()}  {inw} ") == postcode


def test_a_welsh_postcode_area_suggests_the_las_it_reaches() -> None:
    assert postcode_las("CF10 1AA") == (
        "cardiff", "vale-of-glamorgan", "rhondda-cynon-taf", "caerphilly", "merthyr-tydfil",
        "bridgend",
    )  # fmt: skip
    assert "caerphilly" in postcode_las("NP12 1AA") and "newport" in postcode_las("NP20 1AA")
    assert postcode_las("SA1 1AA")[0] == "swansea" and "powys" in postcode_las("SA9 1AA")
    assert postcode_las("LL57 2DG")[0] == "isle-of-anglesey"
    assert postcode_las("LD1 5AA") == ("powys",)


def test_border_areas_suggest_only_their_welsh_las_and_elsewhere_suggests_none() -> None:
    assert postcode_las("SY23 1AA") == ("powys", "ceredigion", "gwynedd")
    assert postcode_las("CH5 1AA") == ("flintshire", "wrexham")
    assert postcode_las("HR3 5AA") == ("powys", "monmouthshire")  # Hay-on-Wye
    assert postcode_las("W1A 1AA") == () and postcode_las("GIR 0AA") == ()
    assert postcode_las("C1 1AA") == () and postcode_las("") == ()


def test_a_lower_case_postcode_still_gets_its_suggestions() -> None:
    assert postcode_las("ld1 5aa") == ("powys",)


# Local authorities by name -----------------------------------------------------------------


@pytest.mark.parametrize("la", WALES, ids=lambda la: la.code)
def test_every_la_comes_first_for_its_own_name_in_either_language_or_its_code(la: LA) -> None:
    for typed in (la.name_en, la.name_cy, la.code, la.name_cy.upper()):
        assert codes(typed)[0] == la.code, typed


def test_mon_finds_the_isle_of_anglesey_first_via_ynys_mon() -> None:
    assert codes("mon") == ["isle-of-anglesey", "monmouthshire"]
    assert codes("Môn")[0] == "isle-of-anglesey" and codes("ynys") == ["isle-of-anglesey"]
    assert codes("ynys mon") == ["isle-of-anglesey"] and codes("angl") == ["isle-of-anglesey"]


def test_caer_finds_cardiff_and_caerphilly_then_carmarthenshire_through_gaerfyrddin() -> None:
    assert codes("caer") == ["cardiff", "caerphilly", "carmarthenshire"]
    assert codes("gaer") == ["carmarthenshire"]
    assert codes("caerfyrddin") == ["carmarthenshire"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("penfro", "pembrokeshire"), ("mynwy", "monmouthshire"), ("dinbych", "denbighshire"),
     ("pont", "bridgend")],
)  # fmt: skip
def test_a_welsh_name_is_found_without_its_mutation(typed: str, code: str) -> None:
    assert codes(typed) == [code]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("torfaen", "torfaen"), ("Tor-faen", "torfaen"), ("tor faen", "torfaen"),
     ("pen y bont", "bridgend"), ("penybont", "bridgend"), ("port talbot", "neath-port-talbot"),
     ("castell nedd", "neath-port-talbot"), ("VALE OF GLAM", "vale-of-glamorgan"),
     ("glam", "vale-of-glamorgan"), ("merthyr-tyd", "merthyr-tydfil"), ("wrecs", "wrexham"),
     ("casnewydd", "newport"), ("abertawe", "swansea"), ("rhondda-cynon", "rhondda-cynon-taf"),
     ("isle-of-anglesey", "isle-of-anglesey")],
)  # fmt: skip
def test_hyphens_spaces_and_case_do_not_matter(typed: str, code: str) -> None:
    assert codes(typed) == [code]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("rct", "rhondda-cynon-taf"), ("RCT", "rhondda-cynon-taf"), ("npt", "neath-port-talbot"),
     ("the vale", "vale-of-glamorgan")],
)  # fmt: skip
def test_common_abbreviations_find_their_la(typed: str, code: str) -> None:
    assert codes(typed) == [code]


def test_a_word_start_match_comes_before_a_match_inside_a_word() -> None:
    assert codes("gwent") == ["blaenau-gwent"]
    assert codes("ham") == ["wrexham"]  # only inside a word, still found
    assert codes("shire")[:1] == ["denbighshire"] and len(codes("shire")) == 5


def test_equal_matches_keep_the_order_they_were_given_in() -> None:
    assert codes("sir") == [
        "denbighshire", "flintshire", "pembrokeshire", "carmarthenshire", "monmouthshire",
    ]  # fmt: skip
    assert [la.code for la in search_las("sir", WALES[::-1])] == codes("sir")[::-1]


def test_nothing_typed_or_nothing_matching_finds_nothing() -> None:
    assert codes("") == [] and codes("   ") == [] and codes("-'") == []
    assert codes("x") == [] and codes("zzz") == [] and codes("london") == []


def test_two_letters_only_match_from_the_start_of_a_word() -> None:
    assert "wrexham" not in codes("am")


# Free text ---------------------------------------------------------------------------------


def test_free_text_has_its_spaces_tidied_and_single_line_breaks_kept() -> None:
    typed = "  works\t\tnights  \r\n\r\n\n  weekends   off \n"
    assert parse_text(typed, limit=50) == "works nights\nweekends off"


def test_control_characters_are_dropped_from_free_text() -> None:
    assert parse_text("a\x00b\x07c", limit=10) == "abc"


def test_empty_text_is_refused_only_when_an_answer_is_required() -> None:
    assert parse_text(" \n\t ", limit=50) == Problem("parse.text.empty")
    assert parse_text(" \n\t ", limit=50, required=False) == ""


def test_text_over_the_limit_says_how_long_it_is() -> None:
    assert parse_text("x" * 51, limit=50) == Problem(
        "parse.text.too_long", {"limit": 50, "length": 51}
    )
    assert parse_text("  " + "x" * 50 + "  ", limit=50) == "x" * 50


@given(st.text(max_size=300), st.integers(min_value=0, max_value=200), st.booleans())
def test_accepted_text_never_exceeds_its_limit_and_is_already_tidy(
    text: str, limit: int, required: bool
) -> None:
    result = parse_text(text, limit=limit, required=required)
    if not isinstance(result, Problem):
        assert len(result) <= limit
        assert parse_text(result, limit=limit, required=required) == result


# Names and initials ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Siân ap Dafydd-Jones", "Siân ap Dafydd-Jones"), ("  Siân   Jones ", "Siân Jones"),
     ("Gwenllian O'Brien", "Gwenllian O'Brien"), ("Gwenllian O’Brien", "Gwenllian O’Brien"),
     ("J. R. Hartley", "J. R. Hartley"), ("Ŵyn Ŷr Ânwen", "Ŵyn Ŷr Ânwen"), ("Al", "Al"),
     ("Sia\u0302n Jones", "Siân Jones"), ("Zoë St.John", "Zoë St.John")],
)  # fmt: skip
def test_a_persons_name_with_welsh_accents_hyphens_and_apostrophes_is_kept(
    typed: str, name: str
) -> None:
    assert parse_name(typed) == name


@pytest.mark.parametrize(
    "typed", ["", "J", "J.", "R2D2", "Siân 2", "- Mary", "Mary-", "Mary--Jones", "@sian", "Siân!"]
)
def test_something_that_is_not_a_name_is_refused(typed: str) -> None:
    assert parse_name(typed) == Problem("parse.name.invalid", {"limit": 100})


def test_a_name_longer_than_the_limit_is_refused() -> None:
    assert parse_name("Siân Jones", limit=5) == Problem("parse.name.invalid", {"limit": 5})
    assert parse_name("a" * 100) == "a" * 100 and isinstance(parse_name("a" * 101), Problem)


@pytest.mark.parametrize(
    ("name", "letters"),
    [("Siân ap Dafydd-Jones", "SDJ"), ("Gwenllian O'Brien", "GO"), ("Rhys ab Owen", "RO"),
     ("Nest ferch Rhys", "NR"), ("Ludwig van Beethoven", "LB"), ("Van Morrison", "VM"),
     ("Ellen De Souza", "EDS"), ("J. R. Hartley", "JRH"), ("ŵyn jones", "ŴJ"),
     ("sian ap dafydd", "SD"), ("de la Cruz", "DC"), ("", "")],
)  # fmt: skip
def test_initials_skip_lower_case_particles_but_never_the_first_name(
    name: str, letters: str
) -> None:
    assert initials(name) == letters


# Ages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["17", " 17 ", "017", "17.", "17 years", "17 years old", "17 Years Old", "17yrs", "17 yo",
     "17 oed", "17 mlwydd oed", "17 mlwydd", "17 blwydd oed"],
)  # fmt: skip
def test_an_age_in_whole_years_in_either_language(typed: str) -> None:
    assert parse_age(typed, low=10, high=110) == 17


@pytest.mark.parametrize("typed", ["", "seventeen", "17.5", "-17", "17 months", "1 7", "١٧"])
def test_an_age_that_is_not_a_whole_number_of_years_is_refused(typed: str) -> None:
    assert parse_age(typed, low=10, high=110) == Problem(
        "parse.number.invalid", {"low": 10, "high": 110}
    )


@pytest.mark.parametrize("typed", ["9", "111", "200", "0"])
def test_an_age_outside_the_range_gives_the_range(typed: str) -> None:
    assert parse_age(typed, low=10, high=110) == Problem(
        "parse.number.out_of_range", {"low": 10, "high": 110}
    )
    assert parse_age("10", low=10, high=110) == 10 and parse_age("110", low=10, high=110) == 110


# Typing instead of pressing a button -------------------------------------------------------

YES_NO = [("yes", "✅ Yes"), ("no", "❌ No")]
IE_NA = [("yes", "Ie"), ("no", "Na")]
OUTCOMES = [("community_resolution", "Community Resolution"),
            ("conditional_caution", "Conditional Caution"),
            ("no_further_action", "No further action")]  # fmt: skip


@pytest.mark.parametrize(
    "typed", ["yes", "Yes", "YES!", "y", "ie", "Ie.", "do", "oes", "ydy", "1. Yes", "✅ Yes"]
)
def test_typing_yes_in_either_language_presses_yes(typed: str) -> None:
    assert match_choice(typed, YES_NO) == "yes" and match_choice(typed, IE_NA) == "yes"


@pytest.mark.parametrize(
    "typed", ["no", "No.", "n", "N", "na", "naddo", "nac oes", "Nac Oes", "nac ydy", "2) No"]
)
def test_typing_no_in_either_language_presses_no(typed: str) -> None:
    assert match_choice(typed, YES_NO) == "no" and match_choice(typed, IE_NA) == "no"


def test_yes_and_no_words_mean_nothing_without_yes_and_no_buttons() -> None:
    assert match_choice("ie", OUTCOMES) is None and match_choice("y", OUTCOMES) is None


def test_a_label_is_matched_ignoring_case_accents_punctuation_and_numbering() -> None:
    assert match_choice("community resolution!", OUTCOMES) == "community_resolution"
    assert match_choice("2. Conditional Caution", OUTCOMES) == "conditional_caution"
    assert match_choice("2.conditional caution", OUTCOMES) == "conditional_caution"
    assert match_choice("Rhiant", [("parent", "Rhiant (gan gynnwys mabwysiadol)")]) == "parent"
    assert match_choice("athro", [("teacher", "Athrô")]) == "teacher"


def test_a_unique_prefix_of_three_letters_is_enough_and_shorter_is_not() -> None:
    assert match_choice("cond", OUTCOMES) == "conditional_caution"
    assert match_choice("com", OUTCOMES) == "community_resolution"
    assert match_choice("co", OUTCOMES) is None
    assert match_choice("no f", OUTCOMES) == "no_further_action"


def test_an_ambiguous_or_unknown_answer_matches_nothing() -> None:
    assert match_choice("c", OUTCOMES) is None and match_choice("maybe", YES_NO) is None
    assert match_choice("Same", [("a", "Same"), ("b", "same!")]) is None
    assert match_choice("", YES_NO) is None and match_choice("🙂", YES_NO) is None


def test_a_label_that_starts_with_a_number_is_not_mistaken_for_numbering() -> None:
    ages = [("16_17", "16-17"), ("18_plus", "18+")]
    assert match_choice("16-17", ages) == "16_17" and match_choice("2) 18+", ages) == "18_plus"


@given(st.text(max_size=60))
def test_nothing_a_sergeant_types_makes_a_parser_fail(typed: str) -> None:
    parse_date(typed, TODAY, earliest=date(1900, 1, 1), latest=TODAY)
    parse_uk_phone(typed)
    postcode = parse_uk_postcode(typed)
    assert isinstance(postcode, Problem) or parse_uk_postcode(postcode) == postcode
    name = parse_name(typed)
    assert isinstance(name, Problem) or parse_name(name) == name
    initials(typed)
    parse_age(typed, low=10, high=110)
    search_las(typed, WALES)
    match_choice(typed, YES_NO)


@pytest.mark.parametrize("typed", ["none", "None.", "NO", "nothing", "n/a", "Dim", "dim byd"])
def test_words_for_nothing_are_understood_in_either_language(typed: str) -> None:
    assert means_nothing(typed)


@pytest.mark.parametrize("typed", ["none of his family", "nobody", "4, 7", "dimai"])
def test_text_that_says_something_is_not_nothing(typed: str) -> None:
    assert not means_nothing(typed)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("4, 7", "4, 7"), ("4 and 7", "4, 7"), ("4 a 7", "4, 7"), ("0", "0"), ("3 5 11", "3, 5, 11"),
     ("07", "7")],
)  # fmt: skip
def test_childrens_ages_are_numbers_kept_alike(typed: str, kept: str) -> None:
    assert parse_children_ages(typed) == kept


@pytest.mark.parametrize("typed", ["four", "4, seven", "18", "", "none", "4.5", "-1", "1 " * 21])
def test_childrens_ages_that_are_not_numbers_are_asked_again(typed: str) -> None:
    assert parse_children_ages(typed) == Problem("parse.children_ages.invalid", {"high": 17})
