"""A parenting worker's cases as whole stories, on phones, through the real bot and the fake
Bot API, in English and in Welsh, with the clock moved (issue 11, "Tests"):

- one case from Accept to closed: two contact attempts, a first session booked in time, three
  sessions, the start and end measures, completed, the referral form's PDF read back, the
  police's acknowledgement;
- did not take up, only after the 21 days; did not engage, with its reason;
- a worker of another LA and a police user of another force unable to see the case or act on
  it, with every one of the case's buttons crafted into their own chats.

The steps are the ones the feature tests use (tests/casework_steps.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from conversations.cases.words import short_day
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.models import ContactAttempt, DistanceMeasure, ParentingSession
from storage.uow import Storage
from tests.casework_steps import (
    accept,
    attempt,
    attended,
    callbacks,
    cast,
    crafted_are_refused,
    first_session,
    measure,
    missed,
    offered,
    open_from_list,
    pdf_text,
    press_new,
    referred_and_accepted,
    send_new,
    shown,
)
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot

OFFICER = "Sgt Rhys Tŷ-Gŵyn"  # Welsh letters the PDF must draw, not drop
NOTE = "Rang at 10, no voicemail set up"
REASON = "On the phone throughout; shouted at the worker"


def asked(user: SimUser, question: str) -> bool:
    return any((m.text or "").endswith(question) for m in user.messages)


async def record_outcome(
    worker: SimUser, lang: str, outcome: str, *then: str, asked: bool = False
) -> str:
    """From the card (or the question, once `asked`): the outcome, then `then` (a reason
    typed, buttons by label), up to the review, which is the confirmation; Record. The card
    that follows."""
    if not asked:
        await press_new(worker, t(lang, "case.record_outcome"))
    review = await press_new(worker, t(lang, f"outcome.a.outcome.{outcome}"))
    for step in then:
        review = await (send_new(worker, step) if step == REASON else press_new(worker, step))
    assert review.startswith(t(lang, "outcome.review.title", case="R-")[:8])
    card = await press_new(worker, t(lang, "outcome.submit"))
    saved = worker.messages[-2].text or ""  # the review, replaced by what was done
    assert t(lang, "outcome.sent") in saved
    return card


async def acknowledged(sergeant: SimUser, worker: SimUser, lang: str, reference: str) -> None:
    """The officer presses Acknowledge; the worker is told; the case is off their list."""
    thanks = await press_new(sergeant, t(lang, "outcome.acknowledge"))
    assert thanks == t(lang, "outcome.acknowledged", reference=reference)
    (told,) = await worker.wait_for_reply()
    assert told.text == t(lang, "outcome.worker_told", reference=reference, initials="SDJ")
    await worker.send("/cases")
    (listing,) = await worker.wait_for_reply()
    assert listing.text == t(lang, "cases.none.worker")


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_one_case_from_accept_to_closed(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, newport, gwent = await cast(
            storage, api, lang, officer=OFFICER, officer_lang=lang
        )
        # Monday 23 November: referred and accepted; the offer's buttons, kept for later.
        offer = await offered(sergeant, worker)
        seen = callbacks(offer)
        reference = await accept(worker, lang, offer)
        case = f"{reference} (SDJ)"
        seen |= callbacks(worker.messages[-1])  # the offer, as Accept leaves it

        clock.advance(days=1)  # Tuesday 24 November: a call, no answer
        await open_from_list(worker, case)
        card = await attempt(worker, lang, "today", "phone", "no_answer", NOTE)
        # A date to type is shown by example as today's, never a year long gone.
        assert asked(worker, t(lang, "contact.q.on", case=case, example="24/11/2026"))
        clock.advance(days=1)  # Wednesday 25 November: a text, and they spoke
        card = await attempt(worker, lang, "today", "text", "spoke", "")
        assert t(lang, "case.attempts", count=2) in card and NOTE not in card
        card = await first_session(worker, lang, short_day(lang, date(2026, 11, 30)))
        assert t(lang, "case.state.engaged") in card
        assert t(lang, "case.first_session_set", day="30/11/2026") in card  # due by 14/12

        clock.advance(days=5)  # Monday 30 November: the start measure, the first session
        card = await measure(worker, lang, "sdq_total", "start", "22")
        card = await attended(worker, lang, ("law_changed", "impact"), "07/12/2026")
        assert asked(worker, t(lang, "measure.q.on", example="30/11/2026"))
        assert asked(worker, t(lang, "session.q.on", case=case, example="30/11/2026"))
        assert t(lang, "case.session_next", day="07/12/2026") in card
        # Every case action a worker has now, crafted into another LA's worker's chat and a
        # police user of another force's: refused, and neither sees the case in a list.
        every = seen | callbacks(worker.messages[-1])
        for label in ("case.log_session", "case.next_session", "case.feedback_button",
                      "case.record_contact", "case.move_first_session", "case.record_outcome",
                      "notify.show_details", "case.record_measure", "case.raise_concern",
                      "case.back", "notify.accept", "notify.open_case"):  # fmt: skip
            assert t(lang, label) in every, label
        await newport.send("/cases")
        (empty,) = await newport.wait_for_reply()
        assert empty.text == t("en", "cases.none.worker")
        await gwent.send("/cases")
        (theirs,) = await gwent.wait_for_reply()
        assert reference not in (theirs.text or "")
        await crafted_are_refused(newport, every)
        await crafted_are_refused(gwent, every)

        clock.advance(days=7)  # Monday 7 December: they did not come
        card = await missed(worker, lang, "14/12/2026")
        clock.advance(days=7)  # Monday 14 December: the last session, the end measure
        card = await attended(
            worker, lang, ("anger", "behaviour"), t(lang, "session.a.next_on.no_date")
        )
        assert t(lang, "case.sessions_held", attended=2, count=3) in card
        card = await measure(worker, lang, "sdq_total", "end", "15")
        assert t(lang, "case.measure_positive.true") in card

        card = await record_outcome(worker, lang, "completed")
        assert t(lang, "case.state.outcome_completed") in card
        assert t(lang, "case.awaiting_acknowledgement", day="14/12/2026") in card
        (notice,) = await sergeant.wait_for_reply()
        assert notice.buttons == [[t(lang, "outcome.acknowledge")]]
        text = pdf_text(api, notice)
        for label, value in [
            ("reference", reference), ("officer", OFFICER), ("worker", "Mair"),
            ("name", "Siân ap Dafydd-Jones"), ("dob", "02/05/1992"),
            ("outcome", t(lang, "outcome.police.completed")), ("referred_on", "23/11/2026"),
            ("first_contact", "25/11/2026"), ("last_session", "14/12/2026"), ("attended", "2"),
            ("language", t(lang, "screen.a.session_language.cy")),
        ]:  # fmt: skip
            assert f"{t(lang, f'outcome.form.{label}')} {value}" in text, label
        assert "ŵ" in text and "ŷ" in text

        # The other force's police user cannot acknowledge it, even with the data crafted.
        await crafted_are_refused(gwent, callbacks(notice))
        await acknowledged(sergeant, worker, lang, reference)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.lifecycle_state is ReferralState.CLOSED
        attempts = await uow.session.scalars(select(ContactAttempt.result))
        assert list(attempts) == ["no_answer", "spoke"]
        held = await uow.session.scalars(select(ParentingSession.status)
                                         .order_by(ParentingSession.held_on))  # fmt: skip
        assert list(held) == ["attended", "missed", "attended"]
        scores = await uow.session.scalars(select(DistanceMeasure.score)
                                           .order_by(DistanceMeasure.id))  # fmt: skip
        assert list(scores) == ["22", "15"]
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        for done in ("transition.accept", "transition.set_first_session",
                     "transition.record_completed", "transition.notify_police",
                     "transition.close"):  # fmt: skip
            assert done in actions, done


async def taken(storage: Storage, api: FakeBotApi, lang: str) -> tuple[SimUser, SimUser, str]:
    """The officer and the worker, in `lang`, and the case the worker accepted."""
    sergeant, worker, _newport, _gwent = await cast(storage, api, lang, officer_lang=lang)
    return sergeant, worker, await referred_and_accepted(sergeant, worker, lang)


async def told_and_closed(
    storage: Storage,
    api: FakeBotApi,
    people: tuple[SimUser, SimUser],
    lang: str,
    reference: str,
    outcome: str,
) -> None:
    """The officer gets the form with `outcome` on it and acknowledges it; the case closes."""
    sergeant, worker = people
    (notice,) = await sergeant.wait_for_reply()
    said = f"{t(lang, 'outcome.form.outcome')} {t(lang, f'outcome.police.{outcome}')}"
    assert said in pdf_text(api, notice)
    await acknowledged(sergeant, worker, lang, reference)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.lifecycle_state is ReferralState.CLOSED


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_did_not_take_up_only_after_the_21_days(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, reference = await taken(storage, api, lang)
        case = f"{reference} (SDJ)"
        await open_from_list(worker, case)
        await attempt(worker, lang, "today", "phone", "no_answer", "")
        clock.advance(days=21)  # Monday 14 December: the last day for a first-session date
        await open_from_list(worker, case)
        asked = await press_new(worker, t(lang, "case.record_outcome"))
        assert t(lang, "case.attempts", count=1) in asked  # the attempts, listed first
        assert shown(worker) == str([[t(lang, "outcome.a.outcome.not_taken_up")]])
        said = await press_new(worker, t(lang, "outcome.a.outcome.not_taken_up"))
        assert said == t(lang, "outcome.not_yet.not_taken_up", day="15/12/2026")

        clock.advance(days=1)  # Tuesday 15 December: 21 days passed with no date
        card = await record_outcome(worker, lang, "not_taken_up",
                                    t(lang, "outcome.a.safeguarding.no"), asked=True)  # fmt: skip
        assert t(lang, "case.state.outcome_not_taken_up") in card
        await told_and_closed(storage, api, (sergeant, worker), lang, reference, "not_taken_up")


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_did_not_engage_with_its_reason(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    async with running_bot(storage, api):
        sergeant, worker, reference = await taken(storage, api, lang)
        case = f"{reference} (SDJ)"
        clock.advance(days=1)  # Tuesday 24 November
        await open_from_list(worker, case)
        await first_session(worker, lang, t(lang, "first_session.tomorrow"))
        clock.advance(days=1)  # Wednesday 25 November: a session, not engaged with
        await attended(worker, lang, ("impact",), t(lang, "session.a.next_on.no_date"),
                       engagement="not_appropriate", reason=REASON)  # fmt: skip
        await press_new(worker, t(lang, "case.record_outcome"))
        said = await press_new(worker, t(lang, "outcome.a.outcome.completed"))
        assert said == t(lang, "outcome.not_yet.completed")  # no session judged appropriate
        card = await record_outcome(worker, lang, "not_engaged", REASON,
                                    t(lang, "outcome.a.safeguarding.no"), asked=True)  # fmt: skip
        assert t(lang, "case.state.outcome_not_engaged") in card and REASON not in card
        await told_and_closed(storage, api, (sergeant, worker), lang, reference, "not_engaged")
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.outcome_reason is not None
        assert REASON.encode() not in referral.outcome_reason
