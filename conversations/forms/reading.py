"""A typed answer as the value to store, by the question's kind (dates as ISO strings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.forms.questions import Question
from conversations.parsing import (
    Problem,
    parse_age,
    parse_date,
    parse_name,
    parse_text,
    parse_uk_phone,
    parse_uk_postcode,
)


def read_typed(
    question: Question, text: str, *, today: date, bounds: tuple[date | None, date | None]
) -> Any | Problem:
    """The value of a typed (not pressed) answer, or the Problem with it."""
    if question.parser is not None:
        return question.parser(text)
    if question.kind == "date":
        earliest, latest = bounds
        parsed = parse_date(text, today, earliest=earliest, latest=latest)
        return parsed if isinstance(parsed, Problem) else parsed.isoformat()
    if question.kind == "number":
        return parse_age(text, low=question.least, high=question.limit)
    if question.kind == "phone":
        return parse_uk_phone(text)
    if question.kind == "postcode":
        return parse_uk_postcode(text)
    if question.kind == "name":
        return parse_name(text, question.limit)
    return parse_text(text, limit=question.limit)
