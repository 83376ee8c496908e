"""A hand-built year of cases, made through the real lifecycle with the clock moved, for the
monitoring return's tests (docs/monitoring-return.md). Each case is one edge; EXPECTED is
every count for 2026-H1 worked out by hand from the definitions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from state_machine.clock import FixedClock
from storage.models import DistanceMeasure, ParentingSession, User
from storage.uow import Storage

WORKER = "user:2"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


class Cases:
    def __init__(self, storage: Storage, clock: FixedClock) -> None:
        self.storage, self.clock = storage, clock

    async def refer(self, at: datetime, la: str, *, welsh: bool = False) -> int:
        """A referral received by `la` at `at` (screened, with consent, then submitted)."""
        self.clock.set(at)
        async with self.storage.unit_of_work() as uow:
            officer = User(display_name="Sgt", role="police", force_code="south-wales",
                           created_at=at)  # fmt: skip
            uow.session.add(officer)
            await uow.session.flush()
            referral = await uow.referrals.start_screening(
                actor="test", officer_id=officer.id, force_code="south-wales"
            )
            referral.la_code, referral.consent_given_at = la, at
            referral.session_language = "cy" if welsh else "en"
            await uow.referrals.transition(referral, "submit", actor="test")
            return referral.id

    async def fire(self, referral_id: int, at: datetime, trigger: str, **params: Any) -> None:
        self.clock.set(at)
        async with self.storage.unit_of_work() as uow:
            referral = await uow.referrals.get_by_id(referral_id)
            await uow.referrals.transition(referral, trigger, actor=WORKER, **params)

    async def session(
        self, referral_id: int, on: date, status: str = "attended", *, welsh: bool = False
    ) -> None:
        async with self.storage.unit_of_work() as uow:
            # An attended session is one the worker judged, as the session log records it.
            engagement = "appropriate" if status == "attended" else None
            row = ParentingSession(referral_id=referral_id, held_on=on, status=status,
                                   welsh_medium=welsh, engagement=engagement,
                                   recorded_at=self.clock.now())  # fmt: skip
            uow.session.add(row)

    async def measure(
        self, referral_id: int, phase: str, score: str, on: date, positive: bool | None = None
    ) -> None:
        async with self.storage.unit_of_work() as uow:
            uow.session.add(DistanceMeasure(referral_id=referral_id, tool="sdq", phase=phase,
                                            score=score, positive=positive, measured_on=on,
                                            recorded_at=self.clock.now()))  # fmt: skip

    async def engage(self, referral_id: int, at: datetime, first: date) -> None:
        await self.fire(referral_id, at, "accept", worker_id=None)
        await self.fire(referral_id, at, "set_first_session", first_session_date=first)


async def build(storage: Storage, clock: FixedClock) -> dict[str, int]:
    """The cases, by name. Dates in summer are BST: local midnight is 23:00 UTC before."""
    c = Cases(storage, clock)
    ids: dict[str, int] = {}
    # A referral at 00:30 BST on 1 April (23:30 UTC on 31 March): in H1.
    ids["boundary_in"] = await c.refer(utc(2026, 3, 31, 23, 30), "cardiff")
    # 23:30 BST on 31 March (22:30 UTC): the previous period.
    ids["boundary_before"] = await c.refer(utc(2026, 3, 31, 22, 30), "cardiff")
    # 00:30 BST on 1 October (23:30 UTC on 30 September): the next period.
    ids["boundary_after"] = await c.refer(utc(2026, 9, 30, 23, 30), "cardiff")

    # Referred to Cardiff wanting Welsh, transferred to Newport, completed there in Welsh.
    ids["transfer"] = t = await c.refer(utc(2026, 4, 10, 9), "cardiff", welsh=True)
    await c.fire(t, utc(2026, 4, 14, 9), "accept", worker_id=None)
    await c.fire(t, utc(2026, 4, 20, 9), "transfer", la_code="newport", reason="moved house")
    await c.engage(t, utc(2026, 4, 24, 9), date(2026, 5, 1))
    await c.session(t, date(2026, 5, 1), welsh=True)
    await c.session(t, date(2026, 5, 8), welsh=True)
    await c.fire(t, utc(2026, 6, 1, 9), "record_completed")

    # An extension agreed with the police; one session, then did not engage: partly done.
    # Its questionnaire improved (no tool direction known: the worker's judgement counts).
    ids["extension"] = x = await c.refer(utc(2026, 5, 1, 9), "cardiff")
    await c.engage(x, utc(2026, 5, 4, 9), date(2026, 5, 10))
    await c.measure(x, "start", "10", date(2026, 5, 10))
    await c.session(x, date(2026, 5, 10))
    await c.fire(x, utc(2026, 7, 20, 9), "extend", until=date(2026, 9, 30), reason="illness")
    await c.measure(x, "end", "14", date(2026, 8, 30), positive=True)
    await c.fire(x, utc(2026, 9, 1, 9), "record_not_engaged", reason_recorded=True)

    # Asked for Welsh, had sessions in English only, completed.
    ids["welsh_not_met"] = w = await c.refer(utc(2026, 6, 1, 9), "cardiff", welsh=True)
    await c.engage(w, utc(2026, 6, 3, 9), date(2026, 6, 10))
    await c.session(w, date(2026, 6, 10))
    await c.session(w, date(2026, 6, 17), "missed", welsh=True)  # a missed one is not had
    await c.fire(w, utc(2026, 7, 15, 9), "record_completed")

    # Still open when the period ends: first session in September, nothing more.
    ids["open_at_end"] = o = await c.refer(utc(2026, 9, 1, 9), "cardiff")
    await c.engage(o, utc(2026, 9, 2, 9), date(2026, 9, 20))
    await c.session(o, date(2026, 9, 20))
    # ...and one whose first session is arranged for October: not taken up in H1.
    ids["first_session_after"] = a = await c.refer(utc(2026, 9, 10, 9), "cardiff")
    await c.engage(a, utc(2026, 9, 11, 9), date(2026, 10, 5))

    # Not taken up after 21 days: a referral, nothing else.
    ids["not_taken_up"] = n = await c.refer(utc(2026, 4, 5, 9), "cardiff")
    await c.fire(n, utc(2026, 4, 27, 9), "record_not_taken_up")

    # Newport: a first session arranged but none attended, then did not engage: disengaged.
    ids["disengaged"] = d = await c.refer(utc(2026, 7, 1, 9), "newport")
    await c.engage(d, utc(2026, 7, 2, 9), date(2026, 7, 10))
    await c.session(d, date(2026, 7, 10), "missed")
    await c.fire(d, utc(2026, 8, 1, 9), "record_not_engaged", reason_recorded=True)

    # Referred in the previous period, completed in H1 (in GMT: February).
    ids["from_before"] = b = await c.refer(utc(2026, 2, 1, 9), "cardiff")
    await c.engage(b, utc(2026, 2, 2, 9), date(2026, 2, 20))
    await c.session(b, date(2026, 2, 20))
    await c.fire(b, utc(2026, 4, 15, 9), "record_completed")

    # Swansea: questionnaire got worse; completed in H1.
    ids["worse"] = s = await c.refer(utc(2026, 4, 2, 9), "swansea")
    await c.engage(s, utc(2026, 4, 3, 9), date(2026, 4, 8))
    await c.measure(s, "start", "20", date(2026, 4, 8))
    await c.session(s, date(2026, 4, 8))
    await c.measure(s, "end", "12", date(2026, 5, 30), positive=False)
    await c.fire(s, utc(2026, 6, 1, 9), "record_completed")
    return ids


# 2026-H1, counted after it ended, by hand from docs/monitoring-return.md.
EXPECTED: dict[str, dict[str, int]] = {
    "cardiff": {
        # boundary_in, transfer, extension, welsh_not_met, open_at_end, first_session_after,
        # not_taken_up
        "referred": 7,
        "took_up": 3,  # extension (10 May), welsh_not_met (10 June), open_at_end (20 Sept)
        "partially_completed": 1,  # extension
        "disengaged": 0,
        "completed": 2,  # welsh_not_met, from_before
        "positive_outcome": 1,  # extension
        "preferred_welsh": 2,  # transfer (referred here), welsh_not_met
        "welsh_after_preference": 0,
        "completed_in_welsh": 0,
    },
    "newport": {
        "referred": 1,  # disengaged
        "took_up": 2,  # transfer (1 May, after the move), disengaged (10 July)
        "partially_completed": 0,
        "disengaged": 1,
        "completed": 1,  # transfer
        "positive_outcome": 0,
        "preferred_welsh": 0,
        "welsh_after_preference": 1,  # transfer
        "completed_in_welsh": 1,  # transfer
    },
    "swansea": {
        "referred": 1,
        "took_up": 1,
        "partially_completed": 0,
        "disengaged": 0,
        "completed": 1,
        "positive_outcome": 0,
        "preferred_welsh": 0,
        "welsh_after_preference": 0,
        "completed_in_welsh": 0,
    },
}
