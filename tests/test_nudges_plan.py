"""Which nudges a case is due, and when they go: days counted in the calendar, sent only in
working time in Wales, whatever the month's end, the clocks or the bank holidays do; the
deadline itself never moves (issue 12)."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.i18n import catalogue
from state_machine.case import Case, ReferralState
from state_machine.lifecycle import fire
from state_machine.nudge_rules import AUDIENCES, SAYS, NudgeRules, NudgeRulesError, parse_rules
from state_machine.nudges import Plan, Recipient, plan
from state_machine.working_time import WorkingCalendar

ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")
WALES = WorkingCalendar(LONDON)
RULES = parse_rules(tomllib.loads((ROOT / "state_machine" / "nudge_rules.toml").read_text()))
OFFER = ("offer_reminder", "offer_unaccepted")
FIRST = ("first_session_reminder", "first_session_last_day", "first_session_overdue")


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def referred(received: datetime) -> Case:
    case = Case(state=ReferralState.SCREENING, la_code="cardiff", consent_given=True,
                referring_officer_id=1)  # fmt: skip
    fire(case, "submit", actor="user:1", at=received.astimezone(UTC))
    return case


def allocated(received: datetime) -> Case:
    case = referred(received)
    fire(case, "accept", actor="user:5", at=received.astimezone(UTC), worker_id=5)
    return case


def when(found: Plan, *names: str) -> list[tuple[str, datetime]]:
    """Each coming nudge of those rules as (rule, local send time)."""
    return [(n.rule.name, n.send_at.astimezone(LONDON)) for n in found.coming
            if n.rule.name in names]  # fmt: skip


# An offer nobody accepted: received (local) -> the workers reminded, the managers told.
OFFERS = [
    pytest.param(local(2026, 11, 23, 10), local(2026, 11, 24, 10), local(2026, 11, 25, 10),
                 id="Monday 10:00: Tuesday and Wednesday at 10:00"),
    pytest.param(local(2026, 11, 27, 16, 30), local(2026, 11, 30, 16, 30),
                 local(2026, 12, 1, 16, 30),
                 id="Friday 16:30: Monday and Tuesday at 16:30, not the weekend"),
    pytest.param(local(2026, 11, 28, 11), local(2026, 12, 1, 9), local(2026, 12, 2, 9),
                 id="Saturday: the working day starts on Monday at 09:00"),
    pytest.param(local(2026, 11, 23, 18), local(2026, 11, 25, 9), local(2026, 11, 26, 9),
                 id="Monday after five: counted from Tuesday 09:00"),
    pytest.param(local(2026, 12, 24, 15), local(2026, 12, 29, 15), local(2026, 12, 30, 15),
                 id="Christmas Eve: Christmas and the Boxing Day substitute skipped"),
    pytest.param(local(2027, 3, 25, 10), local(2027, 3, 30, 10), local(2027, 3, 31, 10),
                 id="before Easter 2027 and the clocks going forward: 10:00 BST on Tuesday"),
    pytest.param(local(2026, 10, 23, 14), local(2026, 10, 26, 14), local(2026, 10, 27, 14),
                 id="Friday before the clocks go back: 14:00 GMT on Monday"),
    pytest.param(local(2027, 12, 31, 12), local(2028, 1, 4, 12), local(2028, 1, 5, 12),
                 id="New Year's Eve: 1 January's substitute (Monday 3rd) skipped"),
]  # fmt: skip


@pytest.mark.parametrize(("received", "workers", "managers"), OFFERS)
def test_an_offer_nobody_accepted_reminds_the_workers_then_tells_the_managers(
    received: datetime, workers: datetime, managers: datetime
) -> None:
    coming = plan(referred(received), RULES, received.astimezone(UTC), WALES)
    assert when(coming, *OFFER) == [("offer_reminder", workers), ("offer_unaccepted", managers)]
    reminder, told = [n for n in coming.coming if n.rule.name in OFFER]
    assert reminder.to == Recipient("la_workers", la_code="cardiff")
    assert told.to == Recipient("la_managers", la_code="cardiff")
    assert all(WALES.is_working_moment(n.send_at) for n in (reminder, told))


# No first-session date: received (local) -> days 7, 14, 18 (reminders), 21 (asked), 22
# (managers), as local send times; and the deadline, which never moves.
FIRST_SESSION = [
    pytest.param(local(2026, 11, 23, 10),
                 [local(2026, 11, 30, 9), local(2026, 12, 7, 9), local(2026, 12, 11, 9)],
                 local(2026, 12, 14, 9), local(2026, 12, 15, 9), date(2026, 12, 14),
                 id="a Monday: every day a working day"),
    pytest.param(local(2026, 12, 5, 12),
                 [local(2026, 12, 14, 9), local(2026, 12, 21, 9), local(2026, 12, 23, 9)],
                 local(2026, 12, 29, 9), local(2026, 12, 29, 9), date(2026, 12, 26),
                 id="day 21 on Boxing Day: asked on the 29th, still due the 26th"),
    pytest.param(local(2027, 1, 31, 12),
                 [local(2027, 2, 8, 9), local(2027, 2, 15, 9), local(2027, 2, 18, 9)],
                 local(2027, 2, 22, 9), local(2027, 2, 22, 9), date(2027, 2, 21),
                 id="from 31 January: Sundays wait for Monday"),
    pytest.param(datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
                 [local(2026, 11, 2, 9), local(2026, 11, 9, 9), local(2026, 11, 12, 9)],
                 local(2026, 11, 16, 9), local(2026, 11, 16, 9), date(2026, 11, 15),
                 id="23:30 UTC on 24 October is the 25th in BST: counted from the 25th"),
    pytest.param(local(2027, 3, 22, 10),
                 [local(2027, 3, 30, 9), local(2027, 4, 5, 9), local(2027, 4, 9, 9)],
                 local(2027, 4, 12, 9), local(2027, 4, 13, 9), date(2027, 4, 12),
                 id="day 7 on Easter Monday 2027, after the clocks went forward"),
    pytest.param(local(2028, 2, 8, 10),
                 [local(2028, 2, 15, 9), local(2028, 2, 22, 9), local(2028, 2, 28, 9)],
                 local(2028, 2, 29, 9), local(2028, 3, 1, 9), date(2028, 2, 29),
                 id="a leap year: due on 29 February"),
]  # fmt: skip


@pytest.mark.parametrize(("received", "reminders", "asked", "overdue", "deadline"), FIRST_SESSION)
def test_no_first_session_date_reminds_the_worker_asks_on_day_21_and_tells_managers_on_22(
    received: datetime,
    reminders: list[datetime],
    asked: datetime,
    overdue: datetime,
    deadline: date,
) -> None:
    case = allocated(received)
    coming = plan(case, RULES, received.astimezone(UTC), WALES)
    assert when(coming, *FIRST) == sorted(
        [("first_session_reminder", r) for r in reminders]
        + [("first_session_last_day", asked), ("first_session_overdue", overdue)],
        key=lambda pair: (pair[1], FIRST.index(pair[0])),
    )
    assert case.first_session_due == deadline
    first = [n for n in coming.coming if n.rule.name in FIRST]
    for nudge in first:
        assert nudge.deadline == deadline  # working time moves the message, not the date
        assert WALES.is_working_moment(nudge.send_at) and nudge.due_at <= nudge.send_at
    worker = Recipient("allocated_worker", user_id=5)
    assert {n.to for n in first if n.rule.name != "first_session_overdue"} == {worker}
    assert not when(coming, *OFFER)  # accepted: nothing chases the offer


def test_a_nudge_is_due_from_its_moment_and_then_the_next_one_is_planned() -> None:
    received = local(2026, 11, 23, 10)
    case = allocated(received)
    day_7 = local(2026, 11, 30, 9).astimezone(UTC)
    before = plan(case, RULES, day_7 - timedelta(seconds=1), WALES)
    assert before.due == () and before.next_at == day_7
    at = plan(case, RULES, day_7, WALES, since=day_7)
    assert [(n.rule.name, n.send_at) for n in at.due] == [("first_session_reminder", day_7)]
    assert at.next_at == local(2026, 12, 7, 9).astimezone(UTC)


def test_after_downtime_only_the_latest_nudge_of_each_rule_is_due() -> None:
    received = local(2026, 11, 23, 10)
    case = allocated(received)
    last_seen = local(2026, 11, 30, 9).astimezone(UTC)  # the sweeper stopped before day 7
    back = local(2026, 12, 15, 11).astimezone(UTC)  # and came back on day 22
    due = plan(case, RULES, back, WALES, since=last_seen).due
    assert [(n.rule.name, n.send_at.astimezone(LONDON)) for n in due] == [
        ("first_session_reminder", local(2026, 12, 11, 9)),  # day 18, not 7 and 14 too
        ("first_session_last_day", local(2026, 12, 14, 9)),
        ("first_session_overdue", local(2026, 12, 15, 9)),
    ]


def test_what_fell_due_before_the_case_was_last_seen_is_not_sent_late() -> None:
    """Accepted on day 10: the day-7 reminder is not sent then, nor with the day-14 one."""
    received = local(2026, 11, 23, 10)
    case = referred(received)
    day_10 = local(2026, 12, 3, 11).astimezone(UTC)
    fire(case, "accept", actor="user:5", at=day_10, worker_id=5)
    seen = plan(case, RULES, day_10, WALES)  # what storage keeps on the change
    assert seen.next_at == local(2026, 12, 7, 9).astimezone(UTC)
    day_14 = plan(case, RULES, seen.next_at, WALES, since=seen.next_at)
    assert [(n.rule.name, n.due_at.astimezone(LONDON)) for n in day_14.due] == [
        ("first_session_reminder", local(2026, 12, 7))
    ]


def test_unallocated_the_worker_reminders_wait_and_the_managers_are_still_told_it_is_overdue() -> (
    None
):
    received = local(2026, 11, 23, 10)
    coming = plan(referred(received), RULES, received.astimezone(UTC), WALES)
    assert when(coming, *FIRST) == [("first_session_overdue", local(2026, 12, 15, 9))]


def test_a_transfer_offers_it_again_counted_from_the_move() -> None:
    case = allocated(local(2026, 11, 23, 10))
    moved = local(2026, 12, 2, 15).astimezone(UTC)  # a Wednesday
    fire(case, "transfer", actor="user:5", at=moved, la_code="newport", reason="moved house")
    coming = plan(case, RULES, moved, WALES)
    assert when(coming, *OFFER) == [
        ("offer_reminder", local(2026, 12, 3, 15)),
        ("offer_unaccepted", local(2026, 12, 4, 15)),
    ]
    assert {n.to.la_code for n in coming.coming} == {"newport"}


def test_a_first_session_date_ends_its_nudges_and_a_closed_case_has_none() -> None:
    received = local(2026, 11, 23, 10)
    case = allocated(received)
    at = received.astimezone(UTC)
    fire(case, "set_first_session", actor="user:5", at=at, first_session_date=date(2026, 12, 1))
    assert when(plan(case, RULES, at, WALES), *FIRST) == []
    fire(case, "withdraw", actor="user:5", at=at, reason="moved abroad")
    assert plan(case, RULES, at + timedelta(days=40), WALES, since=at) == Plan((), ())


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - made aware below
        max_value=datetime(2030, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_every_nudge_goes_in_working_time_and_no_deadline_moves(received: datetime) -> None:
    case = allocated(received)
    due = case.first_session_due
    coming = [n for n in plan(case, RULES, received, WALES).coming if n.rule.name in FIRST]
    assert len(coming) == 5
    for nudge in coming:
        assert WALES.is_working_moment(nudge.send_at)
        assert nudge.due_at <= nudge.send_at and nudge.deadline == due
        assert nudge.send_at == WALES.next_working_moment(nudge.due_at)


# Rules an admin wrote: each mistake is one line naming the rule and what to write.
GOOD = {"name": "r", "chases": "accepted", "to": "la_workers", "says": "offer_reminder",
        "working_days_after_start": [1]}  # fmt: skip
BAD = [
    ({"rules": []}, "unknown key 'rules'"),
    ({}, "no [[nudge]] tables"),
    ({"nudge": [{**GOOD, "name": "Offer reminder"}]}, "nudge rule 1: name must be lower-case"),
    ({"nudge": [GOOD, GOOD]}, "two nudge rules are named 'r'"),
    ({"nudge": [{**GOOD, "dayz": 1}]}, "nudge rule 'r': unknown key 'dayz'"),
    ({"nudge": [{**GOOD, "chases": "acceptance"}]}, "nudge rule 'r': chases must be one of"),
    ({"nudge": [{**GOOD, "says": "reminder"}]},
     "nudge rule 'r': says must be one of offer_reminder, offer_unaccepted (for accepted)"),
    ({"nudge": [{**GOOD, "to": "everyone"}]}, "nudge rule 'r': to must be one of"),
    ({"nudge": [{**GOOD, "days_after_start": [2]}]}, "nudge rule 'r': give exactly one of"),
    ({"nudge": [{**GOOD, "working_days_after_start": [-1]}]},
     "nudge rule 'r': working_days_after_start must be whole numbers of days from 0 to 366"),
    ({"nudge": [{**GOOD, "working_days_after_start": "1"}]}, "must be whole numbers"),
    ({"nudge": [{**GOOD, "working_days_after_start": [True]}]}, "must be whole numbers"),
    ({"nudge": [{**GOOD, "working_days_after_start": []}]}, "must be whole numbers"),
    ({"nudge": [{k: v for k, v in GOOD.items() if k != "working_days_after_start"}
                | {"days_before_due": [1]}]},
     "nudge rule 'r': accepted has no due date: use days_after_start or"),
    ({"nudge": ["r"]}, "nudge rule 1 is not a table"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _d, m in BAD])
def test_a_mistake_in_the_rules_is_one_line_naming_the_rule(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(NudgeRulesError) as raised:
        parse_rules(data)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_the_shipped_rules_are_the_issues_defaults_and_an_admin_may_change_the_days() -> None:
    by_name = {r.name: (r.chases, r.to, r.timing, r.counts) for r in RULES.rules}
    assert by_name == {
        "offer_reminder": ("accepted", "la_workers", "working_days_after_start", (1,)),
        "offer_unaccepted": ("accepted", "la_managers", "working_days_after_start", (2,)),
        "first_session_reminder": ("first_session_date", "allocated_worker", "days_after_start",
                                   (7, 14, 18)),
        "first_session_last_day": ("first_session_date", "allocated_worker", "days_after_start",
                                   (21,)),
        "first_session_overdue": ("first_session_date", "la_managers", "days_after_due", (1,)),
        "extension_unanswered": ("extension_answered", "referring_officer",
                                 "working_days_after_start", (1,)),
        "delivery_reminder": ("support_delivered", "allocated_worker", "days_before_due",
                              (7, 28)),
        "delivery_overdue": ("support_delivered", "allocated_worker", "days_after_due", (1,)),
        "delivery_overdue_managers": ("support_delivered", "la_managers", "days_after_due",
                                      (1,)),
        "session_not_logged": ("session_logged", "allocated_worker", "days_after_due", (1,)),
        "acknowledgement_reminder": ("police_acknowledgement", "referring_officer",
                                     "working_days_after_start", (2,)),
        "acknowledgement_overdue": ("police_acknowledgement", "la_managers",
                                    "working_days_after_start", (5,)),
    }  # fmt: skip
    slower = parse_rules({"nudge": [{**GOOD, "working_days_after_start": [3, 1]}]})
    assert slower.rules[0].counts == (1, 3)
    received = local(2026, 11, 23, 10)
    coming = plan(referred(received), slower, received.astimezone(UTC), WALES)
    assert when(coming, "r") == [("r", local(2026, 11, 24, 10)), ("r", local(2026, 11, 26, 10))]
    assert parse_rules({"nudge": []}) == NudgeRules(())  # all switched off


def test_everything_a_nudge_can_say_is_in_english_and_welsh_and_each_rule_is_documented() -> None:
    en, cy = catalogue("en").messages, catalogue("cy").messages
    keys = [f"nudge.{chases}.{says}" for chases, all_says in SAYS.items() for says in all_says]
    keys += [
        f"nudge.label.{chases}.{says}" for chases, all_says in SAYS.items() for says in all_says
    ]
    keys += [f"nudges.to.{audience}" for audience in AUDIENCES]
    assert [k for k in keys if k not in en or k not in cy] == []
    docs = (ROOT / "docs" / "nudges.md").read_text(encoding="utf-8")
    assert [r.name for r in RULES.rules if f"| `{r.name}` |" not in docs] == []
