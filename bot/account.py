"""The bot's own account: Telegram is asked for it once at startup, without retries (no network
is one clear line, not PTB's bootstrap retries and tracebacks), and its username is kept for
`oocps invite`, which then makes links without the network.

The username is kept in a small file, not the database, for now: a key/value row would need a
migration, and the next revision number is being taken by other work. It sits in
OOCPS_STATE_DIR, else beside the SQLite database, else in the working directory.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.settings import Settings

USERNAME_FILE = "oocps-bot-username.json"


class TelegramUnreachable(Exception):
    """Telegram did not answer, or refused the token; the message is one line saying why."""


async def fetch_username(settings: Settings) -> str:
    """Ask Telegram who the bot is (getMe), once and without retries."""
    token = settings.telegram_bot_token
    assert token is not None
    bot = Bot(
        token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.base_file_url,
    )
    where = settings.telegram_api_base_url.removesuffix("/bot")
    try:
        async with bot:  # getMe
            return bot.username
    except InvalidToken:
        raise TelegramUnreachable(
            f"Telegram ({where}) refused TELEGRAM_BOT_TOKEN: check it with @BotFather"
        ) from None
    except TimedOut:
        raise TelegramUnreachable(
            f"Telegram cannot be reached ({where}): no answer in time"
        ) from None
    except NetworkError as exc:
        reason = _reason(exc).replace(token.get_secret_value(), "<token>")
        raise TelegramUnreachable(f"Telegram cannot be reached ({where}): {reason}") from None


def _reason(exc: BaseException) -> str:
    """The innermost cause, e.g. "[Errno -3] Temporary failure in name resolution"."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc).strip() or type(exc).__name__


def username_file(settings: Settings) -> Path:
    if settings.state_dir:
        return Path(settings.state_dir) / USERNAME_FILE
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / USERNAME_FILE
    return Path(USERNAME_FILE)


def _bot_id(settings: Settings) -> str:
    assert settings.telegram_bot_token is not None
    return settings.telegram_bot_token.get_secret_value().partition(":")[0]


def remember_username(settings: Settings, username: str) -> None:
    """Kept with the bot's id (not its token), so a new token for another bot is not misled."""
    path = username_file(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"bot_id": _bot_id(settings), "username": username}) + "\n")
    except OSError:
        pass  # only a convenience for `oocps invite`, which can be told the name instead


def remembered_username(settings: Settings) -> str | None:
    if settings.telegram_bot_token is None:
        return None
    try:
        kept = json.loads(username_file(settings).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("bot_id") != _bot_id(settings):
        return None
    username = kept.get("username")
    return username if isinstance(username, str) and username else None
