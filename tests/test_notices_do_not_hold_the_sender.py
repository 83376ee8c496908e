"""A notice waits for its recipient's chat (about one message a second there), not in the turn
of the update that caused it: the sergeant who submitted goes on at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.ratelimit import TelegramRateLimiter
from conversations.enrolment import InviteSpec
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot

WORKER = 200


class HeldChat(TelegramRateLimiter):
    """The production limiter, with one chat's messages held until `release` is set, as a
    worker's chat is when many referrals reach them at once."""

    def __init__(self) -> None:
        super().__init__(per_chat_burst=10_000)
        self.release = threading.Event()  # set and cleared from the test's loop
        self.release.set()

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        data = kwargs.get("data", args[4] if len(args) > 4 else {})
        if data.get("chat_id") == WORKER:
            await asyncio.to_thread(self.release.wait, 10)  # set from another thread
        return await super().process_request(*args, **kwargs)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="5252:HELD", bot_username="oocps_test_bot") as server:
        yield server


async def test_the_sergeant_is_answered_while_the_workers_notice_waits(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant = api.user(100, "Sgt Rees")
    worker = api.user(WORKER, "Mair")
    limiter = HeldChat()
    async with running_bot(storage, api, rate_limiter=limiter):
        await script.enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await script.enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        limiter.release.clear()
        submitted = await script.run(sergeant, script.whole("en"))
        assert submitted.startswith("Referral R-")
        await sergeant.send("/whoami")  # the same chat: it waited for the notice before
        await sergeant.wait_for_reply(timeout=2)
        assert "New referral" not in (worker.last_text or "")  # still held
        limiter.release.set()
        (offer,) = await worker.wait_for_reply(timeout=5)
        assert offer.text is not None and offer.text.startswith("New referral R-")
