"""The screening's own readings of an answer: an LA from typed words, an age from a date of
birth, whether a home postcode fits the LA chosen."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from conversations.parsing import parse_uk_postcode, postcode_las, search_las
from storage.reference import Place

MAX_LA_BUTTONS = 8


def age_on(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


_POSTCODE_IN = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?", re.IGNORECASE)


def find_las(text: str, las: Sequence[Place]) -> list[Place]:
    """LAs for what the officer typed: part of a name (either language), a postcode (alone,
    or in an address), or an outward code such as CF10."""
    typed = text.strip()
    found = _POSTCODE_IN.search(typed)
    postcode = parse_uk_postcode(found.group(0)) if found else None
    if isinstance(postcode, str) or _OUTWARD.fullmatch(typed):
        codes = postcode_las(postcode if isinstance(postcode, str) else typed)
        return [la for la in las if la.code in codes][:MAX_LA_BUTTONS]
    return list(search_las(typed, las))[:MAX_LA_BUTTONS]


def postcode_in(text: str) -> tuple[str, str] | None:
    """A postcode typed in an address: (the address without it, the postcode as typed)."""
    found = _POSTCODE_IN.search(text)
    if found is None:
        return None
    rest = f"{text[: found.start()].rstrip()} {text[found.end() :].lstrip()}"
    return re.sub(r"[ \t]*([,;])(?:\s*[,;])*", r"\1", rest).strip(" ,;\n"), found.group(0)


def postcode_fits_la(postcode: str, la_code: str | None) -> bool:
    """Whether the home postcode's area reaches into the LA chosen: a postcode outside Wales
    does not (the referral goes to the LA chosen, so a mismatch is worth a look)."""
    return la_code is None or la_code in postcode_las(postcode)
