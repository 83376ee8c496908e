"""A parenting worker's cases: the list and its order, the case card, contact attempts and the
first-session date, each story driven through the assistant with the clock moved."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.models import ContactAttempt, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import Phone, drive, enrol

NOTE = "Partner Dai answered and was abrupt"
SERGEANT = InviteSpec("police", "Sgt", "gwent")
MAIR = InviteSpec("worker", "Mair", la_codes=("cardiff",))
IFAN = InviteSpec("worker", "Ifan", la_codes=("cardiff",))


async def people(storage: Storage, *more: tuple[int, InviteSpec]) -> tuple[Assistant, Phone]:
    """A Gwent sergeant (telegram id 1), Mair of Cardiff (2) and anyone else; Mair's phone."""
    assistant = Assistant(storage, "bot")
    for telegram_id, spec in [(1, SERGEANT), (2, MAIR), *more]:
        await enrol(assistant, telegram_id, spec)
    mair = await assistant.identify(2)
    assert mair is not None
    return assistant, Phone(assistant, mair)


async def refer(assistant: Assistant) -> str:
    """The sergeant's referral to Cardiff, submitted: its reference."""
    sergeant = await assistant.identify(1)
    assert sergeant is not None
    done = await drive(assistant, sergeant, script.whole("en"))
    found = re.search(r"R-[0-9A-Z]{6}", done.replies[0].text)
    assert found is not None
    return found.group()


async def accept(assistant: Assistant, telegram_id: int, reference: str) -> None:
    """Someone's Accept on the referral's offer, pressed."""
    actor = await assistant.identify(telegram_id)
    assert actor is not None
    async with assistant.storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        token = uow.buttons.issue(
            actor.user_id, "referral.accept", {"referral_id": referral.id}, uow.clock.now()
        )
    done = await assistant.press(actor, token)
    assert done is not None and done.replies[0].text.startswith("You accepted")


async def open_case(phone: Phone, reference: str) -> str:
    await phone.say("/cases")
    while not any(label.startswith(reference) for label in phone.on_screen):
        await phone.press(t("en", "cases.next"))
    (card,) = await phone.press(next(k for k in phone.on_screen if k.startswith(reference)))
    return card


async def record(phone: Phone, *steps: str) -> list[str]:
    """From the card: Record a contact attempt, then each step pressed if it is a button on
    screen, else typed."""
    said = await phone.press(t("en", "case.record_contact"))
    for step in steps:
        labels = {b for row in phone.buttons() for b in row}
        said = await (phone.press(step) if step in labels else phone.say(step))
    return said


async def test_offers_come_first_then_what_is_due_soonest_a_page_at_a_time(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage, (3, IFAN))
    references = []
    for _ in range(7):  # received a day apart: each first-session date is due a day later
        references.append(await refer(assistant))
        clock.advance(days=1)
    first, ifans, *mine, waiting = references
    for reference in (first, *mine):
        await accept(assistant, 2, reference)
    await accept(assistant, 3, ifans)
    await open_case(mair, first)
    await mair.press(t("en", "case.set_first_session"))
    await mair.press(t("en", "first_session.tomorrow"))  # `first` now owes support, in February

    (listing,) = await mair.say("/cases")
    lines = listing.splitlines()
    assert lines[0] == t("en", "cases.title.worker", count=6)  # not Ifan's
    assert lines[1] == t("en", "cases.page", page=1, pages=2)
    assert lines[2].startswith(f"1. {waiting} (SDJ), waiting to be accepted: first-session")
    assert [line.split()[1] for line in lines[3:7]] == mine  # oldest received: due soonest
    assert "first-session date by 16/12/2026" in lines[3]  # received Wednesday 25th
    assert mair.buttons()[-1] == [t("en", "cases.next")]
    (second,) = await mair.press(t("en", "cases.next"))
    assert f"6. {first} (SDJ): support delivered by 23/02/2027" in second
    assert mair.buttons() == [[f"{first} (SDJ)"], [t("en", "cases.previous")]]
    (again,) = await mair.press(t("en", "cases.previous"))
    assert again == listing

    manager = await enrol(assistant, 5, InviteSpec("manager", "Mel", la_codes=("cardiff",)))
    national = await enrol(assistant, 6, InviteSpec("manager", "Nat", national=True))
    newport = await enrol(assistant, 4, InviteSpec("manager", "Nye", la_codes=("newport",)))
    for reader, count in ((manager, 7), (national, 7)):
        said = await assistant.command(reader, "cases")
        assert said is not None and said.replies[0].text.startswith(
            t("en", "cases.title.manager", count=count)
        )
    said = await assistant.command(newport, "cases")
    assert said is not None and said.replies[0].text == t("en", "cases.none.manager")


async def test_a_first_session_date_not_set_after_21_days_shows_as_overdue(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    clock.advance(days=21)  # Monday 14 December: due today, not yet overdue
    due = t("en", "case.owed.first_session_date", due="14/12/2026")
    assert f"1. {reference} (SDJ): {due}" in (await mair.say("/cases"))[0]
    clock.advance(days=1)
    assert (
        f"1. {reference} (SDJ): {t('en', 'case.overdue', owed=due)}"
        in (await mair.say("/cases"))[0]
    )


async def test_a_contact_attempt_is_dated_between_the_referral_and_today_and_can_be_corrected(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)  # received Monday 23 November
    await accept(assistant, 2, reference)
    clock.advance(days=3)
    card = await open_case(mair, reference)
    assert card.startswith(f"{reference} (SDJ) · Cardiff")
    said = await record(mair, "27/11/2026")
    assert said[0] == t("en", "parse.date.in_future", latest="26/11/2026")
    said = await mair.say("22/11/2026")
    assert said[0] == t("en", "parse.date.too_early", earliest="23/11/2026")
    await mair.say("23/11/2026")
    await mair.press("Home visit")
    await mair.press("No answer")
    (review,) = await mair.say(NOTE)
    assert "• Day: 23/11/2026" in review and "• How: Home visit" in review
    assert f"• Note: {NOTE}" in review
    await mair.press("Change: The attempt")
    await mair.press("What happened")
    (review,) = await mair.press("Spoke to them")
    assert "• What happened: Spoke to them" in review and "• How: Home visit" in review
    saved, card = await mair.press("Save")
    assert saved == t("en", "contact.saved", case=f"{reference} (SDJ)")
    assert "• 23/11/2026: Home visit, Spoke to them" in card
    async with storage.unit_of_work() as uow:
        (row,) = await uow.session.scalars(select(ContactAttempt))
        assert (row.method, row.result, row.worker_id) == (
            "home_visit",
            "spoke",
            mair.actor.user_id,
        )


async def test_the_note_is_kept_encrypted_shown_only_in_the_audited_details_and_purged(
    storage: Storage,
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await record(mair, "Today", "Phone", "Spoke to them", NOTE)
    async with storage.unit_of_work() as uow:  # waiting on the review: sealed in the dialogue
        dialogue = await uow.dialogues.current(mair.actor.user_id)
        assert dialogue is not None and NOTE not in repr(dialogue.answers)
    _saved, card = await mair.press("Save")
    assert NOTE not in card
    async with storage.unit_of_work() as uow:
        (row,) = await uow.session.scalars(select(ContactAttempt))
        assert row.note is not None and NOTE.encode() not in row.note
    if not storage.db.is_postgresql:  # the file itself, and its write-ahead log
        path = Path(str(storage.db.url.database))
        for part in (path, path.with_name(path.name + "-wal")):
            assert not part.exists() or NOTE.encode() not in part.read_bytes()
    (details,) = await mair.press(t("en", "notify.show_details"))
    assert details.endswith(f"{t('en', 'notify.details_notes')}\n• 23/11/2026: {NOTE}")
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        reads = [e for e in await uow.audit.trail(referral.id) if e.action == "contact_notes.read"]
        assert [(e.actor, e.details) for e in reads] == [
            (mair.actor.audit_name, {"purpose": "worker contact"})
        ]
        assert await uow.personal.purge(referral, actor="system:retention", reason="retention")
    async with storage.unit_of_work() as uow:
        (row,) = await uow.session.scalars(select(ContactAttempt))
        assert row.note is None and row.result == "spoke"  # the fact stays, the words go


async def test_a_refusal_offers_did_not_take_up_until_a_first_session_is_set(
    storage: Storage,
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    _saved, card = await record(mair, "Today", "Letter", "They declined", "No note", "Save")
    assert t("en", "case.declined_now") in card
    labels = [label for row in mair.buttons() for label in row]
    assert labels == [t("en", key) for key in ("case.record_contact", "case.set_first_session",
                                               "case.record_outcome", "notify.show_details",
                                               "case.record_measure", "case.raise_concern",
                                               "case.ask_extension", "case.transfer",
                                               "case.withdraw", "case.timeline",
                                               "case.back")]  # fmt: skip
    await mair.press(t("en", "case.set_first_session"))
    _set, card = await mair.press(t("en", "first_session.today"))
    assert t("en", "case.declined_now") not in card  # engaged: not taken up no longer applies


async def test_the_first_session_date_is_from_today_to_the_support_date_and_moving_is_audited(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)  # support due 23/02/2027
    await accept(assistant, 2, reference)
    clock.advance(days=2)  # Wednesday 25 November
    await open_case(mair, reference)
    (asked,) = await mair.press(t("en", "case.set_first_session"))
    assert asked.startswith(f"{reference} (SDJ): when is the first session?")
    assert mair.buttons() == [["Today", "Tomorrow"], ["Fri 27 Nov", "Sat 28 Nov"],
                              ["Sun 29 Nov", "Mon 30 Nov"], ["Tue 1 Dec", "Wed 2 Dec"]]  # fmt: skip
    said = await mair.say("yesterday")
    assert said[0] == t("en", "parse.date.too_early", earliest="25/11/2026")
    said = await mair.say("24/02/2027")
    assert said[0] == t("en", "parse.date.too_late", latest="23/02/2027")
    done, card = await mair.say("tue")  # a day's button, typed
    assert done == t("en", "first_session.set", case=f"{reference} (SDJ)", day="01/12/2026")
    assert t("en", "case.state.engaged") in card
    await mair.press(t("en", "case.move_first_session"))
    said = await mair.say("1/12/2026")
    assert said[0] == t("en", "first_session.same_day", day="01/12/2026")
    done, card = await mair.say("07/12/2026")
    assert done == t("en", "first_session.moved", case=f"{reference} (SDJ)", day="07/12/2026")
    assert t("en", "case.first_session_set", day="07/12/2026") in card
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.lifecycle_state is ReferralState.ENGAGED
        moves = [(e.action, e.actor, e.details) for e in await uow.audit.trail(referral.id)
                 if "first_session" in e.action]  # fmt: skip
    assert moves == [
        ("transition.set_first_session", mair.actor.audit_name,
         {"first_session_date": "2026-12-01"}),
        ("transition.move_first_session", mair.actor.audit_name,
         {"first_session_date": "2026-12-07"}),
    ]  # fmt: skip


async def test_a_manager_sees_the_card_with_its_worker_and_nothing_to_press_but_its_timeline(
    storage: Storage,
) -> None:
    assistant, mair = await people(storage, (5, InviteSpec("manager", "Mel",
                                                            la_codes=("cardiff",))))  # fmt: skip
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await record(mair, "Today", "Phone", "No answer", "No note", "Save")
    manager = await assistant.identify(5)
    assert manager is not None
    mel = Phone(assistant, manager)
    card = await open_case(mel, reference)
    assert t("en", "case.worker", name="Mair") in card
    assert "• 23/11/2026: Phone, No answer" in card
    # A manager of the LA may re-allocate it; nothing else is theirs to record.
    assert mel.buttons() == [
        [t("en", "case.reallocate")],
        [t("en", "case.timeline")],
        [t("en", "case.back")],
    ]


async def test_a_contact_attempt_cancelled_half_way_saves_nothing(storage: Storage) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await record(mair, "Today", "Phone")
    await mair.say("/cancel")
    assert await mair.press(t("en", "cancel.yes")) == [t("en", "cancel.done")]
    assert await mair.say("No answer") == [t("en", "text.not_expected")]
    async with storage.unit_of_work() as uow:
        assert list(await uow.session.scalars(select(ContactAttempt))) == []
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is ReferralState.ALLOCATED
