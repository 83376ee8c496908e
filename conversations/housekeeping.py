"""Periodic tidying: what the service no longer needs is not kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from conversations import registry
from storage.uow import Storage
from storage.updates import forget_updates_before

UPDATE_IDS_KEPT = timedelta(days=2)  # Telegram gives up re-delivering an update after 24 hours
BUTTONS_KEPT = timedelta(days=30)
SWEEPER = "system:sweeper"


@dataclass(frozen=True)
class Swept:
    dialogues: int


async def sweep(storage: Storage, *, dialogue_idle: timedelta) -> Swept:
    """Forget old update ids and buttons; discard conversations idle for `dialogue_idle`."""
    async with storage.unit_of_work() as uow:
        now = uow.clock.now()
        await forget_updates_before(uow.session, now - UPDATE_IDS_KEPT)
        await uow.buttons.forget_before(now - BUTTONS_KEPT)
        idle = await uow.dialogues.idle_since(now - dialogue_idle)
        for dialogue in idle:
            await registry.discard(uow, dialogue, actor=SWEEPER, reason="idle")
        for referral in await uow.referrals.unattended_screenings(now - dialogue_idle):
            await uow.referrals.discard_screening(referral, actor=SWEEPER, reason="idle")
    return Swept(dialogues=len(idle))
