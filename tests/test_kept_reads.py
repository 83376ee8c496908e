"""What a unit of work keeps of what it read, on SQLite and PostgreSQL: the people `load` read
are found again without a statement, and a case `cases_of` made is read again only while the
referral is as it was then."""

from __future__ import annotations

from datetime import timedelta

from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.models import User
from storage.uow import Storage
from tests.test_nudges_casework import statements
from tests.test_referral_store import screened


async def submitted(storage: Storage) -> str:
    """A referral received by its LA, not yet accepted."""
    reference = await screened(storage)
    async with storage.unit_of_work() as uow:
        await uow.referrals.transition(await uow.referrals.get(reference), "submit",
                                       actor="user:1")  # fmt: skip
    return reference


async def test_people_read_by_load_are_found_by_get_with_no_statement(storage: Storage) -> None:
    """The session holds what it read only weakly: `load` keeps its people for the unit of
    work, or each `get` would read its person again (a sweep's officers, one by one)."""
    async with storage.unit_of_work() as uow:
        people = [User(display_name=f"Sgt {n}", role="police", force_code="gwent",
                       created_at=storage.clock.now()) for n in range(3)]  # fmt: skip
        uow.session.add_all(people)
        await uow.session.flush()
        ids = [p.id for p in people]
    async with storage.unit_of_work() as uow:
        with statements(storage) as sent:
            await uow.people.load(ids)
            found = [await uow.people.get(i) for i in ids]
        assert [u.display_name for u in found if u is not None] == ["Sgt 0", "Sgt 1", "Sgt 2"]
        assert sum("FROM users" in s for s in sent) == 1, sent  # and their LAs, once
        assert len(set(sent)) == len(sent) == 2, sent


async def test_a_case_made_for_a_batch_is_read_again_only_while_its_referral_is_unchanged(
    storage: Storage,
) -> None:
    """`case_of` gives the case `cases_of` made while nothing changed; a change to the
    referral, flushed or not, or a transition, makes it again."""
    reference = await submitted(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        made = (await uow.referrals.cases_of([referral]))[referral.id]
        assert await uow.referrals.case_of(referral) is made
        referral.la_code = "newport"  # not flushed
        assert (await uow.referrals.case_of(referral)).la_code == "newport"
        await uow.session.flush()  # flushed: the version moved
        assert (await uow.referrals.case_of(referral)).la_code == "newport"
        made = (await uow.referrals.cases_of([referral]))[referral.id]
        assert await uow.referrals.case_of(referral) is made
        await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=None)
        case = await uow.referrals.case_of(referral)
        assert case.state is ReferralState.ALLOCATED and made.state is ReferralState.REFERRED


async def test_what_is_owed_is_worked_out_again_when_the_case_or_the_time_moves(
    storage: Storage, clock: FixedClock
) -> None:
    """`owed_now` is the obligations of the case `case_of` gives, at the clock's moment."""
    reference = await submitted(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get(reference)
        await uow.referrals.cases_of([referral])
        owed = await uow.referrals.owed_now(referral)
        assert await uow.referrals.owed_now(referral) is owed
        assert [o.what for o in owed] == ["accepted", "first_session_date", "support_delivered"]
        clock.set(clock.now() + timedelta(days=30))  # past the 21 days
        later = {o.what: o.overdue for o in await uow.referrals.owed_now(referral)}
        assert later == {"accepted": False, "first_session_date": True, "support_delivered": False}
        await uow.referrals.transition(referral, "accept", actor="user:2", worker_id=None)
        assert "accepted" not in [o.what for o in await uow.referrals.owed_now(referral)]
