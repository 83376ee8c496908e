"""The outgoing limiter: about one message a second per chat after a short burst."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import ExtBot

from bot.ratelimit import TelegramRateLimiter
from tests.fakeapi import FakeBotApi
from tests.harness import free_port

TOKEN = "123:ABC"
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning"
)


async def test_one_chat_gets_a_burst_then_a_steady_pace_while_another_chat_is_not_held_up() -> None:
    limiter = TelegramRateLimiter(per_chat_burst=2, per_chat_period=0.2)
    sent: list[tuple[int, float]] = []
    started = time.perf_counter()

    async def call(chat_id: int) -> bool:
        sent.append((chat_id, time.perf_counter() - started))
        return True

    for _ in range(5):
        await limiter.process_request(call, (1,), {}, "sendMessage", {"chat_id": 1}, None)
    await limiter.process_request(call, (2,), {}, "sendMessage", {"chat_id": 2}, None)
    chat_one = [at for chat, at in sent if chat == 1]
    assert chat_one[1] < 0.05  # the burst goes at once
    assert chat_one[4] >= 0.25  # then about one per 0.1 s (2 per 0.2 s)
    other = next(at for chat, at in sent if chat == 2)
    assert other - chat_one[4] < 0.05  # another chat is not paced by the first


async def test_typing_is_not_a_message_it_neither_waits_for_the_chat_nor_uses_its_pace() -> None:
    # Telegram limits messages; "typing…" paced with them would go after the reply it announces.
    limiter = TelegramRateLimiter(per_chat_burst=1, per_chat_period=30)

    async def call(*_: object) -> bool:
        return True

    typing = {"chat_id": 1, "action": "typing"}
    async with asyncio.timeout(1):  # the chat's pace would hold either call for 30 s
        for _ in range(3):
            await limiter.process_request(call, (), {}, "sendChatAction", typing, None)
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, None)
        await limiter.process_request(call, (), {}, "sendChatAction", typing, None)


# --- what is retried ---------------------------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN, bot_username="oocps_test_bot") as server:
        yield server


def limited_bot(api: FakeBotApi) -> ExtBot[None]:
    limiter = TelegramRateLimiter(per_chat_burst=100, backoff=0.05)
    return ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (400, "Bad Request: message is not modified", BadRequest),
        (400, "Bad Request: query is too old and response timeout expired", BadRequest),
        (403, "Forbidden: bot was blocked by the user", Forbidden),
        (413, None, NetworkError),  # a 4xx that PTB reports as a plain NetworkError
    ],
)
async def test_a_refusal_by_telegram_is_raised_at_once_and_never_retried(
    api: FakeBotApi, status: int, description: str | None, error: type[Exception]
) -> None:
    user = api.user(1001, "Sam")
    await user.send("/start")
    async with limited_bot(api) as bot:
        api.fail_next("sendMessage", 5, status=status, description=description)
        started = time.perf_counter()
        with pytest.raises(error):
            await bot.send_message(1001, "the same text again")
        assert time.perf_counter() - started < 0.5  # the chat is not stalled
    assert len(api.calls_to("sendMessage")) == 1


async def test_server_errors_and_flood_control_are_still_retried(api: FakeBotApi) -> None:
    user = api.user(1001, "Sam")
    await user.send("/start")
    async with limited_bot(api) as bot:
        api.fail_next("sendMessage", 2, status=502)
        api.fail_next("sendMessage", 1, status=500)
        assert (await bot.send_message(1001, "after 502s")).text == "after 502s"
        api.fail_next("sendMessage", 1, status=429, retry_after=1)
        assert (await bot.send_message(1001, "after a 429")).text == "after a 429"
    assert len(api.calls_to("sendMessage", ok=False)) == 4
    assert [m.text for m in await user.wait_for_reply(2)] == ["after 502s", "after a 429"]


async def test_no_connection_is_retried_and_logged_as_such_not_as_a_server_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/bot"
    limiter = TelegramRateLimiter(max_retries=1, backoff=0.01)
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=closed, rate_limiter=limiter)
    with caplog.at_level(logging.WARNING), pytest.raises(NetworkError):
        await bot.initialize()  # getMe
    assert [r.getMessage() for r in caplog.records] == ["no connection on getMe: retry 1 in 0.0 s"]
