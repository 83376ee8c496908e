"""Running the service: notifications, the nudge ledger, the audit log, dialogues, updates seen."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Notification(Base):
    """A message the service owes someone about a referral (new referral, outcome to police)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))  # a nudge's names its rule
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)  # the resend looks at recent ones
    sent_at: Mapped[datetime | None]
    chat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[datetime | None]
    # Sending again one that did not go out (blocked bot, a crash just after the commit).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None]


class NudgeSent(Base):
    """One deadline nudge claimed for one person: the unique key (case, rule, due moment,
    recipient) makes it go once, across restarts and instances. It is sent as a notification
    (`notification_id`); one that could not reach its recipient (they left, or blocked the
    bot) is on record as `undeliverable`, and the managers' rows say `instead_of` whom."""

    __tablename__ = "nudge_ledger"
    __table_args__ = (UniqueConstraint("referral_id", "rule", "due_at", "recipient_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(48))
    due_at: Mapped[datetime]  # when the rule made it due, not when it was sent
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime]
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL")
    )
    undeliverable: Mapped[str | None] = mapped_column(String(16))  # left | blocked
    instead_of: Mapped[int | None] = mapped_column(ForeignKey("nudge_ledger.id"))
    # "Remind me tomorrow": owed again at this moment (the next working morning).
    snoozed_until: Mapped[datetime | None] = mapped_column(index=True)


class AuditEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE). Never holds personal data."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_referral_id_at", "referral_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))  # "user:<id>" or "system:<job>"
    action: Mapped[str] = mapped_column(String(48))
    # No foreign key: the trail outlives a purged referral.
    referral_id: Mapped[int | None]
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Dialogue(Base):
    """A user's conversation in progress, so a restart or a second instance carries on."""

    __tablename__ = "dialogues"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """Telegram update ids already handled: a re-delivered update is acted on once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(index=True)
    # The reply, encrypted, kept with the claim until it has been sent (storage/replies.py).
    reply: Mapped[bytes | None] = mapped_column(LargeBinary)


class ButtonToken(Base):
    """What an inline button means, kept here: callback data is only this opaque token."""

    __tablename__ = "button_tokens"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(index=True)
