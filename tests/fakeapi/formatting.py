"""Text handling as Telegram does it: HTML parse mode, whitespace trimming, command entities."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from .state import bad_request

JSON = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self.text = ""
        self.entities: list[JSON] = []
        self._open: list[tuple[str, JSON]] = []

    def _byte_offset(self) -> int:
        line, col = self.getpos()
        chars = sum(len(row) + 1 for row in self._source.split("\n")[: line - 1]) + col
        return len(self._source[:chars].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        entity: JSON
        if tag in _SIMPLE_TAGS:
            entity = {"type": _SIMPLE_TAGS[tag]}
        elif tag == "span" and attr.get("class") == "tg-spoiler":
            entity = {"type": "spoiler"}
        elif tag == "a" and attr.get("href"):
            entity = {"type": "text_link", "url": attr["href"]}
        elif tag == "blockquote":
            entity = {"type": "expandable_blockquote" if "expandable" in attr else "blockquote"}
        elif tag == "tg-emoji" and attr.get("emoji-id"):
            entity = {"type": "custom_emoji", "custom_emoji_id": attr["emoji-id"]}
        else:
            raise bad_request(
                f'can\'t parse entities: Unsupported start tag "{tag}" '
                f"at byte offset {self._byte_offset()}"
            )
        if tag == "code" and self._open and self._open[-1][0] == "pre":
            language = (attr.get("class") or "").removeprefix("language-")
            if language:
                self._open[-1][1]["language"] = language
        entity["offset"] = utf16_len(self.text)
        self._open.append((tag, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise bad_request(
            f'can\'t parse entities: Unsupported start tag "{tag}" '
            f"at byte offset {self._byte_offset()}"
        )

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            expected = f'"</{self._open[-1][0]}>"' if self._open else "nothing"
            raise bad_request(
                f"can't parse entities: Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected {expected}, found "</{tag}>"'
            )
        _, entity = self._open.pop()
        entity["length"] = utf16_len(self.text) - entity["offset"]
        # Telegram drops entities that cover no text; pre+code collapse into one pre entity.
        if entity["length"] and not (tag == "code" and self._inside_pre()):
            self.entities.append(entity)

    def _inside_pre(self) -> bool:
        return any(tag == "pre" for tag, _ in self._open)

    def handle_data(self, data: str) -> None:
        self.text += data

    def finish(self) -> None:
        self.close()
        if self._open:
            raise bad_request(
                "can't parse entities: Can't find end tag corresponding to start tag "
                f'"{self._open[-1][0]}"'
            )


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode: the visible text and its entities, or a 400 error."""
    parser = _TelegramHtml(source)
    parser.feed(source)
    parser.finish()
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return parser.text, entities


def format_text(
    text: str, parse_mode: str | None, entities: list[JSON] | None
) -> tuple[str, list[JSON]]:
    """Visible text and entities for an outgoing text or caption.

    Only HTML is parsed; Markdown modes are kept verbatim (the fake does not render them).
    Like Telegram, leading and trailing whitespace is trimmed and entities are shifted.
    """
    if parse_mode and parse_mode.lower() == "html":
        text, entities = parse_html(text)
    entities = list(entities or [])
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] - shift + entity["length"], end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def command_entities(text: str) -> list[JSON]:
    """bot_command entities as Telegram attaches them to a user's message."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]
