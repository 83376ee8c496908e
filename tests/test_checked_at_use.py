"""Role and scope are checked when a button is used, not when it was made; input that cannot be
a button is refused at the door; a referral is accepted once, and its details shown whole
(issue 10, items 1, 7, 8, 9 and 14)."""

from __future__ import annotations

import pytest

from conversations.assistant import Assistant, Delivery
from conversations.enrolment import InviteSpec
from conversations.i18n import both, t
from conversations.reply import Outcome
from conversations.screening import submit
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol, submitted
from tests.conftest import POSTGRES_URL

STALE = t("en", "button.stale")
IFAN = InviteSpec("worker", "Ifan", la_codes=("cardiff",))


def texts(outcome: Outcome | None) -> list[str]:
    assert outcome is not None
    return [reply.text for reply in outcome.replies]


def token(outcome: Outcome | None, label: str) -> str:
    """A button by its label, on a reply or on a notice the outcome sends someone."""
    assert outcome is not None
    replies = [*outcome.replies, *(n.reply for n in outcome.notices)]
    return next(b.token for r in replies for row in r.buttons for b in row if b.label == label)


def reference(submission: Outcome) -> str:
    return submission.replies[0].text.split()[1]  # "Referral R-… sent to Cardiff."


async def accepted(storage: Storage) -> tuple[Assistant, Outcome]:
    """Mair, a Cardiff worker, has accepted the referral; returns her Accept reply."""
    assistant, outcome = await submitted(storage)
    mair = await assistant.identify(2)
    assert mair is not None
    reply = await assistant.press(mair, token(outcome, "Accept"))
    assert reply is not None and texts(reply)[0].startswith("You accepted")
    return assistant, reply


async def test_a_worker_moved_to_another_la_cannot_open_the_old_details(storage: Storage) -> None:
    assistant, reply = await accepted(storage)
    details = token(reply, t("en", "notify.show_details"))
    async with storage.unit_of_work() as uow:
        user = await uow.people.by_telegram_id(2)
        assert user is not None
        await uow.people.revoke(user, actor="admin")
    moved = await enrol(assistant, 2, InviteSpec("worker", "Mair", la_codes=("newport",)))
    assert texts(await assistant.press(moved, details)) == [STALE]  # voided with the revoke
    async with storage.unit_of_work() as uow:  # one made for her before, somehow: still no
        referral = await uow.referrals.get(texts(reply)[0].split()[2].rstrip(".\n"))
        crafted = uow.buttons.issue(moved.user_id, "referral.details",
                                    {"referral_id": referral.id}, uow.clock.now())  # fmt: skip
    assert texts(await assistant.press(moved, crafted)) == [STALE]


async def test_none_typed_counts_as_the_none_button_and_the_details_show_it(
    storage: Storage,
) -> None:
    steps = script.whole("en")
    for key, button_value, typed in [("notes", "no_notes", "none"),
                                     ("additional_needs", "none", "Dim")]:  # fmt: skip
        steps[steps.index(("press", script.a("en", key, button_value)))] = ("say", typed)
    address = next(step for step in steps if step[1].startswith("1 Heol"))
    at = steps.index(address)  # the address: plain text, no None button; then its postcode
    steps[at : at + 1] = [("say", "none"), ("say", "cf10 1aa")]
    assistant, outcome = await submitted(storage, steps=steps)
    mair = await assistant.identify(2)
    assert mair is not None
    reply = await assistant.press(mair, token(outcome, "Accept"))
    (shown,) = texts(await assistant.press(mair, token(reply, t("en", "notify.show_details"))))
    assert f"• {t('en', 'screen.r.notes')}: {script.a('en', 'notes', 'no_notes')}" in shown
    none = script.a("en", "additional_needs", "none")
    assert f"• {t('en', 'screen.r.additional_needs')}: {none}" in shown
    assert f"• {t('en', 'screen.r.address')}: none" in shown  # as typed, no crash


async def test_accept_pressed_again_says_it_is_already_yours(storage: Storage) -> None:
    assistant, outcome = await submitted(
        storage, (3, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
    )
    mair, ifan = await assistant.identify(2), await assistant.identify(3)
    assert mair is not None and ifan is not None
    offers = {n.telegram_id: n.reply for n in outcome.notices}
    accept_mair = next(b.token for row in offers[2].buttons for b in row)
    accept_ifan = next(b.token for row in offers[3].buttons for b in row)
    assert texts(await assistant.press(mair, accept_mair))[0].startswith("You accepted")
    ref = reference(outcome)
    assert texts(await assistant.press(mair, accept_mair)) == [
        t("en", "notify.already_yours", reference=ref)
    ]
    assert texts(await assistant.press(ifan, accept_ifan)) == [
        t("en", "notify.already_accepted", reference=ref, name="Mair")
    ]


@pytest.mark.skipif(not POSTGRES_URL, reason="two units of work at once need PostgreSQL")
async def test_of_two_workers_accepting_at_once_the_second_is_told_who_has_it(
    storage: Storage,
) -> None:
    if not storage.db.is_postgresql:
        pytest.skip("SQLite serialises units of work; the race needs PostgreSQL")
    assistant, outcome = await submitted(
        storage, (3, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
    )
    mair, ifan = await assistant.identify(2), await assistant.identify(3)
    assert mair is not None and ifan is not None
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference(outcome))
    async with storage.unit_of_work() as late:  # Ifan's press read the referral first...
        stale = await late.referrals.get_by_id(referral.id)
        async with storage.unit_of_work() as first:  # ...then Mair's went through
            await submit.accept(first, mair, referral.id)
        assert stale.lifecycle_state.value == "referred"  # what Ifan's press still holds
        reply = await submit.accept(late, ifan, referral.id)
    assert reply.text == t(
        "en", "notify.already_accepted", reference=referral.reference, name="Mair"
    )


async def test_callback_data_that_cannot_be_a_button_is_refused_at_the_door(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 5, InviteSpec("police", "Sgt", "gwent"))
    for n, data in enumerate(("abc\x00def", "\x00", "x" * 65, "ünïcödé", "")):
        stranger = await assistant.press(Delivery(700 + n, 999), data)
        assert texts(stranger) == [both("stranger.closed_service")]
        assert texts(await assistant.press(sergeant, data)) == [STALE]
    assert texts(await assistant.text(sergeant, "Ann\x00")) == [t("en", "text.unsupported")]
    assert texts(await assistant.text(Delivery(800, 999), "\x00")) == [
        both("stranger.closed_service")
    ]


async def test_a_cancelled_screenings_buttons_do_not_answer_the_next_one(storage: Storage) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 5, InviteSpec("police", "Sgt", "gwent"))
    first = await drive(assistant, sergeant, [("say", "/screen")])
    old = token(first, script.a("en", "outcome", "community_resolution"))
    asked = await assistant.command(sergeant, "cancel")
    assert texts(await assistant.press(sergeant, token(asked, t("en", "cancel.yes")))) == [
        t("en", "cancel.done")
    ]
    await drive(assistant, sergeant, [("say", "/screen")])
    assert texts(await assistant.press(sergeant, old)) == [STALE]
    async with storage.unit_of_work() as uow:
        dialogue = await uow.dialogues.current(sergeant.user_id)
        assert dialogue is not None and dialogue.referral_id is not None
        referral = await uow.referrals.get_by_id(dialogue.referral_id)
        assert await uow.referrals.answers(referral) == {}
