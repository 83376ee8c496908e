"""A parenting worker logs sessions on an engaged case, books the next one and takes the
parent's feedback, each story driven through the assistant with the clock moved."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.console import console_actor, run_console
from conversations.assistant import Assistant
from conversations.cases.session import parse_minutes
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.parsing import Problem
from state_machine.clock import FixedClock
from storage.models import ParentFeedback, ParentingSession
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import Phone, drive, enrol
from tests.test_cases import accept, open_case, people, refer
from tests.test_console_and_admin_cli import Terminal

REASON = "Asked questions and joined in; her son Dafydd was mentioned"
WELL = "Calm, warm with Dafydd at bedtime"
STEPS = "Try the calm-down plan with Dafydd"
COMMENT = "Mair listened to me, I shout less at Dafydd"


def on_screen(phone: Phone) -> set[str]:
    return {label for row in phone.buttons() for label in row}


async def log(phone: Phone, *steps: str) -> list[str]:
    """From the card: Log a session, then each step pressed if it is a button on screen,
    else typed."""
    said = await phone.press(t("en", "case.log_session"))
    for step in steps:
        said = await (phone.press(step) if step in on_screen(phone) else phone.say(step))
    return said


async def engaged(storage: Storage) -> tuple[Phone, str]:
    """Mair's case, accepted on Monday 23 November, first session set for tomorrow."""
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await mair.press(t("en", "case.set_first_session"))
    await mair.press(t("en", "first_session.tomorrow"))
    return mair, reference


ATTENDED = ("Yes, they attended", "1 hour", "Face to face", "Welsh",
            "☐ The law has changed, and why", "☐ Why it harms children", "Done",
            "Yes, appropriately")  # fmt: skip


async def test_an_attended_session_is_logged_with_its_topics_and_the_next_one_is_planned(
    storage: Storage, clock: FixedClock
) -> None:
    mair, reference = await engaged(storage)
    clock.advance(days=1)  # Tuesday 24 November, the first session
    (asked,) = await mair.press(t("en", "case.log_session"))
    assert asked.startswith("1/") and f"{reference} (SDJ): on which day" in asked
    await mair.press("Today")
    (asked,) = await mair.press("Yes, they attended")
    assert asked.endswith(t("en", "session.q.minutes"))
    assert mair.buttons() == [["30 min", "45 min"], ["1 hour", "1½ hours"]]
    (asked,) = await mair.say("50 mins")
    assert "never recorded" in asked
    await mair.press("Face to face")
    (asked,) = await mair.press("Welsh")
    assert asked.endswith(t("en", "session.q.topics"))
    await mair.press("☐ The law has changed, and why")
    assert "☑ The law has changed, and why" in on_screen(mair)
    await mair.press("☐ Child development")
    await mair.press("Done")
    (asked,) = await mair.press("No, not appropriately")
    assert "additional needs" in asked
    assert t("en", "session.a.engagement_reason.no_reason") not in on_screen(mair)
    said = await mair.say("none")
    assert said[0] == t("en", "session.reason_needed")
    await mair.say(REASON)
    (asked,) = await mair.press("Yes, the police agreed")
    assert asked.endswith(t("en", "session.q.other_parent"))
    await mair.press("No")
    await mair.say(WELL)
    (asked,) = await mair.say(STEPS)
    assert asked.endswith(t("en", "session.q.next_on", example="01/12/2026"))
    said = await mair.say("24/11/2026")
    assert said[0] == t("en", "parse.date.too_early", earliest="25/11/2026")
    (review,) = await mair.say("01/12/2026")
    for line in ("• Day: 24/11/2026", "• How long: 50 min", "• Language: Welsh",
                 "• The law has changed, and why: Covered", "• Child development: Covered",
                 "• Why it harms children: Not covered", f"• Why: {REASON}",
                 "• Other parent took part: No", f"• Next steps: {STEPS}",
                 "• Next session: 01/12/2026"):  # fmt: skip
        assert line in review, line
    await mair.press("Change: Engagement")
    await mair.press("Engaged appropriately")
    (asked,) = await mair.press("Yes, appropriately")  # the reason rests on it: asked again
    assert asked.endswith(t("en", "session.q.engagement_reason.appropriate"))
    (review,) = await mair.press("Nothing to add")
    assert "• Engaged appropriately: Yes, appropriately" in review
    saved, card = await mair.press("Save")
    assert saved == t("en", "session.saved", case=f"{reference} (SDJ)", day="24/11/2026")
    assert t("en", "case.sessions_held", attended=1, count=1) in card
    assert t("en", "case.session_last", day="24/11/2026", status="Yes, they attended") in card
    assert t("en", "case.session_next", day="01/12/2026") in card
    assert t("en", "case.topics_covered", count=2, total=7) in card
    assert WELL not in card and STEPS not in card
    (details,) = await mair.press(t("en", "notify.show_details"))  # the words, on request
    assert details.endswith(f"{t('en', 'notify.details_sessions')}\n"
                            f"• 24/11/2026: Doing well: {WELL}; Next steps: {STEPS}")  # fmt: skip
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        reads = [e.actor for e in await uow.audit.trail(referral.id)
                 if e.action == "session_notes.read"]  # fmt: skip
        assert reads == [mair.actor.audit_name]
        rows = list(await uow.session.scalars(select(ParentingSession)
                                              .order_by(ParentingSession.held_on)))  # fmt: skip
    assert [(r.status, r.held_on.isoformat()) for r in rows] == [
        ("attended", "2026-11-24"), ("planned", "2026-12-01")]  # fmt: skip
    held = rows[0]
    assert (held.minutes, held.delivery, held.language, held.welsh_medium) == (
        50, "face_to_face", "cy", True)  # fmt: skip
    assert held.topics == ["law_changed", "development"]
    assert (held.engagement, held.engagement_reason) == ("appropriate", None)
    assert (held.police_agreed_other_parent, held.other_parent_took_part) == (True, False)
    assert held.doing_well is not None and WELL.encode() not in held.doing_well


async def test_a_missed_session_asks_only_the_day_and_what_happened_and_replaces_the_plan(
    storage: Storage, clock: FixedClock
) -> None:
    mair, reference = await engaged(storage)
    clock.advance(days=1)
    await log(mair, "Today", *ATTENDED[:-1], "Yes, appropriately", "Nothing to add",
              "Not asked", WELL, STEPS, "03/12/2026", "Save")  # fmt: skip
    clock.advance(days=9)  # Thursday 3 December: they did not come
    (review,) = await log(mair, "Today", "They did not attend", "No date yet")
    assert "• Took place: They did not attend" in review and "Delivery" not in review
    assert "<The topics>" not in review and "Change: The topics" not in on_screen(mair)
    assert "• Next session: No date yet" in review
    _saved, card = await mair.press("Save")
    assert t("en", "case.sessions_held", attended=1, count=2) in card
    assert t("en", "case.session_last", day="03/12/2026", status="They did not attend") in card
    assert "Next session:" not in card  # the plan it reached is gone; none set
    (asked,) = await mair.press(t("en", "case.next_session"))
    assert asked.startswith(f"{reference} (SDJ): when is the next session?")
    _set, card = await mair.press(t("en", "first_session.tomorrow"))
    assert t("en", "case.session_next", day="04/12/2026") in card
    (asked,) = await mair.press(t("en", "case.next_session"))
    assert "the next session is on 04/12/2026" in asked
    said = await mair.say("4/12/2026")
    assert said[0] == t("en", "next_session.same_day", day="04/12/2026")
    _moved, card = await mair.say("08/12/2026")
    assert t("en", "case.session_next", day="08/12/2026") in card
    (review,) = await log(mair, "Today", "It was cancelled", "The service", "08/12/2026")
    assert "• Cancelled by: The service" in review
    _saved, card = await mair.press("Save")  # a plan still ahead of it stays: it is moved
    assert t("en", "case.session_next", day="08/12/2026") in card
    async with storage.unit_of_work() as uow:
        rows = list(await uow.session.scalars(select(ParentingSession).order_by(
            ParentingSession.held_on, ParentingSession.id)))  # fmt: skip
    assert [(r.status, r.cancelled_by, r.engagement) for r in rows] == [
        ("attended", None, "appropriate"), ("missed", None, None),
        ("cancelled", "service", None), ("planned", None, None)]  # fmt: skip


async def test_feedback_is_offered_once_a_session_was_attended_and_its_comment_sealed(
    storage: Storage, clock: FixedClock
) -> None:
    mair, reference = await engaged(storage)
    assert t("en", "case.feedback_button") not in on_screen(mair)
    clock.advance(days=1)
    await log(mair, "Today", *ATTENDED, "Nothing to add", "Not asked", WELL, STEPS,
              "No date yet", "Save")  # fmt: skip
    (asked,) = await mair.press(t("en", "case.feedback_button"))
    assert asked.startswith(f"1/2 · {reference} (SDJ): how helpful")
    assert mair.buttons() == [["1", "2", "3", "4", "5"]]
    await mair.press("4")
    (review,) = await mair.say(COMMENT)
    assert "• How helpful (1–5): 4" in review
    saved, card = await mair.press("Save")
    assert saved == t("en", "feedback.saved", case=f"{reference} (SDJ)")
    assert t("en", "case.feedback", helpful=4) in card and COMMENT not in card
    async with storage.unit_of_work() as uow:
        (row,) = await uow.session.scalars(select(ParentFeedback))
        assert row.helpful == 4 and row.comment is not None and COMMENT.encode() not in row.comment
        session = await uow.session.scalar(select(ParentingSession))
        assert session is not None
    if not storage.db.is_postgresql:  # the file itself, and its write-ahead log
        path = Path(str(storage.db.url.database))
        for part in (path, path.with_name(path.name + "-wal")):
            assert not part.exists() or not any(
                words.encode() in part.read_bytes() for words in (COMMENT, WELL, STEPS)
            )
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert await uow.personal.purge(referral, actor="system:retention", reason="retention")
    async with storage.unit_of_work() as uow:
        (row,) = await uow.session.scalars(select(ParentFeedback))
        session = await uow.session.scalar(select(ParentingSession))
        assert row.comment is None and row.helpful == 4  # the score stays, the words go
        assert session is not None and session.doing_well is None and session.next_steps is None
        assert session.engagement == "appropriate"


async def test_no_session_is_logged_before_a_first_session_date_is_set(storage: Storage) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    assert t("en", "case.log_session") not in on_screen(mair)


def test_durations_are_read_in_minutes_or_hours() -> None:
    assert [parse_minutes(x) for x in ("50", "45 min", "1 hour", "1.5 hours", "1,5 awr",
                                       "90 munud")] == [50, 45, 60, 90, 90, 90]  # fmt: skip
    for bad in ("2", "9 hours", "about an hour", ""):
        assert isinstance(parse_minutes(bad), Problem), bad


async def test_a_console_worker_logs_a_missed_session_by_numbers_in_welsh(
    storage: Storage, clock: FixedClock
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    nia = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "cy")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await drive(assistant, sergeant, script.whole("en"))
    # Accept; Open the case; Set the first-session date: Today; Log a session: Today, They
    # did not attend, No date yet; Save.
    term = Terminal("1", "2", "2", "1", "1", "1", "2", "1", "3", "/quit")
    await run_console(assistant, nia, term.ask, term.say)
    case = next(line.split(" · ")[0] for line in term.shown if " · Caerdydd" in line)
    assert f"  [1] {t('cy', 'case.log_session')}" in term.shown
    assert (
        "  [2] " + t("cy", "session.change", section=t("cy", "session.section.next")) in term.shown
    )
    assert t("cy", "session.saved", case=case, day="23/11/2026") in term.shown
    missed = t("cy", "session.a.status.missed")
    assert t("cy", "case.session_last", day="23/11/2026", status=missed) in term.text


async def test_a_worker_moved_to_another_la_cannot_carry_on_a_session_log(
    storage: Storage, clock: FixedClock
) -> None:
    mair, _reference = await engaged(storage)
    clock.advance(days=1)
    await log(mair, "Today", "Yes, they attended")
    async with storage.unit_of_work() as uow:
        user = await uow.people.get(mair.actor.user_id)
        assert user is not None
        await uow.people.revoke(user, actor="test")
    moved = await enrol(mair.assistant, 2, InviteSpec("worker", "Mair", la_codes=("newport",)))
    said = await mair.assistant.text(moved, "45")
    assert said is not None and [r.text for r in said.replies] == [t("en", "text.not_expected")]
    async with storage.unit_of_work() as uow:
        assert await uow.dialogues.current(moved.user_id) is None
        assert list(await uow.session.scalars(select(ParentingSession))) == []
