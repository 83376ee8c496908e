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
from conversations.reply import Button, Document, Outcome, Reply
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


def save(document: Document, folder: Path) -> Path:
    """A file a reply carries (the return, the outcome form), written in `folder` (never
    overwriting)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / document.filename
    stem, suffix, n = path.stem, path.suffix, 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    path.write_bytes(document.data)
    return path


def render(
    replies: list[Reply],
    say: Say,
    buttons: list[Button],
    *,
    lang: str = "en",
    files: Path | None = None,
) -> list[Button]:
    """Print the replies; return the buttons numbers now press, in number order.

    A new keyboard replaces the last one; a hint about it ("please choose one of the buttons")
    leaves it pressable; any other message without buttons (a question to type the answer
    to, an edit of the pressed message) takes the numbers away, so a number typed is text. A
    file is saved in `files` and its path said."""
    for reply in replies:
        say(reply.text)
        if reply.document is not None:
            path = save(reply.document, files or FILES)
            say(t(lang, "console.saved", path=str(path)))
        if reply.buttons:
            buttons = [b for row in reply.buttons for b in row]
            for number, b in enumerate(buttons, start=1):
                say(f"  [{number}] {b.label}")
        elif not reply.hint:
            buttons = []
    return buttons


def show(
    outcome: Outcome, say: Say, lang: str, buttons: list[Button], files: Path | None = None
) -> list[Button]:
    buttons = render(outcome.replies, say, buttons, lang=lang, files=files)
    for notice in outcome.notices:
        if notice.telegram_id is not None:  # a console user's is shown at their console
            say(t(lang, "console.notice", telegram_id=notice.telegram_id, text=notice.reply.text))
    return buttons


async def _inbox(assistant: Assistant, actor: Actor) -> list[Reply]:
    """What is owed to the console user; a notice without buttons leaves those on screen."""
    return [replace(n.reply, hint=True) for n in await assistant.inbox(actor)]


async def run_console(
    assistant: Assistant, actor: Actor, ask: Ask, say: Say, files: Path | None = None
) -> None:
    """`files`: where a file a reply carries is saved (default: `oocps-files/` here)."""
    role = t(actor.language, f"role.{actor.role}")
    say(t(actor.language, "console.intro", name=actor.name, role=role))
    welcome = await assistant.command(actor, "help")
    assert welcome is not None
    buttons = show(welcome, say, actor.language, [])
    inbox = await _inbox(assistant, actor)
    buttons = render(inbox, say, buttons, lang=actor.language, files=files)
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
        buttons = show(outcome, say, actor.language, buttons, files)
        buttons = render(
            await _inbox(assistant, actor), say, buttons, lang=actor.language, files=files
        )


async def stdin_ask(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None
