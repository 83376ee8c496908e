"""The nudges on a case being worked, through the assistant and the database, on SQLite and
PostgreSQL (issue 12): the delivery date, a session booked and not logged, an outcome the
police have not acknowledged, "Did not take up" on the day-21 nudge, the case card's next
nudge, and a sweep whose reads grow with what is due, not with the cases times the rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event

from conversations.assistant import Assistant
from conversations.i18n import t
from conversations.notifications.nudge_sweep import sweep
from conversations.notifications.nudges import DELIVERY_OVERDUE_BUTTONS, WORKER_BUTTONS
from conversations.notifications.outcome import notify_outcome
from conversations.reply import Notice, Outcome
from state_machine.clock import FixedClock
from storage.casework import SessionLog
from storage.models import Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive
from tests.test_nudges import IFAN, accepted, ledger, local, managers, pressed, referral_row


def labels(notice: Notice) -> list[list[str]]:
    return [[b.label for b in row] for row in notice.reply.buttons]


def said(outcome: Outcome | None) -> list[str]:
    assert outcome is not None
    return [reply.text for reply in outcome.replies]


async def first_session_on(storage: Storage, on: date) -> Referral:
    """Mair sets the first-session date (the case is engaged)."""
    row = await referral_row(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(row.id)
        await uow.referrals.transition(referral, "set_first_session", actor="user:2",
                                       first_session_date=on)  # fmt: skip
        return referral


async def log_session(storage: Storage, on: date, *, next_on: date | None = None) -> Referral:
    row = await referral_row(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(row.id)
        assert referral.allocated_worker_id is not None
        log = SessionLog(on, "attended", minutes=60, delivery="face_to_face", language="en",
                         engagement="appropriate")  # fmt: skip
        await uow.casework.log_session(referral, log, worker_id=referral.allocated_worker_id,
                                       next_on=next_on, actor="user:2")  # fmt: skip
        return referral


async def test_a_session_booked_is_chased_the_next_working_morning_until_it_is_logged(
    storage: Storage, clock: FixedClock
) -> None:
    """The first session on Friday 27 November, not logged: Mair is reminded on Monday at
    09:00 with "Log a session". Logged with the next one booked for Friday 4 December, the
    next reminder is Monday 7th; with none booked, only the delivery date is left."""
    assistant, mair = await accepted(storage)
    referral = await first_session_on(storage, date(2026, 11, 27))
    assert referral.next_nudge_at == local(2026, 11, 30, 9)  # in the change's transaction
    async with storage.unit_of_work() as uow:
        case = await uow.referrals.case_of(await uow.referrals.get_by_id(referral.id))
        assert case.session_planned_on == date(2026, 11, 27)  # the first, none logged
    clock.set(local(2026, 11, 30, 8, 59))
    assert (await assistant.nudges_due()).notices == []
    clock.set(local(2026, 11, 30, 9))
    (reminder,) = (await assistant.nudges_due()).notices
    assert reminder.telegram_id == 2 and reminder.reply.text.startswith(
        f"Referral {referral.reference} (SDJ): the session booked for 27/11/2026 is not logged"
    )
    assert labels(reminder) == [["Log a session"], ["Remind me tomorrow"]]
    asked = said(await assistant.press(mair, pressed(reminder, "Log a session")))
    assert f"{referral.reference} (SDJ): on which day was the session" in asked[-1]
    await assistant.command(mair, "cancel")

    logged = await log_session(storage, date(2026, 11, 27), next_on=date(2026, 12, 4))
    assert logged.next_nudge_at == local(2026, 12, 7, 9)  # the next one, booked for a Friday
    clock.set(local(2026, 12, 7, 9))
    (next_one,) = (await assistant.nudges_due()).notices
    assert "the session booked for 04/12/2026 is not logged" in next_one.reply.text
    logged = await log_session(storage, date(2026, 12, 4))
    assert logged.next_nudge_at == local(2027, 1, 26, 9)  # nothing booked: delivery, 4 weeks
    async with storage.unit_of_work() as uow:
        found = await uow.referrals.get_by_id(logged.id)
        await uow.casework.plan_session(found, worker_id=mair.user_id, on=date(2026, 12, 9),
                                        actor="user:2")  # fmt: skip
        assert found.next_nudge_at == local(2026, 12, 10, 9)  # planned: chased again
    assert (await referral_row(storage)).next_nudge_at == local(2026, 12, 10, 9)
    rules = [r.rule for r in await ledger(storage)]
    assert rules == ["session_not_logged", "session_not_logged"]


async def test_the_delivery_date_reminds_the_worker_then_tells_her_and_the_managers_when_overdue(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _mair = await accepted(storage)
    await managers(assistant)
    await first_session_on(storage, date(2026, 11, 24))
    await log_session(storage, date(2026, 11, 24))
    got: list[tuple[int | None, str]] = []
    for moment in (local(2027, 1, 26, 9), local(2027, 2, 16, 9), local(2027, 2, 24, 9)):
        clock.set(moment)
        got += [(n.telegram_id, n.reply.text.split(":")[0])
                for n in (await assistant.nudges_due()).notices]  # fmt: skip
    assert got == [(2, "Reminder"), (2, "Reminder"), (2, "Overdue"), (5, "Overdue")]
    assert (await assistant.nudges_due()).notices == []  # once each
    rows = await ledger(storage)
    assert [(r.rule, r.due_at) for r in rows] == [
        ("delivery_reminder", local(2027, 1, 26)), ("delivery_reminder", local(2027, 2, 16)),
        ("delivery_overdue", local(2027, 2, 24)), ("delivery_overdue_managers", local(2027, 2, 24)),
    ]  # fmt: skip


async def test_the_overdue_delivery_nudge_carries_record_the_outcome_and_it_opens_the_form(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await accepted(storage)
    await managers(assistant)
    await first_session_on(storage, date(2026, 11, 24))
    await log_session(storage, date(2026, 11, 24))
    clock.set(local(2027, 2, 24, 10))  # the sweeper down since: the latest of each rule
    notices = (await assistant.nudges_due()).notices
    hers = [n for n in notices if n.telegram_id == 2 and n.reply.text.startswith("Overdue")]
    (overdue,) = hers
    (mels,) = [n for n in notices if n.telegram_id == 5]
    assert overdue.reply.text == mels.reply.text  # the same facts; the buttons differ
    assert "was due to be delivered by 23/02/2027" in overdue.reply.text
    assert "Allocated worker: Mair" in overdue.reply.text and "Siân" not in overdue.reply.text
    assert labels(overdue) == [
        *[[t("en", label)] for label, _action in DELIVERY_OVERDUE_BUTTONS],
        ["Remind me tomorrow"],
    ]
    assert labels(overdue)[:3] == [
        ["Record the outcome"],
        ["Ask police for an extension"],
        ["Open the case"],
    ]
    assert WORKER_BUTTONS[("support_delivered", "overdue")] is DELIVERY_OVERDUE_BUTTONS
    assert labels(mels) == [["Open the case"], ["Remind me tomorrow"]]
    extension = said(await assistant.press(mair, pressed(overdue, "Ask police for an extension")))
    assert "Until when do you ask the police to extend it?" in extension[-1]
    await assistant.press(mair, pressed(overdue, "Open the case"))  # leaves that form
    asked = said(await assistant.press(mair, pressed(overdue, "Record the outcome")))
    assert "which outcome do you want to record?" in asked[-1]
    mel = await assistant.identify(5)
    assert mel is not None
    card = said(await assistant.press(mel, pressed(mels, "Open the case")))
    assert card[0].startswith(f"{(await referral_row(storage)).reference} (SDJ) · Cardiff")


async def test_an_outcome_not_acknowledged_reminds_the_officer_then_tells_the_managers(
    storage: Storage, clock: FixedClock
) -> None:
    """Recorded on Tuesday 15 December (day 22): the sergeant is reminded on Thursday 17th
    with Acknowledge, asks for tomorrow, is reminded again on Friday; the managers are told on
    Tuesday 22nd (5 working days); the sergeant acknowledges from the reminder, and that is
    the end of it."""
    assistant, _mair = await accepted(storage)
    await managers(assistant)
    clock.set(local(2026, 12, 15, 10))
    reference = (await referral_row(storage)).reference
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        await uow.referrals.transition(referral, "record_not_taken_up", actor="user:2")
        assert (await notify_outcome(uow, referral, actor="user:2")).police
        assert referral.next_nudge_at == local(2026, 12, 17, 10)
    sergeant = await assistant.identify(1)
    assert sergeant is not None
    clock.set(local(2026, 12, 17, 10))
    (reminder,) = (await assistant.nudges_due()).notices
    assert reminder.telegram_id == 1
    assert reminder.reply.text == t(
        "en", "nudge.police_acknowledgement.reminder", reference=reference, initials="SDJ",
        la="Cardiff", since="Tue 15/12/2026",
    )  # fmt: skip
    assert labels(reminder) == [["Acknowledge"], ["Remind me tomorrow"]]
    snoozed = said(await assistant.press(sergeant, pressed(reminder, "Remind me tomorrow")))
    assert snoozed == [t("en", "nudge.snoozed", reference=reference, when="Fri 18/12 09:00")]
    clock.set(local(2026, 12, 18, 9))
    (again,) = (await assistant.nudges_due()).notices
    assert again.telegram_id == 1 and again.reply.text == reminder.reply.text
    clock.set(local(2026, 12, 22, 10))
    (told,) = (await assistant.nudges_due()).notices
    assert told.telegram_id == 5 and told.reply.text.startswith(
        f"The police have not acknowledged the outcome of referral {reference} (SDJ) in Cardiff"
    )
    assert labels(told) == [["Open the case"], ["Remind me tomorrow"]]
    thanks = said(await assistant.press(sergeant, pressed(reminder, "Acknowledge")))
    assert thanks == [t("en", "outcome.acknowledged", reference=reference)]
    row = await referral_row(storage)
    assert row.next_nudge_at is None and row.police_acknowledged_at == clock.now()
    mel = await assistant.identify(5)
    assert mel is not None
    late = said(await assistant.press(mel, pressed(told, "Remind me tomorrow")))
    assert late == [t("en", "nudge.snooze_not_needed", reference=reference)]


async def test_an_officer_who_left_the_managers_are_told_of_the_reminder_instead(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _mair = await accepted(storage)
    await managers(assistant)
    clock.set(local(2026, 12, 15, 10))
    row = await referral_row(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(row.id)
        await uow.referrals.transition(referral, "record_not_taken_up", actor="user:2")
        await notify_outcome(uow, referral, actor="user:2")
        sergeant = await uow.people.by_telegram_id(1)
        assert sergeant is not None
        await uow.people.revoke(sergeant, actor="admin")
    clock.set(local(2026, 12, 17, 10))
    (told,) = (await assistant.nudges_due()).notices
    assert told.telegram_id == 5
    assert told.reply.text.startswith(
        t("en", "nudge.instead", name="Sgt", why=t("en", "nudge.why.left"))
    )
    assert labels(told) == [["Open the case"], ["Remind me tomorrow"]]  # not Acknowledge
    left, instead = await ledger(storage)
    assert (left.rule, left.undeliverable) == ("acknowledgement_reminder", "left")
    assert instead.instead_of == left.id


async def test_did_not_take_up_on_the_day_21_nudge_opens_the_outcome_form_once_it_may_be_recorded(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await accepted(storage)
    clock.set(local(2026, 12, 14, 9))  # day 21: the last day
    (last_day,) = [n for n in (await assistant.nudges_due()).notices
                   if n.reply.text.startswith("Referral")]  # fmt: skip
    not_yet = said(await assistant.press(mair, pressed(last_day, "Did not take up")))
    assert not_yet == [t("en", "outcome.not_yet.not_taken_up", day="15/12/2026")]
    async with storage.unit_of_work() as uow:
        assert await uow.dialogues.current(mair.user_id) is None  # nothing begun
    clock.set(local(2026, 12, 15, 11))  # the day after: the 3 weeks are over
    opened = said(await assistant.press(mair, pressed(last_day, "Did not take up")))
    reference = (await referral_row(storage)).reference
    assert opened[0].startswith(f"{reference} (SDJ): recording “did not take up”.")
    assert t("en", "case.attempts_none") in opened[0]  # what it rests on, shown first
    assert opened[-1].endswith(t("en", "outcome.q.safeguarding"))  # after "2/2 · "
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(mair.user_id)
        assert dialogue is not None and dialogue.answers.get("outcome") == "not_taken_up"
    review = await drive(assistant, mair, [("say", "No")])
    assert review.replies[-1].text.startswith(t("en", "outcome.review.title",
                                                case=f"{reference} (SDJ)"))  # fmt: skip


async def test_the_case_card_shows_the_next_nudge_its_reader_will_see(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await accepted(storage)
    await managers(assistant)
    row = await referral_row(storage)
    token = await _issue(storage, mair.user_id, "case.open", {"referral_id": row.id})
    card = said(await assistant.press(mair, token))[0]
    assert t("en", "case.next_nudge", when="Mon 30/11 09:00",
             what="reminder: first-session date") in card.split("\n")  # fmt: skip
    mel = await assistant.identify(5)
    assert mel is not None
    token = await _issue(storage, mel.user_id, "case.open", {"referral_id": row.id})
    card = said(await assistant.press(mel, token))[0]
    assert "Next reminder: Mon 30/11 09:00 · reminder: first-session date → Mair" in card
    clock.set(local(2026, 12, 15, 9, 30))  # day 22: Mair's are done; the managers' one is now
    await assistant.nudges_due()
    token = await _issue(storage, mair.user_id, "case.open", {"referral_id": row.id})
    card = said(await assistant.press(mair, token))[0]
    assert "Next reminder: Tue 26/01 09:00 · reminder: support due" in card
    async with storage.unit_of_work() as uow:  # she reads it in Welsh from now on
        user = await uow.people.get(mair.user_id)
        assert user is not None
        await uow.people.set_language(user, "cy")
    cymraeg = await assistant.identify(2)
    assert cymraeg is not None and cymraeg.language == "cy"
    token = await _issue(storage, mair.user_id, "case.open", {"referral_id": row.id})
    card = said(await assistant.press(cymraeg, token))[0]
    assert "Nodyn atgoffa nesaf: Maw 26/01 09:00 · nodyn atgoffa: cymorth yn ddyledus" in card


async def _issue(storage: Storage, user_id: int, action: str, payload: dict[str, Any]) -> str:
    async with storage.unit_of_work() as uow:
        return uow.buttons.issue(user_id, action, payload, uow.clock.now())


@contextmanager
def statements(storage: Storage) -> Iterator[list[str]]:
    """Every SQL statement sent while inside, as sent."""
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    engine = storage.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_the_sweep_sends_the_same_statements_however_many_cases_and_nudges(
    storage: Storage, clock: FixedClock
) -> None:
    """Four cases due at once (eight nudges), then one: the cases' sessions and the people
    they go to are read in one statement each either way, and the claims, the notices, their
    links and the cases' next moments are written in one each: no statement is sent twice,
    and eight nudges take no more statements than one."""
    assistant, _ = await accepted(storage, IFAN)
    sergeant = await assistant.identify(1)
    assert sergeant is not None
    clock.set(local(2026, 11, 24, 9, 30))
    for _ in range(4):  # four more referrals, each due a reminder to both workers tomorrow
        await drive(assistant, sergeant, script.whole("en"))
    reads: list[tuple[int, int, int, int]] = []
    # Four offers due their workers' reminder; then Mair's day-7 reminder, with the four's
    # managers' notice due too (none enrolled here: nobody to tell).
    for moment in (local(2026, 11, 25, 9, 30), local(2026, 11, 30, 9)):
        clock.set(moment)
        with statements(storage) as sent:
            async with storage.unit_of_work() as uow:
                swept = await sweep(uow)
        sessions = sum("FROM parenting_sessions" in s for s in sent)
        people = sum("FROM users" in s for s in sent)
        reads.append((len(swept.notices), sessions, people, len(sent)))
        assert len(set(sent)) == len(sent), "a statement sent once per case or nudge"
    ((eight, sessions_a, people_a, sent_a), (one, sessions_b, people_b, sent_b)) = reads
    assert (eight, one) == (8, 1)
    assert sessions_a == sessions_b == 1  # five cases or four: one statement
    assert people_a == people_b == 1  # the LAs' people; Mair, named, among them: not again
    assert sent_a == sent_b  # eight nudges or one: the same statements


async def test_a_first_session_not_logged_is_chased_before_a_later_one_booked(
    storage: Storage, clock: FixedClock
) -> None:
    """The first session (25 November) never logged, the next booked for 2 December: the
    first is chased; once it is logged, the one booked. Read afresh in each unit of work, so
    any instance's sweeper finds the same."""
    assistant, mair = await accepted(storage)
    referral = await first_session_on(storage, date(2026, 11, 25))
    async with storage.unit_of_work() as uow:
        found = await uow.referrals.get_by_id(referral.id)
        await uow.casework.plan_session(found, worker_id=mair.user_id, on=date(2026, 12, 2),
                                        actor="user:2")  # fmt: skip
    assert (await referral_row(storage)).next_nudge_at == local(2026, 11, 26, 9)
    clock.set(local(2026, 11, 26, 9))
    (first,) = (await Assistant(storage, "console").nudges_due()).notices
    assert "the session booked for 25/11/2026" in first.reply.text
    await log_session(storage, date(2026, 11, 25))
    assert (await referral_row(storage)).next_nudge_at == local(2026, 12, 3, 9)
    clock.set(local(2026, 12, 3, 9))
    (booked,) = (await assistant.nudges_due()).notices
    assert "the session booked for 02/12/2026" in booked.reply.text
