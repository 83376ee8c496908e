"""Every string in Welsh and English, with the same placeholders; the review list is current."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conversations.i18n import as_language, both, catalogue, placeholders, review_markdown, t

ROOT = Path(__file__).resolve().parent.parent
EN, CY = catalogue("en"), catalogue("cy")


def test_every_english_string_has_a_welsh_translation() -> None:
    missing = sorted(set(EN.messages) - set(CY.messages))
    assert missing == [], f"no Welsh for: {missing}"
    extra = sorted(set(CY.messages) - set(EN.messages))
    assert extra == [], f"Welsh strings with no English: {extra}"


@pytest.mark.parametrize("key", sorted(EN.messages))
def test_placeholders_are_the_same_in_both_languages(key: str) -> None:
    assert placeholders(EN.messages[key]) == placeholders(CY.messages[key]), key


def test_welsh_text_is_written_in_welsh_not_left_in_english() -> None:
    # Names and numbers may coincide; sentences may not.
    same = [k for k in EN.messages if EN.messages[k] == CY.messages[k] and " " in EN.messages[k]]
    assert same == []


def keys_used_in_code() -> set[str]:
    """Every literal key given to t() or both() in the packages."""
    used: set[str] = set()
    for path in [*ROOT.glob("bot/*.py"), *ROOT.glob("conversations/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("t", "both"):
                args = [a for a in node.args if isinstance(a, ast.Constant)]
                keys = [a.value for a in args if isinstance(a.value, str) and "." in a.value]
                used.update(k for k in keys if k not in ("en", "cy"))
    return used


def test_every_key_the_code_asks_for_exists() -> None:
    used = keys_used_in_code()
    assert len(used) > 20, "the scan found the calls"
    assert used - set(EN.messages) == set()


def test_placeholders_are_filled_and_the_stored_choice_wins_over_telegrams_guess() -> None:
    assert t("cy", "text.too_long", limit=10).endswith("dim mwy na 10 nod, os gwelwch yn dda.")
    assert as_language("cy-GB") == "cy" and as_language("en-US") == "en"
    assert as_language(None) == "en" and as_language("fr") == "en"


def test_a_message_for_a_stranger_is_welsh_first_then_english() -> None:
    text = both("stranger.closed_service")
    assert text.index(CY.messages["stranger.closed_service"]) == 0
    assert text.endswith(EN.messages["stranger.closed_service"])


def test_the_review_list_in_docs_matches_the_catalogue() -> None:
    committed = (ROOT / "docs" / "translations.md").read_text(encoding="utf-8")
    assert committed == review_markdown(), "run `.venv/bin/oocps translations`"
    assert all(f"| {key} |" in committed for key in CY.needs_review)


def test_every_problem_a_parser_can_report_has_a_message() -> None:
    source = (ROOT / "conversations" / "parsing.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(parse\.[a-z_.]+)"', source))
    assert len(keys) >= 10, "the scan found the keys"
    assert keys - set(EN.messages) == set()
