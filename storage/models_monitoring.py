"""What managers enter for the monitoring return, per LA and period (guidance §8 ii-iii)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class MonitoringEntry(Base):
    """The two counts no case record holds and the §8(iii) items, for one LA and period.
    Nothing here is about a person: training and other activity describe the grant's use."""

    __tablename__ = "monitoring_entries"
    __table_args__ = (
        UniqueConstraint("la_code", "period"),
        CheckConstraint("physical_punishment_not_police >= 0", name="pp_not_police"),
        CheckConstraint("not_physical_punishment >= 0", name="not_pp"),
        CheckConstraint("fte >= 0", name="fte"),
        CheckConstraint("staff >= 0", name="staff"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    la_code: Mapped[str] = mapped_column(ForeignKey("local_authorities.code"))
    period: Mapped[str] = mapped_column(String(7))  # 2026-H1
    physical_punishment_not_police: Mapped[int | None]
    not_physical_punishment: Mapped[int | None]
    fte: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    staff: Mapped[int | None]
    universal_support: Mapped[bool | None]
    training: Mapped[str | None] = mapped_column(String(1000))
    other_activity: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))  # "user:<id>" or "cli"
