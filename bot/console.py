"""`oocps console`: the same conversations in a terminal, buttons shown as numbered choices."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, check_scope
from conversations.i18n import t
from conversations.reply import Button, Outcome
from storage.uow import Storage

Ask = Callable[[str], Awaitable[str | None]]
Say = Callable[[str], None]
QUIT = {"/quit", "/exit", "quit", "exit"}


async def console_actor(storage: Storage, spec: InviteSpec, language: str) -> Actor:
    async with storage.unit_of_work() as uow:
        await check_scope(uow, spec)
        user = await uow.people.console_user(
            role=spec.role, force_code=spec.force_code, la_codes=list(spec.la_codes),
            national=spec.national,
        )  # fmt: skip
        user.language = language
        return Actor.of(user)


def render(outcome: Outcome, say: Say, lang: str) -> list[Button]:
    """Print the replies; return the buttons of the last keyboard shown, in number order."""
    buttons: list[Button] = []
    for reply in outcome.replies:
        say(reply.text)
        if reply.buttons:
            buttons = [b for row in reply.buttons for b in row]
            for number, b in enumerate(buttons, start=1):
                say(f"  [{number}] {b.label}")
    for notice in outcome.notices:
        say(t(lang, "console.notice", telegram_id=notice.telegram_id, text=notice.reply.text))
    return buttons


async def run_console(assistant: Assistant, actor: Actor, ask: Ask, say: Say) -> None:
    say(t(actor.language, "console.intro", name=actor.name))
    welcome = await assistant.command(actor, "help")
    assert welcome is not None
    buttons = render(welcome, say, actor.language)
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
        # (an age, a gravity score typed out).
        buttons = render(outcome, say, actor.language)


async def stdin_ask(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None
