"""A hand-built set of cases for /summary, /overdue and /workload, made through the real
lifecycle with the clock moved (as tests/monitoring_data.py), seen on Wednesday 2 December
2026 at 09:00 (GMT): the week began on Monday 30 November, the period is 2026-H2. EXPECTED
is worked out by hand from the obligations' rules (docs/lifecycle.md)."""

from __future__ import annotations

from datetime import date, datetime

from state_machine.clock import FixedClock
from storage.models import Referral, User
from storage.uow import Storage
from tests.monitoring_data import Cases, utc

NOW = utc(2026, 12, 2, 9)


async def worker(storage: Storage, name: str) -> int:
    async with storage.unit_of_work() as uow:
        user = User(display_name=name, role="worker", created_at=utc(2026, 1, 1))
        uow.session.add(user)
        await uow.session.flush()
        return user.id


async def told_police(storage: Storage, referral_id: int, at: datetime) -> None:
    """The outcome's notice delivered to the police (the outcomes slice will set this)."""
    async with storage.unit_of_work() as uow:
        referral = await uow.session.get(Referral, referral_id)
        assert referral is not None
        referral.police_notified_at = at


async def build(storage: Storage, clock: FixedClock) -> dict[str, int]:
    c = Cases(storage, clock)
    mair, ifan = await worker(storage, "Mair"), await worker(storage, "Ifan")
    ids: dict[str, int] = {}
    # Cardiff. New on Tuesday, waiting: its first-session date is due 22 Dec (not soon).
    ids["new_waiting"] = await c.refer(utc(2026, 12, 1, 10), "cardiff")
    # Accepted, no date yet: due 6 Dec, within 7 days.
    ids["soon"] = s = await c.refer(utc(2026, 11, 15, 9), "cardiff")
    await c.fire(s, utc(2026, 11, 16, 9), "accept", worker_id=mair)
    # Accepted, no date: due 22 Nov, 10 days overdue.
    ids["late_first"] = f = await c.refer(utc(2026, 11, 1, 9), "cardiff")
    await c.fire(f, utc(2026, 11, 2, 9), "accept", worker_id=ifan)
    # In sessions since August (H1): support was due 1 Nov, 31 days overdue.
    ids["late_delivery"] = d = await c.refer(utc(2026, 8, 1, 9), "cardiff")
    await c.fire(d, utc(2026, 8, 5, 9), "accept", worker_id=mair)
    await c.fire(d, utc(2026, 8, 5, 9), "set_first_session", first_session_date=date(2026, 8, 10))
    # Wanted Welsh and had it: 7 days from referral to first session.
    ids["welsh_met"] = w = await c.refer(utc(2026, 10, 5, 9), "cardiff", welsh=True)
    await c.fire(w, utc(2026, 10, 6, 9), "accept", worker_id=mair)
    await c.fire(w, utc(2026, 10, 6, 9), "set_first_session", first_session_date=date(2026, 10, 12))
    await c.session(w, date(2026, 10, 12), welsh=True)
    # Wanted Welsh, had English, completed 20 Nov; the police not told: 12 days overdue.
    # 20 days from referral to first session.
    ids["welsh_unmet"] = u = await c.refer(utc(2026, 10, 10, 9), "cardiff", welsh=True)
    await c.fire(u, utc(2026, 10, 11, 9), "accept", worker_id=ifan)
    await c.fire(
        u, utc(2026, 10, 11, 9), "set_first_session", first_session_date=date(2026, 10, 30)
    )
    await c.session(u, date(2026, 10, 30))
    await c.fire(u, utc(2026, 11, 20, 9), "record_completed")
    # Not taken up on 3 Nov, the police told the next day: waiting for their acknowledgement.
    ids["told"] = n = await c.refer(utc(2026, 10, 12, 9), "cardiff")
    await c.fire(n, utc(2026, 11, 3, 9), "record_not_taken_up")
    await told_police(storage, n, utc(2026, 11, 4, 9))
    # Newport: waiting since 25 Nov (due 16 Dec: not soon, not this week).
    ids["newport_waiting"] = await c.refer(utc(2026, 11, 25, 9), "newport")
    ids["mair"], ids["ifan"] = mair, ifan
    clock.set(NOW)
    return ids


# By hand. The lists are of case names in `ids`.
CARDIFF_LISTS: dict[str, list[str]] = {
    "referred": ["new_waiting"],
    "allocated": ["late_first", "soon"],  # oldest received first
    "engaged": ["late_delivery", "welsh_met"],
    "new_this_week": ["new_waiting"],
    "awaiting_acceptance": ["new_waiting"],
    "first_session_soon": ["soon"],
    "overdue_first_session": ["late_first"],
    "overdue_delivery": ["late_delivery"],
    "overdue_police_told": ["welsh_unmet"],
    "awaiting_police_ack": ["told"],
}
NEWPORT_LISTS: dict[str, list[str]] = {
    **{key: [] for key in CARDIFF_LISTS},
    "referred": ["newport_waiting"],
    "awaiting_acceptance": ["newport_waiting"],
}
CARDIFF_OUTCOMES = {"completed": 1, "not_engaged": 0, "not_taken_up": 1}
CARDIFF_MEDIAN = 13.5  # of 7 and 20
CARDIFF_WELSH = (1, 2)  # met, wanted
# /overdue for Cardiff, worst first: (case, days late).
OVERDUE = [("late_delivery", 31), ("welsh_unmet", 12), ("late_first", 10)]
