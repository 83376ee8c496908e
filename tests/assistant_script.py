"""Driving the assistant directly (no Telegram): a sergeant's referral screened and submitted,
with its notices returned unsent, for tests of what happens to it next."""

from __future__ import annotations

from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.reply import Outcome
from storage.uow import Storage
from tests import screening_script as script

SERGEANT = 1


async def enrol(assistant: Assistant, telegram_id: int, spec: InviteSpec) -> Actor:
    token = await create_invite(assistant.storage, spec, actor="test")
    await assistant.start(telegram_id, token, "en")
    actor = await assistant.identify(telegram_id)
    assert actor is not None
    return actor


async def drive(assistant: Assistant, actor: Actor, steps: list[script.Step]) -> Outcome:
    """Each step pressed (by its label, on the last reply) or typed; the last outcome."""
    outcome: Outcome | None = None
    for how, what in steps:
        if how == "press":
            assert outcome is not None
            labels = {b.label: b.token for r in outcome.replies for row in r.buttons for b in row}
            outcome = await assistant.press(actor, labels[what])
        elif what.startswith("/"):
            outcome = await assistant.command(actor, what[1:])
        else:
            outcome = await assistant.text(actor, what)
    assert outcome is not None
    return outcome


async def submitted(
    storage: Storage, *more: tuple[int, InviteSpec], steps: list[script.Step] | None = None
) -> tuple[Assistant, Outcome]:
    """A Gwent sergeant's referral to Cardiff submitted, its notices not yet sent (to a Cardiff
    worker, telegram id 2, and to any `more` people enrolled first)."""
    assistant = Assistant(storage, "bot")
    for telegram_id, spec in [
        (SERGEANT, InviteSpec("police", "Sgt", "gwent")),
        (2, InviteSpec("worker", "Mair", la_codes=("cardiff",))),
        *more,
    ]:
        await enrol(assistant, telegram_id, spec)
    sergeant = await assistant.identify(SERGEANT)
    assert sergeant is not None
    outcome = await drive(assistant, sergeant, steps or script.whole("en"))
    assert len(outcome.notices) == 1 + len(more)
    return assistant, outcome


class Phone:
    """One person's side of the conversation, driven directly: what was said last, and its
    buttons pressed by label (the newest button with that label)."""

    def __init__(self, assistant: Assistant, actor: Actor) -> None:
        self.assistant, self.actor = assistant, actor
        self.last: Outcome = Outcome()
        self.on_screen: dict[str, str] = {}

    def _shown(self, outcome: Outcome | None) -> list[str]:
        assert outcome is not None
        self.last = outcome
        for reply in outcome.replies:
            self.on_screen |= {b.label: b.token for row in reply.buttons for b in row}
        return [reply.text for reply in outcome.replies]

    def buttons(self) -> list[list[str]]:
        """The labels under the last message that has buttons."""
        shown = [r for r in self.last.replies if r.buttons]
        return [[b.label for b in row] for row in shown[-1].buttons] if shown else []

    async def say(self, text: str) -> list[str]:
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return self._shown(await self.assistant.command(self.actor, name, args))
        return self._shown(await self.assistant.text(self.actor, text))

    async def press(self, label: str) -> list[str]:
        return self._shown(await self.assistant.press(self.actor, self.on_screen[label]))

    async def token(self, token: str) -> list[str]:
        return self._shown(await self.assistant.press(self.actor, token))
