"""The nudges on a case being worked, end to end: the real bot against the fake Bot API, the
clock moved and the sweeper run as its job queue would run it, in English and in Welsh
(issue 12): the delivery date, a session booked and not logged, "Did not take up" on the
day-21 nudge, and an outcome the police have not acknowledged."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import BotApp
from bot.jobs import nudge_job
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.casework import SessionLog
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.fakeapi.users import BotMessage
from tests.harness import run_job, running_bot
from tests.screening_script import enrol

LONDON = ZoneInfo("Europe/London")
LANGS = ["en", "cy"]
# The bot end to end on SQLite only: the same rules on PostgreSQL are
# tests/test_nudges_casework.py's, and `make test` has a time limit.
pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="1313:CASEWORK", bot_username="oocps_test_bot") as server:
        yield server


async def at(app: BotApp, clock: FixedClock, moment: datetime) -> None:
    """The clock moved, and the sweeper's job run as the job queue would run it."""
    clock.set(moment)
    await run_job(app, nudge_job)


async def press_new(user: SimUser, label: str, count: int = 1) -> list[BotMessage]:
    await user.press(label)
    return await user.wait_for_reply(count)


def snooze(lang: str) -> list[str]:
    return [t(lang, "nudge.snooze")]


async def accepted(sergeant: SimUser, worker: SimUser, lang: str) -> str:
    """The sergeant's referral, accepted from its offer by the worker: its reference."""
    await script.run(sergeant, script.whole(sergeant.language_code))
    (offer,) = await worker.wait_for_reply()
    found = re.search(r"R-[0-9A-Z]{6}", offer.text or "")
    assert found is not None
    await worker.press(t(lang, "notify.accept"))
    await worker.wait_until(lambda u: bool(u.last and u.last.edited), what="accepted")
    return found.group()


async def engaged(storage: Storage, reference: str, first: date, *held: date) -> None:
    """The first-session date set and sessions logged, as the card's forms save them."""
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        worker = referral.allocated_worker_id
        assert worker is not None
        await uow.referrals.transition(referral, "set_first_session", actor=f"user:{worker}",
                                       first_session_date=first)  # fmt: skip
        for on in held:
            log = SessionLog(on, "attended", minutes=60, delivery="online", language="cy",
                             engagement="appropriate")  # fmt: skip
            await uow.casework.log_session(referral, log, worker_id=worker, next_on=None,
                                           actor=f"user:{worker}")  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
async def test_the_delivery_date_is_chased_and_overdue_the_worker_can_record_the_outcome(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    """Received on Monday 23 November: due by 23 February. The worker is reminded on
    26 January and 16 February; on the 24th she and the manager are told it is overdue, she
    with "Record the outcome" (which opens the form), the manager with "Open the case"."""
    sergeant, mair = api.user(800, "Sgt"), api.user(801, "Mair", language_code=lang)
    mel = api.user(802, "Mel")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "gwent"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, mel, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        reference = await accepted(sergeant, mair, lang)
        await engaged(storage, reference, date(2026, 11, 24), date(2026, 11, 24))
        before = len(mel.messages)
        for moment, due_in in ((local(2027, 1, 26, 9), "26/01"), (local(2027, 2, 16, 9), "16/02")):
            await at(app, clock, moment)
            (reminder,) = await mair.wait_for_reply()
            assert reminder.text == t(
                lang,
                "nudge.support_delivered.reminder",
                reference=reference,
                initials="SDJ",
                due="23/02/2027",
            )
            assert reminder.buttons == [[t(lang, "notify.open_case")], snooze(lang)], due_in
        await at(app, clock, local(2027, 2, 23, 16, 59))  # the last day: not overdue yet
        await at(app, clock, local(2027, 2, 24, 9))
        (overdue,) = await mair.wait_for_reply()
        (told,) = await mel.wait_for_reply()
        cardiff = "Caerdydd" if lang == "cy" else "Cardiff"
        assert overdue.text == t(
            lang,
            "nudge.support_delivered.overdue",
            reference=reference,
            initials="SDJ",
            la=cardiff,
            due="23/02/2027",
            worker="Mair",
        )
        assert overdue.buttons == [
            [t(lang, "case.record_outcome")], [t(lang, "case.ask_extension")],
            [t(lang, "notify.open_case")], snooze(lang),
        ]  # fmt: skip
        assert (told.text or "").startswith(f"Overdue: support on referral {reference} (SDJ)")
        assert told.buttons == [["Open the case"], ["Remind me tomorrow"]]
        assert len(mel.messages) == before + 1 and "Siân" not in (told.text or "")
        (asked,) = await press_new(mair, t(lang, "case.record_outcome"))
        assert t(lang, "outcome.q.outcome", case=f"{reference} (SDJ)") in (asked.text or "")
        await at(app, clock, local(2027, 2, 24, 9, 5))
        assert len(mel.messages) == before + 1  # once


@pytest.mark.parametrize("lang", LANGS)
async def test_a_session_whose_day_passed_unlogged_is_chased_the_next_working_morning(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    """The first session on Friday 27 November, not logged: nothing at the weekend; on
    Monday at 09:00 the worker is asked to log it, and "Log a session" opens the log."""
    sergeant, mair = api.user(810, "Sgt"), api.user(811, "Mair", language_code=lang)
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "gwent"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        reference = await accepted(sergeant, mair, lang)
        await engaged(storage, reference, date(2026, 11, 27))
        before = len(mair.messages)
        for moment in (local(2026, 11, 27, 16), local(2026, 11, 28, 10), local(2026, 11, 30, 8)):
            await at(app, clock, moment)  # the day itself, Saturday, before working time
        assert len(mair.messages) == before
        await at(app, clock, local(2026, 11, 30, 9))
        (reminder,) = await mair.wait_for_reply()
        assert reminder.text == t(lang, "nudge.session_logged.reminder", reference=reference,
                                  initials="SDJ", due="27/11/2026")  # fmt: skip
        assert reminder.buttons == [[t(lang, "case.log_session")], snooze(lang)]
        (asked,) = await press_new(mair, t(lang, "case.log_session"))
        assert f"{reference} (SDJ)" in (asked.text or "")
        assert t(lang, "session.a.on.today") in [b for row in asked.buttons for b in row]
        await at(app, clock, local(2026, 11, 30, 9, 5))
        assert len(mair.messages) == before + 2  # the reminder once, and the question


@pytest.mark.parametrize("lang", LANGS)
async def test_did_not_take_up_from_the_day_21_nudge_then_the_police_are_chased_to_acknowledge(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    """No first-session date: on day 21 the worker's nudge offers "Did not take up"; pressed
    on day 22 it opens the outcome form, and the police are sent the outcome. Not
    acknowledged, the sergeant is reminded 2 working days later with Acknowledge; after 5
    the manager is told; the sergeant acknowledges from the reminder and the case closes."""
    sergeant = api.user(820, "Sgt Rhys", language_code=lang)
    mair, mel = api.user(821, "Mair", language_code=lang), api.user(822, "Mel")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rhys", "gwent"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, mel, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
        reference = await accepted(sergeant, mair, lang)
        for moment in (local(2026, 11, 30, 9), local(2026, 12, 7, 9), local(2026, 12, 11, 9)):
            await at(app, clock, moment)  # days 7, 14 and 18
            await mair.wait_for_reply()
        await at(app, clock, local(2026, 12, 14, 9))
        (last_day,) = await mair.wait_for_reply()
        assert last_day.buttons == [
            [t(lang, "case.set_first_session")], [t(lang, "case.record_contact")],
            [t(lang, "outcome.a.outcome.not_taken_up")], snooze(lang),
        ]  # fmt: skip
        await at(app, clock, local(2026, 12, 15, 9, 30))  # day 22: the manager told
        await mel.wait_for_reply()
        chosen, asked = await press_new(mair, t(lang, "outcome.a.outcome.not_taken_up"), 2)
        case = f"{reference} (SDJ)"
        assert (chosen.text or "").startswith(t(lang, "outcome.chosen_not_taken_up", case=case))
        assert (asked.text or "").endswith(t(lang, "outcome.q.safeguarding"))
        await press_new(mair, t(lang, "outcome.a.safeguarding.no"))  # the review
        await press_new(mair, t(lang, "outcome.submit"))  # recorded (in place), and the card
        (notice,) = await sergeant.wait_for_reply()
        assert notice.buttons == [[t(lang, "outcome.acknowledge")]]

        await at(app, clock, local(2026, 12, 17, 9, 29))  # not yet 2 working days
        await at(app, clock, local(2026, 12, 17, 9, 30))
        (reminder,) = await sergeant.wait_for_reply()
        cardiff = "Caerdydd" if lang == "cy" else "Cardiff"
        since = "Maw 15/12/2026" if lang == "cy" else "Tue 15/12/2026"
        assert reminder.text == t(
            lang,
            "nudge.police_acknowledgement.reminder",
            reference=reference,
            initials="SDJ",
            la=cardiff,
            since=since,
        )
        assert reminder.buttons == [[t(lang, "outcome.acknowledge")], snooze(lang)]
        await at(app, clock, local(2026, 12, 22, 9, 30))  # 5 working days
        (told,) = await mel.wait_for_reply()
        assert (told.text or "").startswith(
            f"The police have not acknowledged the outcome of referral {reference} (SDJ)"
        )
        assert told.buttons == [["Open the case"], ["Remind me tomorrow"]]
        (thanks,) = await press_new(sergeant, t(lang, "outcome.acknowledge"))
        assert thanks.text == t(lang, "outcome.acknowledged", reference=reference)
        (closed,) = await mair.wait_for_reply()
        assert closed.text == t(lang, "outcome.worker_told", reference=reference, initials="SDJ")
        quiet = {u.id: len(u.messages) for u in (sergeant, mair, mel)}
        await at(app, clock, local(2027, 2, 24, 9))  # closed: not even the delivery date
        assert {u.id: len(u.messages) for u in (sergeant, mair, mel)} == quiet
