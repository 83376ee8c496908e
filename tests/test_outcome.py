"""The outcome's rules, each story driven through the assistant (the console's path) with the
clock moved: 'did not take up' only after the 21 days or a refusal, 'did not engage' with its
reason kept encrypted, the safeguarding question asked once, the admins told when the force
has no police user, and the console saving the form where it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console import console_actor, run_console
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.distance_tools import DistanceTool
from state_machine.lifecycle import ReferralState
from storage.models import Notification, ParentingSession
from storage.uow import Storage
from tests.assistant_script import Phone, enrol
from tests.test_cases import accept, open_case, people, record, refer

REASON = "On the phone throughout both sessions; Dai shouted at the worker"


async def outcome(phone: Phone, reference: str) -> list[str]:
    await open_case(phone, reference)
    return await phone.press(t("en", "case.record_outcome"))


async def attended_appropriately(storage: Storage, reference: str) -> int:
    """A session attended today, engagement judged appropriate ("completed" rests on one):
    the referral's id."""
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        uow.session.add(ParentingSession(
            referral_id=referral.id, held_on=uow.clock.now().date(), status="attended",
            engagement="appropriate", recorded_at=uow.clock.now(),
        ))  # fmt: skip
        return referral.id


async def state_of(storage: Storage, reference: str) -> ReferralState:
    async with storage.unit_of_work() as uow:
        return (await uow.referrals.get(reference)).lifecycle_state


async def test_did_not_take_up_is_refused_before_the_21_days_and_recorded_after(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)  # received Monday 23 November: due 14 December
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await record(mair, "Today", "Phone", "No answer", "No note", "Save")
    (asked,) = await mair.press(t("en", "case.record_outcome"))
    assert asked.splitlines()[2:4] == [t("en", "case.attempts", count=1),
                                      "• 23/11/2026: Phone, No answer"]  # fmt: skip
    assert mair.buttons() == [[t("en", "outcome.a.outcome.not_taken_up")]]
    clock.advance(days=21)  # 14 December: the last day for a first-session date
    said = await mair.press(t("en", "outcome.a.outcome.not_taken_up"))
    assert said == [t("en", "outcome.not_yet.not_taken_up", day="15/12/2026")]
    assert await mair.say("Did not take up") == [said[0], asked]  # typed: the same, asked again
    clock.advance(days=1)
    await mair.press(t("en", "outcome.a.outcome.not_taken_up"))
    (review,) = await mair.press(t("en", "outcome.a.safeguarding.no"))
    assert review.startswith(t("en", "outcome.review.title", case=f"{reference} (SDJ)"))
    assert await state_of(storage, reference) is ReferralState.ALLOCATED  # not before Record
    saved, card = await mair.press(t("en", "outcome.submit"))
    assert saved.splitlines() == [
        t("en", "outcome.saved", case=f"{reference} (SDJ)", outcome="Did not take up"),
        t("en", "outcome.sent"),
    ]
    assert t("en", "case.state.outcome_not_taken_up") in card
    assert t("en", "case.owed.police_acknowledgement") in card
    assert mair.buttons() == [
        [t("en", "case.timeline")],
        [t("en", "case.back")],
    ]  # no more to record
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        (event,) = [e for e in await uow.audit.trail(referral.id)
                    if e.action == "transition.record_not_taken_up"]  # fmt: skip
        assert event.details == {"safeguarding_concern": "no"}  # not a refusal: the 21 days
        kinds = [n.kind for n in await uow.session.scalars(select(Notification))]
        assert kinds.count("outcome_to_police") == 1


async def test_did_not_take_up_after_they_declined_needs_no_wait_and_a_concern_is_said(
    storage: Storage,
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    _saved, card = await record(mair, "Today", "Letter", "They declined", "No note", "Save")
    assert t("en", "case.declined_now") in card
    await mair.press(t("en", "case.record_outcome"))
    (safeguarding,) = await mair.press(t("en", "outcome.a.outcome.not_taken_up"))
    assert safeguarding.endswith(t("en", "outcome.q.safeguarding"))
    (review,) = await mair.press(t("en", "outcome.a.safeguarding.yes"))
    assert "• Safeguarding concern to raise: Yes" in review
    saved, _card = await mair.press(t("en", "outcome.submit"))
    assert saved.endswith(t("en", "outcome.safeguarding_now"))
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        (event,) = [e for e in await uow.audit.trail(referral.id)
                    if e.action == "transition.record_not_taken_up"]  # fmt: skip
        assert event.details == {"refused": "True", "safeguarding_concern": "yes"}


async def test_did_not_engage_needs_its_reason_kept_encrypted_and_purged(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await mair.press(t("en", "case.set_first_session"))
    await mair.press(t("en", "first_session.tomorrow"))
    (asked,) = await mair.press(t("en", "case.record_outcome"))
    assert t("en", "outcome.attended", count=0, appropriate=0) in asked
    assert mair.buttons() == [[t("en", "outcome.a.outcome.not_engaged")],
                              [t("en", "outcome.a.outcome.completed")]]  # fmt: skip
    said = await mair.press(t("en", "outcome.a.outcome.completed"))
    assert said == [t("en", "outcome.not_yet.completed")]  # no session judged appropriate
    (why,) = await mair.press(t("en", "outcome.a.outcome.not_engaged"))
    assert "additional needs" in why and "language" in why
    await mair.say(REASON)
    (review,) = await mair.press(t("en", "outcome.a.safeguarding.no"))
    assert f"• Reason: {REASON}" in review
    async with storage.unit_of_work() as uow:  # waiting on the review: sealed in the dialogue
        dialogue = await uow.dialogues.current(mair.actor.user_id)
        assert dialogue is not None and REASON not in repr(dialogue.answers)
    await mair.press(t("en", "outcome.submit"))
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        assert referral.lifecycle_state is ReferralState.OUTCOME_NOT_ENGAGED
        assert referral.outcome_reason is not None
        assert uow.cipher.decrypt(referral.outcome_reason) == REASON
        trail = await uow.audit.trail(referral.id)
        assert all(REASON not in repr((e.reason, e.details)) for e in trail)
        assert await uow.personal.purge(referral, actor="system:retention", reason="retention")
    async with storage.unit_of_work() as uow:
        assert (await uow.referrals.get(reference)).outcome_reason is None


async def test_no_police_user_of_the_force_the_admins_are_told_and_the_first_to_enrol_gets_it(
    storage: Storage, tmp_path: Path
) -> None:
    assistant, mair = await people(storage, (10, InviteSpec("admin", "Ada")))
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    async with storage.unit_of_work() as uow:
        sergeant = await uow.people.by_telegram_id(1)
        assert sergeant is not None
        await uow.people.revoke(sergeant, actor="test")
    await open_case(mair, reference)
    await mair.press(t("en", "case.set_first_session"))
    await mair.press(t("en", "first_session.today"))
    await attended_appropriately(storage, reference)
    await mair.press(t("en", "case.back"))
    await outcome(mair, reference)
    await mair.press(t("en", "outcome.a.outcome.completed"))
    saved, card = await mair.press(t("en", "outcome.submit"))
    assert saved.endswith(t("en", "outcome.sent_admins"))
    assert t("en", "case.police_untold") in card
    done = mair.last.notices
    assert [n.reply.text for n in done] == [
        t("en", "outcome.nobody", reference=reference, force="Gwent Police")
    ]
    assert done[0].reply.document is None  # admins see no case details

    # A Gwent officer at the console, enrolled now: the form is theirs, saved to a file.
    lines: list[str] = []
    typed = iter(["1", "/quit"])

    async def ask(_prompt: str) -> str | None:
        return next(typed, None)

    officer = await console_actor(storage, InviteSpec("police", "Sgt Owen", "gwent"), "en")
    await run_console(assistant, officer, ask, lines.append, files=tmp_path)
    saved_at = tmp_path / f"{reference}-outcome.pdf"
    assert t("en", "console.saved", path=str(saved_at)) in lines
    assert saved_at.read_bytes().startswith(b"%PDF")
    assert t("en", "outcome.acknowledged", reference=reference) in lines
    assert await state_of(storage, reference) is ReferralState.CLOSED


async def test_another_workers_outcome_press_is_refused_and_records_nothing(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage, (3, InviteSpec("worker", "Ifan",
                                                            la_codes=("cardiff",))))  # fmt: skip
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    clock.advance(days=22)
    await outcome(mair, reference)
    token = mair.on_screen[t("en", "outcome.a.outcome.not_taken_up")]
    ifan = await enrol(assistant, 3, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
    said = await assistant.press(ifan, token)
    assert said is not None and [r.text for r in said.replies] == [t("en", "button.stale")]
    # Mair's own press of an outcome the case does not allow, crafted: refused with why.
    async with storage.unit_of_work() as uow:
        crafted = uow.buttons.issue(
            mair.actor.user_id,
            "outcome.answer",
            {"q": "outcome", "v": "completed"},
            uow.clock.now(),
        )
    assert await mair.token(crafted) == [t("en", "outcome.not_now")]
    assert await state_of(storage, reference) is ReferralState.ALLOCATED


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_completed_says_before_record_which_questionnaire_has_no_end_score(
    storage: Storage, lang: str
) -> None:
    """No score can be added once the outcome is recorded, and the return counts a positive
    outcome only from a start and an end score: the review says which tool lacks its end."""
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    referral_id = await attended_appropriately(storage, reference)
    await open_case(mair, reference)
    await mair.press(t("en", "case.set_first_session"))
    await mair.press(t("en", "first_session.today"))

    async def score(phase: str, value: str) -> DistanceTool:
        """An SDQ score recorded on the case today."""
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get_by_id(referral_id)
            sdq = uow.distance_tools.named("sdq_total")
            assert sdq is not None
            await uow.measures.record(
                referral,
                sdq,
                phase=phase,
                on=uow.clock.now().date(),
                score=value,
                recorded_by=mair.actor.user_id,
                actor="test",
            )
            return sdq

    sdq = await score("start", "22")
    async with storage.unit_of_work() as uow:
        user = await uow.people.get(mair.actor.user_id)
        assert user is not None
        await uow.people.set_language(user, lang)
    welsh = await assistant.identify(2)
    assert welsh is not None
    mair.actor = welsh

    async def review() -> str:
        await open_case(mair, reference)
        await mair.press(t(lang, "case.record_outcome"))
        (shown,) = await mair.press(t(lang, "outcome.a.outcome.completed"))
        return shown

    note = t(lang, "outcome.note.no_end_measure", tools=sdq.name(lang))
    assert note in await review()
    await mair.say("/cancel")
    await score("end", "15")
    shown = await review()
    assert t(lang, "outcome.review.title", case=f"{reference} (SDJ)") in shown
    assert note not in shown
    await mair.press(t(lang, "outcome.submit"))
    assert await state_of(storage, reference) is ReferralState.OUTCOME_COMPLETED
