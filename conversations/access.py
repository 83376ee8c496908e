"""Who is asking: the enrolled user as the conversations see them, and what their role may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from conversations.i18n import Language, as_language, t
from conversations.reply import Command
from storage.models import User
from storage.people import Profile

Role = Literal["police", "yot", "worker", "manager", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

# Commands each role sees in its menu and in /help, in menu order.
COMMON = ("help", "language", "whoami", "cancel")
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "police": ("screen", "summary", "case", *COMMON),  # their force's counts, no one's details
    "yot": ("screen", *COMMON),
    "worker": ("cases", "nudges", "case", *COMMON),
    "manager": ("summary", "overdue", "workload", "cases", "case", "nudges", "return", *COMMON),
    "admin": ("invite", "users", "summary", "return", *COMMON),  # counts only
}


@dataclass(frozen=True)
class Actor:
    user_id: int
    telegram_id: int | None
    name: str
    role: Role
    force_code: str | None
    la_codes: tuple[str, ...]
    national: bool
    language: Language

    @classmethod
    def of(cls, user: User | Profile) -> Actor:
        role = user.role
        assert role in ROLES
        return cls(
            user_id=user.id,
            telegram_id=user.telegram_id,
            name=user.display_name,
            role=role,
            force_code=user.force_code,
            la_codes=tuple(user.la_codes),
            national=user.national,
            language=as_language(user.language),
        )

    @property
    def audit_name(self) -> str:
        return f"user:{self.user_id}"

    def may(self, command: str) -> bool:
        return command in ROLE_COMMANDS[self.role]

    def sees_la(self, la_code: str | None) -> bool:
        """Scope check for LA staff: their LAs, or every LA for a national reader."""
        return self.national or (la_code is not None and la_code in self.la_codes)


def menu_for(role: str, language: str) -> list[Command]:
    return [Command(name, t(language, f"command.{name}")) for name in ROLE_COMMANDS[role]]
