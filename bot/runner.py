"""`oocps run`: build everything once from the settings, then poll or serve the webhook."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlparse

from telegram import Update

from bot.account import fetch_username, remember_username
from bot.app import BotApp, build_application
from bot.clock import SystemClock
from bot.logs import configure
from bot.settings import Settings
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import Database
from storage.uow import Storage

log = logging.getLogger(__name__)


def make_storage(settings: Settings) -> Storage:
    key = settings.encryption_key
    assert key is not None
    cipher = FieldCipher(key.get_secret_value())
    database = Database(settings.database_url)
    return Storage(
        database, SystemClock(), cipher, settings.tz, settings.nudge_rules, settings.distance_tools
    )


async def _upgrade(storage: Storage) -> None:
    await migrate.upgrade(storage.db.engine)
    await storage.db.dispose()  # the Application's loop opens its own connections


def run(settings: Settings) -> int:
    configure(settings.log_level)
    # Telegram asked once, first: no network is one clear line (TelegramUnreachable), not PTB's
    # bootstrap retries and tracebacks. The username is kept for `oocps invite`.
    remember_username(settings, asyncio.run(fetch_username(settings)))
    storage = make_storage(settings)
    asyncio.run(_upgrade(storage))
    serve(build_application(settings, storage), settings)
    return 0


def serve(app: BotApp, settings: Settings, **run_options: Any) -> None:
    """Long polling, or PTB's webhook server when WEBHOOK_URL is set; blocks until stopped."""
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        log.info("webhook mode on %s:%d", settings.webhook_listen, settings.webhook_port)
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,  # else Telegram keeps an older filter (§9)
            **run_options,
        )
    else:
        log.info("polling mode")
        app.run_polling(allowed_updates=Update.ALL_TYPES, **run_options)
