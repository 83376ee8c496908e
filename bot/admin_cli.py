"""`oocps invite` and `oocps users`: enrolment from the command line."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.account import (
    TelegramUnreachable,
    fetch_username,
    remember_username,
    remembered_username,
)
from bot.settings import Settings, SettingsError
from conversations.enrolment import InviteSpec, create_invite, invite_link
from storage.models import User
from storage.uow import Storage

_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
CLI_ACTOR = "cli"


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"'{text}' is not a duration such as 30m, 72h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


async def bot_username(settings: Settings, given: str | None) -> str:
    """As given, else as the bot last learnt it (`oocps run`), else asked of Telegram."""
    if given:
        return given.lstrip("@")
    if (kept := remembered_username(settings)) is not None:
        return kept
    if settings.telegram_bot_token is None:
        raise SettingsError(
            "the bot's username is not known yet: pass --bot-username (the bot's @username), "
            "or set TELEGRAM_BOT_TOKEN so it can be asked of Telegram"
        )
    try:
        username = await fetch_username(settings)
    except TelegramUnreachable as exc:
        raise TelegramUnreachable(
            f"{exc}; pass --bot-username to make the link without it"
        ) from None
    remember_username(settings, username)
    return username


def describe_duration(span: timedelta) -> str:
    """ "3 days", "36 hours", "30 minutes": the largest unit that fits exactly."""
    minutes = int(span.total_seconds()) // 60
    for unit, size in (("day", 24 * 60), ("hour", 60), ("minute", 1)):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable")  # pragma: no cover


async def invite(storage: Storage, spec: InviteSpec, username: str) -> str:
    token = await create_invite(storage, spec, actor=CLI_ACTOR)
    valid = describe_duration(spec.expires_in)
    return (
        f"Invite for {spec.display_name} ({spec.role}), valid for {valid}.\n"
        f"Send this link privately; it works once:\n{invite_link(username, token)}\n"
        f"token: {token}"
    )


def describe(user: User) -> str:
    scope = user.force_code or ("national" if user.national else ",".join(user.la_codes)) or "-"
    state = "active" if user.active else "revoked"
    telegram = str(user.telegram_id) if user.telegram_id is not None else "console"
    return (
        f"{user.id:>5}  {telegram:>12}  {user.role:<8} {state:<8} {scope:<30} {user.display_name}"
    )


async def list_users(storage: Storage) -> str:
    async with storage.unit_of_work() as uow:
        users = await uow.people.all()
        header = f"{'id':>5}  {'telegram id':>12}  {'role':<8} {'state':<8} {'scope':<30} name"
        return "\n".join([header, *(describe(u) for u in users)]) if users else "no users yet"


async def revoke(storage: Storage, who: str) -> tuple[bool, str]:
    async with storage.unit_of_work() as uow:
        matches = [u for u in await uow.people.find(who) if u.active]
        if len(matches) != 1:
            found = "\n".join(describe(u) for u in matches)
            what = "no active user matches" if not matches else "more than one user matches"
            return False, f"{what} '{who}'{': be more precise' if matches else ''}\n{found}".strip()
        await uow.people.revoke(matches[0], actor=CLI_ACTOR)
        return True, f"revoked: {describe(matches[0])}"
