"""The referral lifecycle (DESIGN.md §2), declared as data and run by `transitions`.

This machine is the only way a referral's state changes. Guards carry the guidance rule they
enforce; a refused or unknown trigger raises a `LifecycleError` that says what is allowed. What a
trigger changes besides the state is its declared effect (state_machine/effects.py), returned in
the `Transitioned` for storage to write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from transitions import EventData, Machine, MachineError

from state_machine import effects as fx
from state_machine.case import Case, Facts, ReferralState
from state_machine.deadlines import SERVICE_TZ, Deadlines, is_past, local_date
from state_machine.errors import LifecycleError

__all__ = ["Case", "Facts", "ReferralState", "Transitioned", "allowed_triggers", "fire"]

S = ReferralState
OPEN_STATES: tuple[ReferralState, ...] = (S.REFERRED, S.ALLOCATED, S.ENGAGED)
OUTCOME_STATES: tuple[ReferralState, ...] = (
    S.OUTCOME_NOT_TAKEN_UP,
    S.OUTCOME_NOT_ENGAGED,
    S.OUTCOME_COMPLETED,
)
FINAL_STATES: tuple[ReferralState, ...] = (
    S.CLOSED_INELIGIBLE,
    S.CLOSED_NO_CONSENT,
    S.CLOSED,
    S.CLOSED_WITHDRAWN,
)


@dataclass(frozen=True, repr=False)
class Guard:
    """A named condition with the rule it enforces, so a refusal can explain itself."""

    name: str
    rule: str
    check: Callable[[EventData], bool] = field(compare=False)

    def __call__(self, event: EventData) -> bool:
        return self.check(event)

    def __repr__(self) -> str:  # the diagram labels transitions with this
        return self.name


class _Bound:
    """A throwaway model per firing, so `transitions` never decorates the caller's object."""

    def __init__(self, case: Case, at: datetime, tz: ZoneInfo) -> None:
        self.case, self.at, self.tz = case, at, tz
        self.state = case.state


def _bound(event: EventData) -> _Bound:
    model = event.model
    assert isinstance(model, _Bound)
    return model


def _case(event: EventData) -> Case:
    return _bound(event).case


def _reason(event: EventData) -> str:
    return str(event.kwargs.get("reason") or "").strip()


def _first_session_ok(event: EventData) -> bool:
    when = event.kwargs.get("first_session_date")
    received = _case(event).received_at
    return isinstance(when, date) and (
        received is None or when >= local_date(received, _bound(event).tz)
    )


def _first_session_moves(event: EventData) -> bool:
    return event.kwargs.get("first_session_date") != _case(event).first_session_date


def _not_taken_up_ok(event: EventData) -> bool:
    """The 21 days for a first-session date are over at the firing's time, or the individual
    said no (recorded with the outcome)."""
    if event.kwargs.get("refused") is True:
        return True
    bound = _bound(event)
    received = bound.case.received_at
    if received is None:
        return False
    due = bound.case.first_session_due  # moved by a transfer: the new LA's 21 days
    if due is None:
        due = Deadlines.compute(received, bound.tz).first_session_date_due
    return is_past(due, bound.at, bound.tz)


def _extension_ok(event: EventData) -> bool:
    until = event.kwargs.get("until")
    current = _case(event).support_due
    return isinstance(until, date) and (current is None or until > current)


def _transfer_ok(event: EventData) -> bool:
    new_la = event.kwargs.get("la_code")
    return bool(new_la) and new_la != _case(event).la_code


HAS_LA = Guard(
    "has_la",
    "a referral goes to the LA where the individual lives (§3)",
    lambda e: bool(_case(e).la_code),
)
CONSENT_GIVEN = Guard(
    "consent_given",
    "consent to pass details to the LA is needed (§4)",
    lambda e: _case(e).consent_given,
)
REASON_GIVEN = Guard("reason_given", "a reason must be recorded", lambda e: bool(_reason(e)))
FIRST_SESSION_DATE_GIVEN = Guard(
    "first_session_date_given",
    "a first-session date is needed, not before the referral was received",
    _first_session_ok,
)
FIRST_SESSION_DATE_MOVES = Guard(
    "first_session_date_moves",
    "moving the first-session date needs a different date",
    _first_session_moves,
)
TWENTY_ONE_DAYS_OR_REFUSED = Guard(
    "21_days_passed_or_refused",
    "'not taken up' needs the 21 days for a first-session date to have passed, "
    "or the individual's refusal recorded (refused=True) (§8 i)",
    _not_taken_up_ok,
)
NO_FIRST_SESSION_EVER = Guard(
    "no_first_session_date_ever_set",
    "'not taken up' is only for when no first-session date was ever set (at the LA holding "
    "the case: a transfer drops the old LA's) and no session was attended (§8 i)",
    lambda e: _case(e).first_session_date is None and _case(e).attended_sessions == 0,
)
ENGAGED_APPROPRIATELY = Guard(
    "attended_and_engaged_appropriately",
    "'completed' needs at least one attended session with engagement judged appropriate (§8 i)",
    lambda e: _case(e).appropriate_sessions > 0,
)
WHY_RECORDED = Guard(
    "reason_recorded",
    "'did not engage appropriately' needs its reason recorded (kept encrypted, not in the "
    "audit: reason_recorded=True) (§8 i)",
    lambda e: e.kwargs.get("reason_recorded") is True,
)
POLICE_NOTIFIED = Guard(
    "police_notified",
    "a case closes only after the police have been told the outcome (§8 i)",
    lambda e: _case(e).police_notified_at is not None,
)
LATER_DATE = Guard(
    "extension_is_later",
    "an extension must move the support deadline later (§4 footnote 14)",
    _extension_ok,
)
NEW_LA = Guard("new_la_given", "a transfer needs a different LA", _transfer_ok)
NEW_WORKER = Guard(
    "new_worker_given",
    "a re-allocation needs another worker",
    lambda e: (
        isinstance(e.kwargs.get("worker_id"), int)
        and e.kwargs.get("worker_id") != _case(e).allocated_worker_id
    ),
)


# The lifecycle, as data. Order matters only for the generated diagram. "effects" is ours:
# what the trigger changes besides the state (state_machine/effects.py); the machine never
# sees it (see MACHINE_TRANSITIONS).
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "close_ineligible", "source": S.SCREENING, "dest": S.CLOSED_INELIGIBLE,
     "conditions": [REASON_GIVEN], "effects": fx.CLOSED_WITH_REASON},
    {"trigger": "refuse_consent", "source": S.SCREENING, "dest": S.CLOSED_NO_CONSENT,
     "effects": fx.CLOSED_WITH_REASON},
    {"trigger": "submit", "source": S.SCREENING, "dest": S.REFERRED,
     "conditions": [HAS_LA, CONSENT_GIVEN], "effects": fx.RECEIVED},
    {"trigger": "accept", "source": S.REFERRED, "dest": S.ALLOCATED, "effects": fx.ALLOCATED},
    {"trigger": "set_first_session", "source": S.ALLOCATED, "dest": S.ENGAGED,
     "conditions": [FIRST_SESSION_DATE_GIVEN], "effects": fx.FIRST_SESSION_SET},
    {"trigger": "move_first_session", "source": S.ENGAGED, "dest": None,  # internal
     "conditions": [FIRST_SESSION_DATE_GIVEN, FIRST_SESSION_DATE_MOVES],
     "effects": fx.FIRST_SESSION_MOVED},
    {"trigger": "record_not_taken_up", "source": [S.REFERRED, S.ALLOCATED],
     "dest": S.OUTCOME_NOT_TAKEN_UP,
     "conditions": [NO_FIRST_SESSION_EVER, TWENTY_ONE_DAYS_OR_REFUSED],
     "effects": fx.NOT_TAKEN_UP},
    {"trigger": "record_not_engaged", "source": S.ENGAGED, "dest": S.OUTCOME_NOT_ENGAGED,
     "conditions": [WHY_RECORDED], "effects": fx.NOT_ENGAGED},
    {"trigger": "record_completed", "source": S.ENGAGED, "dest": S.OUTCOME_COMPLETED,
     "conditions": [ENGAGED_APPROPRIATELY], "effects": fx.COMPLETED},
    {"trigger": "notify_police", "source": list(OUTCOME_STATES), "dest": None,  # internal
     "effects": fx.POLICE_NOTIFIED},
    {"trigger": "close", "source": list(OUTCOME_STATES), "dest": S.CLOSED,
     "conditions": [POLICE_NOTIFIED], "effects": fx.POLICE_ACKNOWLEDGED},
    {"trigger": "transfer", "source": list(OPEN_STATES), "dest": S.REFERRED,
     "conditions": [NEW_LA, REASON_GIVEN], "effects": fx.TRANSFERRED},
    {"trigger": "extend", "source": list(OPEN_STATES), "dest": None,  # internal: state stays
     "conditions": [LATER_DATE, REASON_GIVEN], "effects": fx.EXTENDED},
    {"trigger": "reallocate", "source": [S.ALLOCATED, S.ENGAGED], "dest": None,  # internal
     "conditions": [NEW_WORKER], "effects": fx.REALLOCATED},
    {"trigger": "withdraw", "source": list(OPEN_STATES), "dest": S.CLOSED_WITHDRAWN,
     "conditions": [REASON_GIVEN], "effects": fx.CLOSED_WITH_REASON},
]  # fmt: skip

MACHINE_TRANSITIONS: list[dict[str, Any]] = [
    {k: v for k, v in t.items() if k != "effects"} for t in TRANSITIONS
]
STATES: list[ReferralState] = list(ReferralState)


@dataclass(frozen=True)
class Transitioned:
    """The audit event a transition produces, and the facts it changed besides the state;
    storage writes both in the same transaction."""

    trigger: str
    from_state: ReferralState
    to_state: ReferralState
    actor: str
    at: datetime
    reason: str
    details: dict[str, str]
    changes: Facts = field(default_factory=lambda: Facts())


def _build() -> Machine:
    return Machine(
        model=None,
        states=STATES,
        transitions=MACHINE_TRANSITIONS,
        initial=S.SCREENING,
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )


_MACHINE = _build()


def allowed_triggers(state: ReferralState) -> list[str]:
    """Triggers that exist from `state`, in declaration order (guards not evaluated)."""
    names = {t["trigger"] for t in TRANSITIONS if state in _sources(t)}
    return [t for t in dict.fromkeys(t["trigger"] for t in TRANSITIONS) if t in names]


def _sources(t: dict[str, Any]) -> list[ReferralState]:
    src = t["source"]
    return [src] if isinstance(src, ReferralState) else list(src)


def _declared(trigger: str, state: ReferralState) -> dict[str, Any]:
    return next(t for t in TRANSITIONS if t["trigger"] == trigger and state in _sources(t))


def fire(
    case: Case,
    trigger: str,
    *,
    actor: str,
    at: datetime,
    reason: str = "",
    tz: ZoneInfo = SERVICE_TZ,
    **params: Any,
) -> Transitioned:
    """Run `trigger` on `case` at `at` (mutating its state and facts) and return the audit
    event with the changes to write. Dates are counted in `tz`.

    Raises `LifecycleError` when the trigger does not exist from the current state or a guard
    refuses; the case is unchanged then.
    """
    if at.tzinfo is None:
        raise ValueError("transition time must be timezone-aware")
    before = case.state
    if trigger not in allowed_triggers(before):
        allowed = ", ".join(allowed_triggers(before)) or "nothing (this is a final state)"
        raise LifecycleError(
            "not_allowed",
            f"'{trigger}' is not allowed from '{before.value}'. Allowed: {allowed}.",
        )
    declared = _declared(trigger, before)
    bound = _Bound(case, at, tz)  # guards read `case`, `at` and `tz` through it
    _MACHINE.add_model(bound, initial=before)
    try:
        done = bound.trigger(trigger, reason=reason, **params)  # type: ignore[attr-defined]
    except MachineError as exc:  # pragma: no cover - guarded by allowed_triggers above
        raise LifecycleError("not_allowed", str(exc)) from exc
    finally:
        _MACHINE.remove_model(bound)
    if not done:
        event = EventData(None, None, _MACHINE, bound, (), {"reason": reason, **params})
        failed = [g for g in declared.get("conditions", []) if not g(event)]
        rules = "; ".join(g.rule for g in failed)
        raise LifecycleError(
            failed[0].name if failed else "refused",
            f"'{trigger}' refused from '{before.value}': {rules}.",
        )
    effect: fx.Effect | None = declared.get("effects")
    firing = fx.Firing(case=case, at=at, tz=tz, reason=reason.strip(), params=params)
    changes = effect(firing) if effect is not None else Facts()
    case.apply(changes)
    case.state = bound.state
    return Transitioned(
        trigger=trigger,
        from_state=before,
        to_state=case.state,
        actor=actor,
        at=at,
        reason=reason.strip(),
        details={k: str(v) for k, v in sorted(params.items())},
        changes=changes,
    )
