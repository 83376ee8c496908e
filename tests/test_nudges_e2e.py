"""Deadline nudges end to end: the real bot against the fake Bot API, the clock moved and the
sweeper run as its job queue would run it (issue 12)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.jobs import nudge_job
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import NudgeSent
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi
from tests.harness import run_job, running_bot
from tests.screening_script import enrol, press, say

LONDON = ZoneInfo("Europe/London")


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="1212:NUDGES", bot_username="oocps_test_bot") as server:
        yield server


async def ledger(storage: Storage) -> list[NudgeSent]:
    async with storage.unit_of_work() as uow:
        return list(await uow.session.scalars(select(NudgeSent).order_by(NudgeSent.id)))


async def test_an_offer_nobody_accepted_is_chased_in_working_time_and_accepted_from_the_reminder(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    """Referred on a Friday at 16:30: nothing at the weekend; on Monday at 16:30 Mair is
    reminded in English and Ifan in Welsh, each with Accept and Remind me tomorrow; Ifan asks
    for tomorrow, Mair accepts from the reminder, and then nobody else hears of it."""
    clock.set(local(2026, 11, 27, 16, 30))
    sergeant, mair, ifan = api.user(700, "Sgt"), api.user(701, "Mair"), api.user(702, "Ifan")
    mel = api.user(703, "Mel")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "gwent"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, ifan, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
        await ifan.press("Cymraeg")  # the welcome's question, answered in place
        await ifan.wait_until(lambda u: u.last_text == t("cy", "language.set"))
        await enrol(storage, mel, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        await script.run(sergeant, script.whole("en"))
        await mair.wait_for_reply()
        await ifan.wait_for_reply()  # the offers
        before = {u.id: len(u.messages) for u in (mair, ifan, mel)}
        for moment in (local(2026, 11, 28, 12), local(2026, 11, 30, 16, 29)):
            clock.set(moment)  # Saturday noon; Monday a minute before the working day is up
            await run_job(app, nudge_job)
        assert {u.id: len(u.messages) for u in (mair, ifan, mel)} == before

        clock.set(local(2026, 11, 30, 16, 30))
        await run_job(app, nudge_job)
        (reminder,) = await mair.wait_for_reply()
        assert (reminder.text or "").startswith("Still waiting: referral R-")
        assert "since Fri 27/11/2026" in (reminder.text or "")
        assert reminder.buttons == [["Accept"], ["Remind me tomorrow"]]
        (atgoffa,) = await ifan.wait_for_reply()
        assert (atgoffa.text or "").startswith("Yn dal i aros: nid oes neb wedi derbyn")
        assert atgoffa.buttons == [["Derbyn"], ["Atgoffa fi yfory"]]
        snoozed = await press(ifan, "Atgoffa fi yfory")
        assert snoozed.startswith("Byddaf yn eich atgoffa am R-") and "Maw 01/12 09:00" in snoozed
        await mair.press("Accept")
        await mair.wait_until(lambda u: (u.last_text or "").startswith("You accepted"))

        for moment in (local(2026, 12, 1, 9), local(2026, 12, 1, 16, 30)):
            clock.set(moment)  # Ifan's reminder and the managers' notice: no longer news
            await run_job(app, nudge_job)
        assert len(ifan.messages) == before[ifan.id] + 2 and len(mel.messages) == before[mel.id]
        listed = await say(mair, "/nudges")
        first = listed.split("\n")[1]
        assert first.startswith("Fri 04/12 09:00 · R-")  # day 7 after Friday 27th
        assert first.endswith("reminder: first-session date")
    rows = await ledger(storage)
    assert sorted((r.rule, r.snoozed_until) for r in rows) == [("offer_reminder", None)] * 2


async def test_a_worker_who_blocked_the_bot_her_reminder_goes_to_the_manager_instead(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    sergeant, mair, mel = api.user(710, "Sgt"), api.user(711, "Mair"), api.user(712, "Mel")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "gwent"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, mel, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        await script.run(sergeant, script.whole("en"))
        await mair.wait_for_reply()
        await mair.press("Accept")
        await mair.wait_until(lambda u: (u.last_text or "").startswith("You accepted"))
        await mair.block()
        clock.set(local(2026, 11, 30, 9))  # day 7
        await run_job(app, nudge_job)
        (told,) = await mel.wait_for_reply()
        lead = t("en", "nudge.instead", name="Mair", why=t("en", "nudge.why.blocked"))
        assert (told.text or "").startswith(lead)
        assert "has no first-session date yet" in (told.text or "")
        assert told.buttons == [["Open the case"], ["Remind me tomorrow"]]
        assert "Siân" not in (told.text or "")
        clock.advance(minutes=5)
        await run_job(app, nudge_job)
        assert len(mel.messages) == 2  # the welcome and the one nudge
    blocked, instead = await ledger(storage)
    assert (blocked.rule, blocked.undeliverable) == ("first_session_reminder", "blocked")
    assert instead.instead_of == blocked.id and instead.undeliverable is None
