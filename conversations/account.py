"""Everyone's own account: help, who am I, language, and cancelling what is in progress."""

from __future__ import annotations

from conversations.access import ROLE_COMMANDS, Actor, menu_for
from conversations.i18n import as_language, t
from conversations.keyboards import button, language_buttons
from conversations.reply import Outcome, Reply
from storage.uow import UnitOfWork


async def scope_text(uow: UnitOfWork, actor: Actor) -> str:
    lang = actor.language
    if actor.national:
        return t(lang, "scope.national")
    if actor.force_code:
        forces = {f.code: f for f in await uow.people.forces()}
        return forces[actor.force_code].name(lang)
    if actor.la_codes:
        las = {la.code: la for la in await uow.people.local_authorities()}
        names = [las[c].name(lang) for c in actor.la_codes]
        return ", ".join(sorted(names))
    return t(lang, "scope.none")


def help_reply(actor: Actor) -> Reply:
    lang = actor.language
    lines = [t(lang, f"help.{actor.role}"), ""]
    lines += [f"/{name} – {t(lang, f'command.{name}')}" for name in ROLE_COMMANDS[actor.role]]
    return Reply("\n".join(lines))


async def whoami(uow: UnitOfWork, actor: Actor) -> Reply:
    lang = actor.language
    return Reply(
        t(
            lang,
            "whoami",
            name=actor.name,
            role=t(lang, f"role.{actor.role}"),
            scope=await scope_text(uow, actor),
            language=t(lang, "language.name"),
        )
    )


def choose_language(uow: UnitOfWork, actor: Actor) -> Reply:
    return Reply(t(actor.language, "language.choose"), buttons=language_buttons(actor, uow))


async def set_language(uow: UnitOfWork, actor: Actor, code: str) -> Outcome:
    language = as_language(code)
    user = await uow.people.get(actor.user_id)
    assert user is not None
    await uow.people.set_language(user, language)
    return Outcome(
        [Reply(t(language, "language.set"), edit=True)], menu=menu_for(actor.role, language)
    )


async def cancel(uow: UnitOfWork, actor: Actor) -> Reply:
    lang = actor.language
    if await uow.dialogues.current(actor.user_id) is None:
        return Reply(t(lang, "cancel.nothing"))
    yes = button(uow, actor, t(lang, "cancel.yes"), "cancel.confirm")
    no = button(uow, actor, t(lang, "cancel.no"), "cancel.keep")
    return Reply(t(lang, "cancel.confirm"), buttons=((yes, no),))


async def users(uow: UnitOfWork, actor: Actor) -> Reply:
    """Admins see who is enrolled, by role: names and counts, nothing about cases."""
    lang = actor.language
    enrolled = await uow.people.all()
    lines = [t(lang, "users.title", count=sum(u.active for u in enrolled))]
    for user in enrolled:
        state = t(lang, "users.active") if user.active else t(lang, "users.revoked")
        lines.append(f"• {user.display_name} – {t(lang, f'role.{user.role}')} ({state})")
    return Reply("\n".join(lines))
