"""Reading what an officer types on a phone, in English or Welsh. Pure: no I/O, no clock.

Each parser returns the value, or a `Problem`: a message key and its placeholders, so the
reply is written (in the user's language) by whoever shows it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class Problem:
    key: str
    params: dict[str, object] = field(default_factory=dict)


def fold(text: str) -> str:
    """Lower case, accents off (Môn -> mon), only letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


# Dates ---------------------------------------------------------------------------------------

DATE_EXAMPLE = "21/03/2022"
_RELATIVE = {"today": 0, "heddiw": 0, "yesterday": 1, "ddoe": 1}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def parse_date(
    text: str, today: date, *, earliest: date | None = None, latest: date | None = None
) -> date | Problem:
    """dd/mm/yyyy, d/m/yy (20yy), with / . or -; or today/yesterday (heddiw/ddoe)."""
    cleaned = text.strip().rstrip(".!").strip()
    if fold(cleaned) in _RELATIVE:
        parsed = today - timedelta(days=_RELATIVE[fold(cleaned)])
    else:
        match = _DMY.match(cleaned)
        if not match:
            return Problem("parse.date.invalid", {"example": DATE_EXAMPLE})
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        try:
            parsed = date(year, month, day)
        except ValueError:
            return Problem("parse.date.invalid", {"example": DATE_EXAMPLE})
    if earliest is not None and parsed < earliest:
        return Problem("parse.date.too_early", {"earliest": _day(earliest)})
    if latest is not None and parsed > latest:
        return Problem("parse.date.in_future", {"latest": _day(latest)})
    return parsed


# Phones and postcodes ------------------------------------------------------------------------

PHONE_EXAMPLE = "07700 900123"
_PHONE_CHARS = re.compile(r"[\s\-().]")


def parse_uk_phone(text: str) -> str | Problem:
    """A UK number as +44…; mobiles 07, landlines 01/02, 03. Premium (09) and
    0800-style special ranges are refused: nobody can be called back on them reliably."""
    digits = _PHONE_CHARS.sub("", text.strip()).replace("(0)", "")
    digits = re.sub(r"^\+44|^0044|^44(?=\d{10}$)", "0", digits.replace("+44(0)", "+44"))
    if digits.startswith("00"):
        digits = digits[1:]
    if not re.fullmatch(r"0(1\d{8,9}|[237]\d{9})", digits):
        return Problem("parse.phone.invalid", {"example": PHONE_EXAMPLE})
    return "+44" + digits[1:]


POSTCODE_EXAMPLE = "CF10 1AA"
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")


def parse_uk_postcode(text: str) -> str | Problem:
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE.match(compact)
    if compact == "GIR0AA":
        return "GIR 0AA"
    if not match:
        return Problem("parse.postcode.invalid", {"example": POSTCODE_EXAMPLE})
    return f"{match.group(1)} {match.group(2)}"


# A suggestion, not a lookup: the LAs a postcode AREA reaches into. Border areas (SY, CH) are
# mostly England; the officer still chooses, and can type the LA's name instead.
POSTCODE_AREAS: dict[str, tuple[str, ...]] = {
    "CF": ("cardiff", "vale-of-glamorgan", "rhondda-cynon-taf", "caerphilly", "merthyr-tydfil",
           "bridgend"),
    "NP": ("newport", "monmouthshire", "torfaen", "blaenau-gwent", "caerphilly"),
    "SA": ("swansea", "neath-port-talbot", "carmarthenshire", "pembrokeshire", "ceredigion",
           "powys"),
    "LL": ("isle-of-anglesey", "gwynedd", "conwy", "denbighshire", "flintshire", "wrexham"),
    "LD": ("powys",),
    "SY": ("powys", "ceredigion", "gwynedd"),
    "CH": ("flintshire", "wrexham"),
}  # fmt: skip


def postcode_las(postcode: str) -> tuple[str, ...]:
    area = re.match(r"^[A-Z]+", postcode.upper())
    return POSTCODE_AREAS.get(area.group(0), ()) if area else ()


# Local authorities by name -------------------------------------------------------------------


class Named(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def name_cy(self) -> str: ...


N = TypeVar("N", bound=Named)
_ALIASES = {"rct": "rhondda-cynon-taf", "npt": "neath-port-talbot", "vale": "vale-of-glamorgan",
            "anglesey": "isle-of-anglesey", "mon": "isle-of-anglesey"}  # fmt: skip


def search_las(query: str, las: Sequence[N]) -> list[N]:
    """LAs whose English or Welsh name (or code) contains what was typed; word starts first."""
    wanted = fold(query)
    if len(wanted) < 2:
        return []
    starts, contains = [], []
    for la in las:
        words = [fold(w) for w in re.split(r"[\s\-']+", f"{la.name_en} {la.name_cy}") if w]
        whole = [fold(la.name_en), fold(la.name_cy), fold(la.code)]
        if _ALIASES.get(wanted) == la.code or any(w.startswith(wanted) for w in words + whole):
            starts.append(la)
        elif any(wanted in w for w in whole):
            contains.append(la)
    return starts + contains


# Free text, names, numbers -------------------------------------------------------------------


def parse_text(text: str, *, limit: int, required: bool = True) -> str | Problem:
    """Spaces tidied, single line breaks kept; empty or over-long text refused."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    cleaned = "\n".join(line for line in lines if line)
    if required and not cleaned:
        return Problem("parse.text.empty")
    if len(cleaned) > limit:
        return Problem("parse.text.too_long", {"limit": limit, "length": len(cleaned)})
    return cleaned


_NAME = re.compile(r"^[^\W\d_]+(?:[ '’\-.][^\W\d_]*)*$")
_PARTICLES = {"ap", "ab", "ferch", "verch", "de", "van", "von", "der", "la", "le", "di", "da"}


def parse_name(text: str, limit: int = 100) -> str | Problem:
    cleaned = " ".join(text.split())
    if len(cleaned) < 2 or len(cleaned) > limit or not _NAME.match(cleaned):
        return Problem("parse.name.invalid", {"limit": limit})
    return cleaned


def initials(name: str) -> str:
    """First letter of each part (spaces and hyphens), skipping particles: Siân ap
    Dafydd-Jones -> SDJ."""
    parts = [p for p in re.split(r"[\s\-]+", name) if p and p.casefold() not in _PARTICLES]
    return "".join(p[0].upper() for p in parts)


def parse_age(text: str, *, low: int, high: int) -> int | Problem:
    match = re.fullmatch(r"\s*(\d{1,3})\s*(years?( old)?|yrs?|oed|mlwydd( oed)?)?\s*\.?\s*",
                         text.casefold())  # fmt: skip
    if not match:
        return Problem("parse.number.invalid", {"low": low, "high": high})
    value = int(match.group(1))
    if not low <= value <= high:
        return Problem("parse.number.out_of_range", {"low": low, "high": high})
    return value


# Typing instead of pressing ------------------------------------------------------------------

_YES = {"yes", "y", "ie", "do", "oes", "ydy", "ydw", "ydyn", "yeah", "yep"}
_NO = {"no", "n", "na", "naddo", "nacoes", "nacydy", "nagoes", "nope"}


def match_choice(text: str, choices: Sequence[tuple[str, str]]) -> str | None:
    """The value whose label was typed (any case or accents, numbering like "1." ignored);
    a unique prefix of 3+ characters; yes/no words in either language for yes/no buttons."""
    typed = fold(re.sub(r"^\s*\d+[.)]\s+", "", text))
    if not typed:
        return None
    by_label = {fold(label): value for value, label in choices}
    if typed in by_label:
        return by_label[typed]
    values = {value for value, _ in choices}
    if {"yes", "no"} <= values:
        if typed in _YES:
            return "yes"
        if typed in _NO:
            return "no"
    if len(typed) >= 3:
        found = {value for label, value in by_label.items() if label.startswith(typed)}
        if len(found) == 1:
            return found.pop()
    return None
