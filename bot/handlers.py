"""One small step per kind of update. No SQL, no clock, no user-facing strings here."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.send import send
from bot.typing import typing_if_slow
from conversations.assistant import Delivery
from conversations.reply import Outcome

log = logging.getLogger(__name__)


async def gate(update: Update, _: BotContext) -> None:
    """Private chats only. Whether the update is new and who sent it are settled with the work
    itself, in one transaction (`Assistant`): strangers hear one polite message, nothing else."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop


def delivery(update: Update) -> Delivery:
    assert update.effective_user is not None  # the gate let only such updates through
    return Delivery(update.update_id, update.effective_user.id)


async def reply(update: Update, context: BotContext, outcome: Outcome | None) -> None:
    if outcome is None:
        log.info("update %d already handled: ignored", update.update_id)
        return
    await send(update, context, outcome)


async def on_start(update: Update, context: BotContext) -> None:
    """`/start <token>` enrols; `/start` alone greets an enrolled user or turns a stranger away."""
    user = update.effective_user
    assert user is not None
    payload = " ".join(context.args or [])
    outcome = await context.deps.assistant.start(
        user.id, payload, user.language_code, update_id=update.update_id
    )
    await reply(update, context, outcome)


async def on_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    name = message.text.split()[0][1:].split("@")[0].lower()
    args = " ".join(context.args or [])
    async with typing_if_slow(context, message.chat_id):
        outcome = await context.deps.assistant.command(delivery(update), name, args)
    await reply(update, context, outcome)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    # Stop the spinner while the press is worked out, not before: one round trip fewer to wait.
    answering = asyncio.create_task(_answer(query))
    chat = update.effective_chat
    assert chat is not None
    try:
        async with typing_if_slow(context, chat.id):
            outcome = await context.deps.assistant.press(delivery(update), str(query.data or ""))
    finally:
        await answering
    await reply(update, context, outcome)


async def _answer(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except BadRequest:  # too old, or answered on an earlier delivery: the reply still goes
        log.info("a button press could not be acknowledged")


async def on_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    async with typing_if_slow(context, message.chat_id):
        outcome = await context.deps.assistant.text(delivery(update), message.text)
    await reply(update, context, outcome)


async def on_anything_else(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes … : say politely what the bot can read."""
    outcome = await context.deps.assistant.unsupported(delivery(update))
    await reply(update, context, outcome)
