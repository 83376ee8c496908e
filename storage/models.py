"""Every table, importable from one place (Alembic reads `Base.metadata` from here)."""

from storage.base import Base
from storage.models_cases import (
    ContactAttempt,
    DistanceMeasure,
    ExtensionRequest,
    ParentFeedback,
    ParentingSession,
    PersonalDetails,
    Referral,
    SafeguardingConcern,
    ScreeningAnswer,
)
from storage.models_monitoring import MonitoringEntry
from storage.models_ops import (
    AuditEvent,
    ButtonToken,
    Dialogue,
    Notification,
    NudgeSent,
    ProcessedUpdate,
)
from storage.models_people import (
    EnrolmentFailure,
    Invite,
    LocalAuthority,
    PoliceForce,
    User,
    UserLA,
)

__all__ = [
    "AuditEvent",
    "Base",
    "ButtonToken",
    "ContactAttempt",
    "Dialogue",
    "DistanceMeasure",
    "EnrolmentFailure",
    "ExtensionRequest",
    "Invite",
    "LocalAuthority",
    "MonitoringEntry",
    "Notification",
    "NudgeSent",
    "ParentFeedback",
    "ParentingSession",
    "PersonalDetails",
    "PoliceForce",
    "ProcessedUpdate",
    "Referral",
    "SafeguardingConcern",
    "ScreeningAnswer",
    "User",
    "UserLA",
]
