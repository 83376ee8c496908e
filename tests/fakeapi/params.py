"""Request parameters: JSON, urlencoded and multipart bodies made to look alike."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .state import bad_request

# PTB form-encodes every value, JSON-dumping the non-strings; these keys are always strings,
# so "123" as a message text must not turn into a number.
_STRING_KEYS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "language_code",
        "action",
        "file_id",
        "callback_query_id",
        "inline_message_id",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "description",
        "short_description",
        "name",
        "document",
        "photo",
        "thumbnail",
    }
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


def normalize(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Decode JSON-encoded form values so handlers see the same types as with a JSON body."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _STRING_KEYS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        values[key] = value
    return values


class Params:
    """Typed access to one call's parameters; missing or malformed values raise a 400."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, key: str) -> bool:
        return self.values.get(key) is not None

    def get(self, key: str) -> Any:
        """The raw (normalized) value or None."""
        return self.values.get(key)

    def require(self, key: str) -> Any:
        """The value, or Telegram's "<key> is empty"."""
        value = self.values.get(key)
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        return value

    def string(self, key: str, default: str | None = None) -> str | None:
        """A string parameter."""
        value = self.values.get(key)
        return default if value is None else str(value)

    def integer(self, key: str, default: int | None = None) -> int | None:
        """An integer parameter (strings of digits included)."""
        value = self.values.get(key)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {key} specified") from None

    def number(self, key: str, default: float) -> float:
        """A float parameter such as a timeout."""
        value = self.values.get(key)
        if value is None:
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {key} specified") from None

    def flag(self, key: str) -> bool:
        """A boolean parameter."""
        return self.values.get(key) in (True, "true", "True", "1", 1)

    def chat_id(self) -> int:
        """chat_id; "@username" chats are not modelled, so they are never found."""
        value = self.require("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise bad_request("chat not found")

    def json(self, key: str, what: str | None = None) -> Any:
        """An object or array parameter, or Telegram's "can't parse ... JSON object"."""
        value = self.values.get(key)
        if isinstance(value, str):
            raise bad_request(f"can't parse {what or key} JSON object")
        return value

    def file(self, key: str) -> Upload | str | None:
        """An upload (also via "attach://name") or a file_id/URL string."""
        value = self.values.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.values.get(value.removeprefix("attach://"))
        if value is None or isinstance(value, Upload | str):
            return value
        raise bad_request(f"wrong {key} specified")
