"""Jobs the bot runs on a timer. Each asks the database what is due; none holds state."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import BotContext
from bot.send import deliver, send_kept
from conversations.housekeeping import sweep

log = logging.getLogger(__name__)
SWEEP_EVERY = timedelta(minutes=5)
NUDGE_EVERY = timedelta(minutes=1)
REPLY_QUIET = timedelta(minutes=2)
NUDGE_BATCHES = 5  # a run's limit (5,000 nudges, 3 minutes of sending); the next run carries on


async def sweep_job(context: BotContext) -> None:
    idle = context.application.bot_data["dialogue_idle"]
    swept = await sweep(context.deps.storage, dialogue_idle=idle)
    if swept.dialogues:
        log.info("discarded %d idle conversations", swept.dialogues)
    await deliver(context, swept.notices)  # owed by the sweep, sent now it has committed
    # A reply kept this long and not sent was left by an instance that stopped (on start, a
    # bot sends its own at once: bot/app.py); a live send takes well under a second.
    quiet_since = context.deps.storage.clock.now() - REPLY_QUIET
    if kept := await send_kept(context.bot, context.deps.assistant, claimed_before=quiet_since):
        log.info("sent %d kept replies", kept)
    owed = await context.deps.assistant.owed_again()
    if owed:
        log.info("sending %d undelivered notices again", len(owed))
        await deliver(context, owed)


async def nudge_job(context: BotContext) -> None:
    """Deadline nudges: the database says what is due; each batch is claimed and committed,
    then sent (conversations/notifications/nudge_sweep.py)."""
    for _ in range(NUDGE_BATCHES):
        swept = await context.deps.assistant.nudges_due()
        if swept.notices:
            log.info("sending %d deadline nudges", len(swept.notices))
            await deliver(context, swept.notices)
        if not swept.more:
            return
