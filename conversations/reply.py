"""What a conversation says back, independent of the channel (Telegram or the console)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    label: str
    token: str  # opaque: its meaning is stored on the server (storage.buttons)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Replace the message whose button was pressed, instead of sending a new one.
    edit: bool = False


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
