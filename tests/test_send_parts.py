"""Texts longer than one Telegram message go out in parts, split between lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.send import MESSAGE_LIMIT, parts


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_text_that_fits_is_one_message() -> None:
    assert parts("short\ntext") == ["short\ntext"]
    assert parts("x" * MESSAGE_LIMIT) == ["x" * MESSAGE_LIMIT]


def test_a_long_text_splits_between_lines_and_an_emoji_counts_twice() -> None:
    lines = [f"• line {n}: " + "🙂" * 40 for n in range(100)]  # about 8,800 UTF-16 units
    chunks = parts("\n".join(lines))
    assert len(chunks) == 3 and all(units(c) <= MESSAGE_LIMIT for c in chunks)
    assert "\n".join(chunks).split("\n") == lines  # every line whole, in order


@given(st.lists(st.text(alphabet="ab🙂ŵ ", max_size=3000), max_size=8))
def test_nothing_is_lost_and_no_part_is_too_long(lines: list[str]) -> None:
    text = "\n".join(lines)
    chunks = parts(text, limit=500)
    assert all(0 < units(c) <= 500 for c in chunks) or text == ""
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
