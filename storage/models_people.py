"""Who may use the service: users, their scope, invites and failed enrolment attempts."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base

_ROLE_CHECK = "role IN ('police', 'yot', 'worker', 'manager', 'admin')"


class PoliceForce(Base):
    __tablename__ = "police_forces"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_cy: Mapped[str] = mapped_column(String(100))


class LocalAuthority(Base):
    __tablename__ = "local_authorities"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    gss_code: Mapped[str] = mapped_column(String(9), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_cy: Mapped[str] = mapped_column(String(100))
    police_force: Mapped[str] = mapped_column(ForeignKey("police_forces.code"))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_ROLE_CHECK, name="role"),
        CheckConstraint("language IN ('en', 'cy')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    force_code: Mapped[str | None] = mapped_column(ForeignKey("police_forces.code"))
    national: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    las: Mapped[list["UserLA"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserLA.la_code"
    )

    @property
    def la_codes(self) -> list[str]:
        return [link.la_code for link in self.las]


class UserLA(Base):
    """One LA in a worker's or manager's scope."""

    __tablename__ = "user_las"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    la_code: Mapped[str] = mapped_column(ForeignKey("local_authorities.code"), primary_key=True)


class Invite(Base):
    """A single-use, expiring enrolment invite; only the token's hash is kept."""

    __tablename__ = "invites"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(100))
    force_code: Mapped[str | None] = mapped_column(ForeignKey("police_forces.code"))
    la_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    national: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]


class EnrolmentFailure(Base):
    """Bad invite tokens per Telegram account, so repeated guessing is slowed down."""

    __tablename__ = "enrolment_failures"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
