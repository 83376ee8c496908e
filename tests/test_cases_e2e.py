"""A parenting worker takes a case from Accept to a first-session date, on a phone, through the
real bot and the fake Bot API, in English and in Welsh; a worker of another LA sees none of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from conversations.cases.words import short_day
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.models import ContactAttempt, Referral
from storage.uow import Storage
from tests.casework_steps import attempt, cast, press_edit, press_new, referred_and_accepted
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot

NOTE = "Rang at 10, no voicemail set up"


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_worker_accepts_records_two_attempts_and_books_the_first_session(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, newport, _gwent = await cast(storage, api, lang)
        reference = await referred_and_accepted(sergeant, worker, lang)
        case = f"{reference} (SDJ)"

        clock.advance(days=2)  # Wednesday 25 November: yesterday is after it was received
        await worker.send("/cases")
        (listing,) = await worker.wait_for_reply()
        due = t(lang, "case.owed.first_session_date", due="14/12/2026")
        assert f"1. {case}: {due}" in (listing.text or "")
        assert listing.buttons == [[case]]
        card = await press_edit(worker, case, case)
        assert t(lang, "case.state.allocated") in card
        assert t(lang, "case.attempts_none") in card and "Siân" not in card

        card = await attempt(worker, lang, "yesterday", "phone", "no_answer", NOTE)
        assert t(lang, "case.attempts", count=1) in card
        card = await attempt(worker, lang, "today", "text", "message_left", "")
        assert t(lang, "case.attempts", count=2) in card
        phone, text = t(lang, "contact.a.method.phone"), t(lang, "contact.a.method.text")
        assert f"• 24/11/2026: {phone}, {t(lang, 'contact.a.result.no_answer')}" in card
        assert f"• 25/11/2026: {text}, {t(lang, 'contact.a.result.message_left')}" in card
        assert NOTE not in card  # the note only in the details, on request

        asked = await press_new(worker, t(lang, "case.set_first_session"))
        assert asked.startswith(f"{case}: ")
        first = date(2026, 11, 25) + timedelta(days=3)
        set_and_card = await press_new(worker, short_day(lang, first), count=2)
        assert t(lang, "case.state.engaged") in set_and_card
        assert t(lang, "case.first_session_set", day="28/11/2026") in set_and_card
        assert t(lang, "case.owed.support_delivered", due="23/02/2027") in set_and_card
        assert t(lang, "case.attempts", count=2) in set_and_card

        details = await press_new(worker, t(lang, "notify.show_details"))
        assert "Siân ap Dafydd-Jones" in details and f"24/11/2026: {NOTE}" in details

        # A worker of another LA: an empty list, and Mair's buttons, crafted into her own
        # chat, do nothing for her.
        await newport.send("/cases")
        (empty,) = await newport.wait_for_reply()
        assert empty.text == t("en", "cases.none.worker")
        mine = next(m for m in reversed(worker.messages) if m.buttons)
        for label in (t(lang, "case.record_contact"), t(lang, "case.move_first_session")):
            data = mine.button_data(label)
            assert data is not None
            await newport.press_data(empty.message_id, data)
            (refused,) = await newport.wait_for_reply()
            assert refused.text == t("en", "button.stale")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None and referral.lifecycle_state is ReferralState.ENGAGED
        assert referral.first_session_date == first
        rows = list(await uow.session.scalars(select(ContactAttempt).order_by(ContactAttempt.id)))
        assert [(r.method, r.result) for r in rows] == [("phone", "no_answer"),
                                                         ("text", "message_left")]  # fmt: skip
        assert rows[0].note is not None and NOTE.encode() not in rows[0].note
        assert rows[1].note is None
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        assert actions.count("contact_attempt.recorded") == 2
        assert "transition.set_first_session" in actions and "contact_notes.read" in actions
