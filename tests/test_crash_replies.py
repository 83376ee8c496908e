"""Killed between the commit and the send, the bot loses no reply: started again, it sends the
reply it kept with the update's claim, once (DESIGN.md §8). The bot runs as a process of its
own here, killed with SIGKILL by the fake Bot API at the moment the reply reaches it."""

from __future__ import annotations

import asyncio
import copy
import shutil
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.jobs import sweep_job
from conversations.assistant import Assistant, Delivery
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.database import Database
from storage.models import Notification, ProcessedUpdate, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import BotProcess, running_bot
from tests.screening_script import enrol, say

SENT = "Referral R-"
SUBMIT = t("en", "screen.submit")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="6161:CRASH", bot_username="oocps_test_bot") as server:
        yield server


@pytest.fixture
async def database(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """SQLite only: the bot's own process is given the database by its URL."""
    path = tmp_path / "oocps.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    yield db
    await db.dispose()


async def count(storage: Storage, *where: object) -> int:
    async with storage.unit_of_work() as uow:
        statement = select(func.count()).select_from(Referral).where(*where)  # type: ignore[arg-type]
        return int(await uow.session.scalar(statement) or 0)


async def all_replies_sent(storage: Storage) -> None:
    async with asyncio.timeout(5):
        while True:
            async with storage.unit_of_work() as uow:
                kept = select(func.count()).where(ProcessedUpdate.reply.is_not(None))
                if not await uow.session.scalar(kept):
                    return
            await asyncio.sleep(0.01)


async def at_the_review(
    storage: Storage, api: FakeBotApi, sergeant: SimUser, workers: list[SimUser]
) -> None:
    """Enrolled, and screened up to the review: quickly, on the thread harness."""
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        for worker in workers:
            spec = InviteSpec("worker", worker.json["first_name"], la_codes=("cardiff",))
            await enrol(storage, worker, spec)
        *to_review, submit = script.whole("en")
        assert submit == ("press", SUBMIT)
        await script.run(sergeant, to_review)


async def test_a_sergeant_whose_submit_was_cut_off_by_a_crash_is_told_once_the_bot_is_back(
    storage: Storage, api: FakeBotApi, tmp_path: Path
) -> None:
    sergeant, mair = api.user(610, "Sgt"), api.user(611, "Mair")
    await at_the_review(storage, api, sergeant, [mair])
    bot = BotProcess(api, str(storage.db.url), tmp_path)
    try:
        await bot.start()
        api.interrupt(
            "sendMessage", when=lambda call: str(call.get("text", "")).startswith(SENT),
            then=bot.kill,
        )  # fmt: skip
        await sergeant.press(SUBMIT)
        assert await bot.exited() == -signal.SIGKILL  # committed, and dead before the send
        assert not [m for m in sergeant.messages if (m.text or "").startswith(SENT)]

        await bot.start()  # started again: it sends what it kept before taking any update
        (told,) = await sergeant.wait_for_reply(timeout=10)
        assert (told.text or "").startswith(SENT) and "sent to Cardiff" in (told.text or "")

        # A reply that did go out is not sent again when Telegram repeats its update.
        assert (await say(sergeant, "/whoami")).startswith("Name: Sgt")
        await api.inject_update(copy.deepcopy(sergeant.last_update or {}))
        assert (await say(sergeant, "/help")).startswith(t("en", "help.police"))
    finally:
        await bot.stop()
    assert sum((m.text or "").startswith(SENT) for m in sergeant.messages) == 1
    assert sum((m.text or "").startswith("Name: ") for m in sergeant.messages) == 1
    assert await count(storage) == 1 and await count(storage, Referral.state == "referred") == 1
    # The worker's offer is not part of the reply: it is an owed row, for the sweeper to send.
    async with storage.unit_of_work() as uow:
        (offer,) = await uow.session.scalars(select(Notification))
        assert offer.sent_at is None and len(mair.messages) == 1  # only her welcome so far


async def test_a_crash_between_two_offers_sends_only_the_second_again(
    storage: Storage, api: FakeBotApi, tmp_path: Path
) -> None:
    sergeant, mair, ifan = api.user(620, "Sgt"), api.user(621, "Mair"), api.user(622, "Ifan")
    await at_the_review(storage, api, sergeant, [mair, ifan])
    offers = 0

    def the_second_offer(call: dict[str, Any]) -> bool:
        nonlocal offers
        offers += str(call.get("text", "")).startswith("New referral")
        return offers == 2

    bot = BotProcess(api, str(storage.db.url), tmp_path)
    try:
        await bot.start()
        api.interrupt("sendMessage", when=the_second_offer, then=bot.kill)
        await sergeant.press(SUBMIT)
        assert await bot.exited() == -signal.SIGKILL  # the first offer went, the second not
    finally:
        await bot.stop()
    async with storage.unit_of_work() as uow:
        rows = list(await uow.session.scalars(select(Notification).order_by(Notification.id)))
    assert [row.sent_at is not None for row in rows] == [True, False]  # on record at once
    later = Storage(storage.db, FixedClock(datetime.now(UTC) + timedelta(minutes=10)),
                    storage.cipher, storage.tz)  # fmt: skip
    (again,) = await Assistant(later, "bot").owed_again()  # what the sweeper would send
    assert again.notification_id == rows[1].id


async def test_a_reply_left_by_an_instance_that_stopped_is_sent_by_the_sweeper(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    sergeant = api.user(630, "Sgt")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await all_replies_sent(storage)  # the welcome's mark follows it by a moment
        # Another instance took this update, committed its work and stopped before sending.
        other_instance = Assistant(storage, "bot")
        await other_instance.command(Delivery(9_000, sergeant.id), "whoami")
        clock.advance(minutes=3)
        assert app.job_queue is not None
        app.job_queue.run_once(sweep_job, when=0)
        (told,) = await sergeant.wait_for_reply()
        assert (told.text or "").startswith("Name: Sgt")
    assert await other_instance.replies_owed(clock.now()) == []  # sent, and on record
