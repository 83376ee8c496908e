"""Users, invites and enrolment failures."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, delete, inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from state_machine.clock import Clock
from storage.audit import AuditLog
from storage.dialect import execute
from storage.models import ButtonToken, EnrolmentFailure, Invite, User, UserLA
from storage.reference import Place, ReferenceData


@dataclass(frozen=True, slots=True)
class Profile:
    """What every update needs to know about its sender, read in one statement."""

    id: int
    telegram_id: int | None
    display_name: str
    role: str
    force_code: str | None
    national: bool
    language: str
    active: bool
    la_codes: tuple[str, ...]


_USERS, _USER_LAS = User.metadata.tables["users"], User.metadata.tables["user_las"]
PROFILE_COLUMNS = (
    "id", "telegram_id", "display_name", "role", "force_code", "national", "language", "active"
)  # fmt: skip
_PROFILE = (
    select(*(_USERS.c[name] for name in PROFILE_COLUMNS), _USER_LAS.c.la_code)
    .select_from(_USERS.outerjoin(_USER_LAS, _USER_LAS.c.user_id == _USERS.c.id))
    .where(_USERS.c.telegram_id == bindparam("telegram_id"))
    .order_by(_USER_LAS.c.la_code)
)


def token_hash(token: str) -> str:
    """Only this is stored: a leaked database does not leak usable invite links."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PeopleRepository:
    def __init__(
        self, session: AsyncSession, clock: Clock, audit: AuditLog, reference: ReferenceData
    ) -> None:
        self._session = session
        self._reference = reference
        self._clock = clock
        self._audit = audit
        # Those `load` read, held for the unit of work: the session's identity map holds only
        # weak references, and `get` is to find them there.
        self._held: list[User] = []

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        return await self._session.scalar(select(User).where(User.telegram_id == telegram_id))

    async def profile(self, telegram_id: int) -> Profile | None:
        rows = (await execute(self._session, _PROFILE, {"telegram_id": telegram_id})).all()
        if not rows:
            return None
        first = rows[0]
        return Profile(
            first.id, first.telegram_id, first.display_name, first.role, first.force_code,
            first.national, first.language, first.active,
            tuple(row.la_code for row in rows if row.la_code is not None),
        )  # fmt: skip

    async def get(self, user_id: int) -> User | None:
        held = self._session.identity_map.get(identity_key(User, user_id))
        if isinstance(held, User) and not inspect(held).expired_attributes:
            return held  # read in this unit of work, as it was: no trip through the session
        return await self._session.get(User, user_id)

    async def all(self) -> Sequence[User]:
        return (await self._session.scalars(select(User).order_by(User.id))).all()

    async def find(self, query: str) -> Sequence[User]:
        """Users whose Telegram id is `query` or whose name contains it (any case)."""
        conditions: list[ColumnElement[bool]] = [User.display_name.ilike(f"%{query.strip()}%")]
        if query.strip().isdigit():
            conditions.append(User.telegram_id == int(query.strip()))
        return (await self._session.scalars(select(User).where(or_(*conditions)))).all()

    async def active_in_la(self, role: str, la_code: str) -> Sequence[User]:
        rows = await self._session.scalars(
            select(User)
            .join(UserLA)
            .where(User.role == role, User.active)
            .where(UserLA.la_code == la_code)
            .order_by(User.id)
        )
        return rows.all()

    async def active_in_las(self, la_codes: Sequence[str]) -> dict[tuple[str, str], list[User]]:
        """`active_in_la` for every role in many LAs at once, by (role, LA): one statement
        for a batch of cases (the nudge sweep)."""
        found: dict[tuple[str, str], list[User]] = {}
        if not la_codes:
            return found
        rows = await self._session.execute(
            select(User, UserLA.la_code)
            .join(UserLA)
            .where(User.active, UserLA.la_code.in_(sorted(set(la_codes))))
            .order_by(User.id)
        )
        for user, la_code in rows:
            found.setdefault((user.role, la_code), []).append(user)
        return found

    async def load(self, user_ids: Sequence[int]) -> None:
        """Read these people in one statement; `get` then finds them without another. Those
        this unit of work has read already are not read again."""
        held = self._session.identity_map
        wanted = sorted({i for i in user_ids if identity_key(User, i) not in held})
        if wanted:
            found = await self._session.scalars(select(User).where(User.id.in_(wanted)))
            self._held += found.all()

    async def active_with_role(self, role: str) -> Sequence[User]:
        rows = await self._session.scalars(
            select(User).where(User.role == role, User.active).order_by(User.id)
        )
        return rows.all()

    async def revoke(self, user: User, *, actor: str) -> None:
        user.active = False
        user.revoked_at = self._clock.now()
        await self._void_buttons(user)
        self._audit.record(actor, "user.revoked", details={"user_id": user.id, "role": user.role})

    async def _void_buttons(self, user: User) -> None:
        await self._session.execute(delete(ButtonToken).where(ButtonToken.user_id == user.id))

    async def set_language(self, user: User, language: str) -> None:
        user.language = language

    async def local_authorities(self) -> tuple[Place, ...]:
        return await self._reference.local_authorities(self._session)

    async def forces(self) -> tuple[Place, ...]:
        return await self._reference.forces(self._session)

    # Invites -----------------------------------------------------------------------------

    async def add_invite(
        self,
        *,
        token: str,
        role: str,
        display_name: str,
        force_code: str | None,
        la_codes: list[str],
        national: bool,
        expires_at: datetime,
        actor: str,
    ) -> Invite:
        invite = Invite(
            token_hash=token_hash(token),
            role=role,
            display_name=display_name,
            force_code=force_code,
            la_codes=sorted(la_codes),
            national=national,
            created_by=actor,
            created_at=self._clock.now(),
            expires_at=expires_at,
        )
        self._session.add(invite)
        await self._session.flush()
        self._audit.record(actor, "invite.created", details={"invite_id": invite.id, "role": role})
        return invite

    async def invite_for(self, token: str) -> Invite | None:
        return await self._session.scalar(
            select(Invite).where(Invite.token_hash == token_hash(token)).with_for_update()
        )

    async def enrol(
        self, invite: Invite, *, telegram_id: int, language: str, existing: User | None
    ) -> User:
        """Bind a Telegram account to the invite's role and scope, using the invite up.

        A revoked account given a new invite gets its new role and scope on the same row.
        """
        now = self._clock.now()
        user = existing or User(telegram_id=telegram_id, created_at=now)
        user.display_name = invite.display_name
        user.role = invite.role
        user.force_code = invite.force_code
        user.national = invite.national
        user.language = language
        user.active, user.revoked_at = True, None
        if existing is not None:  # nothing made for the old role and scope still works
            await self._void_buttons(existing)
        user.las = [UserLA(la_code=code) for code in invite.la_codes]
        self._session.add(user)
        await self._session.flush()
        invite.used_at, invite.used_by_user_id = now, user.id
        self._audit.record(
            f"user:{user.id}", "user.enrolled", details={"invite_id": invite.id, "role": user.role}
        )
        return user

    # Slowing down guessing ---------------------------------------------------------------

    async def failure_record(self, telegram_id: int) -> EnrolmentFailure | None:
        return await self._session.get(EnrolmentFailure, telegram_id)

    async def note_failure(self, telegram_id: int) -> int:
        row = await self._session.get(EnrolmentFailure, telegram_id)
        now = self._clock.now()
        if row is None:
            row = EnrolmentFailure(telegram_id=telegram_id, failures=0, last_failure_at=now)
            self._session.add(row)
        row.failures += 1
        row.last_failure_at = now
        return row.failures

    async def clear_failures(self, telegram_id: int) -> None:
        row = await self._session.get(EnrolmentFailure, telegram_id)
        if row is not None:
            await self._session.delete(row)

    async def console_user(
        self,
        *,
        name: str,
        role: str,
        force_code: str | None,
        la_codes: list[str],
        national: bool,
    ) -> tuple[User, bool]:
        """The person the console channel acts as: one per name, role and scope, with no
        Telegram id (two people at two consoles are two users, each with their language);
        and whether they are new (as if just enrolled)."""
        same = await self._session.scalars(
            select(User).where(
                User.telegram_id.is_(None), User.display_name == name, User.role == role
            )
        )
        scope = (force_code, national, sorted(la_codes))
        user = next(
            (u for u in same if (u.force_code, u.national, sorted(u.la_codes)) == scope), None
        )
        new = user is None
        if user is None:
            user = User(
                display_name=name, role=role, force_code=force_code, national=national,
                created_at=self._clock.now(), las=[UserLA(la_code=c) for c in sorted(la_codes)],
            )  # fmt: skip
            self._session.add(user)
            await self._session.flush()
        user.active = True
        return user, new
