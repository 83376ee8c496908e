"""Deadline nudges through the assistant and the database, on SQLite and PostgreSQL: the next
moment kept with every change to a case, found with an index, each nudge claimed once, only
the latest after downtime, managers told instead of someone who left or blocked the bot,
"Remind me tomorrow", /nudges, and a console user's nudges kept for their console."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from bot.console import console_actor, run_console
from bot.settings import SettingsError, load_settings
from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.notifications.nudge_sweep import sweep
from conversations.reply import Notice
from state_machine.clock import FixedClock
from state_machine.errors import LifecycleError
from state_machine.nudge_rules import parse_rules
from storage.models import Notification, NudgeSent, Referral
from storage.nudges import read_rules
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol, submitted
from tests.conftest import POSTGRES_URL
from tests.test_console_and_admin_cli import Terminal

LONDON = ZoneInfo("Europe/London")
MEL = InviteSpec("manager", "Mel", la_codes=("cardiff",))
IFAN = (3, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


async def referral_row(storage: Storage) -> Referral:
    async with storage.unit_of_work() as uow:
        row = await uow.session.scalar(select(Referral).order_by(Referral.id.desc()).limit(1))
        assert row is not None
        return row


async def ledger(storage: Storage) -> list[NudgeSent]:
    async with storage.unit_of_work() as uow:
        return list(await uow.session.scalars(select(NudgeSent).order_by(NudgeSent.id)))


def pressed(notice: Notice, label: str) -> str:
    return next(b.token for row in notice.reply.buttons for b in row if b.label == label)


def first_word(notice: Notice) -> str:
    return notice.reply.text.split()[0]


async def managers(assistant: Assistant, *specs: InviteSpec) -> None:
    """Cardiff's managers, enrolled once the referral was offered (telegram ids from 5)."""
    for telegram_id, spec in enumerate(specs or (MEL,), start=5):
        await enrol(assistant, telegram_id, spec)


async def accepted(storage: Storage, *more: tuple[int, InviteSpec]) -> tuple[Assistant, Actor]:
    """Mair (telegram id 2) has accepted the Gwent sergeant's referral to Cardiff."""
    assistant, outcome = await submitted(storage, *more)
    mair = await assistant.identify(2)
    assert mair is not None
    offer = next(n for n in outcome.notices if n.telegram_id == 2)
    said = await assistant.press(mair, pressed(offer, "Accept"))
    assert said is not None and said.replies[0].text.startswith("You accepted")
    return assistant, mair


async def test_the_next_nudge_is_kept_on_the_referral_with_every_change(
    storage: Storage, clock: FixedClock
) -> None:
    """Submitted on Monday 23 November at 10:00: the workers are due a reminder on Tuesday at
    10:00; once accepted, the allocated worker's first reminder is day 7 (Monday 30th, 09:00);
    a change that fails leaves it as it was."""
    await submitted(storage)
    row = await referral_row(storage)
    assert row.next_nudge_at == local(2026, 11, 24, 10)
    with pytest.raises(LifecycleError):
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get_by_id(row.id)
            await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=2)
            assert referral.next_nudge_at == local(2026, 11, 30, 9)  # in the same transaction
            await uow.referrals.transition(referral, "close", actor="user:2")  # refused
    assert (await referral_row(storage)).next_nudge_at == local(2026, 11, 24, 10)  # rolled back
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(row.id)
        await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=2)
    assert (await referral_row(storage)).next_nudge_at == local(2026, 11, 30, 9)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(row.id)
        await uow.referrals.transition(referral, "withdraw", actor="user:2", reason="moved away")
    assert (await referral_row(storage)).next_nudge_at is None  # closed: nothing will fall due


async def test_what_is_due_is_found_with_the_index(storage: Storage) -> None:
    query = "SELECT id FROM referrals WHERE next_nudge_at <= :now ORDER BY next_nudge_at LIMIT 100"
    async with storage.unit_of_work() as uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            await uow.session.execute(text("SET LOCAL enable_seqscan = off"))  # few rows here
            plan = await uow.session.execute(text(f"EXPLAIN {query}"), {"now": datetime.now(UTC)})
        else:
            plan = await uow.session.execute(text(f"EXPLAIN QUERY PLAN {query}"), {"now": "x"})
        shown = " ".join(str(row[-1]) for row in plan)
    assert "ix_referrals_next_nudge_at" in shown


async def test_an_offer_nobody_accepted_reminds_each_worker_once_then_tells_the_managers(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage, IFAN)
    await managers(assistant)
    clock.set(local(2026, 11, 24, 9, 59))
    assert (await assistant.nudges_due()).notices == []  # not yet a working day
    clock.set(local(2026, 11, 24, 10))
    swept = await assistant.nudges_due()
    assert sorted(n.telegram_id or 0 for n in swept.notices) == [2, 3]
    (mair,) = [n for n in swept.notices if n.telegram_id == 2]
    assert mair.reply.text.startswith("Still waiting: referral R-")
    assert "(SDJ)" in mair.reply.text and "Siân" not in mair.reply.text
    assert [[b.label for b in row] for row in mair.reply.buttons] == [
        ["Accept"],
        ["Remind me tomorrow"],
    ]
    assert (await assistant.nudges_due()).notices == []  # once
    clock.set(local(2026, 11, 25, 10))
    (mel,) = (await assistant.nudges_due()).notices
    assert mel.telegram_id == 5 and mel.reply.text.startswith("Nobody has accepted referral")
    assert [[b.label for b in row] for row in mel.reply.buttons] == [
        ["Open the case"],
        ["Remind me tomorrow"],
    ]
    rows = await ledger(storage)
    assert [(r.rule, r.recipient_user_id != 0) for r in rows] == [
        ("offer_reminder", True), ("offer_reminder", True), ("offer_unaccepted", True)
    ]  # fmt: skip
    async with storage.unit_of_work() as uow:
        kinds = await uow.session.scalars(select(Notification.kind).order_by(Notification.id))
        assert list(kinds)[-3:] == ["nudge:offer_reminder"] * 2 + ["nudge:offer_unaccepted"]
    assert (await referral_row(storage)).next_nudge_at == local(2026, 12, 15, 9)  # day 22


async def test_accept_on_the_reminder_takes_the_case_and_the_managers_are_not_told(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage)
    await managers(assistant)
    clock.set(local(2026, 11, 24, 10))
    (reminder,) = (await assistant.nudges_due()).notices
    mair = await assistant.identify(2)
    assert mair is not None
    said = await assistant.press(mair, pressed(reminder, "Accept"))
    assert said is not None and said.replies[0].text.startswith("You accepted")
    clock.set(local(2026, 11, 25, 10))
    assert (await assistant.nudges_due()).notices == []


async def test_the_allocated_worker_is_reminded_on_days_7_14_18_asked_on_21_and_managers_told(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await accepted(storage)
    await managers(assistant)
    got: list[tuple[str, int | None, str]] = []
    day = local(2026, 11, 23, 9)  # the day received (a Monday), 09:00
    for n in range(1, 24):
        clock.set(day + timedelta(days=n))
        got += [(f"day {n}", x.telegram_id, first_word(x))
                for x in (await assistant.nudges_due()).notices]  # fmt: skip
    assert got == [
        ("day 7", 2, "Reminder:"), ("day 14", 2, "Reminder:"), ("day 18", 2, "Reminder:"),
        ("day 21", 2, "Referral"), ("day 22", 5, "Overdue:"),
    ]  # fmt: skip
    last_day = next(x for x in (await ledger(storage)) if x.rule == "first_session_last_day")
    assert last_day.due_at == local(2026, 12, 14)  # the deadline's own day, 21 after receipt


async def test_the_buttons_on_a_nudge_act_on_the_case_at_once(
    storage: Storage, clock: FixedClock
) -> None:
    """Day 7: "Set the first-session date" asks for it; day 21 also offers a contact attempt;
    the manager told on day 22 can open the case."""
    assistant, mair = await accepted(storage)
    await managers(assistant)
    clock.set(local(2026, 11, 30, 9))
    (reminder,) = (await assistant.nudges_due()).notices
    labels = [[b.label for b in row] for row in reminder.reply.buttons]
    assert labels == [["Set the first-session date"], ["Remind me tomorrow"]]
    asked = await assistant.press(mair, pressed(reminder, "Set the first-session date"))
    assert asked is not None and "when is the first session?" in asked.replies[-1].text
    await assistant.command(mair, "cancel")
    clock.set(local(2026, 12, 14, 9))  # day 21 (with day 18's reminder: not swept since 7)
    (last_day,) = [n for n in (await assistant.nudges_due()).notices if first_word(n) == "Referral"]
    assert [[b.label for b in row] for row in last_day.reply.buttons] == [
        ["Set the first-session date"], ["Record a contact attempt"], ["Did not take up"],
        ["Remind me tomorrow"],
    ]  # fmt: skip
    # Day 21 is the deadline's own day: the outcome form itself says "not yet".
    not_yet = await assistant.press(mair, pressed(last_day, "Did not take up"))
    assert not_yet is not None
    assert [r.text for r in not_yet.replies] == [
        t("en", "outcome.not_yet.not_taken_up", day="15/12/2026")
    ]
    clock.set(local(2026, 12, 15, 9))
    (overdue,) = (await assistant.nudges_due()).notices
    mel = await assistant.identify(5)
    assert mel is not None and overdue.telegram_id == 5
    card = await assistant.press(mel, pressed(overdue, "Open the case"))
    assert card is not None and overdue.reply.text.split()[3] in card.replies[0].text


async def test_after_downtime_only_the_latest_nudge_of_each_rule_goes(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await accepted(storage)
    await managers(assistant)
    clock.set(local(2026, 12, 16, 11))  # the sweeper was down from receipt to day 23
    notices = (await assistant.nudges_due()).notices
    assert [(n.telegram_id, first_word(n)) for n in notices] == [
        (2, "Reminder:"), (2, "Referral"), (5, "Overdue:")
    ]  # fmt: skip
    reminders = [r for r in await ledger(storage) if r.rule == "first_session_reminder"]
    assert [r.due_at for r in reminders] == [local(2026, 12, 11)]  # day 18 only, not 7 or 14


async def test_a_nudge_for_a_worker_who_left_goes_to_the_managers_on_record_as_undeliverable(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await accepted(storage)
    await managers(assistant)
    async with storage.unit_of_work() as uow:
        mair = await uow.people.by_telegram_id(2)
        assert mair is not None
        await uow.people.revoke(mair, actor="admin")
    clock.set(local(2026, 11, 30, 9))
    (told,) = (await assistant.nudges_due()).notices
    assert told.telegram_id == 5
    assert told.reply.text.startswith(
        t("en", "nudge.instead", name="Mair", why=t("en", "nudge.why.left"))
    )
    assert "has no first-session date yet" in told.reply.text
    left, instead = await ledger(storage)
    assert (left.undeliverable, left.notification_id) == ("left", None)
    assert (instead.instead_of, instead.rule) == (left.id, "first_session_reminder")


async def test_a_worker_who_blocked_the_bot_the_managers_are_told_instead_once(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await accepted(storage)
    await managers(assistant, MEL, InviteSpec("manager", "Mo", la_codes=("cardiff",)))
    clock.set(local(2026, 11, 30, 9))
    (reminder,) = (await assistant.nudges_due()).notices
    assert reminder.notification_id is not None
    instead = await assistant.unreachable([reminder.notification_id])  # Telegram said 403
    assert sorted(n.telegram_id or 0 for n in instead) == [5, 6]
    assert t("en", "nudge.why.blocked") in instead[0].reply.text
    assert await assistant.unreachable([reminder.notification_id]) == []  # on record once
    first = (await ledger(storage))[0]
    assert first.undeliverable == "blocked"
    clock.advance(minutes=5)
    again = await assistant.owed_again()  # the managers' (not sent here), never the blocked one
    assert sorted(n.telegram_id or 0 for n in again) == [5, 6]


async def test_remind_me_tomorrow_sends_it_again_the_next_working_morning(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await accepted(storage)
    clock.set(local(2026, 12, 11, 9, 30))  # day 18, a Friday
    (reminder,) = (await assistant.nudges_due()).notices
    said = await assistant.press(mair, pressed(reminder, "Remind me tomorrow"))
    assert said is not None
    reference = reminder.reply.text.split()[2]
    snoozed = t("en", "nudge.snoozed", reference=reference, when="Mon 14/12 09:00")
    assert said.replies[0].text == snoozed
    listed = await assistant.command(mair, "nudges")
    assert listed is not None and "you asked to be reminded" in listed.replies[0].text
    clock.set(local(2026, 12, 14, 8, 59))
    assert (await assistant.nudges_due()).notices == []
    clock.set(local(2026, 12, 14, 9))
    again = (await assistant.nudges_due()).notices
    assert sorted(first_word(n) for n in again) == ["Referral", "Reminder:"]  # and day 21's
    assert (await assistant.nudges_due()).notices == []  # once


async def test_remind_me_tomorrow_on_what_is_done_already_says_so(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage)
    clock.set(local(2026, 11, 24, 10))
    (reminder,) = (await assistant.nudges_due()).notices
    mair = await assistant.identify(2)
    assert mair is not None
    await assistant.press(mair, pressed(reminder, "Accept"))
    said = await assistant.press(mair, pressed(reminder, "Remind me tomorrow"))
    assert said is not None and said.replies[0].text.endswith(
        "no longer needs this: there is nothing to remind you of."
    )


async def test_nudges_lists_what_is_coming_soonest_first_a_page_at_a_time(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await accepted(storage)
    await managers(assistant)
    sergeant = await assistant.identify(1)
    assert sergeant is not None
    for _ in range(2):  # two more referrals, waiting to be accepted
        await drive(assistant, sergeant, script.whole("en"))
    listed = await assistant.command(mair, "nudges")
    assert listed is not None
    lines = listed.replies[0].text.split("\n")
    assert lines[0] == "Coming up (UK time), page 1 of 2:"
    assert lines[1].startswith("Tue 24/11 10:00 · R-") and lines[1].endswith(
        "· reminder: not accepted yet"
    )
    assert lines[3].startswith("Mon 30/11 09:00") and lines[3].endswith(
        "reminder: first-session date"
    )
    # Two offers to Cardiff's workers, her four on the first-session date, then the delivery
    # date's reminders (4 weeks and 1 week before) on the next page with its overdue notice.
    assert len(lines) == 1 + 8
    assert lines[-2].startswith("Tue 26/01 09:00") and lines[-1].startswith("Tue 16/02 09:00")
    assert lines[-1].endswith("· reminder: support due")  # 4 and 1 weeks before 23/02/2027
    (later,) = listed.replies[0].buttons[0]
    page_2 = await assistant.press(mair, later.token)
    assert page_2 is not None
    (overdue,) = page_2.replies[0].text.split("\n")[1:]
    assert overdue.startswith("Wed 24/02 09:00") and overdue.endswith(
        "overdue: support not delivered"
    )
    mel = await assistant.identify(5)
    assert mel is not None
    managed = await assistant.command(mel, "nudges")
    assert managed is not None
    text = managed.replies[0].text
    # Each offer's four (the workers', the managers' not accepted, first-session date and
    # delivery overdue) and the nine on Mair's case.
    assert "page 1 of 3" in text and "→ the workers" in text and "→ Mair" in text
    (later,) = managed.replies[0].buttons[0]
    assert later.label == "Later ›"
    page_2 = await assistant.press(mel, later.token)
    assert page_2 is not None and page_2.replies[0].edit
    assert "page 2 of 3" in page_2.replies[0].text and "→ the managers" in page_2.replies[0].text
    assert [b.label for b in page_2.replies[0].buttons[0]] == ["‹ Earlier", "Later ›"]
    nia = await enrol(assistant, 4, InviteSpec("worker", "Nia", la_codes=("newport",)))
    nothing = await assistant.command(nia, "nudges")
    assert nothing is not None and nothing.replies[0].text == t("en", "nudges.none")


async def test_in_welsh_for_a_welsh_speaker(storage: Storage, clock: FixedClock) -> None:
    assistant, _ = await submitted(storage, IFAN)
    ifan = await assistant.identify(3)
    assert ifan is not None
    (choice,) = (await assistant.command(ifan, "language")).replies  # type: ignore[union-attr]
    await assistant.press(ifan, choice.buttons[0][1].token)  # Cymraeg
    ifan = await assistant.identify(3)
    assert ifan is not None
    listed = await assistant.command(ifan, "nudges")
    assert listed is not None
    title, line = listed.replies[0].text.split("\n")
    assert title == "I ddod (amser y DU), tudalen 1 o 1:"
    assert line.startswith("Maw 24/11 10:00 · R-") and line.endswith("heb ei dderbyn eto")
    clock.set(local(2026, 11, 24, 10))
    (reminder,) = [n for n in (await assistant.nudges_due()).notices if n.telegram_id == 3]
    assert reminder.reply.text.startswith("Yn dal i aros: nid oes neb wedi derbyn atgyfeiriad")
    assert "Llun 23/11/2026" in reminder.reply.text  # since Monday, in Welsh
    assert [b.label for row in reminder.reply.buttons for b in row] == [
        "Derbyn",
        "Atgoffa fi yfory",
    ]
    listed = await assistant.command(ifan, "nudges")  # the managers' are not his to see
    assert listed is not None and listed.replies[0].text == t("cy", "nudges.none")


async def test_a_console_users_nudges_wait_for_their_console(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage)
    console = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "en")
    clock.set(local(2026, 11, 24, 10))
    swept = (await assistant.nudges_due()).notices
    (at_console,) = [n for n in swept if n.telegram_id is None]
    assert at_console.reply.text.startswith("Still waiting")
    clock.advance(minutes=5)
    assert all(n.telegram_id == 2 for n in await assistant.owed_again())  # not the console's
    offer, shown = await assistant.inbox(console)  # offered it on enrolling, then the nudge
    assert offer.reply.text.startswith("New referral R-")
    assert shown.reply.text == at_console.reply.text
    said = await assistant.press(console, pressed(shown, "Remind me tomorrow"))
    assert said is not None and "Wed 25/11 09:00" in said.replies[0].text
    assert await assistant.inbox(console) == []  # shown once
    clock.set(local(2026, 11, 25, 9))
    (again,) = [n for n in (await assistant.nudges_due()).notices if n.telegram_id is None]
    (shown,) = await assistant.inbox(console)
    assert shown.reply.text == again.reply.text


async def test_rules_from_another_file_replace_the_shipped_ones(
    storage: Storage, clock: FixedClock, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[nudge]]\nname = "slow"\nchases = "accepted"\nto = "la_workers"\n'
        'says = "offer_reminder"\nworking_days_after_start = [3]\n'
    )
    slow = Storage(storage.db, clock, storage.cipher, LONDON, read_rules(rules))
    await submitted(slow)
    assert (await referral_row(slow)).next_nudge_at == local(2026, 11, 26, 10)
    settings = load_settings(OOCPS_NUDGE_RULES=str(rules))
    assert settings.nudge_rules == read_rules(rules)
    rules.write_text(rules.read_text().replace("[3]", "[-3]"))
    with pytest.raises(SettingsError) as bad:
        load_settings(OOCPS_NUDGE_RULES=str(rules))
    message = str(bad.value)
    assert message.startswith(f"OOCPS_NUDGE_RULES {rules}: nudge rule 'slow': ")
    assert "working_days_after_start must be whole numbers" in message and "\n" not in message
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(OOCPS_NUDGE_RULES=str(tmp_path / "none.toml"))
    rules.write_text("[[nudge]\n")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_settings(OOCPS_NUDGE_RULES=str(rules))
    assert parse_rules({"nudge": []}).rules == ()


@pytest.mark.skipif(not POSTGRES_URL, reason="two sweepers at once need PostgreSQL")
async def test_two_sweepers_at_once_on_postgresql_send_each_nudge_once(
    storage: Storage, clock: FixedClock
) -> None:
    if storage.db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    assistant, _ = await submitted(storage, IFAN)
    await managers(assistant)
    sergeant = await assistant.identify(1)
    assert sergeant is not None
    for _ in range(5):
        await drive(assistant, sergeant, script.whole("en"))
    clock.set(local(2026, 11, 24, 11))  # 6 referrals, each due a reminder to 2 workers
    other = Storage(storage.db.clone(), clock, storage.cipher, LONDON)
    try:
        # One sweeper holds two cases, uncommitted; the other, meanwhile, skips them.
        async with storage.unit_of_work() as first:
            held = await sweep(first, batch=2)
            async with asyncio.timeout(10):  # waiting on the first's locks would hang here
                async with other.unit_of_work() as second:
                    rest = await sweep(second, batch=100)
        assert len(held.notices) == 4 and len(rest.notices) == 8
        clock.advance(minutes=1)
        both = await asyncio.gather(*(Assistant(s, "bot").nudges_due() for s in (storage, other)))
        assert [s.notices for s in both] == [[], []]
        # And two at once from the start, on the next nudge of every case.
        clock.set(local(2026, 11, 25, 11))
        async with asyncio.timeout(20):
            both = await asyncio.gather(
                *(Assistant(s, "bot").nudges_due() for s in (storage, other))
            )
        assert sum(len(s.notices) for s in both) == 6  # Mel, told of each case once
    finally:
        await other.db.dispose()
    rows = await ledger(storage)
    keys = [(r.referral_id, r.rule, r.due_at, r.recipient_user_id) for r in rows]
    assert len(keys) == len(set(keys)) == 18
    async with storage.unit_of_work() as uow:
        count = await uow.session.scalar(select(func.count()).select_from(Notification)
                                         .where(Notification.kind.like("nudge:%")))  # fmt: skip
    assert count == 18


async def test_at_the_console_a_nudge_is_shown_at_the_prompt_and_its_buttons_work(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await submitted(storage)
    nia = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "cy")
    clock.set(local(2026, 11, 24, 10))
    await assistant.nudges_due()
    term = Terminal("2", "/quit")
    await run_console(Assistant(storage, "console"), nia, term.ask, term.say)
    assert "Yn dal i aros: nid oes neb wedi derbyn atgyfeiriad" in term.text
    assert "  [1] Derbyn" in term.text and "  [2] Atgoffa fi yfory" in term.text
    assert "Byddaf yn eich atgoffa am R-" in term.text and "Mer 25/11 09:00" in term.text


async def test_a_nudge_a_stopped_sweeper_left_unsent_is_sent_again_only_in_working_time(
    storage: Storage, clock: FixedClock
) -> None:
    """Found by the year's simulation (tests/test_simulation.py): the sweeper claimed and owed
    a reminder at 16:58 on a Friday and stopped before sending it. The resend is not to send
    it at 17:03 that evening, nor give it up over the weekend: it goes on Monday at 09:00."""
    clock.set(local(2026, 11, 26, 16, 58))  # a Thursday: the workers' reminder is due Friday
    assistant, outcome = await submitted(storage)
    await assistant.delivered([(n.notification_id or 0, 1) for n in outcome.notices])
    clock.set(local(2026, 11, 27, 16, 58))
    (reminder,) = (await assistant.nudges_due()).notices  # committed; the process stops here
    clock.set(local(2026, 11, 27, 17, 3))
    assert await assistant.owed_again() == []  # after hours
    clock.set(local(2026, 11, 28, 10))
    assert await assistant.owed_again() == []  # a Saturday
    clock.set(local(2026, 11, 30, 9))
    (again,) = await assistant.owed_again()
    assert (again.telegram_id, again.reply.text) == (2, reminder.reply.text)
    assert again.notification_id == reminder.notification_id
    clock.set(local(2026, 12, 1, 17))  # a working day after it was owed: no longer news
    assert await assistant.owed_again() == []


async def test_the_store_says_when_the_next_nudge_or_reminder_falls_due(
    storage: Storage, clock: FixedClock
) -> None:
    async with storage.unit_of_work() as uow:
        assert await uow.nudges.next_due_at() is None  # nothing anywhere
    assistant, mair = await accepted(storage)
    async with storage.unit_of_work() as uow:
        assert await uow.nudges.next_due_at() == local(2026, 11, 30, 9)  # day 7
    clock.set(local(2026, 11, 30, 9))
    (reminder,) = (await assistant.nudges_due()).notices
    await assistant.press(mair, pressed(reminder, "Remind me tomorrow"))
    async with storage.unit_of_work() as uow:  # asked for tomorrow, before day 14's
        assert await uow.nudges.next_due_at() == local(2026, 12, 1, 9)
