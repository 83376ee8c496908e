"""The referral lifecycle: what may happen to a referral, and what the guidance forbids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from state_machine.diagram import lifecycle_markdown
from state_machine.errors import LifecycleError
from state_machine.lifecycle import (
    FINAL_STATES,
    Case,
    ReferralState,
    allowed_triggers,
    fire,
)

S = ReferralState
AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DOCS = Path(__file__).resolve().parent.parent / "docs" / "lifecycle.md"


def go(case: Case, trigger: str, **params: object) -> ReferralState:
    fire(case, trigger, actor="user:1", at=AT, **params)  # type: ignore[arg-type]
    return case.state


def referred(**facts: object) -> Case:
    return Case(state=S.REFERRED, la_code="cardiff", consent_given=True, **facts)  # type: ignore[arg-type]


def test_a_screened_referral_with_consent_and_an_la_is_submitted() -> None:
    case = Case(state=S.SCREENING, la_code="cardiff", consent_given=True)
    assert go(case, "submit") is S.REFERRED


def test_a_referral_cannot_be_submitted_without_consent() -> None:
    case = Case(state=S.SCREENING, la_code="cardiff", consent_given=False)
    with pytest.raises(LifecycleError, match="consent") as err:
        go(case, "submit")
    assert err.value.code == "consent_given"
    assert case.state is S.SCREENING


def test_a_referral_cannot_be_submitted_without_the_la_of_residence() -> None:
    case = Case(state=S.SCREENING, la_code=None, consent_given=True)
    with pytest.raises(LifecycleError, match="LA where the individual lives"):
        go(case, "submit")


def test_ineligible_screening_closes_only_with_a_reason() -> None:
    case = Case(state=S.SCREENING)
    with pytest.raises(LifecycleError, match="reason"):
        go(case, "close_ineligible")
    assert go(case, "close_ineligible", reason="gravity score 3 (§3)") is S.CLOSED_INELIGIBLE


def test_refused_consent_closes_the_screening() -> None:
    assert go(Case(state=S.SCREENING), "refuse_consent") is S.CLOSED_NO_CONSENT


THREE_WEEKS_AGO = AT - timedelta(days=22)  # received 1 Nov: the 21 days ended on 22 Nov


def test_not_taken_up_only_when_no_first_session_date_was_ever_set() -> None:
    assert go(referred(received_at=THREE_WEEKS_AGO), "record_not_taken_up") is (
        S.OUTCOME_NOT_TAKEN_UP
    )
    once_set = referred(received_at=THREE_WEEKS_AGO, first_session_date=date(2026, 12, 1))
    once_set.state = S.ALLOCATED
    with pytest.raises(LifecycleError, match="no first-session date was ever set") as err:
        go(once_set, "record_not_taken_up")
    assert err.value.code == "no_first_session_date_ever_set"


def test_not_taken_up_waits_for_the_21_days_to_pass() -> None:
    # Received 10:00 on 2 Nov: a first-session date is due by the end of 23 Nov, which is AT.
    on_the_last_day = referred(received_at=AT - timedelta(days=21))
    with pytest.raises(LifecycleError, match=r"21 days .* to have passed") as err:
        go(on_the_last_day, "record_not_taken_up")
    assert err.value.code == "21_days_passed_or_refused"
    assert on_the_last_day.state is S.REFERRED and on_the_last_day.outcome is None
    late_that_evening = AT.replace(hour=23, minute=59)  # still 23 Nov in Wales (GMT)
    with pytest.raises(LifecycleError, match="21 days"):
        fire(on_the_last_day, "record_not_taken_up", actor="user:1", at=late_that_evening)
    next_day = AT.replace(hour=0) + timedelta(days=1)
    fire(on_the_last_day, "record_not_taken_up", actor="user:1", at=next_day)
    assert on_the_last_day.state is S.OUTCOME_NOT_TAKEN_UP


def test_not_taken_up_before_21_days_when_the_individual_refused() -> None:
    case = referred(received_at=AT - timedelta(days=2))
    with pytest.raises(LifecycleError, match="refusal recorded"):
        go(case, "record_not_taken_up", refused=False)
    change = fire(case, "record_not_taken_up", actor="user:2", at=AT, refused=True)
    assert case.state is S.OUTCOME_NOT_TAKEN_UP
    assert change.details == {"refused": "True"}  # the audit keeps that it was a refusal


def test_completed_needs_at_least_one_attended_session_with_engagement_appropriate() -> None:
    case = referred()
    go(case, "accept")
    go(case, "set_first_session", first_session_date=date(2026, 12, 1))
    with pytest.raises(LifecycleError, match="at least one attended session"):
        go(case, "record_completed")
    case.attended_sessions = 1  # attended, but engagement not judged appropriate
    with pytest.raises(LifecycleError, match="engagement judged appropriate"):
        go(case, "record_completed")
    case.appropriate_sessions = 1
    assert go(case, "record_completed") is S.OUTCOME_COMPLETED


def test_did_not_engage_needs_its_reason_recorded_and_keeps_it_out_of_the_audit() -> None:
    case = referred()
    go(case, "accept")
    go(case, "set_first_session", first_session_date=date(2026, 12, 1))
    with pytest.raises(LifecycleError, match="reason recorded"):
        go(case, "record_not_engaged")
    change = fire(case, "record_not_engaged", actor="user:2", at=AT, reason_recorded=True)
    assert case.state is S.OUTCOME_NOT_ENGAGED and change.reason == ""
    assert change.details == {"reason_recorded": "True"}


def test_setting_the_first_session_date_is_remembered_for_later_guards() -> None:
    case = referred(received_at=AT)
    go(case, "accept")
    assert go(case, "set_first_session", first_session_date=date(2026, 12, 1)) is S.ENGAGED
    assert case.first_session_date == date(2026, 12, 1)


def test_a_first_session_date_before_the_referral_was_received_is_refused() -> None:
    case = referred(received_at=AT)
    go(case, "accept")
    with pytest.raises(LifecycleError, match="not before the referral was received"):
        go(case, "set_first_session", first_session_date=date(2026, 11, 1))
    with pytest.raises(LifecycleError):
        go(case, "set_first_session")


def test_the_first_session_date_is_moved_only_to_another_day_and_the_case_stays_engaged() -> None:
    case = referred(received_at=AT)
    go(case, "accept")
    with pytest.raises(LifecycleError, match="not allowed from 'allocated'"):
        go(case, "move_first_session", first_session_date=date(2026, 12, 1))
    go(case, "set_first_session", first_session_date=date(2026, 12, 1))
    moved = fire(case, "move_first_session", actor="user:5", at=AT,
                 first_session_date=date(2026, 12, 3))  # fmt: skip
    assert (moved.from_state, moved.to_state) == (S.ENGAGED, S.ENGAGED)
    assert moved.changes == {"first_session_date": date(2026, 12, 3)}
    assert moved.details == {"first_session_date": "2026-12-03"}  # in the audit trail
    with pytest.raises(LifecycleError, match="a different date"):
        go(case, "move_first_session", first_session_date=date(2026, 12, 3))
    with pytest.raises(LifecycleError, match="not before the referral was received"):
        go(case, "move_first_session", first_session_date=date(2026, 11, 1))
    assert case.first_session_date == date(2026, 12, 3) and case.state is S.ENGAGED


def test_a_case_closes_only_after_police_were_notified() -> None:
    case = referred(received_at=THREE_WEEKS_AGO)
    go(case, "record_not_taken_up")
    with pytest.raises(LifecycleError, match="police have been told"):
        go(case, "close")
    told = fire(case, "notify_police", actor="user:2", at=AT)
    assert (told.to_state, case.police_notified_at) == (S.OUTCOME_NOT_TAKEN_UP, AT)
    closed = fire(case, "close", actor="user:1", at=AT)
    assert case.state is S.CLOSED and closed.changes == {"police_acknowledged_at": AT}


def test_an_extension_must_move_the_deadline_later_and_give_a_reason() -> None:
    case = referred(support_due=date(2027, 2, 23))
    with pytest.raises(LifecycleError, match="later"):
        go(case, "extend", until=date(2027, 2, 1), reason="engaging well")
    with pytest.raises(LifecycleError, match="reason"):
        go(case, "extend", until=date(2027, 3, 23))
    assert go(case, "extend", until=date(2027, 3, 23), reason="engaging well") is S.REFERRED
    assert case.support_due == date(2027, 3, 23)


def test_a_transfer_goes_back_to_referred_in_the_new_la() -> None:
    case = referred()
    go(case, "accept")
    with pytest.raises(LifecycleError, match="different LA"):
        go(case, "transfer", la_code="cardiff", reason="moved")
    assert go(case, "transfer", la_code="newport", reason="moved house") is S.REFERRED
    assert case.la_code == "newport"


def test_withdrawal_from_any_open_state_needs_a_reason() -> None:
    for state in (S.REFERRED, S.ALLOCATED, S.ENGAGED):
        case = referred()
        case.state = state
        with pytest.raises(LifecycleError):
            go(case, "withdraw")
        assert go(case, "withdraw", reason="police withdrew the disposal") is S.CLOSED_WITHDRAWN


def test_an_invalid_transition_says_what_is_allowed() -> None:
    case = referred()
    with pytest.raises(LifecycleError) as err:
        go(case, "record_completed")
    message = str(err.value)
    assert "'record_completed' is not allowed from 'referred'" in message
    assert "accept" in message and "withdraw" in message
    assert err.value.code == "not_allowed"


@pytest.mark.parametrize("state", FINAL_STATES)
def test_nothing_happens_to_a_closed_referral(state: ReferralState) -> None:
    assert allowed_triggers(state) == []
    with pytest.raises(LifecycleError, match="final state"):
        go(Case(state=state), "withdraw", reason="x")


def test_a_transition_reports_its_audit_event() -> None:
    case = referred(support_due=date(2027, 2, 23))
    change = fire(
        case, "extend", actor="user:7", at=AT, reason="more sessions", until=date(2027, 3, 1)
    )
    assert (change.from_state, change.to_state) == (S.REFERRED, S.REFERRED)
    assert (change.actor, change.at, change.reason) == ("user:7", AT, "more sessions")
    assert change.details == {"until": "2027-03-01"}


def test_each_transition_reports_the_facts_it_changed_for_storage_to_write() -> None:
    case = Case(state=S.SCREENING, la_code="cardiff", consent_given=True)
    late_on_31_january = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
    submitted = fire(case, "submit", actor="user:1", at=late_on_31_january)
    assert submitted.changes == {
        "received_at": late_on_31_january,
        "referred_la_code": "cardiff",  # kept through a transfer: the return counts it there
        "offered_at": late_on_31_january,  # offered to the LA's workers at once
        "first_session_due": date(2027, 2, 21),
        "support_due": date(2027, 4, 30),  # 31 January + 3 months, clamped to April's end
    }
    later = datetime(2027, 2, 2, 10, 0, tzinfo=UTC)
    assert fire(case, "accept", actor="user:5", at=later, worker_id=5).changes == {
        "allocated_worker_id": 5
    }
    extended = fire(case, "extend", actor="user:1", at=later, until=date(2027, 5, 31),
                    reason=" engaging well ")  # fmt: skip
    assert extended.changes == {"extension_until": date(2027, 5, 31),
                                "support_due": date(2027, 5, 31),
                                "extension_reason": "engaging well"}  # fmt: skip
    moved = fire(case, "transfer", actor="user:5", at=later, la_code="newport", reason="moved")
    assert moved.changes == {"la_code": "newport", "allocated_worker_id": None,
                             "offered_at": later, "first_session_date": None,
                             "first_session_due": date(2027, 2, 23)}  # fmt: skip
    assert (case.la_code, case.referred_la_code) == ("newport", "cardiff")
    refused = fire(case, "record_not_taken_up", actor="user:6", at=later, refused=True)
    assert refused.changes == {"outcome": "not_taken_up", "outcome_recorded_at": later}
    assert (case.outcome, case.allocated_worker_id) == ("not_taken_up", None)
    ineligible = fire(Case(state=S.SCREENING), "close_ineligible", actor="user:1", at=later,
                      reason="gravity score 3 (§3)")  # fmt: skip
    assert ineligible.changes == {"closed_reason": "gravity score 3 (§3)"}


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        fire(referred(), "accept", actor="user:1", at=datetime(2026, 11, 23, 10, 0))  # noqa: DTZ001


def test_the_committed_diagram_matches_the_lifecycle_data() -> None:
    assert DOCS.read_text(encoding="utf-8") == lifecycle_markdown(), (
        "docs/lifecycle.md is stale: run `.venv/bin/oocps diagram`"
    )
