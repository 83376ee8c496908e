"""Extension requests, transfers and withdrawals in the database, on SQLite and PostgreSQL:
one request open at a time, the nudge's obligation read from the referral, the answer
recorded with who and when, and every reason encrypted and taken by the purge."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from state_machine.clock import FixedClock
from state_machine.obligations import obligations
from storage.models import ExtensionRequest, Referral
from storage.uow import Storage
from tests.test_referral_store import OFFICER, new_officer, screened


async def accepted(storage: Storage) -> str:
    ref = await screened(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        await uow.referrals.transition(referral, "submit", actor=OFFICER)
        await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=None)
    return ref


async def test_one_request_is_open_at_a_time_and_an_answer_closes_it(
    storage: Storage, clock: FixedClock
) -> None:
    ref = await accepted(storage)
    me = await new_officer(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.support_due is not None
        until = referral.support_due + timedelta(weeks=4)
        asked = await uow.extensions.ask(referral, by=me, until=until, reason="Mam in hospital",
                                         actor="user:2")  # fmt: skip
        assert asked is not None and asked.status == "open"
        assert await uow.extensions.ask(referral, by=me, until=until, reason="again",
                                        actor="user:2") is None  # fmt: skip
        owed = obligations(await uow.referrals.case_of(referral), clock.now(), uow.tz)
        assert [o.what for o in owed][-1] == "extension_answered"
    clock.advance(timedelta(days=1))
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        answered = await uow.extensions.answer(referral, asked.id, approved=False, by=me,
                                               actor=OFFICER, reason="Too late")  # fmt: skip
        assert (answered.status, answered.answered_by) == ("declined", me)
        assert answered.answered_at == clock.now()
        assert await uow.extensions.open_for(referral) is None
        assert referral.extension_requested_at is None
        assert await uow.extensions.words(asked.id) == ("Mam in hospital", "Too late")
        again = await uow.extensions.ask(referral, by=me, until=until, reason="Once more",
                                         actor="user:2")  # fmt: skip
        assert again is not None and again.id != asked.id
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        assert actions.count("extension.requested") == 2 and "extension.declined" in actions


async def test_the_purge_takes_the_reasons_of_extensions_transfers_and_withdrawals(
    storage: Storage,
) -> None:
    ref = await accepted(storage)
    me = await new_officer(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        assert referral.support_due is not None
        asked = await uow.extensions.ask(referral, by=me, reason="Mam in hospital",
                                         until=referral.support_due + timedelta(days=30),
                                         actor="user:2")  # fmt: skip
        assert asked is not None
        await uow.extensions.answer(referral, asked.id, approved=False, by=me, actor=OFFICER,
                                    reason="No")  # fmt: skip
        referral.transfer_reason = uow.casework.seal("Moved to Newport")
        referral.withdrawal_reason = uow.casework.seal("Caution withdrawn")
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(ref)
        row = await uow.session.scalar(select(ExtensionRequest))
        assert row is not None and row.reason is not None and b"Mam" not in row.reason
        assert await uow.personal.purge(referral, actor="system:retention", reason="retention")
    async with storage.unit_of_work() as uow:
        row = await uow.session.scalar(select(ExtensionRequest))
        assert row is not None and (row.reason, row.decline_reason) == (None, None)
        assert (row.status, row.proposed_until) == ("declined", asked.until)  # facts stay
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        assert (referral.transfer_reason, referral.withdrawal_reason) == (None, None)
        assert isinstance(referral.support_due, date)
