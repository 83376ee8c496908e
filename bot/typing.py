""" "typing…" for any reply that takes long enough for a person to notice the wait."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.context import BotContext

NOTICEABLE = 0.4  # seconds; below this a chat action would only cost an API call


@contextlib.asynccontextmanager
async def typing_if_slow(context: BotContext, chat_id: int) -> AsyncIterator[None]:
    async def show() -> None:
        await asyncio.sleep(NOTICEABLE)
        with contextlib.suppress(TelegramError):  # a hint only: never fail the reply over it
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    task = asyncio.create_task(show())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
