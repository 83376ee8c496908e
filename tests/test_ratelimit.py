"""The outgoing limiter: about one message a second per chat after a short burst."""

from __future__ import annotations

import time

from bot.ratelimit import TelegramRateLimiter


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
