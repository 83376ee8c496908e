"""Referral references such as `R-7K3M9Q`: short, readable aloud, random, never sequential."""

import re
from collections.abc import Callable

# No 0/O, 1/I/L or U: nothing a tired reader can mistake, and no accidental words.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
_PATTERN = re.compile(rf"^R-[{ALPHABET}]{{{LENGTH}}}$")


def new_reference(choice: Callable[[str], str]) -> str:
    """A fresh reference; `choice` is injected (storage passes `secrets.choice`)."""
    return "R-" + "".join(choice(ALPHABET) for _ in range(LENGTH))


def normalise_reference(text: str) -> str | None:
    """The reference a person typed (any case, with or without `R-`), or None if it is not one."""
    typed = text.strip().upper()
    explicit = re.match(r"^R[\s-]+", typed)  # "R-…" or "R …": the rest is the code
    cleaned = re.sub(r"[\s-]", "", typed[explicit.end() :] if explicit else typed)
    if not explicit and len(cleaned) == LENGTH + 1 and cleaned.startswith("R"):
        cleaned = cleaned[1:]
    candidate = f"R-{cleaned}"
    return candidate if _PATTERN.match(candidate) else None
