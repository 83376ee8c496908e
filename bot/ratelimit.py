"""Outgoing calls within Telegram's limits, retried when Telegram says so or fails on its side.

PTB's own AIORateLimiter throttles only group chats per chat; every chat here is private, so this
one limits each chat too. Retries: 429 waits `retry_after` (every call pauses, as Telegram asks);
5xx and refused connections back off and try again. A timeout is NOT retried: the request may
have reached Telegram, and a second try could deliver the message twice. A refusal (any 4xx:
"message is not modified", "query is too old", blocked) is NOT retried: it would only fail again,
and the chat would wait for nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
JSON = bool | dict[str, Any] | list[dict[str, Any]]
# PTB raises a 4xx other than 400/401/403/404/409/429 as a plain NetworkError whose message is
# Telegram's description, or else the status's phrase and code: "Request Entity Too Large (413)".
_CLIENT_PHRASES = frozenset(s.phrase.lower() for s in HTTPStatus if 400 <= s.value < 500)
_CLIENT_CODE = re.compile(r"\(4\d\d\)")
# Telegram's limits are on messages (https://core.telegram.org/bots/faq, "My bot is hitting
# limits"). "typing…" is not one, and paced with them it would queue ahead of the reply it
# announces, in that chat's turn and in the 30 a second.
NOT_MESSAGES = frozenset({"sendChatAction"})


def is_refusal(exc: NetworkError) -> bool:
    """Telegram answered 4xx: the same request would be refused again."""
    if isinstance(exc, BadRequest):  # PTB makes it a NetworkError
        return True
    message = exc.message.lower()
    return message.split(" (", 1)[0] in _CLIENT_PHRASES or bool(_CLIENT_CODE.search(message))


class TelegramRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        *,
        overall_per_second: float = 30,
        per_chat_burst: int = 3,
        per_chat_period: float = 3.0,
        max_retries: int = 5,
        backoff: float = 0.5,
    ) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1)
        self._chat_burst = per_chat_burst
        self._chat_period = per_chat_period
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._backoff = backoff
        self._open = asyncio.Event()
        self._open.set()

    async def initialize(self) -> None:
        self._open.set()

    async def shutdown(self) -> None:
        self._chats.clear()

    def _chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        # About one message a second per chat, with a short burst for a reply of 2-3 messages.
        if chat_id not in self._chats:
            if len(self._chats) > 10_000:  # idle limiters are full again; drop them
                self._chats.clear()
            self._chats[chat_id] = AsyncLimiter(self._chat_burst, self._chat_period)
        return self._chats[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id) if chat_id is not None else None
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        for attempt in range(retries + 1):
            await self._open.wait()
            try:
                if chat_id is None or endpoint in NOT_MESSAGES:
                    return await callback(*args, **kwargs)
                async with self._chat_limiter(chat_id), self._overall:
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                # As PTB's own limiter does: the public attribute's type is being changed.
                seconds = exc._retry_after.total_seconds()
                log.warning("429 on %s: pausing all calls for %.1f s", endpoint, seconds)
                self._open.clear()
                try:
                    await asyncio.sleep(seconds + 0.1)
                finally:
                    self._open.set()
            except TimedOut:
                raise
            except NetworkError as exc:
                if attempt == retries or is_refusal(exc):
                    raise
                delay = self._backoff * 2**attempt
                # A transport failure (DNS, refused) carries its cause; an HTTP 5xx does not.
                what = "no connection" if exc.__cause__ is not None else "server error"
                log.warning("%s on %s: retry %d in %.1f s", what, endpoint, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
