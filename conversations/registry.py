"""Every command, button action and kind of dialogue, declared once; the assistant dispatches
from these tables and nowhere else.

A button's stored meaning is an action name and a payload. An action that stands alone (a
language choice, Accept on an offer) is in `ACTIONS` with the roles that may use it; any
other action belongs to the dialogue whose kind prefixes it (`screening.answer`), and only
the dialogue the user is in may take it. Whoever made the button, role (and, inside each
handler, scope) is checked again when it is used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from conversations import account, invite_dialogue
from conversations.access import ROLES, Actor, Role
from conversations.i18n import t
from conversations.reply import Outcome, Reply
from conversations.screening import handover, submit
from conversations.screening import service as screening
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Turn:
    """One user action being handled: its unit of work and who it is for."""

    uow: UnitOfWork
    actor: Actor
    bot_username: str

    @property
    def language(self) -> str:
        return self.actor.language


CommandRun = Callable[[Turn, str], Awaitable[Outcome]]
ActionRun = Callable[[Turn, Mapping[str, Any]], Awaitable[Outcome]]
StepButton = Callable[[Turn, DialogueState, str, dict[str, Any]], Awaitable[Outcome]]
StepText = Callable[[Turn, DialogueState, str], Awaitable[Outcome]]
Discard = Callable[[UnitOfWork, DialogueState, str, str], Awaitable[None]]


@dataclass(frozen=True)
class Action:
    """A button that stands alone: who may press it, and what it does."""

    roles: tuple[Role, ...]
    run: ActionRun


@dataclass(frozen=True)
class DialogueKind:
    """A kind of conversation: the command that opens it (whose roles may carry it on), its
    step handlers for a press and for typed text, and what discarding it means."""

    kind: str
    command: str
    on_button: StepButton
    on_text: StepText
    discard: Discard


def _one(reply: Reply) -> Outcome:
    return Outcome([reply])


async def _end_only(uow: UnitOfWork, dialogue: DialogueState, _actor: str, _reason: str) -> None:
    """Discarding a dialogue that holds nothing beyond its own row."""
    await uow.dialogues.end(dialogue.user_id)


async def _discard_screening(
    uow: UnitOfWork, dialogue: DialogueState, actor: str, reason: str
) -> None:
    await screening.discard(uow, dialogue, actor=actor, reason=reason)


# Commands: what each one does. Who may use which is ROLE_COMMANDS (conversations/access.py),
# which also gives each role's menu order.
async def _help(turn: Turn, _args: str) -> Outcome:
    return _one(account.help_reply(turn.actor))


async def _whoami(turn: Turn, _args: str) -> Outcome:
    return _one(await account.whoami(turn.uow, turn.actor))


async def _language(turn: Turn, _args: str) -> Outcome:
    return _one(account.choose_language(turn.uow, turn.actor))


async def _cancel(turn: Turn, _args: str) -> Outcome:
    return _one(await account.cancel(turn.uow, turn.actor))


async def _invite(turn: Turn, _args: str) -> Outcome:
    return _one(await invite_dialogue.begin(turn.uow, turn.actor))


async def _users(turn: Turn, _args: str) -> Outcome:
    return _one(await account.users(turn.uow, turn.actor))


async def _screen(turn: Turn, _args: str) -> Outcome:
    return await screening.begin(turn.uow, turn.actor)


COMMANDS: Mapping[str, CommandRun] = {
    "help": _help,
    "whoami": _whoami,
    "language": _language,
    "cancel": _cancel,
    "invite": _invite,
    "users": _users,
    "screen": _screen,
}


# Buttons that stand alone.
async def _set_language(turn: Turn, payload: Mapping[str, Any]) -> Outcome:
    return await account.set_language(turn.uow, turn.actor, str(payload["language"]))


async def _cancel_confirm(turn: Turn, _payload: Mapping[str, Any]) -> Outcome:
    dialogue = await turn.uow.dialogues.current(turn.actor.user_id)
    if dialogue is not None:
        await discard(turn.uow, dialogue, actor=turn.actor.audit_name, reason="cancelled")
    return _one(Reply(t(turn.language, "cancel.done"), edit=True))


async def _cancel_keep(turn: Turn, _payload: Mapping[str, Any]) -> Outcome:
    return _one(Reply(t(turn.language, "cancel.kept"), edit=True))


async def _accept(turn: Turn, payload: Mapping[str, Any]) -> Outcome:
    return _one(await submit.accept(turn.uow, turn.actor, int(payload["referral_id"])))


async def _take(turn: Turn, payload: Mapping[str, Any]) -> Outcome:
    return await handover.take(turn.uow, turn.actor, int(payload["referral_id"]))


async def _details(turn: Turn, payload: Mapping[str, Any]) -> Outcome:
    return _one(await submit.details(turn.uow, turn.actor, int(payload["referral_id"])))


EVERYONE = ROLES
ACTIONS: Mapping[str, Action] = {
    "language.set": Action(EVERYONE, _set_language),
    "cancel.confirm": Action(EVERYONE, _cancel_confirm),
    "cancel.keep": Action(EVERYONE, _cancel_keep),
    "referral.accept": Action(("worker",), _accept),
    "referral.take": Action(("yot",), _take),
    "referral.details": Action(("worker",), _details),
}


# Dialogues.
async def _screening_button(
    turn: Turn, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    return await screening.on_button(turn.uow, turn.actor, dialogue, action, payload)


async def _screening_text(turn: Turn, dialogue: DialogueState, text: str) -> Outcome:
    return await screening.on_text(turn.uow, turn.actor, dialogue, text)


async def _invite_button(
    turn: Turn, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    reply = await invite_dialogue.on_button(
        turn.uow, turn.actor, dialogue, action, payload, bot_username=turn.bot_username
    )
    return _one(reply)


async def _invite_text(turn: Turn, dialogue: DialogueState, text: str) -> Outcome:
    return _one(await invite_dialogue.on_text(turn.uow, turn.actor, dialogue, text))


DIALOGUES: Mapping[str, DialogueKind] = {
    d.kind: d
    for d in (
        DialogueKind(screening.KIND, "screen", _screening_button, _screening_text,
                     _discard_screening),
        DialogueKind(invite_dialogue.KIND, "invite", _invite_button, _invite_text, _end_only),
    )
}  # fmt: skip


def stale(turn: Turn) -> Outcome:
    """The one answer to a button that is unknown, old, someone else's or not for this user."""
    return _one(Reply(t(turn.language, "button.stale")))


async def run_command(turn: Turn, name: str, args: str) -> Outcome:
    run = COMMANDS.get(name)
    if run is None or not turn.actor.may(name):
        return _one(Reply(t(turn.language, "command.unknown")))
    return await run(turn, args)


async def press(turn: Turn, action: str, payload: dict[str, Any]) -> Outcome:
    """A button whose token resolved for this user: run it if their role (and the dialogue
    they are in, for a dialogue's button) still allows it."""
    standalone = ACTIONS.get(action)
    if standalone is not None:
        if turn.actor.role not in standalone.roles:
            return stale(turn)
        return await standalone.run(turn, payload)
    dialogue = await turn.uow.dialogues.current(turn.actor.user_id)
    kind = DIALOGUES.get(action.split(".")[0])
    if kind is None or dialogue is None or dialogue.kind != kind.kind:
        return stale(turn)
    if not turn.actor.may(kind.command):
        return stale(turn)
    return await kind.on_button(turn, dialogue, action, payload)


async def text(turn: Turn, typed: str) -> Outcome:
    """Typed text goes to the dialogue the user is in, if their role may carry it on."""
    dialogue = await turn.uow.dialogues.current(turn.actor.user_id)
    kind = DIALOGUES.get(dialogue.kind) if dialogue is not None else None
    if dialogue is None or kind is None or not turn.actor.may(kind.command):
        return _one(Reply(t(turn.language, "text.not_expected")))
    return await kind.on_text(turn, dialogue, typed)


async def discard(uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str) -> None:
    """End a dialogue as its kind says (/cancel, the idle sweep); a kind no longer known is
    simply ended."""
    kind = DIALOGUES.get(dialogue.kind)
    await (kind.discard if kind is not None else _end_only)(uow, dialogue, actor, reason)
