"""The one error handler: an apology with an incident code for the user, the code for the log.

The log gets the exception's type and where it happened, never its message: a database error's
message can carry the values of a query, and those may be personal details.
"""

from __future__ import annotations

import logging
import secrets
import time
import traceback

from telegram import Update
from telegram.error import Conflict

from bot.context import BotContext
from conversations.i18n import both, t

log = logging.getLogger(__name__)
CONFLICT_WARNING_EVERY = 3600.0  # seconds: Telegram says 409 on every poll while it lasts


def incident_code() -> str:
    return secrets.token_hex(4).upper()


def describe(exc: BaseException) -> str:
    """Type and where (file, line, function) only: no message, no source line, no values."""
    frames = [
        f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)
    ]
    return "\n".join([f"{type(exc).__module__}.{type(exc).__qualname__}", *frames])


async def on_error(update: object, context: BotContext) -> None:
    exc = context.error
    if update is None and isinstance(exc, Conflict):  # from polling, not from a person's update
        _warn_conflict(context, exc)
        return
    code = incident_code()
    log.error("incident %s: %s", code, describe(exc) if exc else "unknown error")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    text = both("error.incident", code=code)
    try:
        # PTB gives the error handler a fresh context, so the user is looked up again.
        user = update.effective_user
        actor = await context.deps.assistant.identify(user.id) if user else None
        if actor is not None:
            text = t(actor.language, "error.incident", code=code)
    except Exception:  # the database may be what failed: apologise in both languages
        log.warning("incident %s: user's language unknown", code)
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except Exception as failure:  # the apology itself failed: log, never loop
        log.error("incident %s: apology not sent (%s)", code, type(failure).__qualname__)


def _warn_conflict(context: BotContext, exc: Conflict) -> None:
    """Not an incident: another poller (or a webhook) holds the token. Said once an hour."""
    now = time.monotonic()
    last: float | None = context.bot_data.get("conflict_warned_at")
    if last is not None and now - last < CONFLICT_WARNING_EVERY:
        return
    context.bot_data["conflict_warned_at"] = now
    log.warning(
        "Telegram refuses this poll (409 Conflict: %s): another instance of the bot is polling "
        "with the same token (or has set a webhook), and they take updates from each other. "
        "Run one instance in polling mode, or run several in webhook mode (set WEBHOOK_URL).",
        exc.message,
    )
