"""A referral and what happens to it: screening answers, personal details, contacts, sessions."""

from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from state_machine.contact import CONTACT_METHODS, CONTACT_RESULTS
from state_machine.lifecycle import ReferralState
from state_machine.safeguarding import LEVELS, SAFEGUARDING_ACTIONS
from state_machine.sessions import (
    CANCELLED_BY,
    DELIVERIES,
    ENGAGEMENTS,
    SESSION_LANGUAGES,
    SESSION_STATUSES,
)
from storage.base import Base
from storage.errors import StateWriteRefused

# Set only by storage.lifecycle_store around the write of the state the machine chose.
STATE_FROM_MACHINE: ContextVar[str | None] = ContextVar("state_from_machine", default=None)
_INITIAL = ReferralState.SCREENING.value
_STATES = ", ".join(f"'{s.value}'" for s in ReferralState)
_BY_VALUE = {s.value: s for s in ReferralState}  # a dict lookup: summaries ask it of every case


def state_named(value: str) -> ReferralState:
    """The lifecycle state stored as `value` (unknown: ValueError)."""
    return _BY_VALUE.get(value) or ReferralState(value)


_METHODS = ", ".join(f"'{m}'" for m in CONTACT_METHODS)
_RESULTS = ", ".join(f"'{r}'" for r in CONTACT_RESULTS)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


_STATUSES = _listed(SESSION_STATUSES)
_ENGAGEMENTS = _listed(ENGAGEMENTS)
_DELIVERIES = _listed(DELIVERIES)
_SESSION_LANGUAGES = _listed(SESSION_LANGUAGES)
_CANCELLED_BY = _listed(CANCELLED_BY)
_LEVELS = _listed(LEVELS)
_SAFEGUARDING_ACTIONS = _listed(SAFEGUARDING_ACTIONS)


class Referral(Base):
    """One individual referred for one offence. Its state changes only through the lifecycle."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        # One LA's live cases, last year and outcomes (migration 0010, docs/performance.md).
        Index("ix_referrals_la_code_state", "la_code", "state"),
        Index("ix_referrals_la_code_received_at", "la_code", "received_at"),
        Index("ix_referrals_la_code_outcome_recorded_at", "la_code", "outcome_recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[str] = mapped_column(String(32), default=_INITIAL, index=True)
    state_changed_at: Mapped[datetime]
    created_at: Mapped[datetime]
    oocd: Mapped[str | None] = mapped_column(String(32))  # community_resolution | cond._caution
    force_code: Mapped[str | None] = mapped_column(ForeignKey("police_forces.code"))
    la_code: Mapped[str | None] = mapped_column(ForeignKey("local_authorities.code"), index=True)
    # The LA the police referred to, kept when the case is transferred (the monitoring
    # return counts a referral there, and its support where it is delivered).
    referred_la_code: Mapped[str | None] = mapped_column(ForeignKey("local_authorities.code"))
    referring_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    yot: Mapped[bool] = mapped_column(default=False)
    consent_given_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None] = mapped_column(index=True)  # the return's periods
    offered_at: Mapped[datetime | None]  # offered to the LA's workers (received, transferred)
    first_session_due: Mapped[date | None]
    support_due: Mapped[date | None]
    extension_until: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(String(500))
    allocated_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_session_date: Mapped[date | None] = mapped_column(index=True)
    session_language: Mapped[str | None] = mapped_column(String(16))  # en | cy | other | bsl
    outcome: Mapped[str | None] = mapped_column(String(16))  # not_taken_up|not_engaged|completed
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(index=True)
    # Why 'did not engage appropriately': the worker's words about the individual, encrypted,
    # and purged with the personal details.
    outcome_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    police_notified_at: Mapped[datetime | None]  # the outcome notice owed to police
    police_acknowledged_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(500))
    # An extension asked of the police, not yet answered (extension_requests has it all).
    extension_requested_at: Mapped[datetime | None]
    # The worker's words on the latest transfer and on a withdrawal: encrypted, purged with
    # the personal details (the lifecycle keeps only the reason's key).
    transfer_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    withdrawal_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    # When a deadline nudge next falls due (None: none will): set with every change to the
    # case, so the sweeper finds what is due with one indexed query (storage/nudges.py).
    next_nudge_at: Mapped[datetime | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    @validates("state")
    def _only_the_lifecycle_sets_state(self, _key: str, value: str) -> str:
        initial = self.id is None and value == ReferralState.SCREENING.value
        if not initial and value != STATE_FROM_MACHINE.get():
            raise StateWriteRefused("a referral's state changes only through the lifecycle machine")
        return value

    @property
    def lifecycle_state(self) -> ReferralState:
        return state_named(self.state)


class PersonalDetails(Base):
    """The individual's details, apart from the referral so they can be purged; encrypted."""

    __tablename__ = "personal_details"

    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True
    )
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    recorded_at: Mapped[datetime]
    purged_at: Mapped[datetime | None]


class ScreeningAnswer(Base):
    """One answer given during screening (eligibility facts, never personal details)."""

    __tablename__ = "screening_answers"
    __table_args__ = (UniqueConstraint("referral_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    answered_at: Mapped[datetime]
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContactAttempt(Base):
    """One try at reaching the individual: the day, how, what came of it, and the worker's
    short note (free text about people: encrypted, and purged with the personal details)."""

    __tablename__ = "contact_attempts"
    __table_args__ = (
        CheckConstraint(f"method IN ({_METHODS})", name="method"),
        CheckConstraint(f"result IN ({_RESULTS})", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attempted_on: Mapped[date]  # a local calendar day: workers log it later, not to the minute
    method: Mapped[str] = mapped_column(String(16))  # state_machine.contact.CONTACT_METHODS
    result: Mapped[str] = mapped_column(String(16))  # state_machine.contact.CONTACT_RESULTS
    note: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    recorded_at: Mapped[datetime]


class ParentingSession(Base):
    """One 1:1 session (guidance §7): logged as attended, missed (the parent did not attend)
    or cancelled, or `planned` (the next session date, replaced when it is logged). The
    worker's words about the parent are encrypted and purged with the personal details."""

    __tablename__ = "parenting_sessions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint(f"engagement IN ({_ENGAGEMENTS})", name="engagement"),
        CheckConstraint(f"delivery IN ({_DELIVERIES})", name="delivery"),
        CheckConstraint(f"language IN ({_SESSION_LANGUAGES})", name="language"),
        CheckConstraint(f"cancelled_by IN ({_CANCELLED_BY})", name="cancelled_by"),
        # The return's sessions held in a period, the referral read from the index alone
        # (migration 0012, docs/performance.md).
        Index("ix_parenting_sessions_held_on_referral_id", "held_on", "referral_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A local calendar day (planned: the day it is booked for).
    held_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))  # state_machine.sessions.SESSION_STATUSES
    cancelled_by: Mapped[str | None] = mapped_column(String(16))  # parent | service
    minutes: Mapped[int | None]
    delivery: Mapped[str | None] = mapped_column(String(16))  # face_to_face | online
    language: Mapped[str | None] = mapped_column(String(16))  # cy | en | other | bsl
    welsh_medium: Mapped[bool] = mapped_column(default=False)  # language == cy (§8 ii)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # SESSION_TOPICS covered
    engagement: Mapped[str | None] = mapped_column(String(16))  # appropriate | not_appropriate
    engagement_reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    # §7: the other parent is offered support only once the police agree.
    police_agreed_other_parent: Mapped[bool | None]
    other_parent_took_part: Mapped[bool | None]
    doing_well: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    next_steps: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    recorded_at: Mapped[datetime]


class ParentFeedback(Base):
    """The parent's feedback at the end of support (guidance §6): how helpful, 1 to 5, and a
    comment in their words (encrypted, purged with the personal details). One per case."""

    __tablename__ = "parent_feedback"
    __table_args__ = (CheckConstraint("helpful BETWEEN 1 AND 5", name="helpful"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), unique=True
    )
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    helpful: Mapped[int]
    comment: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
    recorded_at: Mapped[datetime]


class DistanceMeasure(Base):
    """A distance-travelled measure (a standardised questionnaire at the start or the end)."""

    __tablename__ = "distance_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    tool: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(8))  # start | end
    score: Mapped[str] = mapped_column(String(32))
    positive: Mapped[bool | None]
    measured_on: Mapped[date] = mapped_column(index=True)  # the return's end measures
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class SafeguardingConcern(Base):
    """A safeguarding concern raised on a case: how serious, the day it was seen or said, what
    was seen or said (the worker's words: encrypted, purged with the personal details), and
    the action taken. The case stays open."""

    __tablename__ = "safeguarding_concerns"
    __table_args__ = (
        CheckConstraint(f"level IN ({_LEVELS})", name="level"),
        CheckConstraint(f"action_taken IN ({_SAFEGUARDING_ACTIONS})", name="action_taken"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    raised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime]
    summary: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted; purged with details
    action_taken: Mapped[str] = mapped_column(String(32))  # SAFEGUARDING_ACTIONS
    level: Mapped[str] = mapped_column(String(16))  # immediate_risk | concern
    noticed_on: Mapped[date]  # a local calendar day: when it was seen or said


EXTENSION_STATUSES = ("open", "approved", "declined")


class ExtensionRequest(Base):
    """A worker's request to the police for a later delivery date (guidance footnote 14): the
    date proposed, the reason (encrypted), and the police's answer, who gave it and when (a
    decline's reason encrypted too). At most one open per case, checked under the referral's
    row lock when one is asked."""

    __tablename__ = "extension_requests"
    __table_args__ = (CheckConstraint(f"status IN ({_listed(EXTENSION_STATUSES)})", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime]
    proposed_until: Mapped[date]
    due_before: Mapped[date | None]  # the support-due date when it was asked
    reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted; purged with details
    status: Mapped[str] = mapped_column(String(16), default="open")
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    decline_reason: Mapped[bytes | None] = mapped_column(LargeBinary)  # encrypted
