"""Updates from different chats are handled side by side; one chat's updates in order.

While one update waits (for the database server, for the Bot API), another person's is worked
on; a person's own messages and presses are still handled in the order they were sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

CONCURRENT = 16  # people served at once; more only queue on the database


class _Chat:
    """One chat's turn: a FIFO lock, and how many of its updates hold it or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatInOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, _Chat] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_of(update)
        if key is None:
            await coroutine
            return
        chat = self._queues.setdefault(key, _Chat())
        chat.users += 1
        try:
            async with chat.lock:  # FIFO: waiters are woken in the order they arrived
                await coroutine
        finally:
            # Dropped only when no update of the chat waits: a woken waiter does not hold the
            # lock yet, so `locked()` alone would let a later arrival start a second lock.
            chat.users -= 1
            if chat.users == 0:
                del self._queues[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
