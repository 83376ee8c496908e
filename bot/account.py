"""The bot's own account: Telegram is asked for it once at startup, without retries, so that
no network is one clear line rather than PTB's bootstrap retries and tracebacks."""

from __future__ import annotations

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.settings import Settings


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
