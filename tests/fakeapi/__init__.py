"""A fake Telegram Bot API server and simulated users for end-to-end tests of the bot."""

from .faults import api_error
from .server import Call, FakeBotApi
from .state import ApiError, WebhookConfig
from .users import BotMessage, SimUser
from .webhook import SECRET_HEADER, Delivery

__all__ = [
    "SECRET_HEADER",
    "ApiError",
    "BotMessage",
    "Call",
    "Delivery",
    "FakeBotApi",
    "SimUser",
    "WebhookConfig",
    "api_error",
]
