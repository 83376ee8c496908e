"""Turning a conversation's Outcome into Telegram messages, keyboards and menus."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from conversations.reply import Notice, Outcome, Reply

log = logging.getLogger(__name__)


# Telegram's limit for one message. Counted in UTF-16 code units, the stricter reading (an
# emoji is two), so a text that fits here fits there.
MESSAGE_LIMIT = 4096


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parts(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A text as messages Telegram accepts: whole if it fits, else split between lines (and
    inside a line only if that line alone is too long)."""
    if _units(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        joined = f"{current}\n{line}" if current else line
        if _units(joined) <= limit:
            current = joined
            continue
        if current:
            chunks.append(current)
        current = ""
        for char in line:  # a single line longer than a message
            if _units(current + char) > limit:
                chunks.append(current)
                current = ""
            current += char
    if current:
        chunks.append(current)
    return chunks


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.token) for b in row]
            for row in reply.buttons
        ]
    )


async def send(update: Update, context: BotContext, outcome: Outcome) -> None:
    """Reply in the chat the update came from; edit the pressed message where asked."""
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    for reply in outcome.replies:
        markup = keyboard(reply)
        *before, last = parts(reply.text)
        for part in before:  # too long for one message: the buttons go under the last part
            await context.bot.send_message(chat.id, part)
        if reply.edit and not before and query is not None and query.message is not None:
            try:
                await context.bot.edit_message_text(
                    reply.text, chat_id=chat.id, message_id=query.message.message_id,
                    reply_markup=markup,
                )  # fmt: skip
                continue
            except BadRequest as exc:
                if "not modified" in str(exc).lower():  # PTB rewrites the wording's case
                    continue
                # The message may be too old to edit: fall through and send it anew.
        await context.bot.send_message(chat.id, last, reply_markup=markup)
    if outcome.menu is not None:
        commands = [BotCommand(c.name, c.description) for c in outcome.menu]
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat.id))
    await deliver(context, outcome.notices)


async def deliver(context: BotContext, notices: list[Notice]) -> None:
    """Messages for other people; each one Telegram takes is put on record as sent."""
    delivered: list[tuple[int, int | None]] = []
    try:
        for notice in notices:
            if notice.telegram_id is None:  # a console user's: left owed for their console
                continue
            try:
                sent = await context.bot.send_message(
                    notice.telegram_id, notice.reply.text, reply_markup=keyboard(notice.reply)
                )
            except TelegramError as exc:  # left unmarked: owed, and tried again later
                log.warning("a notice could not be delivered (%s)", type(exc).__name__)
                continue
            if notice.notification_id is not None:
                delivered.append((notice.notification_id, sent.message_id))
    finally:  # what did go out is on record, even if a later notice failed
        await context.deps.assistant.delivered(delivered)
