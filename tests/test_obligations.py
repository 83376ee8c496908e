"""What is owed on a case, by whom and by when: calendar dates in Wales, whatever the clocks,
the month's length or the bank holidays do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from state_machine.case import Case, ReferralState
from state_machine.errors import LifecycleError
from state_machine.lifecycle import fire
from state_machine.obligations import Obligation, Owner, obligations, soonest
from state_machine.working_time import WorkingCalendar

S = ReferralState
LONDON = ZoneInfo("Europe/London")
WALES = WorkingCalendar(LONDON)
LA_WORKERS = Owner("worker", la_code="cardiff")


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def referred(received_at: datetime, **facts: object) -> Case:
    return Case(
        state=S.REFERRED, la_code="cardiff", consent_given=True, referring_officer_id=7,
        received_at=received_at, **facts,  # type: ignore[arg-type]
    )  # fmt: skip


def due(case: Case, what: str, now: datetime) -> Obligation:
    (found,) = [o for o in obligations(case, now, LONDON) if o.what == what]
    return found


# received at (UTC) -> first-session date due, support due (both: by the end of that local day)
TABLE = [
    pytest.param(utc(2027, 1, 31, 23, 30), date(2027, 2, 21), date(2027, 4, 30),
                 id="late on 31 January: support clamped to 30 April"),
    pytest.param(utc(2026, 11, 30, 23, 59), date(2026, 12, 21), date(2027, 2, 28),
                 id="late on 30 November: support by 28 February"),
    pytest.param(utc(2027, 11, 30, 23, 59), date(2027, 12, 21), date(2028, 2, 29),
                 id="30 November before a leap year: support by 29 February"),
    pytest.param(utc(2028, 2, 29, 16, 0), date(2028, 3, 21), date(2028, 5, 29),
                 id="received on 29 February 2028"),
    pytest.param(utc(2026, 10, 24, 23, 30), date(2026, 11, 15), date(2027, 1, 25),
                 id="23:30 UTC Saturday 24 October is 00:30 BST Sunday: counted from Sunday"),
    pytest.param(utc(2026, 10, 25, 23, 30), date(2026, 11, 15), date(2027, 1, 25),
                 id="23:30 UTC Sunday 25 October is 23:30 GMT: still that Sunday"),
    pytest.param(utc(2027, 3, 27, 23, 30), date(2027, 4, 17), date(2027, 6, 27),
                 id="23:30 UTC Saturday 27 March is still GMT: counted from Saturday"),
    pytest.param(utc(2027, 3, 28, 23, 30), date(2027, 4, 19), date(2027, 6, 29),
                 id="23:30 UTC Sunday 28 March is 00:30 BST Easter Monday: counted from Monday"),
    pytest.param(utc(2026, 12, 5, 10, 0), date(2026, 12, 26), date(2027, 3, 5),
                 id="first-session date due on Boxing Day stays on Boxing Day"),
    pytest.param(utc(2028, 3, 27, 10, 0), date(2028, 4, 17), date(2028, 6, 27),
                 id="first-session date due on Easter Monday stays there"),
    pytest.param(utc(2026, 9, 28, 10, 0), date(2026, 10, 19), date(2026, 12, 28),
                 id="support due on the substitute Boxing Day (Monday 28 December) stays there"),
    pytest.param(utc(2027, 2, 8, 10, 0), date(2027, 3, 1), date(2027, 5, 8),
                 id="due on St David's Day, a working day in Wales"),
]  # fmt: skip


@pytest.mark.parametrize(("received_at", "first_session_due", "support_due"), TABLE)
def test_due_dates_are_calendar_dates_counted_from_the_local_day_received(
    received_at: datetime, first_session_due: date, support_due: date
) -> None:
    case = referred(received_at)
    on_receipt = obligations(case, received_at, LONDON)
    assert on_receipt == [
        Obligation("accepted", LA_WORKERS, None, overdue=False, since=received_at),
        Obligation("first_session_date", LA_WORKERS, first_session_due, False, received_at),
        Obligation("support_delivered", LA_WORKERS, support_due, False, received_at),
    ]


@pytest.mark.parametrize(("received_at", "first_session_due", "support_due"), TABLE)
def test_a_due_date_is_met_on_its_own_day_and_overdue_from_the_next_local_day(
    received_at: datetime, first_session_due: date, support_due: date
) -> None:
    case = referred(received_at)
    for what, day in [
        ("first_session_date", first_session_due),
        ("support_delivered", support_due),
    ]:
        last_minute = datetime.combine(day, datetime.max.time(), tzinfo=LONDON)
        next_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
        assert not due(case, what, last_minute).overdue
        assert due(case, what, next_day).overdue


def test_bank_holidays_in_wales_do_not_move_a_due_date() -> None:
    # The table's rows land on these days; here is what the calendar says of them.
    assert WALES.is_bank_holiday(date(2026, 12, 26))  # Boxing Day
    assert WALES.is_bank_holiday(date(2026, 12, 28))  # its substitute Monday
    assert WALES.is_bank_holiday(date(2028, 4, 17))  # Easter Monday
    assert WALES.is_bank_holiday(date(2027, 3, 29))  # Easter Monday
    assert WALES.is_working_day(date(2027, 3, 1))  # St David's Day is not a bank holiday
    case = referred(utc(2026, 12, 5, 10, 0))
    boxing_day_evening = utc(2026, 12, 26, 23, 59)
    assert due(case, "first_session_date", boxing_day_evening) == Obligation(
        "first_session_date", LA_WORKERS, date(2026, 12, 26), False, utc(2026, 12, 5, 10, 0)
    )
    assert due(case, "first_session_date", utc(2026, 12, 27, 0, 0)).overdue


def test_across_the_october_clock_change_the_due_day_ends_at_local_midnight() -> None:
    case = referred(utc(2026, 10, 24, 23, 30))  # 00:30 BST on Sunday 25 October
    assert due(case, "first_session_date", utc(2026, 10, 24, 23, 30)).due == date(2026, 11, 15)
    assert not due(case, "first_session_date", utc(2026, 11, 15, 23, 59)).overdue  # GMT now
    assert due(case, "first_session_date", utc(2026, 11, 16, 0, 0)).overdue


def test_across_the_march_clock_change_the_due_day_ends_at_local_midnight() -> None:
    case = referred(utc(2027, 3, 27, 23, 30))  # Saturday, still GMT
    assert not due(case, "first_session_date", utc(2027, 4, 17, 22, 59)).overdue  # 23:59 BST
    assert due(case, "first_session_date", utc(2027, 4, 17, 23, 0)).overdue  # 00:00 BST 18th


def test_an_allocated_worker_owes_the_dates_and_a_first_session_date_ends_that_one() -> None:
    received = utc(2026, 11, 23, 10, 0)
    case = referred(received)
    fire(case, "accept", actor="user:5", at=received, worker_id=5)
    worker = Owner("worker", user_id=5)
    assert [(o.what, o.owed_by) for o in obligations(case, received, LONDON)] == [
        ("first_session_date", worker),
        ("support_delivered", worker),
    ]
    fire(case, "set_first_session", actor="user:5", at=received,
         first_session_date=date(2026, 12, 2))  # fmt: skip
    assert obligations(case, received, LONDON) == [
        Obligation("support_delivered", worker, date(2027, 2, 23), False, received)
    ]


def test_an_agreed_extension_moves_when_support_is_due() -> None:
    received = utc(2026, 11, 30, 10, 0)
    case = referred(received)
    march = utc(2027, 3, 1, 9, 0)
    assert due(case, "support_delivered", march).overdue  # 28 February has gone
    fire(case, "extend", actor="user:1", at=march, until=date(2027, 3, 31),
         reason="engaging well, two more sessions")  # fmt: skip
    assert due(case, "support_delivered", march) == Obligation(
        "support_delivered", LA_WORKERS, date(2027, 3, 31), False, received
    )


def test_a_transfer_gives_the_new_la_its_own_21_days_and_the_same_delivery_date() -> None:
    """The new LA arranges its own first session (docs/monitoring-return.md): a date the old
    LA had booked is dropped and the new LA has 21 days from the transfer; the delivery date
    moves only by an extension agreed with police."""
    received = utc(2026, 11, 23, 10, 0)
    case = referred(received)
    fire(case, "accept", actor="user:5", at=received, worker_id=5)
    fire(case, "set_first_session", actor="user:5", at=received,
         first_session_date=date(2026, 12, 1))  # fmt: skip
    moved = utc(2026, 11, 30, 15, 0)
    fire(case, "transfer", actor="user:5", at=moved, la_code="newport", reason="moved house")
    assert case.first_session_date is None
    newport = Owner("worker", la_code="newport")
    assert [(o.what, o.owed_by, o.due, o.since) for o in obligations(case, moved, LONDON)] == [
        ("accepted", newport, None, moved),  # offered to Newport now: counted from the move
        ("first_session_date", newport, date(2026, 12, 21), moved),
        ("support_delivered", newport, date(2027, 2, 23), received),
    ]
    # 'Did not take up' waits for the new LA's 21 days, not the referral's.
    with pytest.raises(LifecycleError):
        fire(case, "record_not_taken_up", actor="user:6", at=utc(2026, 12, 20, 12, 0))
    fire(case, "record_not_taken_up", actor="user:6", at=utc(2026, 12, 22, 9, 0))
    assert case.state is ReferralState.OUTCOME_NOT_TAKEN_UP


def test_an_extension_asked_is_owed_by_the_referring_officer_until_answered() -> None:
    received = utc(2026, 11, 23, 10, 0)
    case = referred(received)
    case.referring_officer_id = 9
    asked = utc(2026, 12, 1, 11, 0)
    case.extension_requested_at = asked
    officer = Owner("referring_officer", user_id=9)
    assert due(case, "extension_answered", asked) == Obligation(
        "extension_answered", officer, None, False, asked
    )
    case.extension_requested_at = None
    assert "extension_answered" not in [o.what for o in obligations(case, asked, LONDON)]


def test_after_an_outcome_the_police_are_owed_the_notice_then_their_acknowledgement() -> None:
    received = utc(2026, 11, 23, 10, 0)
    case = referred(received)
    fire(case, "accept", actor="user:5", at=received, worker_id=5)
    recorded = utc(2026, 12, 20, 15, 0)
    fire(case, "record_not_taken_up", actor="user:5", at=recorded, refused=True)
    assert obligations(case, recorded, LONDON) == [
        Obligation("police_notified", Owner("worker", user_id=5), date(2026, 12, 20), False,
                   recorded)
    ]  # fmt: skip
    assert obligations(case, utc(2026, 12, 21, 9, 0), LONDON)[0].overdue
    case.police_notified_at = utc(2026, 12, 20, 15, 1)
    much_later = utc(2027, 6, 1, 9, 0)
    assert obligations(case, much_later, LONDON) == [
        Obligation("police_acknowledgement", Owner("referring_officer", user_id=7), None, False,
                   case.police_notified_at)
    ]  # fmt: skip
    case.police_acknowledged_at = utc(2026, 12, 21, 9, 0)
    assert obligations(case, much_later, LONDON) == []


@pytest.mark.parametrize(
    "state", [S.SCREENING, S.CLOSED, S.CLOSED_WITHDRAWN, S.CLOSED_INELIGIBLE, S.CLOSED_NO_CONSENT]
)
def test_nothing_is_owed_on_a_screening_or_a_closed_case(state: ReferralState) -> None:
    case = referred(utc(2026, 1, 5, 10, 0))
    case.state = state
    assert obligations(case, utc(2027, 1, 1), LONDON) == []


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        obligations(referred(utc(2026, 11, 23)), datetime(2026, 11, 24), LONDON)  # noqa: DTZ001


def test_what_is_owed_next_is_the_soonest_dated_and_an_undated_one_comes_last() -> None:
    case = referred(utc(2026, 11, 23, 10))
    now = utc(2026, 11, 24, 10)
    nxt = soonest(obligations(case, now, LONDON))
    assert nxt is not None and (nxt.what, nxt.due) == ("first_session_date", date(2026, 12, 14))
    fire(case, "accept", actor="user:5", at=now, worker_id=5)
    fire(case, "set_first_session", actor="user:5", at=now, first_session_date=date(2026, 12, 1))
    nxt = soonest(obligations(case, now, LONDON))
    assert nxt is not None and (nxt.what, nxt.due) == ("support_delivered", date(2027, 2, 23))
    undated = Obligation("police_acknowledgement", Owner("referring_officer", user_id=7), None,
                         overdue=False)  # fmt: skip
    dated = Obligation("police_notified", LA_WORKERS, date(2027, 3, 1), overdue=True)
    assert soonest([undated, dated]) is dated
    assert soonest([undated]) is undated and soonest([]) is None


def test_a_case_transferred_after_a_session_was_attended_cannot_be_not_taken_up() -> None:
    received = utc(2026, 11, 23, 10, 0)
    case = referred(received)
    fire(case, "accept", actor="user:5", at=received, worker_id=5)
    fire(case, "set_first_session", actor="user:5", at=received,
         first_session_date=date(2026, 11, 25))  # fmt: skip
    case.attended_sessions = 1
    fire(case, "transfer", actor="user:5", at=utc(2026, 11, 30, 15, 0), la_code="newport",
         reason="moved")  # fmt: skip
    with pytest.raises(LifecycleError, match="no session was attended"):
        fire(case, "record_not_taken_up", actor="user:6", at=utc(2027, 1, 20, 12, 0))
