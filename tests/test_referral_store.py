"""Referrals in the database: state through the lifecycle only, audited in the same transaction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from state_machine.clock import FixedClock
from state_machine.errors import LifecycleError
from state_machine.lifecycle import ReferralState
from state_machine.obligations import Obligation, Owner, obligations
from storage.errors import NotFound, StateWriteRefused
from storage.models import (
    AuditEvent,
    NudgeSent,
    ParentingSession,
    PersonalDetails,
    Referral,
    User,
)
from storage.uow import Storage

S = ReferralState
OFFICER = "user:1"
LONDON = ZoneInfo("Europe/London")


async def new_officer(storage: Storage) -> int:
    async with storage.unit_of_work() as uow:
        user = User(
            display_name="Sgt Test", role="police", force_code="south-wales",
            created_at=storage.clock.now(),
        )  # fmt: skip
        uow.session.add(user)
        await uow.session.flush()
        return user.id


async def screened(storage: Storage, la: str = "cardiff") -> str:
    """A referral that has been through screening and is ready to submit."""
    officer = await new_officer(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.start_screening(
            actor=OFFICER, officer_id=officer, force_code="south-wales"
        )
        referral.la_code = la
        referral.consent_given_at = storage.clock.now()
        return referral.reference


async def test_a_new_referral_gets_an_opaque_random_reference(storage: Storage) -> None:
    refs = [await screened(storage) for _ in range(5)]
    assert all(re.fullmatch(r"R-[2-9A-HJKMNP-TV-Z]{6}", r) for r in refs)
    assert len(set(refs)) == 5


async def test_submitting_sets_both_deadlines_and_audits_in_the_same_transaction(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.transition(referral, "submit", actor=OFFICER)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.lifecycle_state is S.REFERRED
        assert referral.received_at == clock.now()
        assert referral.first_session_due == date(2026, 12, 14)
        assert referral.support_due == date(2027, 2, 23)
        trail = await uow.audit.trail(referral.id)
    assert [(e.action, e.from_state, e.to_state) for e in trail] == [
        ("referral.created", None, None),
        ("transition.submit", "screening", "referred"),
    ]
    assert trail[-1].actor == OFFICER


async def test_a_refused_transition_changes_nothing_and_writes_no_audit_event(
    storage: Storage,
) -> None:
    ref = await screened(storage)
    with pytest.raises(LifecycleError):
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get(ref)
            await uow.referrals.transition(referral, "record_completed", actor=OFFICER)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.lifecycle_state is S.SCREENING
        assert [e.action for e in await uow.audit.trail(referral.id)] == ["referral.created"]


async def test_a_failure_after_the_change_rolls_back_the_state_and_its_audit_together(
    storage: Storage,
) -> None:
    ref = await screened(storage)
    with pytest.raises(RuntimeError):
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get(ref)
            await uow.referrals.transition(referral, "submit", actor=OFFICER)
            raise RuntimeError("the message to the sergeant could not be built")
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.lifecycle_state is S.SCREENING
        count = await uow.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.like("transition%"))
        )
        assert count == 0


async def test_loading_a_referral_restores_its_machine_in_the_stored_state(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.transition(referral, "submit", actor=OFFICER)
        await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=None)
    clock.advance(timedelta(days=3))
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        case = await uow.referrals.case_of(referral)
        assert case.state is S.ALLOCATED
        change = await uow.referrals.transition(
            referral, "set_first_session", actor="user:2", first_session_date=date(2026, 12, 2)
        )
        assert change.from_state is S.ALLOCATED
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.lifecycle_state is S.ENGAGED
        assert referral.first_session_date == date(2026, 12, 2)
        # Moved house: back to 'referred' in the new LA, which arranges its own first session
        # (the old date is dropped): 'not taken up' waits for the new LA's 21 days.
        await uow.referrals.transition(referral, "transfer", actor="user:2", la_code="newport",
                                       reason="moved house")  # fmt: skip
        assert (referral.lifecycle_state, referral.la_code) == (S.REFERRED, "newport")
        assert referral.first_session_date is None
        assert referral.first_session_due == date(2026, 12, 17)
        with pytest.raises(LifecycleError, match="21 days"):
            await uow.referrals.transition(referral, "record_not_taken_up", actor="user:2")


async def test_completion_counts_attended_sessions_from_the_database(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        for trigger, params in [
            ("submit", {}), ("accept", {}),
            ("set_first_session", {"first_session_date": date(2026, 11, 30)}),
        ]:  # fmt: skip
            await uow.referrals.transition(referral, trigger, actor="user:2", **params)
        with pytest.raises(LifecycleError, match="attended session"):
            await uow.referrals.transition(referral, "record_completed", actor="user:2")
        uow.session.add(
            ParentingSession(
                referral_id=referral.id, held_on=date(2026, 11, 30), status="attended",
                engagement="appropriate", recorded_at=clock.now(),
            )
        )  # fmt: skip
        await uow.referrals.transition(referral, "record_completed", actor="user:2")
        assert (referral.outcome, referral.outcome_recorded_at) == ("completed", clock.now())


async def test_an_extension_replaces_the_support_deadline_and_keeps_its_reason(
    storage: Storage,
) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.transition(referral, "submit", actor=OFFICER)
        await uow.referrals.transition(
            referral, "extend", actor=OFFICER, until=date(2027, 3, 31), reason="engaging well"
        )
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert (referral.support_due, referral.extension_until) == (date(2027, 3, 31),) * 2
        assert referral.extension_reason == "engaging well"


async def test_accepting_allocates_the_worker_and_a_transfer_frees_the_case_for_the_new_la(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await screened(storage)
    worker = await new_officer(storage)  # any user row will do as the worker here
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.transition(referral, "submit", actor=OFFICER)
        await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=worker)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.allocated_worker_id == worker
        case = await uow.referrals.case_of(referral)
        assert [(o.what, o.owed_by) for o in obligations(case, clock.now(), LONDON)] == [
            ("first_session_date", Owner("worker", user_id=worker)),
            ("support_delivered", Owner("worker", user_id=worker)),
        ]
        await uow.referrals.transition(referral, "transfer", actor="user:2", la_code="newport",
                                       reason="moved house")  # fmt: skip
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert (referral.la_code, referral.allocated_worker_id) == ("newport", None)
        assert referral.received_at == clock.now()  # the deadlines still run from receipt


async def test_what_is_owed_is_read_from_the_stored_case(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.transition(referral, "submit", actor=OFFICER)
        await uow.referrals.transition(
            referral, "extend", actor=OFFICER, until=date(2027, 3, 31), reason="engaging well"
        )
    received = clock.now()
    clock.advance(timedelta(days=22))  # 15 December: the first-session date is overdue
    async with storage.unit_of_work() as uow:
        case = await uow.referrals.case_of(await uow.referrals.get(ref))
    cardiff = Owner("worker", la_code="cardiff")
    assert obligations(case, clock.now(), LONDON) == [
        Obligation("accepted", cardiff, None, overdue=False, since=received),
        Obligation("first_session_date", cardiff, date(2026, 12, 14), True, received),
        Obligation("support_delivered", cardiff, date(2027, 3, 31), False, received),
    ]


async def test_not_taken_up_is_refused_until_the_21_days_have_passed_unless_refused(
    storage: Storage, clock: FixedClock
) -> None:
    early, late = await screened(storage), await screened(storage)
    async with storage.unit_of_work() as uow:
        for ref in (early, late):
            await uow.referrals.transition(await uow.referrals.get(ref), "submit", actor=OFFICER)
    clock.advance(timedelta(days=21))  # 14 December, the last day for a first-session date
    with pytest.raises(LifecycleError, match="21 days") as err:
        async with storage.unit_of_work() as uow:
            referral = await uow.referrals.get(late)
            await uow.referrals.transition(referral, "record_not_taken_up", actor="user:2")
    assert err.value.code == "21_days_passed_or_refused"
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(early)
        await uow.referrals.transition(
            referral, "record_not_taken_up", actor="user:2", refused=True
        )
        assert (referral.outcome, referral.outcome_recorded_at) == ("not_taken_up", clock.now())
        trail = await uow.audit.trail(referral.id)
        assert trail[-1].details == {"refused": "True"}
    clock.advance(timedelta(days=1))
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(late)
        await uow.referrals.transition(referral, "record_not_taken_up", actor="user:2")
        assert referral.lifecycle_state is S.OUTCOME_NOT_TAKEN_UP


async def test_code_cannot_set_a_referral_state_directly(storage: Storage) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        with pytest.raises(StateWriteRefused):
            referral.state = "closed"


async def test_two_officers_cannot_move_one_referral_from_stale_copies(storage: Storage) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as first:
        a = await first.referrals.get(ref)
        await first.referrals.transition(a, "submit", actor=OFFICER)
    async with storage.unit_of_work() as uow:  # the row is re-read, so the second sees 'referred'
        b = await uow.referrals.get(ref)
        with pytest.raises(LifecycleError, match="not allowed from 'referred'"):
            await uow.referrals.transition(b, "submit", actor=OFFICER)


async def test_an_unknown_reference_is_not_found(storage: Storage) -> None:
    async with storage.unit_of_work() as uow:
        with pytest.raises(NotFound):
            await uow.referrals.get("R-ZZZZZZ")


async def test_personal_details_are_encrypted_at_rest_and_every_read_is_audited(
    storage: Storage,
) -> None:
    ref = await screened(storage)
    details = {"name": "Gwenllian Prydderch", "initials": "GP", "phone": "07400 123456"}
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.personal.save(referral, details, actor=OFFICER)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        raw = await uow.session.scalar(
            text("SELECT payload FROM personal_details WHERE referral_id = :id"),
            {"id": referral.id},
        )
        assert b"Prydderch" not in bytes(raw) and b"07400" not in bytes(raw)
        assert await uow.referrals.answers(referral) == {}
        assert await uow.personal.initials(referral) == "GP"
        assert await uow.personal.read(referral, actor="user:9", purpose="first contact") == details
        events = await uow.audit.trail(referral.id)
        read = [e for e in events if e.action == "personal_details.read"]
        assert [(e.actor, e.details) for e in read] == [("user:9", {"purpose": "first contact"})]
        assert all("Prydderch" not in str(e.details) for e in events)


async def test_purged_personal_details_are_gone_but_the_referral_remains(storage: Storage) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.personal.save(referral, {"name": "A B", "initials": "AB"}, actor=OFFICER)
        assert await uow.personal.purge(referral, actor="system:retention", reason="retention")
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert await uow.personal.read(referral, actor="user:9", purpose="check") is None
        row = await uow.session.get(PersonalDetails, referral.id)
        assert row is not None and row.payload is None and row.purged_at is not None


async def test_screening_answers_are_stored_and_can_be_changed(storage: Storage) -> None:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.record_answer(referral, "gravity", 2, by=None)
        await uow.referrals.record_answer(referral, "relationship", "grandparent", by=None)
        await uow.referrals.record_answer(referral, "gravity", 1, by=None)
        assert await uow.referrals.answers(referral) == {
            "gravity": 1,
            "relationship": "grandparent",
        }


async def test_a_nudge_is_claimed_once_per_referral_rule_due_moment_and_recipient(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await screened(storage)
    officer = await new_officer(storage)
    due_at = datetime(2026, 12, 14, 0, 0, tzinfo=UTC)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        first = await uow.nudges.claim(referral.id, "first_session_reminder", due_at, officer,
                                       clock.now())  # fmt: skip
        again = await uow.nudges.claim(referral.id, "first_session_reminder", due_at, officer,
                                       clock.now())  # fmt: skip
        week = due_at + timedelta(days=7)
        later = await uow.nudges.claim(referral.id, "first_session_reminder", week, officer,
                                       clock.now())  # fmt: skip
        key = {"referral_id": referral.id, "rule": "first_session_reminder", "due_at": due_at,
               "recipient_user_id": officer}  # fmt: skip
    assert first is not None and again is None and later not in (None, first)
    with pytest.raises(IntegrityError):  # the database itself holds the key
        async with storage.unit_of_work() as uow:
            uow.session.add(NudgeSent(**key, claimed_at=clock.now()))
            await uow.session.flush()


async def test_the_database_rejects_a_state_the_lifecycle_does_not_know(storage: Storage) -> None:
    await screened(storage)
    with pytest.raises(IntegrityError):
        async with storage.unit_of_work() as uow:
            await uow.session.execute(text("UPDATE referrals SET state = 'lost'"))
    async with storage.unit_of_work() as uow:
        states = (await uow.session.scalars(select(Referral.state))).all()
        assert states == ["screening"]
