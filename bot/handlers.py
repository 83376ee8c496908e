"""One small step per kind of update. No SQL, no clock, no user-facing strings here."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.send import send
from bot.typing import typing_if_slow

log = logging.getLogger(__name__)


async def gate(update: Update, context: BotContext) -> None:
    """Private chats only; an update delivered again (same update_id) is acted on once, even
    after a restart; and only enrolled users get further (`/start` may enrol)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop
    first, context.actor = await context.deps.assistant.receive(update.update_id, user.id)
    if not first:
        log.info("update %d already handled: ignored", update.update_id)
        raise ApplicationHandlerStop
    if context.actor is not None or _is_start(update):
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    await send(update, context, context.deps.assistant.stranger())
    raise ApplicationHandlerStop


def _is_start(update: Update) -> bool:
    message = update.message
    return bool(message and message.text and message.text.split()[0].split("@")[0] == "/start")


async def on_start(update: Update, context: BotContext) -> None:
    """`/start <token>` enrols; `/start` alone greets an enrolled user or turns a stranger away."""
    user = update.effective_user
    assert user is not None
    payload = " ".join(context.args or [])
    outcome = await context.deps.assistant.start(user.id, payload, user.language_code)
    await send(update, context, outcome)


async def on_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    name = message.text.split()[0][1:].split("@")[0].lower()
    args = " ".join(context.args or [])
    async with typing_if_slow(context, message.chat_id):
        outcome = await context.deps.assistant.command(context.enrolled(), name, args)
    await send(update, context, outcome)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    # Stop the spinner while the press is worked out, not before: one round trip fewer to wait.
    answering = asyncio.create_task(query.answer())
    chat = update.effective_chat
    assert chat is not None
    try:
        async with typing_if_slow(context, chat.id):
            outcome = await context.deps.assistant.press(context.enrolled(), str(query.data or ""))
    finally:
        await answering
    await send(update, context, outcome)


async def on_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    async with typing_if_slow(context, message.chat_id):
        outcome = await context.deps.assistant.text(context.enrolled(), message.text)
    await send(update, context, outcome)


async def on_anything_else(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes … : say politely what the bot can read."""
    outcome = await context.deps.assistant.unsupported(context.enrolled())
    await send(update, context, outcome)
