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
        with contextlib.suppress(TelegramError):  # a hint only: never fail the reply over it
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    # A timer, not a sleeping task: most replies are quicker than NOTICEABLE, and a timer
    # costs far less to set and cancel.
    shown: list[asyncio.Task[None]] = []
    timer = asyncio.get_running_loop().call_later(
        NOTICEABLE, lambda: shown.append(asyncio.create_task(show()))
    )
    try:
        yield
    finally:
        timer.cancel()
        for task in shown:  # the reply is ready: the hint is no longer needed
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
