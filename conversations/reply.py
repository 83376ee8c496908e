"""What a conversation says back, independent of the channel (Telegram or the console)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    label: str
    token: str  # opaque: its meaning is stored on the server (storage.buttons)


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (the monitoring return; an image, /summary's chart, goes as a
    photo); the console saves it to a path."""

    filename: str
    data: bytes = field(repr=False)
    mime_type: str

    def to_json(self) -> dict[str, str]:
        data = base64.b64encode(self.data).decode("ascii")
        return {"filename": self.filename, "data": data, "mime_type": self.mime_type}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Document:
        return cls(str(value["filename"]), base64.b64decode(value["data"]), str(value["mime_type"]))


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Replace the message whose button was pressed, instead of sending a new one.
    edit: bool = False
    # A hint about the message above it ("please use the buttons"): those buttons are still
    # the ones to press (a channel that numbers them, the console, keeps the numbers).
    hint: bool = False
    # Sent as a file with `text` as its caption.
    document: Document | None = None


@dataclass(frozen=True)
class Command:
    name: str
    description: str


@dataclass
class Outcome:
    """Everything one user action produced."""

    replies: list[Reply] = field(default_factory=list)
    # Set when the user's command menu should change (enrolment, language switch).
    menu: list[Command] | None = None
    # Messages for other people (e.g. a new referral to a worker), sent after the reply.
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    telegram_id: int | None  # None: a console user, who reads it at their console's prompt
    reply: Reply
    notification_id: int | None = None  # its row in `notifications`, marked once delivered


@dataclass(frozen=True)
class Kept:
    """An outcome's replies and menu as kept with the update's claim until sent, to send
    again after a crash. Its notices are not here: they are owed rows of their own."""

    telegram_id: int  # whose private chat
    outcome: Outcome

    def to_json(self) -> dict[str, Any]:
        menu = self.outcome.menu
        return {
            "chat": self.telegram_id,
            "replies": [
                {
                    "text": r.text,
                    "buttons": [[[b.label, b.token] for b in row] for row in r.buttons],
                    "edit": r.edit,
                    "document": None if r.document is None else r.document.to_json(),
                }
                for r in self.outcome.replies
            ],
            "menu": None if menu is None else [[c.name, c.description] for c in menu],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Kept:
        replies = [
            Reply(
                str(r["text"]),
                tuple(tuple(Button(str(b[0]), str(b[1])) for b in row) for row in r["buttons"]),
                bool(r["edit"]),
                document=None if r.get("document") is None else Document.from_json(r["document"]),
            )
            for r in value["replies"]
        ]
        menu = value["menu"]
        commands = None if menu is None else [Command(str(n), str(d)) for n, d in menu]
        return cls(int(value["chat"]), Outcome(replies, commands))
