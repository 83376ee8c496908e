"""The nudges on a case being worked (issue 12): the delivery date, a session booked and not
logged, an outcome the police have not acknowledged. When each falls due and when it goes,
over month ends, the clocks changing and Welsh bank holidays; the deadline never moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from state_machine.case import Case
from state_machine.lifecycle import fire
from state_machine.nudge_rules import NudgeRulesError, parse_rules
from state_machine.nudges import Plan, Recipient, plan
from tests.test_nudges_plan import RULES, WALES, allocated, local, referred, when

LONDON = ZoneInfo("Europe/London")
DELIVERY = ("delivery_reminder", "delivery_overdue", "delivery_overdue_managers")
SESSION = ("session_not_logged",)
ACK = ("acknowledgement_reminder", "acknowledgement_overdue")
WORKER = Recipient("allocated_worker", user_id=5)
MANAGERS = Recipient("la_managers", la_code="cardiff")


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


# Received (local) -> the delivery date, the worker's reminders 4 weeks and 1 week before, and
# the day it is overdue (the worker and the managers told), as local send times.
DELIVERIES = [
    pytest.param(local(2026, 11, 23, 10), date(2027, 2, 23),
                 [local(2027, 1, 26, 9), local(2027, 2, 16, 9)], local(2027, 2, 24, 9),
                 id="received on a Monday: due on Tuesday 23 February"),
    pytest.param(local(2026, 11, 30, 10), date(2027, 2, 28),
                 [local(2027, 2, 1, 9), local(2027, 2, 22, 9)], local(2027, 3, 1, 9),
                 id="30 November: due at February's end, a Sunday; the Sundays wait for Monday"),
    pytest.param(local(2027, 11, 30, 10), date(2028, 2, 29),
                 [local(2028, 2, 1, 9), local(2028, 2, 22, 9)], local(2028, 3, 1, 9),
                 id="a leap year: due on 29 February, overdue on 1 March"),
    pytest.param(local(2026, 10, 1, 10), date(2027, 1, 1),
                 [local(2026, 12, 4, 9), local(2026, 12, 29, 9)], local(2027, 1, 4, 9),
                 id="a week before is Christmas Day: Boxing Day's Monday too, so Tuesday 29th"),
    pytest.param(local(2027, 1, 25, 10), date(2027, 4, 25),
                 [local(2027, 3, 30, 9), local(2027, 4, 19, 9)], local(2027, 4, 26, 9),
                 id="4 weeks before is the Sunday the clocks go forward, then Easter Monday"),
]  # fmt: skip


@pytest.mark.parametrize(("received", "due", "reminders", "overdue"), DELIVERIES)
def test_the_delivery_date_reminds_the_worker_4_and_1_weeks_before_and_tells_all_when_overdue(
    received: datetime, due: date, reminders: list[datetime], overdue: datetime
) -> None:
    case = allocated(received)
    assert case.support_due == due
    coming = plan(case, RULES, utc(received), WALES)
    assert when(coming, *DELIVERY) == [
        ("delivery_reminder", reminders[0]), ("delivery_reminder", reminders[1]),
        ("delivery_overdue", overdue), ("delivery_overdue_managers", overdue),
    ]  # fmt: skip
    delivery = [n for n in coming.coming if n.rule.name in DELIVERY]
    assert [n.to for n in delivery] == [WORKER, WORKER, WORKER, MANAGERS]
    for nudge in delivery:
        assert nudge.deadline == due  # sent later for working time; due when it was
        assert WALES.is_working_moment(nudge.send_at) and nudge.due_at <= nudge.send_at


def test_an_extension_moves_the_delivery_nudges_to_the_date_agreed() -> None:
    received = local(2026, 11, 23, 10)
    case = allocated(received)
    agreed = utc(local(2027, 1, 20, 11))
    fire(case, "extend", actor="user:5", at=agreed, until=date(2027, 3, 31), reason="ill")
    coming = plan(case, RULES, agreed, WALES)
    assert when(coming, *DELIVERY) == [
        ("delivery_reminder", local(2027, 3, 3, 9)), ("delivery_reminder", local(2027, 3, 24, 9)),
        ("delivery_overdue", local(2027, 4, 1, 9)),
        ("delivery_overdue_managers", local(2027, 4, 1, 9)),
    ]  # fmt: skip


def test_unallocated_only_the_managers_hear_that_delivery_is_overdue() -> None:
    received = local(2026, 11, 23, 10)
    coming = plan(referred(received), RULES, utc(received), WALES)
    assert when(coming, *DELIVERY) == [("delivery_overdue_managers", local(2027, 2, 24, 9))]


def test_an_outcome_recorded_ends_the_delivery_nudges() -> None:
    received = local(2026, 11, 23, 10)
    case = allocated(received)
    at = utc(local(2026, 12, 15, 10))  # day 22, no first-session date
    fire(case, "record_not_taken_up", actor="user:5", at=at)
    assert when(plan(case, RULES, at, WALES), *DELIVERY) == []


def engaged(received: datetime, first: date, *, planned: date | None = None) -> Case:
    """Allocated, the first-session date set; the session booked is what storage derives:
    the next one planned, or the first while none on or after it is logged."""
    case = allocated(received)
    fire(case, "set_first_session", actor="user:5", at=utc(received), first_session_date=first)
    case.session_planned_on = planned or first
    return case


# The session's day -> the next working morning, when the worker is reminded to log it.
SESSIONS = [
    pytest.param(date(2026, 11, 25), local(2026, 11, 26, 9), id="a Wednesday: Thursday 09:00"),
    pytest.param(date(2026, 11, 27), local(2026, 11, 30, 9), id="a Friday: Monday 09:00"),
    pytest.param(date(2026, 12, 24), local(2026, 12, 29, 9),
                 id="Christmas Eve: past Christmas and Boxing Day's Monday"),
    pytest.param(date(2026, 10, 23), local(2026, 10, 26, 9),
                 id="the Friday before the clocks go back: Monday 09:00 GMT"),
    pytest.param(date(2027, 3, 26), local(2027, 3, 30, 9),
                 id="Good Friday 2027, the clocks forward on Sunday: Tuesday 09:00 BST"),
    pytest.param(date(2026, 12, 31), local(2027, 1, 4, 9), id="New Year's Eve: Monday 4th"),
]  # fmt: skip


@pytest.mark.parametrize(("session", "reminded"), SESSIONS)
def test_a_session_not_logged_reminds_the_worker_the_next_working_morning(
    session: date, reminded: datetime
) -> None:
    received = local(2026, 10, 5, 10) if session.year == 2026 else local(2027, 3, 1, 10)
    case = engaged(received, received.date() + timedelta(days=1), planned=session)
    coming = plan(case, RULES, utc(received), WALES)
    ((rule, at),) = when(coming, *SESSION)
    assert (rule, at) == ("session_not_logged", reminded)
    (nudge,) = [n for n in coming.coming if n.rule.name in SESSION]
    assert nudge.to == WORKER and nudge.deadline == session
    assert nudge.due_at == utc(local(session.year, session.month, session.day) + timedelta(days=1))


def test_a_session_is_chased_only_while_it_is_booked_and_the_case_engaged() -> None:
    received = local(2026, 11, 23, 10)
    case = engaged(received, date(2026, 11, 25))
    at = utc(received)
    assert when(plan(case, RULES, at, WALES), *SESSION) == [
        ("session_not_logged", local(2026, 11, 26, 9))
    ]
    case.session_planned_on = None  # logged (storage finds none booked)
    assert when(plan(case, RULES, at, WALES), *SESSION) == []
    case.session_planned_on = date(2026, 12, 2)  # the next one booked
    assert when(plan(case, RULES, at, WALES), *SESSION) == [
        ("session_not_logged", local(2026, 12, 3, 9))
    ]
    fire(case, "record_not_engaged", actor="user:5", at=at, reason_recorded=True)
    assert when(plan(case, RULES, at, WALES), *SESSION) == []  # an outcome: no more sessions


def told_police(received: datetime, told: datetime) -> Case:
    """'Did not take up' recorded (they declined) and the police sent the outcome."""
    case = allocated(received)
    fire(case, "record_not_taken_up", actor="user:5", at=utc(told), refused=True)
    fire(case, "notify_police", actor="user:5", at=utc(told))
    return case


# The police told (local) -> the officer reminded (2 working days), the managers told (5).
ACKNOWLEDGEMENTS = [
    pytest.param(local(2026, 11, 25, 11), local(2026, 11, 27, 11), local(2026, 12, 2, 11),
                 id="a Wednesday: Friday, then the next Wednesday"),
    pytest.param(local(2026, 11, 27, 16, 30), local(2026, 12, 1, 16, 30),
                 local(2026, 12, 4, 16, 30), id="Friday 16:30: Tuesday and Friday 16:30"),
    pytest.param(local(2026, 12, 23, 11), local(2026, 12, 29, 11), local(2027, 1, 4, 11),
                 id="23 December: Christmas, Boxing Day's Monday and New Year's Day skipped"),
    pytest.param(local(2027, 3, 24, 10), local(2027, 3, 30, 10), local(2027, 4, 2, 10),
                 id="before Easter and the clocks going forward: 10:00 BST"),
    pytest.param(local(2026, 10, 22, 14), local(2026, 10, 26, 14), local(2026, 10, 29, 14),
                 id="over the clocks going back: 14:00 GMT"),
    pytest.param(local(2026, 11, 28, 12), local(2026, 12, 2, 9), local(2026, 12, 7, 9),
                 id="told on a Saturday: counted from Monday 09:00"),
]  # fmt: skip


@pytest.mark.parametrize(("told", "officer", "managers"), ACKNOWLEDGEMENTS)
def test_an_outcome_not_acknowledged_reminds_the_officer_then_tells_the_managers(
    told: datetime, officer: datetime, managers: datetime
) -> None:
    case = told_police(told - timedelta(days=2), told)
    coming = plan(case, RULES, utc(told), WALES)
    assert when(coming, *ACK) == [
        ("acknowledgement_reminder", officer), ("acknowledgement_overdue", managers)
    ]  # fmt: skip
    reminder, overdue = [n for n in coming.coming if n.rule.name in ACK]
    assert reminder.to == Recipient("referring_officer", user_id=1)
    assert overdue.to == MANAGERS and reminder.deadline is None  # no date in the guidance
    fire(case, "close", actor="user:1", at=utc(officer))  # acknowledged
    assert plan(case, RULES, utc(officer), WALES) == Plan((), ())


def test_after_downtime_the_delivery_and_acknowledgement_rules_send_only_their_latest() -> None:
    received = local(2026, 11, 23, 10)
    case = engaged(received, date(2026, 11, 25))
    seen = utc(local(2027, 1, 26, 9))  # the sweeper stopped at the 4-week reminder
    back = utc(local(2027, 2, 25, 11))
    due = plan(case, RULES, back, WALES, since=seen).due
    assert [(n.rule.name, n.send_at.astimezone(LONDON)) for n in due] == [
        ("delivery_reminder", local(2027, 2, 16, 9)),  # 1 week before, not 4 weeks too
        ("delivery_overdue", local(2027, 2, 24, 9)),
        ("delivery_overdue_managers", local(2027, 2, 24, 9)),
    ]


def test_a_session_rule_counts_from_its_day_only() -> None:
    rule = {"name": "s", "chases": "session_logged", "to": "allocated_worker", "says": "reminder"}
    with pytest.raises(NudgeRulesError, match="session_logged counts from its due date"):
        parse_rules({"nudge": [{**rule, "days_after_start": [1]}]})
    assert parse_rules({"nudge": [{**rule, "days_after_due": [2]}]}).rules[0].counts == (2,)
    ack = {"name": "a", "chases": "police_acknowledgement", "to": "referring_officer",
           "says": "reminder"}  # fmt: skip
    with pytest.raises(NudgeRulesError, match="police_acknowledgement has no due date"):
        parse_rules({"nudge": [{**ack, "days_after_due": [1]}]})


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - made aware below
        max_value=datetime(2030, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(min_value=0, max_value=120),
)
def test_every_delivery_nudge_goes_in_working_time_for_the_date_in_force(
    received: datetime, extra_days: int
) -> None:
    """Whenever it was received, and whatever extension was agreed: four nudges, each in
    working time, each for the delivery date in force, none before its moment."""
    case = allocated(received)
    if extra_days:
        assert case.support_due is not None
        fire(case, "extend", actor="user:5", at=received, reason="agreed",
             until=case.support_due + timedelta(days=extra_days))  # fmt: skip
    coming = [n for n in plan(case, RULES, received, WALES).coming if n.rule.name in DELIVERY]
    assert len(coming) == 4
    for nudge in coming:
        assert nudge.deadline == case.support_due
        assert WALES.is_working_moment(nudge.send_at)
        assert nudge.send_at == WALES.next_working_moment(nudge.due_at)
    reminders = [n.due_at.astimezone(LONDON).date() for n in coming[:2]]
    assert case.support_due is not None
    assert [case.support_due - d for d in reminders] == [timedelta(days=28), timedelta(days=7)]
