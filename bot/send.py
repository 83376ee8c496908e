"""Turning a conversation's Outcome into Telegram messages, keyboards and menus."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import BotContext
from conversations.assistant import Assistant
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
    """Reply in the chat the update came from; edit the pressed message where asked. Once
    Telegram took the reply, it is no longer kept with the update's claim."""
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    pressed = query.message.message_id if query is not None and query.message else None
    await send_replies(context.bot, chat.id, outcome, pressed=pressed)
    await context.deps.assistant.replied(update.update_id)
    if outcome.notices:
        # Not in this update's turn: a notice waits on its recipient's chat limit (a worker
        # told of many referrals at once gets about one a second), and meanwhile this chat's
        # next update and the update slot it holds would wait with it. Still owed rows until
        # marked, so one a stop leaves unsent is sent again by the sweeper.
        if context.application.running:
            context.application.create_task(deliver(context, outcome.notices), update=update)
        else:  # stopping: PTB awaits only the tasks made while it ran, so send them here
            await deliver(context, outcome.notices)


async def send_replies(bot: Bot, chat_id: int, outcome: Outcome, *, pressed: int | None) -> None:
    """An outcome's replies and menu; `pressed` is the message whose button was pressed."""
    for reply in outcome.replies:
        markup = keyboard(reply)
        if reply.document is not None and reply.document.mime_type.startswith("image/"):
            picture = reply.document  # a chart: shown as a photo, its text as the caption
            await bot.send_photo(
                chat_id,
                InputFile(picture.data, filename=picture.filename),
                caption=reply.text,
                reply_markup=markup,
            )
            continue
        if reply.document is not None:  # a file, its text as the caption (a short one)
            doc = reply.document
            await bot.send_document(
                chat_id,
                InputFile(doc.data, filename=doc.filename),
                caption=reply.text,
                reply_markup=markup,
            )
            continue
        *before, last = parts(reply.text)
        for part in before:  # too long for one message: the buttons go under the last part
            await bot.send_message(chat_id, part)
        if reply.edit and not before and pressed is not None:
            try:
                await bot.edit_message_text(
                    reply.text, chat_id=chat_id, message_id=pressed, reply_markup=markup
                )
                continue
            except BadRequest as exc:
                if "not modified" in str(exc).lower():  # PTB rewrites the wording's case
                    continue
                # The message may be too old to edit: fall through and send it anew.
        await bot.send_message(chat_id, last, reply_markup=markup)
    if outcome.menu is not None:
        commands = [BotCommand(c.name, c.description) for c in outcome.menu]
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))


async def send_kept(bot: Bot, assistant: Assistant, claimed_before: datetime) -> int:
    """Replies kept and never sent, for updates claimed before `claimed_before` (the bot
    stopped between the commit and the send), sent now as new messages (which message a
    button was on is not kept). Tried once: one Telegram refuses is dropped, not retried."""
    owed = await assistant.replies_owed(claimed_before)
    for update_id, kept in owed:
        try:
            await send_replies(bot, kept.telegram_id, kept.outcome, pressed=None)
        except TelegramError as exc:
            log.warning("a kept reply could not be sent (%s)", type(exc).__name__)
        await assistant.replied(update_id)
    return len(owed)


async def _send_notice(bot: Bot, chat_id: int, reply: Reply) -> Message:
    """A notice's message; one with a document (the outcome form) is the file with the text
    as its caption and the buttons under it."""
    if reply.document is None:
        return await bot.send_message(chat_id, reply.text, reply_markup=keyboard(reply))
    document = InputFile(reply.document.data, filename=reply.document.filename)
    return await bot.send_document(
        chat_id, document, caption=reply.text, reply_markup=keyboard(reply)
    )


async def deliver(context: BotContext, notices: list[Notice]) -> None:
    """Messages for other people; each one Telegram takes is put on record as sent at once,
    so a crash repeats at most the notice whose mark was not yet committed. A nudge Telegram
    refuses for good (the bot blocked, the account gone) goes to the managers instead."""
    refused: list[int] = []
    for notice in notices:
        if notice.telegram_id is None:  # a console user's: left owed for their console
            continue
        try:
            sent = await _send_notice(context.bot, notice.telegram_id, notice.reply)
        except TelegramError as exc:  # left unmarked: owed, and tried again later
            log.warning("a notice could not be delivered (%s)", type(exc).__name__)
            if isinstance(exc, Forbidden) and notice.notification_id is not None:
                refused.append(notice.notification_id)
            continue
        if notice.notification_id is not None:
            await context.deps.assistant.delivered([(notice.notification_id, sent.message_id)])
    if refused and (instead := await context.deps.assistant.unreachable(refused)):
        await deliver(context, instead)  # those told instead are not passed on again
