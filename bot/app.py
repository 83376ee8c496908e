"""The Application, built once, with every handler registered here, in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import handlers
from bot.context import BotContext, Deps
from bot.errors import on_error
from bot.jobs import NUDGE_EVERY, SWEEP_EVERY, nudge_job, sweep_job
from bot.ratelimit import TelegramRateLimiter
from bot.send import send_kept
from bot.settings import Settings
from bot.updates import CONCURRENT, PerChatInOrder
from conversations.access import ROLE_COMMANDS
from conversations.assistant import Assistant
from storage.uow import Storage

BotApp = Application[Any, BotContext, Any, Any, Any, Any]
COMMANDS = sorted({name for names in ROLE_COMMANDS.values() for name in names})


def bot_api_request() -> HTTPXRequest:
    """PTB's own client for every call but the long poll. One update can have three calls in
    flight (the button's answer, the typing indicator, the reply), and the sweeper sends too;
    past the pool, a call waits `pool_timeout` (1 s) and then fails as TimedOut."""
    return HTTPXRequest(connection_pool_size=4 * CONCURRENT)


def build_application(
    settings: Settings, storage: Storage, rate_limiter: TelegramRateLimiter | None = None
) -> BotApp:
    token = settings.telegram_bot_token
    assert token is not None
    app: BotApp = (
        ApplicationBuilder()
        .token(token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.base_file_url)  # not derived by PTB (DESIGN.md §9)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(rate_limiter or TelegramRateLimiter())
        .request(bot_api_request())
        # The long poll's own connection: PTB adds the poll's `timeout` (10 s) to the read
        # timeout, so the default 5 s is the slack beyond it.
        .get_updates_request(HTTPXRequest(connection_pool_size=1))
        .concurrent_updates(PerChatInOrder())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data["deps"] = Deps(storage, Assistant(storage, bot_username=""))
    app.bot_data["dialogue_idle"] = timedelta(hours=settings.dialogue_idle_hours)

    # Group -1: private chats, each update once, enrolled users only (strangers hear one
    # polite message and nothing else).
    app.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    # Group 0: what people do.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # edits are not new input
    app.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    app.add_handler(CommandHandler(COMMANDS, handlers.on_command, filters=private))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.on_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_command))
    app.add_handler(MessageHandler(private, handlers.on_anything_else))
    app.add_error_handler(on_error)

    # Timers, each only a trigger: the database says what is due (DESIGN.md §3).
    assert app.job_queue is not None
    app.job_queue.run_repeating(sweep_job, interval=SWEEP_EVERY, first=SWEEP_EVERY)
    app.job_queue.run_repeating(nudge_job, interval=NUDGE_EVERY, first=NUDGE_EVERY)
    return app


async def _post_init(app: BotApp) -> None:
    """The bot's username (for invite links) is known only once it has asked Telegram. Before
    any update is taken, replies a stopped bot kept and never sent go out (DESIGN.md §8)."""
    deps: Deps = app.bot_data["deps"]
    deps.assistant.bot_username = app.bot.username
    await send_kept(app.bot, deps.assistant, claimed_before=deps.storage.clock.now())


async def _post_shutdown(app: BotApp) -> None:
    deps: Deps = app.bot_data["deps"]
    await deps.storage.db.dispose()
