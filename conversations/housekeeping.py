"""Periodic tidying: what the service no longer needs is not kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from conversations import registry
from conversations.notifications import yot
from conversations.reply import Notice
from storage.uow import Storage
from storage.updates import forget_updates_before

UPDATE_IDS_KEPT = timedelta(days=2)  # Telegram gives up re-delivering an update after 24 hours
BUTTONS_KEPT = timedelta(days=30)
SWEEPER = "system:sweeper"


@dataclass(frozen=True)
class Swept:
    dialogues: int
    # What the sweep owes people (the admins, of a hand-over still waiting for a YOT officer),
    # to send once it has committed.
    notices: list[Notice] = field(default_factory=list)


async def sweep(storage: Storage, *, dialogue_idle: timedelta) -> Swept:
    """Forget old update ids and buttons; discard conversations idle for `dialogue_idle`, and
    screenings nobody is working on, except a hand-over still waiting for a YOT officer: only
    they can complete it, so it is kept, and the admins are told."""
    notices: list[Notice] = []
    async with storage.unit_of_work() as uow:
        now = uow.clock.now()
        await forget_updates_before(uow.session, now - UPDATE_IDS_KEPT)
        await uow.buttons.forget_before(now - BUTTONS_KEPT)
        idle = await uow.dialogues.idle_since(now - dialogue_idle)
        for dialogue in idle:
            await registry.discard(uow, dialogue, actor=SWEEPER, reason="idle")
        for referral in await uow.referrals.unattended_screenings(now - dialogue_idle):
            if await yot.waiting(uow, referral) is not None:
                notices += await yot.unattended(uow, referral)
            else:
                await uow.referrals.discard_screening(referral, actor=SWEEPER, reason="idle")
    return Swept(dialogues=len(idle), notices=notices)
