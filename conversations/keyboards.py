"""Buttons, each backed by a server-side token (callback data never names a case by itself)."""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.i18n import LANGUAGES, t
from conversations.reply import Button
from storage.uow import UnitOfWork

Keyboard = tuple[tuple[Button, ...], ...]


def button(uow: UnitOfWork, actor: Actor, label: str, action: str, **payload: Any) -> Button:
    token = uow.buttons.issue(actor.user_id, action, payload, uow.clock.now())
    return Button(label, token)


def language_buttons(actor: Actor, uow: UnitOfWork) -> Keyboard:
    return (
        tuple(
            button(uow, actor, t(code, "language.name"), "language.set", language=code)
            for code in LANGUAGES
        ),
    )


def rows(buttons: list[Button], per_row: int = 2) -> Keyboard:
    """Lay buttons out for a phone: short labels two to a row."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
