"""`oocps console`: the same conversations in a terminal, buttons shown as numbered choices."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, check_scope
from conversations.i18n import t
from conversations.notifications.offers import waiting_for
from conversations.reply import Button, Outcome, Reply
from storage.uow import Storage

Ask = Callable[[str], Awaitable[str | None]]
Say = Callable[[str], None]
QUIT = {"/quit", "/exit", "quit", "exit"}
FILES = Path("oocps-files")  # beside where the console was started


async def console_actor(storage: Storage, spec: InviteSpec, language: str) -> Actor:
    async with storage.unit_of_work() as uow:
        await check_scope(uow, spec)
        user, new = await uow.people.console_user(
            name=spec.display_name, role=spec.role, force_code=spec.force_code,
            la_codes=list(spec.la_codes), national=spec.national,
        )  # fmt: skip
        user.language = language
        if new:  # as if just enrolled: what waited for someone like them (the inbox shows it)
            await waiting_for(uow, user)
        return Actor.of(user)


def keep_document(reply: Reply, folder: Path, say: Say, lang: str) -> None:
    """A file sent with a message (the outcome form): saved, and where is said."""
    if reply.document is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / reply.document.filename
    path.write_bytes(reply.document.data)
    say(t(lang, "console.document_saved", path=str(path.resolve())))


def render(
    replies: list[Reply],
    say: Say,
    buttons: list[Button],
    *,
    files: Path | None = None,
    lang: str = "en",
) -> list[Button]:
    """Print the replies; return the buttons numbers now press, in number order.

    A new keyboard replaces the last one; a hint about it ("please choose one of the buttons")
    leaves it pressable; any other message without buttons (a question to type the answer
    to, an edit of the pressed message) takes the numbers away, so a number typed is text."""
    for reply in replies:
        say(reply.text)
        if files is not None:
            keep_document(reply, files, say, lang)
        if reply.buttons:
            buttons = [b for row in reply.buttons for b in row]
            for number, b in enumerate(buttons, start=1):
                say(f"  [{number}] {b.label}")
        elif not reply.hint:
            buttons = []
    return buttons


def show(outcome: Outcome, say: Say, lang: str, buttons: list[Button]) -> list[Button]:
    buttons = render(outcome.replies, say, buttons)
    for notice in outcome.notices:
        if notice.telegram_id is not None:  # a console user's is shown at their console
            say(t(lang, "console.notice", telegram_id=notice.telegram_id, text=notice.reply.text))
    return buttons


async def _inbox(assistant: Assistant, actor: Actor) -> list[Reply]:
    """What is owed to the console user; a notice without buttons leaves those on screen."""
    return [replace(n.reply, hint=True) for n in await assistant.inbox(actor)]


async def run_console(
    assistant: Assistant, actor: Actor, ask: Ask, say: Say, files: Path = FILES
) -> None:
    """`files`: where a file sent to this user (the outcome form's PDF) is saved."""
    role = t(actor.language, f"role.{actor.role}")
    say(t(actor.language, "console.intro", name=actor.name, role=role))
    welcome = await assistant.command(actor, "help")
    assert welcome is not None
    buttons = show(welcome, say, actor.language, [])
    buttons = render(await _inbox(assistant, actor), say, buttons, files=files, lang=actor.language)
    while True:
        line = await ask("> ")
        if line is None or line.strip().lower() in QUIT:
            return
        line = line.strip()
        if not line:
            continue
        if line.isdigit() and buttons:
            number = int(line)
            if not 1 <= number <= len(buttons):
                say(t(actor.language, "console.pick_number", count=len(buttons)))
                continue
            outcome = await assistant.press(actor, buttons[number - 1].token)
        elif line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            outcome = await assistant.command(actor, name.lower(), args)
        else:
            outcome = await assistant.text(actor, line)
        assert outcome is not None  # only a Telegram update can be a repeat
        actor = await assistant.identify_actor(actor.user_id) or actor  # language may change
        # Numbers press the buttons on screen now; with none shown, a number is just text
        # (an age, a gravity score typed out). Then what others' actions owe this user (a
        # new referral to accept), as a Telegram user would be sent it.
        buttons = show(outcome, say, actor.language, buttons)
        inbox = await _inbox(assistant, actor)
        buttons = render(inbox, say, buttons, files=files, lang=actor.language)


async def stdin_ask(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None
