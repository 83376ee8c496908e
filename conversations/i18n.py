"""Every user-facing string, in English and Welsh, from gettext catalogues (`locales/*.po`).

Message ids are symbolic keys (`help.police`), so both catalogues are complete translations and a
missing Welsh string is an error a test can find, not a silent fall-back to English.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from babel.messages.pofile import read_po

Language = Literal["en", "cy"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
_LOCALES = Path(__file__).parent / "locales"


class Catalogue:
    """One language's messages, plus the keys a fluent speaker still has to check."""

    def __init__(self, messages: dict[str, str], needs_review: frozenset[str]) -> None:
        self.messages = messages
        self.needs_review = needs_review

    @classmethod
    def load(cls, language: Language) -> Catalogue:
        with (_LOCALES / f"{language}.po").open("rb") as handle:
            po = read_po(handle, locale=language)
        messages = {str(m.id): str(m.string) for m in po if m.id and m.string}
        review = frozenset(str(m.id) for m in po if m.id and m.fuzzy)
        return cls(messages, review)


@cache
def catalogue(language: Language) -> Catalogue:
    return Catalogue.load(language)


def as_language(code: str | None) -> Language:
    """A stored or reported language code as one we speak (Telegram's is only a first guess)."""
    if code and code.lower().split("-")[0] == "cy":
        return "cy"
    return "en"


def t(lang: str, key: str, /, **params: object) -> str:
    """The message `key` in language `lang`, with `{placeholders}` filled from `params`."""
    text = catalogue(as_language(lang)).messages[key]
    return text.format(**params) if params else text


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def both(key: str, /, **params: object) -> str:
    """Welsh and English together, for people whose language we do not know yet."""
    return f"{t('cy', key, **params)}\n\n{t('en', key, **params)}"


def review_markdown() -> str:
    """docs/translations.md: every Welsh string a fluent speaker still has to check."""
    en, cy = catalogue("en"), catalogue("cy")
    lines = [
        "# Translations to review",
        "",
        "Generated from `conversations/locales/cy.po` by `oocps translations`; a test fails when",
        "this list and the catalogue differ. Each entry below is marked `#, fuzzy` in `cy.po`:",
        "a fluent Welsh speaker should check it, correct it in `cy.po` and remove the flag.",
        "",
        f"{len(cy.needs_review)} of {len(cy.messages)} Welsh strings need review.",
        "",
        "| key | English | Cymraeg |",
        "|---|---|---|",
    ]
    for key in sorted(cy.needs_review):
        cells = (key, en.messages.get(key, ""), cy.messages.get(key, ""))
        lines.append(
            "| " + " | ".join(c.replace("\n", "<br>").replace("|", "\\|") for c in cells) + " |"
        )
    return "\n".join(lines) + "\n"
