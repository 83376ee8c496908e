"""Housekeeping: idle conversations are discarded with what they held; old ids forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import build_application
from bot.jobs import sweep_job
from bot.settings import load_settings
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.housekeeping import sweep
from state_machine.clock import FixedClock
from storage.models import (
    AuditEvent,
    ButtonToken,
    Dialogue,
    ProcessedUpdate,
    Referral,
    ScreeningAnswer,
)
from storage.uow import Storage
from storage.updates import claim_update
from tests.conftest import TEST_KEY


async def an_admin_mid_invite(storage: Storage) -> int:
    token = await create_invite(storage, InviteSpec("admin", "Ada"), actor="test")
    async with storage.unit_of_work() as uow:
        invite = await uow.people.invite_for(token)
        assert invite is not None
        user = await uow.people.enrol(invite, telegram_id=77, language="en", existing=None)
        await uow.dialogues.begin(user.id, "invite", "name", {"role": "worker"})
        uow.buttons.issue(user.id, "invite.role", {"role": "police"}, uow.clock.now())
        uow.buttons.issue(user.id, "language.set", {"language": "cy"}, uow.clock.now())
        await claim_update(uow.session, 1001, uow.clock.now())
        return user.id


async def count(storage: Storage, model: type) -> int:
    async with storage.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_conversation_idle_past_the_limit_is_discarded(
    storage: Storage, clock: FixedClock
) -> None:
    await an_admin_mid_invite(storage)
    clock.advance(hours=11, minutes=59)
    assert (await sweep(storage, dialogue_idle=timedelta(hours=12))).dialogues == 0
    assert await count(storage, Dialogue) == 1
    clock.advance(minutes=2)
    assert (await sweep(storage, dialogue_idle=timedelta(hours=12))).dialogues == 1
    assert await count(storage, Dialogue) == 0
    assert await count(storage, ButtonToken) == 1  # the invite's went with it; not /language's


async def test_old_update_ids_and_buttons_are_forgotten(
    storage: Storage, clock: FixedClock
) -> None:
    await an_admin_mid_invite(storage)
    clock.advance(days=1)
    await sweep(storage, dialogue_idle=timedelta(hours=12))
    assert await count(storage, ProcessedUpdate) == 1  # may still be re-delivered
    clock.advance(days=2)
    await sweep(storage, dialogue_idle=timedelta(hours=12))
    assert await count(storage, ProcessedUpdate) == 0
    assert await count(storage, ButtonToken) == 1
    clock.advance(days=30)
    await sweep(storage, dialogue_idle=timedelta(hours=12))
    assert await count(storage, ButtonToken) == 0


async def test_the_bot_runs_the_sweep_on_a_timer_with_the_configured_idle_time(
    storage: Storage, clock: FixedClock
) -> None:
    settings = load_settings(
        TELEGRAM_BOT_TOKEN="1:abc", OOCPS_ENCRYPTION_KEY=TEST_KEY, OOCPS_DIALOGUE_IDLE_HOURS=2
    )
    app = build_application(settings, storage)
    assert app.job_queue is not None
    (job,) = [j for j in app.job_queue.jobs() if j.callback is sweep_job] or [None]
    assert job is not None
    await an_admin_mid_invite(storage)
    clock.advance(hours=1)
    await job.run(app)
    assert await count(storage, Dialogue) == 1
    clock.advance(hours=1, minutes=1)
    await job.run(app)
    assert await count(storage, Dialogue) == 0


async def test_an_idle_screening_is_discarded_with_its_referral_and_answers(
    storage: Storage, clock: FixedClock
) -> None:
    assistant = Assistant(storage, "bot")
    token = await create_invite(storage, InviteSpec("police", "Sgt", "gwent"), actor="t")
    await assistant.start(5, token, "en")
    actor = await assistant.identify(5)
    assert actor is not None
    await assistant.command(actor, "screen")
    await assistant.text(actor, "Conditional Caution")
    assert await count(storage, Referral) == 1
    clock.advance(hours=13)
    assert (await sweep(storage, dialogue_idle=timedelta(hours=12))).dialogues == 1
    assert await count(storage, Referral) == 0 and await count(storage, ScreeningAnswer) == 0
    async with storage.unit_of_work() as uow:
        actions = list(await uow.session.scalars(select(AuditEvent.action)))
    assert "screening.discarded" in actions


async def test_a_screening_nobody_picked_up_is_discarded_once_idle(
    storage: Storage, clock: FixedClock
) -> None:
    async with storage.unit_of_work() as uow:  # e.g. handed to a YOT that never took it
        referral = await uow.referrals.start_screening(actor="t", officer_id=None, force_code=None)
        await uow.referrals.record_answer(referral, "age", 17, by=None)
    clock.advance(hours=11)
    await sweep(storage, dialogue_idle=timedelta(hours=12))
    assert await count(storage, Referral) == 1
    clock.advance(hours=2)
    await sweep(storage, dialogue_idle=timedelta(hours=12))
    assert await count(storage, Referral) == 0
