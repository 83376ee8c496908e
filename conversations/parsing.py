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

import phonenumbers
from phonenumbers import CountryCodeSource, PhoneNumberType


@dataclass(frozen=True)
class Offer:
    """A way past a problem, offered as a button under it (a form's `check` may offer some):
    `name` finds it again when pressed, `label` is its message key with `params`; pressing it
    keeps the value given and records `answers` with it (the age a date of birth gives).
    With no `answers` it asks the question again."""

    name: str
    label: str
    params: dict[str, object] = field(default_factory=dict)
    answers: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Why an answer was not accepted: a message key, and the values its text shows; and any
    ways past it to offer as buttons."""

    key: str
    params: dict[str, object] = field(default_factory=dict)
    offers: tuple[Offer, ...] = ()


def fold(text: str) -> str:
    """Lower case, accents off (Môn -> mon), only letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


# Dates ---------------------------------------------------------------------------------------

DATE_EXAMPLE = "21/03/2022"
_RELATIVE = {"today": 0, "heddiw": 0, "yesterday": 1, "ddoe": 1}
_DMY = re.compile(r"([0-9]{1,2})\s*[/.\-]\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4}|[0-9]{2})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # what some phones paste


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _calendar(cleaned: str, latest: date | None) -> date | None:
    if iso := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in iso.groups())
    elif dmy := _DMY.fullmatch(cleaned):  # always day first: 02/03 is the 2nd of March
        day, month, year = (int(g) for g in dmy.groups())
        if year < 100:
            # 20yy, unless that is past `latest`: a date of birth typed 12/05/85 is 1985.
            year += 1900 if latest is not None and 2000 + year > latest.year else 2000
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 31/11, 29/02 outside a leap year, month 13
        return None


def parse_date(
    text: str, today: date, *, earliest: date | None = None, latest: date | None = None
) -> date | Problem:
    """dd/mm/yyyy, d/m/yy, with / . or -; or today/yesterday (heddiw/ddoe)."""
    cleaned = text.strip().rstrip(".!?,;:").strip()
    if (word := fold(cleaned)) in _RELATIVE:
        parsed: date | None = today - timedelta(days=_RELATIVE[word])
    else:
        parsed = _calendar(cleaned, latest)
    if parsed is None:
        return Problem("parse.date.invalid", {"example": DATE_EXAMPLE})
    if earliest is not None and parsed < earliest:
        return Problem("parse.date.too_early", {"earliest": _dmy(earliest)})
    if latest is not None and parsed > latest:
        # "In the future" only where the limit is today or earlier (a first-session date may
        # be weeks ahead, up to the day support is due: past that it is too late).
        key = "parse.date.in_future" if parsed > today >= latest else "parse.date.too_late"
        return Problem(key, {"latest": _dmy(latest)})
    return parsed


# Phones and postcodes ------------------------------------------------------------------------

# Who can be rung back on a number comes from the numbering plan in `phonenumbers` (Google's
# libphonenumber metadata, kept up to date with Ofcom's allocations), not from our own rules.
# Accepted: landlines, mobiles (the Channel Islands' and the Isle of Man's too) and 03 numbers
# (charged as geographic). Refused, since nobody can reliably be rung back on them or they
# cost the caller: 070 personal numbers (used in scams), 076 pagers, 08 freephone and service
# numbers (an organisation's, not a person's), 09 premium rate, 056 VoIP, and unallocated ones.
_CALLABLE = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.UAN,
}
_UK = 44
# The library's own example mobile: one it accepts (Ofcom's drama range, 07700 900xxx, is
# held as unallocated and refused).
PHONE_EXAMPLE = "07400 123456"
# What we read as a number: digits, a leading + and the separators people type. The library
# would skip a stray letter or * and read what is left, so 07400 1234S56 would be a number.
_TYPED_PHONE = re.compile(r"\+?[0-9\s\-–.()/]+")


def parse_uk_phone(text: str) -> str | Problem:
    """A UK number as E.164 (+447400123456), from 07…, +44 (0)7…, 0044 7…, 44 7…."""
    typed = unicodedata.normalize("NFKC", text).strip()
    bad = Problem("parse.phone.invalid", {"example": PHONE_EXAMPLE})
    if not _TYPED_PHONE.fullmatch(typed):
        return bad
    try:
        number = phonenumbers.parse(typed, "GB", keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return bad
    national_without_0 = (
        number.country_code_source == CountryCodeSource.FROM_DEFAULT_COUNTRY
        and not typed.lstrip("(").startswith("0")
    )  # 7400 123456: a digit short, or the start of something else
    if (
        number.country_code != _UK
        or national_without_0
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _CALLABLE
    ):
        return bad
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


POSTCODE_EXAMPLE = "CF10 1AA"
# The official letter rules, not just the shapes (A9 9AA … AA9A 9AA): no Q/V/X first, no
# I/J/Z second, no C/I/K/M/O/V in the inward letters. They catch O-for-0 typos like CF1O.
_POSTCODE = re.compile(
    r"((?:[A-PR-UWYZ][A-HK-Y]?[0-9]{1,2})|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])([0-9][ABD-HJLNP-UW-Z]{2})"
)


def parse_uk_postcode(text: str) -> str | Problem:
    """Any case, spaces optional; returned upper case with one space: CF10 1AA."""
    compact = re.sub(r"\s+", "", text.upper())
    if compact == "GIR0AA":  # Girobank's, the one postcode outside the rules
        return "GIR 0AA"
    if not (match := _POSTCODE.fullmatch(compact)):
        return Problem("parse.postcode.invalid", {"example": POSTCODE_EXAMPLE})
    return f"{match.group(1)} {match.group(2)}"


# A suggestion, not a lookup: the LAs a postcode AREA reaches into; every area that reaches
# into Wales is here, so any other is outside Wales. Border areas (SY, CH, HR) are mostly
# England; the officer still chooses, and can type the LA's name instead.
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
    "HR": ("powys", "monmouthshire"),  # Hay-on-Wye and the Monmouthshire border
}  # fmt: skip


def postcode_las(postcode: str) -> tuple[str, ...]:
    """Welsh LA codes the postcode's area may be in; () when the table knows none."""
    area = re.match(r"[A-Z]+", postcode.strip().upper())
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
_ALIASES = {"rct": "rhondda-cynon-taf", "npt": "neath-port-talbot", "thevale": "vale-of-glamorgan"}
# Welsh soft mutation undone on a name's words, so Caerfyrddin finds Sir Gaerfyrddin, Penfro
# finds Sir Benfro and Mynwy Sir Fynwy. Two-letter forms are checked first.
_SOFT = (("dd", ("d",)), ("ff", ()), ("ll", ()), ("rh", ()), ("g", ("c",)), ("b", ("p",)),
         ("d", ("t",)), ("f", ("b", "m")), ("l", ("ll",)), ("r", ("rh",)))  # fmt: skip


def _words(name: str) -> list[str]:
    return [fold(w) for w in re.findall(r"[^\W_]+", unicodedata.normalize("NFC", name))]


def _radicals(word: str) -> tuple[str, ...]:
    for mutated, radicals in _SOFT:
        if word.startswith(mutated):
            return tuple(r + word[len(mutated) :] for r in radicals)
    return ()


def _rank(wanted: str, la: Named) -> int | None:
    """0 exact (name, word, code, alias), 1 from a word's start, 2 the same after undoing a
    Welsh mutation, 3 anywhere inside a name (3+ letters); None: no match."""
    names = [_words(la.name_en), _words(la.name_cy), _words(la.code)]
    if _ALIASES.get(wanted) == la.code or any(wanted in [*ws, "".join(ws)] for ws in names):
        return 0
    if any("".join(ws[i:]).startswith(wanted) for ws in names for i in range(len(ws))):
        return 1
    cy = names[1]
    tails = ("".join([r, *cy[i + 1 :]]) for i, w in enumerate(cy) for r in _radicals(w))
    if any(tail.startswith(wanted) for tail in tails):
        return 2
    return 3 if len(wanted) >= 3 and any(wanted in "".join(ws) for ws in names) else None


def search_las(query: str, las: Sequence[N]) -> list[N]:
    """LAs matching part of their English or Welsh name, or code: best first, else in order.
    Case, accents, spaces, hyphens and apostrophes are ignored (Môn == mon, Tor-faen)."""
    if not (wanted := fold(query)):
        return []
    ranked = [(rank, la) for la in las if (rank := _rank(wanted, la)) is not None]
    return [la for _, la in sorted(ranked, key=lambda pair: pair[0])]


# Free text, names, numbers -------------------------------------------------------------------


def parse_text(text: str, *, limit: int, required: bool = True) -> str | Problem:
    """Spaces and tabs collapsed, blank lines dropped (single line breaks kept), control
    characters removed; empty (when required) or over-long text refused."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    lines = (" ".join(line.split()) for line in text.splitlines())
    cleaned = "\n".join(line for line in lines if line)
    if required and not cleaned:
        return Problem("parse.text.empty")
    if len(cleaned) > limit:
        return Problem("parse.text.too_long", {"limit": limit, "length": len(cleaned)})
    return cleaned


# Words of letters (any script, accents as typed: ŵ ŷ â), joined inside by - ' ’ or . and
# optionally ending in a dot (J. R. Hartley, O'Brien, Dafydd-Jones, St.John).
_NAME_WORD = r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?"
_NAME = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD})*")
_PARTICLES = {"ap", "ab", "ferch", "verch", "de", "van", "von", "der", "la", "le", "di", "da"}


def parse_name(text: str, limit: int = 100) -> str | Problem:
    """A person's name, whitespace tidied; at least two letters and at most `limit` chars."""
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    letters = sum(c.isalpha() for c in cleaned)
    if letters < 2 or len(cleaned) > limit or not _NAME.fullmatch(cleaned):
        return Problem("parse.name.invalid", {"limit": limit})
    return cleaned


def initials(name: str) -> str:
    """First letter of each part split on spaces and hyphens, upper case, skipping particles
    typed in lower case after the first part: Siân ap Dafydd-Jones -> SDJ, but Van Morrison
    -> VM (a capital means it is a name, and the first part always is)."""
    parts = [p for p in re.split(r"[\s\-]+", name) if any(c.isalpha() for c in p)]
    kept = [p for i, p in enumerate(parts) if i == 0 or p not in _PARTICLES]
    return "".join(next(c for c in p if c.isalpha()).upper() for p in kept)


_AGE = re.compile(
    r"([0-9]{1,3})\s*(?:years?(?: old)?|yrs?|y/?o|oed|[bmf]lwydd(?: oed)?)?\s*[.!]?",
    re.IGNORECASE,
)


def parse_age(text: str, *, low: int, high: int) -> int | Problem:
    """Whole years: 17, "17 years (old)", "17 yrs", "17 oed", "17 mlwydd oed"."""
    if not (match := _AGE.fullmatch(text.strip())):
        return Problem("parse.number.invalid", {"low": low, "high": high})
    if not low <= (value := int(match.group(1))) <= high:
        return Problem("parse.number.out_of_range", {"low": low, "high": high})
    return value


_AGES_SPLIT = re.compile(r"\s*(?:,|;|&|\+|/|\band\b|\ba\b|\s)\s*", re.IGNORECASE)
MAX_CHILD_AGE = 17
MAX_CHILDREN = 20  # far more than any family; keeps the answer short


def parse_children_ages(text: str) -> str | Problem:
    """Each child's age in whole years, 0 for a baby ("4, 7", "4 and 7", "4 a 7"): kept as
    "4, 7"; anything else is asked again."""
    parts = [p for p in _AGES_SPLIT.split(text.strip()) if p]
    if not 0 < len(parts) <= MAX_CHILDREN or not all(
        p.isdigit() and int(p) <= MAX_CHILD_AGE for p in parts
    ):
        return Problem("parse.children_ages.invalid", {"high": MAX_CHILD_AGE})
    return ", ".join(str(int(p)) for p in parts)


# Typing instead of pressing ------------------------------------------------------------------

# What people type for "nothing to say" (either language), where a None-like button is shown.
NOTHING = {"none", "no", "nothing", "nil", "na", "dim", "dimbyd", "dimun", "dimogwbl"}  # folded


def means_nothing(text: str) -> bool:
    return fold(text) in NOTHING


_YES = {"yes", "y", "ie", "do", "oes", "ydy", "ydw", "ydyn", "yeah", "yep"}
_NO = {"no", "n", "na", "naddo", "nacoes", "nacydy", "nagoes", "nope"}
_NUMBERING = re.compile(r"^\s*[0-9]{1,2}(?:\s*(?:[.):\-]|\ufe0f?\u20e3)\s*|\s+)(?=\S)")


def _choose(typed: str, choices: Sequence[tuple[str, str]]) -> str | None:
    exact = {value for value, label in choices if fold(label) == typed}
    if not exact and typed in _YES | _NO:
        words = _YES if typed in _YES else _NO
        exact = {value for value, label in choices if fold(label) in words or value in words}
    if not exact and len(typed) >= 3:
        exact = {value for value, label in choices if fold(label).startswith(typed)}
    return exact.pop() if len(exact) == 1 else None


def match_choice(text: str, choices: Sequence[tuple[str, str]]) -> str | None:
    """The value whose label was typed (any case or accents, emoji and numbering like "1."
    ignored); a unique prefix of 3+ letters; yes/no words in either language for buttons
    labelled Yes/Ie or No/Na. None when nothing, or more than one, matches."""
    for candidate in dict.fromkeys((text, _NUMBERING.sub("", text, count=1))):
        if (typed := fold(candidate)) and (value := _choose(typed, choices)) is not None:
            return value
    return None
