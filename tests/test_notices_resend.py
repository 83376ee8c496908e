"""A notice that did not reach someone is sent again by the sweeper, while it is still news."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.jobs import sweep_job
from conversations.enrolment import InviteSpec, create_invite
from conversations.notifications import resend
from state_machine.clock import FixedClock
from storage.models import Notification
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import submitted
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot
from tests.screening_script import enrol


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="5353:RESEND", bot_username="oocps_test_bot") as server:
        yield server


async def notifications(storage: Storage) -> list[Notification]:
    async with storage.unit_of_work() as uow:
        return list(await uow.session.scalars(select(Notification).order_by(Notification.id)))


async def test_a_worker_who_had_blocked_the_bot_is_told_once_they_are_back(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    sergeant, mair, ifan = api.user(400, "Sgt"), api.user(401, "Mair"), api.user(402, "Ifan")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, ifan, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
        await ifan.block()
        await script.run(sergeant, script.whole("en"))  # screened and submitted
        (first,) = await mair.wait_for_reply()
        # Notices go after the sergeant's reply: Ifan misses his once it is refused.
        await api.wait_until(
            lambda: any(str(c.params.get("chat_id")) == str(ifan.id)
                        for c in api.calls_to("sendMessage", ok=False))
        )  # fmt: skip
        await ifan.unblock()
        clock.advance(minutes=3)
        assert app.job_queue is not None
        app.job_queue.run_once(sweep_job, when=0)
        (again,) = await ifan.wait_for_reply()
        assert again.text == first.text and again.buttons == [["Accept"]]
        for _ in range(500):  # the sweep marks it sent after Telegram's answer
            if all(n.sent_at for n in await notifications(storage)):
                break
            await asyncio.sleep(0.01)
        clock.advance(minutes=3)
        app.job_queue.run_once(sweep_job, when=0)
        await ifan.press("Accept")  # the new button works
        await ifan.wait_until(lambda u: (u.last_text or "").startswith("You accepted"))
        assert len(ifan.messages) == 2  # the welcome and the notice: not sent twice
    rows = await notifications(storage)
    assert [(n.sent_at is not None, n.attempts) for n in rows] == [(True, 0), (True, 1)]
    assert rows[1].chat_message_id == again.message_id and len(mair.messages) == 2


async def test_an_undelivered_notice_is_tried_a_few_times_then_left_on_record(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage)
    assert await assistant.owed_again() == []  # the first send may still be under way
    tries = []
    for _ in range(5):
        clock.advance(minutes=resend.QUIET.seconds // 60 + 1)
        tries.append(len(await assistant.owed_again()))
    assert tries == [1] * resend.ATTEMPTS + [0] * (5 - resend.ATTEMPTS)
    (row,) = await notifications(storage)
    assert row.sent_at is None and row.attempts == resend.ATTEMPTS


async def test_a_notice_no_longer_news_is_not_sent_again(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, outcome = await submitted(storage)
    worker = await assistant.identify(2)
    assert worker is not None
    (notice,) = outcome.notices
    assert notice.reply.buttons[0][0].label == "Accept"
    await assistant.press(worker, notice.reply.buttons[0][0].token)  # accepted, told or not
    clock.advance(minutes=5)
    assert await assistant.owed_again() == []
    (row,) = await notifications(storage)
    assert row.sent_at is None and row.attempts == resend.ATTEMPTS  # settled: nothing owed


async def test_a_notice_a_day_old_is_left_to_the_deadline_nudges(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage)
    clock.advance(days=1, minutes=1)
    assert await assistant.owed_again() == []


async def test_a_notice_is_not_sent_again_to_someone_who_has_moved_role_or_la(
    storage: Storage, clock: FixedClock
) -> None:
    """Two Cardiff workers never got the offer; they were revoked and came back, one as a
    Newport worker, one as a Gwent officer: neither is sent the Cardiff offer."""
    ifan = InviteSpec("worker", "Ifan", la_codes=("cardiff",))
    assistant, outcome = await submitted(storage, (3, ifan))  # both are owed the offer
    assert {n.telegram_id for n in outcome.notices} == {2, 3}
    async with storage.unit_of_work() as uow:
        for telegram_id in (2, 3):
            user = await uow.people.by_telegram_id(telegram_id)
            assert user is not None
            await uow.people.revoke(user, actor="admin")
    for telegram_id, spec in [
        (2, InviteSpec("worker", "Mair", la_codes=("newport",))),
        (3, InviteSpec("police", "Ifan", "gwent")),
    ]:
        await assistant.start(telegram_id, await create_invite(storage, spec, actor="t"), "en")
    clock.advance(minutes=5)
    assert await assistant.owed_again() == []
    rows = await notifications(storage)
    assert [(n.sent_at, n.attempts) for n in rows] == [(None, resend.ATTEMPTS)] * 2  # settled
