"""One transaction per Telegram update: the claim, the sender and the work stand or fall
together (conversations/assistant.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.admin_cli import revoke
from conversations.access import Actor
from conversations.assistant import Assistant, Delivery
from conversations.enrolment import InviteSpec, create_invite
from conversations.forms import engine
from conversations.i18n import both, t
from conversations.reply import Outcome
from state_machine.clock import FixedClock
from storage.models import ProcessedUpdate, ScreeningAnswer
from storage.people import PeopleRepository
from storage.sender import sender_statement
from storage.uow import Storage

SERGEANT = 5


async def enrolled(storage: Storage) -> tuple[Assistant, Actor]:
    assistant = Assistant(storage, "bot")
    token = await create_invite(storage, InviteSpec("police", "Sgt", "gwent"), actor="t")
    await assistant.start(SERGEANT, token, "en")
    actor = await assistant.identify(SERGEANT)
    assert actor is not None
    return assistant, actor


async def rows(storage: Storage, model: Any) -> int:
    async with storage.unit_of_work() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


def first_button(outcome: Any) -> str:
    return str(outcome.replies[-1].buttons[0][0].token)


async def test_a_delivery_is_acted_on_once(storage: Storage) -> None:
    assistant, _ = await enrolled(storage)
    first = await assistant.command(Delivery(100, SERGEANT), "screen")
    assert first is not None
    await assistant.replied(100)  # as the bot does once Telegram took the reply
    press = Delivery(101, SERGEANT)
    answered = await assistant.press(press, first_button(first))
    assert answered is not None
    await assistant.replied(101)
    assert await rows(storage, ScreeningAnswer) == 1
    assert await assistant.press(press, first_button(first)) is None  # delivered again
    assert await assistant.text(Delivery(100, SERGEANT), "/screen") is None
    assert await rows(storage, ScreeningAnswer) == 1


async def test_a_delivery_whose_reply_was_never_sent_gets_that_reply_again_and_only_once(
    storage: Storage,
) -> None:
    assistant, _ = await enrolled(storage)
    first = await assistant.command(Delivery(100, SERGEANT), "screen")
    assert first is not None
    press = Delivery(101, SERGEANT)
    answered = await assistant.press(press, first_button(first))
    assert answered is not None
    # The bot stopped before sending it; Telegram delivers the press again.
    again = await assistant.press(press, first_button(first))
    assert again == Outcome(answered.replies, answered.menu)  # the same words, the same buttons
    assert await rows(storage, ScreeningAnswer) == 1  # not acted on twice
    await assistant.replied(101)
    assert await assistant.press(press, first_button(first)) is None
    # The kept reply's buttons are the ones committed with the work: they work.
    assert await assistant.press(Delivery(102, SERGEANT), first_button(again)) is not None
    assert await rows(storage, ScreeningAnswer) == 3  # the offence: at that level, and first


async def test_work_that_fails_leaves_the_update_unclaimed_and_nothing_half_done(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant, _ = await enrolled(storage)
    first = await assistant.command(Delivery(100, SERGEANT), "screen")
    assert first is not None
    claimed = await rows(storage, ProcessedUpdate)
    real = engine.ask

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the next question could not be shown")

    monkeypatch.setattr(engine, "ask", broken)
    with pytest.raises(RuntimeError):
        await assistant.press(Delivery(101, SERGEANT), first_button(first))
    assert await rows(storage, ProcessedUpdate) == claimed  # Telegram may send it again...
    assert await rows(storage, ScreeningAnswer) == 0  # ...and the answer was not kept
    monkeypatch.setattr(engine, "ask", real)
    retried = await assistant.press(Delivery(101, SERGEANT), first_button(first))
    assert retried is not None and retried.replies[-1].buttons  # the next question
    assert await rows(storage, ScreeningAnswer) == 1


async def test_a_revoked_user_is_a_stranger_from_the_next_update_even_mid_screening(
    storage: Storage,
) -> None:
    assistant, actor = await enrolled(storage)
    first = await assistant.command(Delivery(100, SERGEANT), "screen")
    assert first is not None
    async with storage.unit_of_work() as uow:
        user = await uow.people.get(actor.user_id)
        assert user is not None
        await uow.people.revoke(user, actor="admin")
    stranger = both("stranger.closed_service")
    for outcome in (
        await assistant.press(Delivery(101, SERGEANT), first_button(first)),
        await assistant.text(Delivery(102, SERGEANT), "Community Resolution"),
        await assistant.command(Delivery(103, SERGEANT), "whoami"),
        await assistant.unsupported(Delivery(104, SERGEANT)),
    ):
        assert outcome is not None and [r.text for r in outcome.replies] == [stranger]
    assert await rows(storage, ScreeningAnswer) == 0


async def test_the_console_has_no_updates_to_claim(storage: Storage) -> None:
    assistant, actor = await enrolled(storage)
    claimed = await rows(storage, ProcessedUpdate)
    outcome = await assistant.command(actor, "whoami")
    assert outcome is not None and "Sgt" in outcome.replies[0].text
    assert await rows(storage, ProcessedUpdate) == claimed


async def test_the_sender_comes_with_every_la_and_their_dialogue_in_one_read(
    storage: Storage,
) -> None:
    spec = InviteSpec("manager", "Mair", la_codes=("newport", "cardiff", "torfaen"))
    await Assistant(storage, "bot").start(77, await create_invite(storage, spec, actor="t"), "cy")
    async with storage.unit_of_work() as uow:
        profile = await uow.sender(77)
        assert profile is not None and profile.la_codes == ("cardiff", "newport", "torfaen")
        assert await uow.dialogues.current(profile.id) is None
        await uow.dialogues.begin(profile.id, "invite", "role", {"role": "worker"})
    async with storage.unit_of_work() as uow:
        profile = await uow.sender(77)
        assert profile is not None and len(profile.la_codes) == 3  # not one per dialogue row
        dialogue = await uow.dialogues.current(profile.id)
        assert dialogue is not None and (dialogue.kind, dialogue.step) == ("invite", "role")
        assert dialogue.answers == {"role": "worker"} and profile.language == "cy"
        assert await uow.sender(78) is None


async def test_the_button_comes_with_the_sender_and_only_for_that_user(
    storage: Storage,
) -> None:
    assistant, _ = await enrolled(storage)
    token = await create_invite(storage, InviteSpec("police", "Other", "gwent"), actor="t")
    await assistant.start(SERGEANT + 1, token, "en")
    other = await assistant.identify(SERGEANT + 1)
    assert other is not None
    outcome = await assistant.command(Delivery(200, SERGEANT), "screen")
    assert outcome is not None
    button = first_button(outcome)
    async with storage.unit_of_work() as uow:
        assert await uow.sender(SERGEANT + 1, button=button) is not None
        assert await uow.buttons.resolve(button, other.user_id) is None  # not theirs
    async with storage.unit_of_work() as uow:
        profile = await uow.sender(SERGEANT, button=button)
        assert profile is not None
        pressed = await uow.buttons.resolve(button, profile.id)
        assert pressed is not None and pressed.action == "screening.answer"
        dialogue = await uow.dialogues.current(profile.id)
        assert dialogue is not None and dialogue.referral_id is not None
        referral = await uow.referrals.get_by_id(dialogue.referral_id)  # read by the dialogue
        assert referral.reference.startswith("R-")
    stolen = await assistant.press(Delivery(201, SERGEANT + 1), button)
    assert stolen is not None and stolen.replies[0].text == t("en", "button.stale")
    assert await rows(storage, ScreeningAnswer) == 0


def test_the_senders_read_knows_no_kind_of_dialogue() -> None:
    """Every update reads the sender, their scope, dialogue and button; a dialogue reads
    what else it needs itself."""
    for dialect, claiming in (("sqlite", False), ("postgresql", False), ("postgresql", True)):
        sql = str(sender_statement(dialect, claiming))
        assert "referrals" not in sql and "screening_answers" not in sql


async def test_the_screening_answers_read_back_as_they_were_stored(
    storage: Storage,
) -> None:
    assistant, actor = await enrolled(storage)
    await assistant.command(Delivery(300, SERGEANT), "screen")
    stored = {"age": 34, "la": "cardiff", "consent_record": {"wording": "“Iawn”", "officer": 1}}
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(actor.user_id)
        assert dialogue is not None and dialogue.referral_id is not None
        referral = await uow.referrals.get_by_id(dialogue.referral_id)
        for question, value in stored.items():
            await uow.referrals.record_answer(referral, question, value, by=None)
        in_the_same_unit = await uow.referrals.answers(referral)
    async with storage.unit_of_work() as uow:
        read_again = await uow.referrals.answers(await uow.referrals.get_by_id(referral.id))
    assert in_the_same_unit == read_again == stored


async def test_a_strangers_update_is_claimed_too_and_answered_once(storage: Storage) -> None:
    assistant = Assistant(storage, "bot")
    first = await assistant.text(Delivery(400, 999), "hello")
    assert first is not None and first.replies[0].text == both("stranger.closed_service")
    assert await assistant.text(Delivery(400, 999), "hello") is None  # delivered again
    assert await rows(storage, ProcessedUpdate) == 1
    async with storage.unit_of_work() as uow:
        assert await uow.admit(401, 999) == (True, None)
        assert await uow.admit(401, 999) == (False, None)  # the same unit of work, again


async def test_a_start_whose_enrolment_fails_is_claimed_by_nobody_and_enrols_when_sent_again(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = Assistant(storage, "bot")
    token = await create_invite(storage, InviteSpec("police", "Sgt", "gwent"), actor="t")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away mid-enrolment")

    with monkeypatch.context() as patch:
        patch.setattr(PeopleRepository, "enrol", broken)
        with pytest.raises(RuntimeError):
            await assistant.start(SERGEANT, token, "en", update_id=300)
    assert await rows(storage, ProcessedUpdate) == 0  # Telegram may send it again...
    assert await assistant.identify(SERGEANT) is None
    welcome = await assistant.start(SERGEANT, token, "en", update_id=300)  # ...and it enrols
    assert welcome is not None and welcome.replies[0].text.startswith("Welcome, Sgt.")
    assert await assistant.identify(SERGEANT) is not None
    await assistant.replied(300)
    assert await assistant.start(SERGEANT, token, "en", update_id=300) is None  # then once only


async def test_replies_kept_and_never_sent_are_owed_kept_encrypted_and_only_to_the_enrolled(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, _ = await enrolled(storage)
    token = await create_invite(storage, InviteSpec("police", "Cai", "gwent"), actor="t")
    await assistant.start(SERGEANT + 1, token, "en")
    for update_id, telegram_id in ((400, SERGEANT), (401, SERGEANT + 1)):
        await assistant.command(Delivery(update_id, telegram_id), "whoami")  # never sent
    await revoke(storage, str(SERGEANT + 1))
    async with storage.unit_of_work() as uow:
        kept = list(await uow.session.scalars(select(ProcessedUpdate.reply)))
    assert len(kept) == 2 and all(b"Sgt" not in value and b"Name" not in value for value in kept)

    assert await assistant.replies_owed(clock.now()) == []  # claimed now: may be on its way
    clock.advance(seconds=1)
    (owed,) = await assistant.replies_owed(clock.now())  # not to the one revoked since
    update_id, reply = owed
    assert (update_id, reply.telegram_id) == (400, SERGEANT)
    assert reply.outcome.replies[0].text.startswith("Name: Sgt")
    assert await assistant.replies_owed(clock.now()) == []  # taken: another sweep leaves it
    clock.advance(seconds=1)
    assert [uid for uid, _ in await assistant.replies_owed(clock.now())] == [400]  # not sent
    await assistant.replied(400)
    assert await assistant.replies_owed(clock.now()) == []
    assert await assistant.command(Delivery(400, SERGEANT), "whoami") is None
