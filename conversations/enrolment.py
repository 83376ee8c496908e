"""Enrolment: single-use, expiring invites that bind a Telegram account to a role and scope."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conversations.access import ROLES, Actor, menu_for
from conversations.i18n import Language, as_language, both, t
from conversations.keyboards import language_buttons
from conversations.notifications.offers import waiting_for
from conversations.reply import Outcome, Reply
from storage.models import User
from storage.uow import Storage, UnitOfWork

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_EXPIRY = timedelta(hours=72)
MAX_EXPIRY = timedelta(days=30)
FREE_TRIES = 3  # bad tokens allowed before each further try has to wait
MAX_WAIT = timedelta(hours=1)


class InviteError(ValueError):
    """An invite cannot be made as asked; the message says why, for the person asking."""


@dataclass(frozen=True)
class InviteSpec:
    role: str
    display_name: str
    force_code: str | None = None
    la_codes: tuple[str, ...] = field(default_factory=tuple)
    national: bool = False
    expires_in: timedelta = DEFAULT_EXPIRY


def wait_after(failures: int) -> timedelta:
    """How long an account waits before its next try: 1, 2, 4 … minutes, at most an hour."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(timedelta(minutes=2 ** (failures - FREE_TRIES)), MAX_WAIT)


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


async def check_scope(uow: UnitOfWork, spec: InviteSpec) -> None:
    """The scope must fit the role (DESIGN.md §1) and name real forces and LAs."""
    if spec.role not in ROLES:
        raise InviteError(f"unknown role '{spec.role}': use one of {', '.join(ROLES)}")
    if not spec.display_name.strip() or len(spec.display_name) > 100:
        raise InviteError("a name for the person is needed (at most 100 characters)")
    if not timedelta(minutes=5) <= spec.expires_in <= MAX_EXPIRY:
        raise InviteError("an invite must expire between 5 minutes and 30 days from now")
    forces = {f.code for f in await uow.people.forces()}
    las = {la.code for la in await uow.people.local_authorities()}
    if spec.role in ("police", "yot"):
        if spec.force_code not in forces or spec.la_codes or spec.national:
            raise InviteError(f"a {spec.role} user needs one force: {', '.join(sorted(forces))}")
    elif spec.role in ("worker", "manager"):
        unknown = sorted(set(spec.la_codes) - las)
        if unknown:
            raise InviteError(f"unknown local authority: {', '.join(unknown)}")
        if spec.force_code or (spec.role == "worker" and spec.national):
            raise InviteError(f"a {spec.role} user's scope is one or more LAs")
        if not spec.la_codes and not spec.national:
            raise InviteError(f"a {spec.role} user needs at least one LA (or --national)")
        if spec.la_codes and spec.national:
            raise InviteError("a national manager covers every LA: give no LA")
    elif spec.force_code or spec.la_codes or spec.national:
        raise InviteError("an admin has no force or LA")


async def create_invite(storage: Storage, spec: InviteSpec, *, actor: str) -> str:
    """Record the invite and return its token (shown once, never stored)."""
    async with storage.unit_of_work() as uow:
        await check_scope(uow, spec)
        return await new_token(uow, spec, actor=actor)


async def new_token(uow: UnitOfWork, spec: InviteSpec, *, actor: str) -> str:
    """A checked spec becomes a stored invite; the token itself exists only in the answer."""
    token = secrets.token_urlsafe(32)  # 43 characters of A-Za-z0-9_-
    await uow.people.add_invite(
        token=token,
        role=spec.role,
        display_name=spec.display_name.strip(),
        force_code=spec.force_code,
        la_codes=list(spec.la_codes),
        national=spec.national,
        expires_at=uow.clock.now() + spec.expires_in,
        actor=actor,
    )
    return token


class Enrolment:
    """`/start` for someone who may not be enrolled yet."""

    async def start(
        self, uow: UnitOfWork, telegram_id: int, payload: str, language_hint: str | None
    ) -> Outcome:
        """In the caller's unit of work, which also claims the update."""
        user = await uow.people.by_telegram_id(telegram_id)
        if user is not None and user.active:
            return _already(user)
        if not payload:
            return Outcome([Reply(both("stranger.closed_service"))])
        refusal = await self._refusal(uow, telegram_id, payload)
        if refusal is not None:
            return Outcome([Reply(both(refusal))])
        invite = await uow.people.invite_for(payload)
        assert invite is not None
        language = as_language(language_hint)
        user = await uow.people.enrol(
            invite, telegram_id=telegram_id, language=language, existing=user
        )
        await uow.people.clear_failures(telegram_id)
        welcome = _welcome(Actor.of(user), uow)
        welcome.notices = await waiting_for(uow, user)  # referrals nobody could be offered
        return welcome

    async def _refusal(self, uow: UnitOfWork, telegram_id: int, token: str) -> str | None:
        """The message key saying why `token` binds nothing, or None when it may be used."""
        now = uow.clock.now()
        record = await uow.people.failure_record(telegram_id)
        if record and now < record.last_failure_at + wait_after(record.failures):
            return "enrol.slow_down"
        invite = await uow.people.invite_for(token) if TOKEN_PATTERN.match(token) else None
        if invite is None:
            await uow.people.note_failure(telegram_id)
            return "enrol.invalid"
        if invite.revoked_at is not None:
            return "enrol.revoked"
        if invite.used_at is not None:
            return "enrol.used"
        if _expired(invite.expires_at, now):
            return "enrol.expired"
        return None


def _expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def _already(user: User) -> Outcome:
    actor = Actor.of(user)
    return Outcome([Reply(t(actor.language, "enrol.already", name=actor.name))])


def _welcome(actor: Actor, uow: UnitOfWork) -> Outcome:
    lang: Language = actor.language
    welcome = Reply(
        t(lang, "enrol.welcome", name=actor.name, role=t(lang, f"role.{actor.role}")),
        buttons=language_buttons(actor, uow),
    )
    return Outcome([welcome], menu=menu_for(actor.role, lang))
