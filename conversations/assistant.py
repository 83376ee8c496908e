"""The one entry point every channel uses: a command, a button press or text.

Each call is one unit of work, and for a Telegram delivery it also claims the update and
identifies the sender: one transaction per update. Role is checked here, on the server, for
every command and every button, whatever the channel showed the user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from conversations import registry
from conversations.access import Actor
from conversations.enrolment import Enrolment
from conversations.i18n import both, t
from conversations.notifications import nudge_sweep, owed, resend
from conversations.reply import Kept, Notice, Outcome, Reply
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
# What one turn does once its sender is admitted, inside the turn's unit of work.
Work = Callable[[UnitOfWork, Actor], Awaitable[Outcome]]


class Assistant:
    def __init__(self, storage: Storage, bot_username: str) -> None:
        self.storage = storage
        self.bot_username = bot_username
        self.enrolment = Enrolment()

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
        """`/start`, which may enrol; None if this update was handled before. Claimed in the
        enrolment's own unit of work: one that fails leaves the update to be tried again."""
        async with self.storage.unit_of_work() as uow:
            who = None if update_id is None else Delivery(update_id, telegram_id)
            if who is not None and not await claim_update(
                uow.session, who.update_id, uow.clock.now()
            ):
                return await self._repeat(uow, who)
            outcome = await self.enrolment.start(uow, telegram_id, payload, language_hint)
            return await self._kept(uow, who, outcome)

    async def _turn(self, who: Who, work: Work, *, button: str | None = None) -> Outcome | None:
        """One unit of work: admit the sender, do the work, keep the reply with the claim."""
        async with self.storage.unit_of_work() as uow:
            admitted = await self._admit(uow, who, button=button)
            if admitted is None:
                return await self._repeat(uow, who)
            outcome = admitted if isinstance(admitted, Outcome) else await work(uow, admitted)
            return await self._kept(uow, who, outcome)

    @staticmethod
    async def _kept(uow: UnitOfWork, who: Who | None, outcome: Outcome) -> Outcome:
        """A Telegram delivery's reply is kept with its claim until `replied` (DESIGN.md §8)."""
        if isinstance(who, Delivery):
            await uow.replies.keep(who.update_id, Kept(who.telegram_id, outcome).to_json())
        return outcome

    @staticmethod
    async def _repeat(uow: UnitOfWork, who: Who) -> Outcome | None:
        """An update handled before: None, unless its reply was kept and never sent (the bot
        stopped between the commit and the send), which is then sent now."""
        if not isinstance(who, Delivery):
            return None  # pragma: no cover - only a delivery can be a repeat
        kept = await uow.replies.unsent(who.update_id)
        if kept is None or not await _still_enrolled(uow, who.telegram_id):
            return None
        return Kept.from_json(kept).outcome

    async def replied(self, update_id: int) -> None:
        """Telegram took an update's reply: it is not kept any longer."""
        async with self.storage.unit_of_work() as uow:
            await uow.replies.sent(update_id)

    async def replies_owed(self, claimed_before: datetime) -> list[tuple[int, Kept]]:
        """Replies kept and never sent for updates claimed before `claimed_before`, with
        their update ids: the bot stopped between the commit and the send."""
        async with self.storage.unit_of_work() as uow:
            owed = []
            taken = await uow.replies.take_unsent(claimed_before, uow.clock.now())
            for update_id, value in taken:
                kept = Kept.from_json(value)
                if await _still_enrolled(uow, kept.telegram_id):
                    owed.append((update_id, kept))
                else:  # revoked since: they are not told anything any more
                    await uow.replies.sent(update_id)
            return owed

    async def command(self, who: Who, name: str, args: str = "") -> Outcome | None:
        return await self._turn(
            who, lambda uow, actor: registry.run_command(self._request(uow, actor), name, args)
        )

    async def press(self, who: Who, token: str) -> Outcome | None:
        button = token if well_formed(token) else None
        return await self._turn(
            who, lambda uow, actor: self._press(uow, actor, token), button=button
        )

    async def _press(self, uow: UnitOfWork, actor: Actor, token: str) -> Outcome:
        request = self._request(uow, actor)
        pressed = await uow.buttons.resolve(token, actor.user_id)
        if pressed is None:
            return registry.stale(request)
        return await registry.press(request, pressed.action, dict(pressed.payload))

    async def owed_again(self) -> list[Notice]:
        """Notices that did not reach their recipient, to send again (the sweeper asks)."""
        async with self.storage.unit_of_work() as uow:
            return await resend.owed_again(uow)

    async def nudges_due(self) -> nudge_sweep.Swept:
        """Deadline nudges due now, claimed and owed in one transaction; the caller sends
        them after it has committed (the sweeper asks every minute)."""
        async with self.storage.unit_of_work() as uow:
            return await nudge_sweep.sweep(uow)

    async def unreachable(self, notification_ids: list[int]) -> list[Notice]:
        """Telegram refused these notices (blocked, or the account gone): nudges among them
        go to the managers instead, returned to send."""
        if not notification_ids:
            return []
        async with self.storage.unit_of_work() as uow:
            return await nudge_sweep.unreachable(uow, notification_ids)

    async def inbox(self, actor: Actor) -> list[Notice]:
        """Notices owed to a console user, to show at their prompt (marked as they are)."""
        async with self.storage.unit_of_work() as uow:
            user = await uow.people.get(actor.user_id)
            if user is None:
                return []
            notices = await owed.inbox(uow, user, resend.kind_named)
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
        return await self._turn(who, self._unsupported)

    async def _unsupported(self, uow: UnitOfWork, actor: Actor) -> Outcome:
        return Outcome([Reply(t(actor.language, "text.unsupported"))])

    async def text(self, who: Who, text: str) -> Outcome | None:
        return await self._turn(who, lambda uow, actor: self._text(uow, actor, text))

    async def _text(self, uow: UnitOfWork, actor: Actor, text: str) -> Outcome:
        if len(text) > MAX_TEXT:
            return Outcome([Reply(t(actor.language, "text.too_long", limit=MAX_TEXT))])
        if "\x00" in text:  # no person types it; PostgreSQL cannot store it
            return Outcome([Reply(t(actor.language, "text.unsupported"))])
        return await registry.text(self._request(uow, actor), text)

    def _request(self, uow: UnitOfWork, actor: Actor) -> registry.Request:
        return registry.Request(uow, actor, self.bot_username)


async def _still_enrolled(uow: UnitOfWork, telegram_id: int) -> bool:
    """A reply is sent again only to someone still enrolled and active."""
    user = await uow.people.profile(telegram_id)
    return user is not None and user.active
