"""Reading a typed or pressed answer for one question, and showing it back on the review."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from conversations.i18n import t
from conversations.parsing import (
    Problem,
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
from conversations.screening.questions import Question
from storage.reference import Place

MIN_AGE, MAX_AGE = 10, 110
MAX_LA_BUTTONS = 8


def label(lang: str, question: Question, value: str) -> str:
    return t(lang, f"screen.a.{question.key}.{value}")


def choices(lang: str, question: Question) -> list[tuple[str, str]]:
    return [(value, label(lang, question, value)) for value in question.choices]


def read_choice(lang: str, question: Question, text: str) -> str | Problem:
    """Typing instead of pressing: understood when it matches a button (either language)."""
    for language in dict.fromkeys((lang, "en", "cy")):
        value = match_choice(text, choices(language, question))
        if value is not None:
            return value
    return Problem("screen.use_buttons", {})


def read_date(
    question: Question, text: str, today: date, answers: Mapping[str, Any]
) -> date | Problem:
    earliest = None
    if question.key == "social_services_date" and answers.get("incident_date"):
        earliest = date.fromisoformat(answers["incident_date"])
    if question.key == "dob":
        earliest = today - timedelta(days=365 * MAX_AGE)
    return parse_date(text, today, earliest=earliest, latest=today)


def age_on(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def read_value(
    lang: str, question: Question, text: str, today: date, answers: Mapping[str, Any]
) -> Any | Problem:
    """A typed answer as the value to store (dates as ISO strings), or the Problem with it."""
    if question.kind == "choice":
        return read_choice(lang, question, text)
    if question.choices:  # quick buttons on a typed question: "None known", "Today"
        quick = read_choice(lang, question, text)
        if not isinstance(quick, Problem):
            if question.kind != "date":
                return quick
            text = quick  # "today" and "yesterday" are dates parse_date reads
    if question.kind == "date":
        parsed = read_date(question, text, today, answers)
        if isinstance(parsed, Problem):
            return parsed
        age = answers.get("age")
        if question.key == "dob" and age is not None and abs(age_on(parsed, today) - int(age)) > 1:
            return Problem("screen.dob_age_mismatch", {"age": age})
        return parsed.isoformat()
    if question.kind == "number":
        return parse_age(text, low=MIN_AGE, high=MAX_AGE)
    if question.kind == "phone":
        return parse_uk_phone(text)
    if question.kind == "postcode":
        return parse_uk_postcode(text)
    if question.kind == "name":
        return parse_name(text, question.limit)
    return parse_text(text, limit=question.limit)


def find_las(text: str, las: Sequence[Place]) -> list[Place]:
    """LAs for what the officer typed: part of a name (either language) or a postcode."""
    postcode = parse_uk_postcode(text)
    if not isinstance(postcode, Problem):
        codes = postcode_las(postcode)
        return [la for la in las if la.code in codes][:MAX_LA_BUTTONS]
    return list(search_las(text, las))[:MAX_LA_BUTTONS]


def postcode_fits_la(postcode: str, la_code: str | None) -> bool:
    """Whether the home postcode's area reaches into the LA chosen; True where the table of
    areas cannot say (the referral goes to the LA chosen, so a mismatch is worth a look)."""
    areas = postcode_las(postcode)
    return not areas or la_code is None or la_code in areas


def shown(lang: str, question: Question, value: Any, las: Mapping[str, Place]) -> str:
    """An answer as the review screen shows it."""
    if value is None:
        return "–"
    if question.kind == "la":
        return las[value].name(lang) if value in las else str(value)
    if question.kind == "date":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if question.choices and value in question.choices:
        return label(lang, question, value)
    return str(value)
