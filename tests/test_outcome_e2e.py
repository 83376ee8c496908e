"""A case from its sessions to the police's acknowledgement, on phones, through the real bot
and the fake Bot API: the worker records "completed", the referring officer gets the referral
(notification) form as a PDF in their language and acknowledges it, and the case closes. A
police user of another force cannot acknowledge it, even with the button's data crafted; an
officer no longer active is replaced by another of the force."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest
from sqlalchemy import select

from bot.jobs import sweep_job
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.models import Notification, ParentingSession
from storage.uow import Storage
from tests import screening_script as script
from tests.casework_steps import pdf_text
from tests.fakeapi import FakeBotApi, SimUser
from tests.fakeapi.users import BotMessage
from tests.harness import running_bot
from tests.screening_script import enrol

OFFICER = "Sgt Rhys Tŷ-Gŵyn"  # Welsh letters the PDF must draw, not drop


async def press_new(user: SimUser, label: str, count: int = 1) -> list[BotMessage]:
    await user.press(label)
    return await user.wait_for_reply(count)


async def sessions_held(storage: Storage, reference: str, *held: tuple[date, str]) -> None:
    """Sessions as the session log writes them (another part of issue 11): attended, with
    the worker's judgement of engagement."""
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        for on, engagement in held:
            uow.session.add(ParentingSession(
                referral_id=referral.id, worker_id=referral.allocated_worker_id, held_on=on,
                status="attended", engagement=engagement, recorded_at=uow.clock.now(),
            ))  # fmt: skip


async def referred_and_engaged(
    storage: Storage, clock: FixedClock, sergeant: SimUser, worker: SimUser, lang: str
) -> str:
    """The sergeant's referral, accepted by the worker, a contact made, a first session
    booked: its reference."""
    await script.run(sergeant, script.whole(sergeant.language_code))
    (offer,) = await worker.wait_for_reply()
    found = re.search(r"R-[0-9A-Z]{6}", offer.text or "")
    assert found is not None
    await worker.press(t(lang, "notify.accept"))
    await worker.wait_until(lambda u: bool(u.last and u.last.edited), what="accepted")
    clock.advance(days=1)  # Tuesday 24 November
    await worker.press(t(lang, "notify.open_case"))  # the card, in place
    await worker.wait_until(lambda u: (u.last_text or "").startswith(found.group()), what="card")
    await press_new(worker, t(lang, "case.record_contact"))
    for label in ("contact.a.on.today", "contact.a.method.phone", "contact.a.result.spoke",
                  "contact.a.note.no_note"):  # fmt: skip
        await press_new(worker, t(lang, label))
    await press_new(worker, t(lang, "contact.submit"))
    await press_new(worker, t(lang, "case.set_first_session"))
    await press_new(worker, t(lang, "first_session.tomorrow"), count=2)
    return found.group()


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_completed_sends_the_form_as_a_pdf_and_the_acknowledgement_closes_the_case(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    sergeant = api.user(120, OFFICER, language_code=lang)
    worker = api.user(220, "Mair", language_code=lang)
    gwent = api.user(121, "Sgt Evans", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", OFFICER, "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, gwent, InviteSpec("police", "Sgt Evans", "gwent"))
        # The sergeant's language is their own choice, as a Welsh speaker would set it.
        reference = await referred_and_engaged(storage, clock, sergeant, worker, lang)
        clock.advance(days=20)  # Monday 14 December
        await sessions_held(storage, reference, (date(2026, 11, 25), "not_appropriate"),
                            (date(2026, 12, 9), "appropriate"))  # fmt: skip
        case = f"{reference} (SDJ)"

        await worker.send("/cases")
        await worker.wait_for_reply()
        await worker.press(case)  # the card, in place
        await worker.wait_until(lambda u: (u.last_text or "").startswith(case), what="card")
        (asked,) = await press_new(worker, t(lang, "case.record_outcome"))
        assert t(lang, "outcome.attended", count=2, appropriate=1) in (asked.text or "")
        assert asked.buttons == [[t(lang, "outcome.a.outcome.not_engaged")],
                                 [t(lang, "outcome.a.outcome.completed")]]  # fmt: skip
        (review,) = await press_new(worker, t(lang, "outcome.a.outcome.completed"))
        assert (review.text or "").startswith(t(lang, "outcome.review.title", case=case))
        assert [t(lang, "outcome.submit")] in review.buttons  # nothing happens before this
        assert sergeant.last is not None and sergeant.last.document is None
        replies = await press_new(worker, t(lang, "outcome.submit"))
        card = replies[-1].text or ""
        assert t(lang, "case.state.outcome_completed") in card
        assert t(lang, "case.awaiting_acknowledgement", day="14/12/2026") in card

        (notice,) = await sergeant.wait_for_reply()
        completed = t(lang, "outcome.police.completed")
        cardiff = "Caerdydd" if lang == "cy" else "Cardiff"
        assert notice.text == t(lang, "outcome.notice", reference=reference, initials="SDJ",
                                la=cardiff, outcome=completed)  # fmt: skip
        assert notice.buttons == [[t(lang, "outcome.acknowledge")]]
        text = pdf_text(api, notice)
        for label, value in [
            ("reference", reference), ("officer", OFFICER), ("worker", "Mair"),
            ("name", "Siân ap Dafydd-Jones"), ("dob", "02/05/1992"), ("outcome", completed),
            ("referred_on", "23/11/2026"), ("first_contact", "24/11/2026"),
            ("last_session", "09/12/2026"), ("attended", "2"),
            ("language", t(lang, "screen.a.session_language.cy")),
        ]:  # fmt: skip
            assert f"{t(lang, f'outcome.form.{label}')} {value}" in text, label
        assert "ŵ" in text and "ŷ" in text
        assert ("Heddlu De Cymru" if lang == "cy" else "South Wales Police") in text

        # A police user of another force: the Acknowledge data, crafted into their own chat.
        data = notice.button_data(t(lang, "outcome.acknowledge"))
        assert data is not None
        (mine,) = [m for m in gwent.messages if m.text]
        await gwent.press_data(mine.message_id, data)
        (refused,) = await gwent.wait_for_reply()
        assert refused.text == t("en", "button.stale")

        (thanks,) = await press_new(sergeant, t(lang, "outcome.acknowledge"))
        assert thanks.text == t(lang, "outcome.acknowledged", reference=reference)
        (told,) = await worker.wait_for_reply()
        assert told.text == t(lang, "outcome.worker_told", reference=reference, initials="SDJ")
        (again,) = await press_new(sergeant, t(lang, "outcome.acknowledge"))
        assert again.text == t(lang, "outcome.acknowledged_before", reference=reference,
                               day="14/12/2026")  # fmt: skip
        await worker.send("/cases")
        (listing,) = await worker.wait_for_reply()
        assert listing.text == t(lang, "cases.none.worker")  # closed: off the list
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.lifecycle_state is ReferralState.CLOSED
        assert referral.police_acknowledged_at == clock.now()
        trail = [(e.action, e.actor) for e in await uow.audit.trail(referral.id)]
        sergeant_user = await uow.people.by_telegram_id(120)
        assert sergeant_user is not None
        assert ("transition.close", f"user:{sergeant_user.id}") in trail
        assert "transition.notify_police" in [action for action, _ in trail]
        reads = [e.details for e in await uow.audit.trail(referral.id)
                 if e.action == "personal_details.read"]  # fmt: skip
        assert {"purpose": f"outcome notice to user:{sergeant_user.id}"} in reads


async def test_an_officer_no_longer_active_is_replaced_by_another_of_the_force(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    sergeant = api.user(130, "Sgt Rees", language_code="en")
    colleague = api.user(131, "Sgt Bevan", language_code="cy")
    worker = api.user(230, "Mair", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, colleague, InviteSpec("police", "Sgt Bevan", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        reference = await referred_and_engaged(storage, clock, sergeant, worker, "en")
        await sessions_held(storage, reference, (date(2026, 11, 25), "appropriate"))
        async with storage.unit_of_work() as uow:
            user = await uow.people.by_telegram_id(130)
            assert user is not None
            await uow.people.revoke(user, actor="test")
        await worker.send("/cases")
        await worker.wait_for_reply()
        await worker.press(f"{reference} (SDJ)")
        await worker.wait_until(lambda u: (u.last_text or "").startswith(reference), what="card")
        await press_new(worker, t("en", "case.record_outcome"))
        await press_new(worker, t("en", "outcome.a.outcome.completed"))
        await press_new(worker, t("en", "outcome.submit"))
        (notice,) = await colleague.wait_for_reply()  # in her language
        assert (notice.text or "").startswith(t("cy", "outcome.notice", reference=reference,
                                                initials="", la="", outcome="")[:20])  # fmt: skip
        assert f"{t('cy', 'outcome.form.officer')} Sgt Rees" in pdf_text(api, notice)
        (thanks,) = await press_new(colleague, t("cy", "outcome.acknowledge"))
        assert thanks.text == t("cy", "outcome.acknowledged", reference=reference)
    assert all(m.document is None for m in sergeant.messages)


def refused(api: FakeBotApi, method: str, chat_id: int) -> bool:
    return any(str(c.params.get("chat_id")) == str(chat_id) for c in api.calls_to(method, ok=False))


async def test_an_outcome_the_officer_missed_is_sent_again_with_its_pdf_until_acknowledged(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    sergeant = api.user(140, "Sgt Rees", language_code="en")
    worker = api.user(240, "Mair", language_code="en")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        reference = await referred_and_engaged(storage, clock, sergeant, worker, "en")
        await sessions_held(storage, reference, (date(2026, 11, 25), "appropriate"))
        await sergeant.block()
        await worker.send("/cases")
        await worker.wait_for_reply()
        await worker.press(f"{reference} (SDJ)")
        await worker.wait_until(lambda u: (u.last_text or "").startswith(reference), what="card")
        await press_new(worker, t("en", "case.record_outcome"))
        await press_new(worker, t("en", "outcome.a.outcome.completed"))
        await press_new(worker, t("en", "outcome.submit"))
        # The notice goes after the worker's reply. Unblocked only once that send has been
        # refused: unblocked sooner, it may go through while the sweep below sends it too.
        await api.wait_until(lambda: refused(api, "sendDocument", sergeant.id))
        await sergeant.unblock()
        clock.advance(minutes=3)
        assert app.job_queue is not None
        app.job_queue.run_once(sweep_job, when=0)
        (notice,) = await sergeant.wait_for_reply()
        assert f"{t('en', 'outcome.form.reference')} {reference}" in pdf_text(api, notice)
        await press_new(sergeant, t("en", "outcome.acknowledge"))
        clock.advance(minutes=3)
        app.job_queue.run_once(sweep_job, when=0)  # acknowledged: no longer news
        await asyncio.sleep(0.3)
    assert len([m for m in sergeant.messages if m.document is not None]) == 1
    async with storage.unit_of_work() as uow:
        rows = list(await uow.session.scalars(
            select(Notification).where(Notification.kind == "outcome_to_police")
        ))  # fmt: skip
        assert [(r.sent_at is not None) for r in rows] == [True]
