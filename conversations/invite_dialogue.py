"""An admin invites someone from the phone: role, scope, name, expiry, then the link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.access import ROLES, Actor
from conversations.enrolment import InviteError, InviteSpec, check_scope, invite_link, new_token
from conversations.i18n import t
from conversations.keyboards import Keyboard, button, rows
from conversations.reply import Reply
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

KIND = "invite"
EXPIRIES = {"24h": timedelta(hours=24), "72h": timedelta(hours=72), "7d": timedelta(days=7)}
MAX_NAME = 100


async def begin(uow: UnitOfWork, actor: Actor) -> Reply:
    await uow.dialogues.begin(actor.user_id, KIND, "role")
    return _ask_role(uow, actor)


def _ask_role(uow: UnitOfWork, actor: Actor) -> Reply:
    lang = actor.language
    choices = [button(uow, actor, t(lang, f"role.{r}"), "invite.role", role=r) for r in ROLES]
    return Reply(t(lang, "invite.ask_role"), buttons=rows(choices))


async def on_button(
    uow: UnitOfWork,
    actor: Actor,
    dialogue: DialogueState,
    action: str,
    payload: dict[str, Any],
    *,
    bot_username: str,
) -> Reply:
    lang = actor.language
    if action == "invite.role":
        role = str(payload["role"])
        uow.dialogues.advance(dialogue, "scope", role=role, las=[], national=False)
        if role in ("police", "yot"):
            return await _ask_force(uow, actor)
        if role in ("worker", "manager"):
            return await _ask_las(uow, actor, dialogue)
        uow.dialogues.advance(dialogue, "name")
        return Reply(t(lang, "invite.ask_name", limit=MAX_NAME), edit=True)
    if action == "invite.force":
        uow.dialogues.advance(dialogue, "name", force=str(payload["force"]))
        return Reply(t(lang, "invite.ask_name", limit=MAX_NAME), edit=True)
    if action == "invite.la":
        chosen = set(dialogue.answers.get("las", []))
        chosen ^= {str(payload["la"])}  # a second press takes it off again
        uow.dialogues.advance(dialogue, "scope", las=sorted(chosen), national=False)
        return await _ask_las(uow, actor, dialogue)
    if action == "invite.national":
        uow.dialogues.advance(dialogue, "name", las=[], national=True)
        return Reply(t(lang, "invite.ask_name", limit=MAX_NAME), edit=True)
    if action == "invite.las_done":
        if not dialogue.answers.get("las"):
            return Reply(t(lang, "invite.pick_an_la"))
        uow.dialogues.advance(dialogue, "name")
        return Reply(t(lang, "invite.ask_name", limit=MAX_NAME), edit=True)
    if action == "invite.expiry":
        return await _finish(uow, actor, dialogue, str(payload["expiry"]), bot_username)
    return Reply(t(lang, "button.stale"))


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Reply:
    lang = actor.language
    if dialogue.step != "name":
        return Reply(t(lang, "dialogue.use_buttons"))
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME:
        return Reply(t(lang, "invite.name_invalid", limit=MAX_NAME))
    uow.dialogues.advance(dialogue, "expiry", name=name)
    choices = [
        button(uow, actor, t(lang, f"invite.expiry.{key}"), "invite.expiry", expiry=key)
        for key in EXPIRIES
    ]
    return Reply(t(lang, "invite.ask_expiry"), buttons=(tuple(choices),))


async def _ask_force(uow: UnitOfWork, actor: Actor) -> Reply:
    lang = actor.language
    forces = await uow.people.forces()
    choices = [button(uow, actor, f.name(lang), "invite.force", force=f.code) for f in forces]
    return Reply(t(lang, "invite.ask_force"), buttons=rows(choices, 1), edit=True)


async def _ask_las(uow: UnitOfWork, actor: Actor, dialogue: DialogueState) -> Reply:
    lang = actor.language
    chosen = set(dialogue.answers.get("las", []))
    choices = []
    for la in await uow.people.local_authorities():
        name = la.name(lang)
        label = f"✓ {name}" if la.code in chosen else name
        choices.append(button(uow, actor, label, "invite.la", la=la.code))
    keyboard: Keyboard = rows(choices)
    extra = [button(uow, actor, t(lang, "invite.las_done"), "invite.las_done")]
    if dialogue.answers.get("role") == "manager":
        extra.insert(0, button(uow, actor, t(lang, "scope.national"), "invite.national"))
    return Reply(t(lang, "invite.ask_las"), buttons=(*keyboard, tuple(extra)), edit=True)


async def _finish(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, expiry: str, bot_username: str
) -> Reply:
    lang = actor.language
    answers = dialogue.answers
    spec = InviteSpec(
        role=str(answers.get("role")),
        display_name=str(answers.get("name", "")),
        force_code=answers.get("force"),
        la_codes=tuple(answers.get("las", [])),
        national=bool(answers.get("national")),
        expires_in=EXPIRIES.get(expiry, EXPIRIES["72h"]),
    )
    try:
        await check_scope(uow, spec)
    except InviteError:
        await uow.dialogues.end(actor.user_id)
        return Reply(t(lang, "invite.failed"), edit=True)
    token = await new_token(uow, spec, actor=actor.audit_name)
    await uow.dialogues.end(actor.user_id)
    link = invite_link(bot_username, token)
    return Reply(t(lang, "invite.ready", name=spec.display_name, link=link), edit=True)
