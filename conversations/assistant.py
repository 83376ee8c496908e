"""The one entry point every channel uses: a command, a button press or text.

Each call is one unit of work, and for a Telegram delivery it also claims the update and
identifies the sender: one transaction per update. Role is checked here, on the server, for
every command and every button, whatever the channel showed the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations import registry
from conversations.access import Actor
from conversations.enrolment import Enrolment
from conversations.i18n import both, t
from conversations.notifications import owed, resend
from conversations.reply import Notice, Outcome, Reply
from storage.buttons import well_formed
from storage.uow import Storage, UnitOfWork
from storage.updates import claim_update

MAX_TEXT = 4000  # one Telegram message; anything longer is refused, not cut


@dataclass(frozen=True)
class Delivery:
    """A Telegram update as the assistant sees it: acted on once, from one account."""

    update_id: int
    telegram_id: int


# Who is asking: a Telegram delivery (claimed and identified in the same transaction as the
# work, so a revoked user is refused and a re-delivered update is ignored atomically), or an
# actor already known (the console).
Who = Actor | Delivery


class Assistant:
    def __init__(self, storage: Storage, bot_username: str) -> None:
        self.storage = storage
        self.bot_username = bot_username
        self.enrolment = Enrolment(storage)

    async def _admit(
        self, uow: UnitOfWork, who: Who, *, button: str | None = None
    ) -> Actor | Outcome | None:
        """The enrolled sender (read with the button pressed, if any); or the one reply a
        stranger gets; or None for an update already handled."""
        if isinstance(who, Actor):
            return who
        claimed, user = await uow.admit(who.update_id, who.telegram_id, button=button)
        if not claimed:
            return None
        return Actor.of(user) if user is not None and user.active else self.stranger()

    async def identify(self, telegram_id: int) -> Actor | None:
        """The enrolled, active user behind a Telegram account, or None for anyone else."""
        async with self.storage.unit_of_work() as uow:
            user = await uow.people.profile(telegram_id)
            return Actor.of(user) if user is not None and user.active else None

    async def identify_actor(self, user_id: int) -> Actor | None:
        """The same, by our own user id (the console channel has no Telegram id)."""
        async with self.storage.unit_of_work() as uow:
            user = await uow.people.get(user_id)
            return Actor.of(user) if user is not None and user.active else None

    @staticmethod
    def stranger() -> Outcome:
        """All anyone not enrolled ever hears: the same for every message, command or button."""
        return Outcome([Reply(both("stranger.closed_service"))])

    async def start(
        self,
        telegram_id: int,
        payload: str,
        language_hint: str | None,
        *,
        update_id: int | None = None,
    ) -> Outcome | None:
        """`/start`, which may enrol; None if this update was handled before. (Rare enough
        that the claim has a transaction of its own.)"""
        if update_id is not None:
            async with self.storage.unit_of_work() as uow:
                if not await claim_update(uow.session, update_id, uow.clock.now()):
                    return None
        return await self.enrolment.start(telegram_id, payload, language_hint)

    async def command(self, who: Who, name: str, args: str = "") -> Outcome | None:
        async with self.storage.unit_of_work() as uow:
            actor = await self._admit(uow, who)
            if not isinstance(actor, Actor):
                return actor
            return await registry.run_command(self._turn(uow, actor), name, args)

    async def press(self, who: Who, token: str) -> Outcome | None:
        async with self.storage.unit_of_work() as uow:
            actor = await self._admit(uow, who, button=token if well_formed(token) else None)
            if not isinstance(actor, Actor):
                return actor
            turn = self._turn(uow, actor)
            pressed = await uow.buttons.resolve(token, actor.user_id)
            if pressed is None:
                return registry.stale(turn)
            return await registry.press(turn, pressed.action, dict(pressed.payload))

    async def owed_again(self) -> list[Notice]:
        """Notices that did not reach their recipient, to send again (the sweeper asks)."""
        async with self.storage.unit_of_work() as uow:
            return await resend.owed_again(uow)

    async def inbox(self, actor: Actor) -> list[Notice]:
        """Notices owed to a console user, to show at their prompt (marked as they are)."""
        async with self.storage.unit_of_work() as uow:
            user = await uow.people.get(actor.user_id)
            if user is None:
                return []
            notices = await owed.inbox(uow, user, resend.KINDS)
            await uow.notifications.mark_sent(
                [(n.notification_id, None) for n in notices if n.notification_id], uow.clock.now()
            )
            return notices

    async def delivered(self, sent: list[tuple[int, int | None]]) -> None:
        """Notices delivered: (notification id, Telegram message id) each, put on record."""
        if sent:
            async with self.storage.unit_of_work() as uow:
                await uow.notifications.mark_sent(sent, uow.clock.now())

    async def unsupported(self, who: Who) -> Outcome | None:
        async with self.storage.unit_of_work() as uow:
            actor = await self._admit(uow, who)
            if not isinstance(actor, Actor):
                return actor
            return Outcome([Reply(t(actor.language, "text.unsupported"))])

    async def text(self, who: Who, text: str) -> Outcome | None:
        async with self.storage.unit_of_work() as uow:
            actor = await self._admit(uow, who)
            if not isinstance(actor, Actor):
                return actor
            if len(text) > MAX_TEXT:
                return Outcome([Reply(t(actor.language, "text.too_long", limit=MAX_TEXT))])
            if "\x00" in text:  # no person types it; PostgreSQL cannot store it
                return Outcome([Reply(t(actor.language, "text.unsupported"))])
            return await registry.text(self._turn(uow, actor), text)

    def _turn(self, uow: UnitOfWork, actor: Actor) -> registry.Request:
        return registry.Request(uow, actor, self.bot_username)
