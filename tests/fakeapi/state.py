"""In-memory Bot API state: chats, messages, files, commands and the update queue."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# Telegram leaves these out unless they are asked for explicitly.
NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class ApiError(Exception):
    """A Bot API error reply: HTTP status equals error_code, as on api.telegram.org."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """The JSON body Telegram sends with this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(text: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class StoredFile:
    """An uploaded file; `data` is served at /file/bot<token>/<file_path>."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    def meta(self) -> JSON:
        """The File object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class StoredMessage:
    """A message in a chat; `data` is the Message object as the Bot API returns it."""

    data: JSON
    from_bot: bool
    # As sent: Telegram echoes only inline keyboards in `data`, but tests want reply keyboards too.
    reply_markup: JSON | None = None
    parse_mode: str | None = None
    deleted: bool = False

    @property
    def message_id(self) -> int:
        """The id, unique within the chat."""
        return int(self.data["message_id"])


@dataclass
class ChatState:
    """One chat (private chats only, for SimUsers) and everything the bot did in it."""

    chat: JSON
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_sent: list[int] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: JSON | None = None
    blocked: bool = False
    next_message_id: int = 1
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def id(self) -> int:
        """The chat id (for private chats, the user id)."""
        return int(self.chat["id"])

    def add(self, sender: JSON, from_bot: bool, **fields: Any) -> StoredMessage:
        """Store a new message with the chat's next id."""
        data: JSON = {
            "message_id": self.next_message_id,
            "from": sender,
            "chat": self.chat,
            "date": int(time.time()),
            **fields,
        }
        self.next_message_id += 1
        stored = StoredMessage(data=data, from_bot=from_bot)
        self.messages[stored.message_id] = stored
        if from_bot:
            self.bot_sent.append(stored.message_id)
        return stored

    async def notify(self) -> None:
        """Wake SimUsers waiting on this chat."""
        async with self.changed:
            self.changed.notify_all()


@dataclass
class CallbackRecord:
    """A callback query sent by a SimUser, and the bot's answer once it arrives."""

    chat_id: int
    answer: JSON | None = None


@dataclass
class WebhookConfig:
    """What setWebhook recorded; url == "" means polling mode."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Entry:
    update: JSON
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(key for key in self.update if key != "update_id")


class UpdateQueue:
    """Pending updates, shared by getUpdates long polls and the webhook pusher.

    An update is forgotten only once it was delivered and then confirmed by a later offset,
    so an injected duplicate of an already confirmed update is delivered once more.
    """

    def __init__(self) -> None:
        self.changed = asyncio.Condition()
        self.allowed_updates: list[str] | None = None
        self.push_mode = False
        self.closed = False
        self._entries: list[_Entry] = []
        self._next_id = 1
        self._poll_generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def put(self, update: JSON) -> JSON:
        """Queue an update; an `update_id` is assigned unless the update carries one."""
        update.setdefault("update_id", self._next_id)
        self._next_id = max(self._next_id, int(update["update_id"]) + 1)
        async with self.changed:
            self._entries.append(_Entry(update))
            self.changed.notify_all()
        return update

    async def wake(self) -> None:
        """Re-check every waiter, e.g. after closing or switching to a webhook."""
        async with self.changed:
            self.changed.notify_all()

    def drop_pending(self) -> None:
        """drop_pending_updates=True."""
        self._entries.clear()

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset < 0:
            self._entries = self._entries[offset:]
            return
        self._entries = [e for e in self._entries if not (e.delivered and e.update_id < offset)]

    def deliverable(self) -> list[_Entry]:
        """Entries that may go out now; updates of types not asked for are discarded."""
        allowed = self.allowed_updates
        self._entries = [
            e
            for e in self._entries
            if (e.kind in allowed if allowed else e.kind not in NOT_DEFAULT_UPDATES)
        ]
        return self._entries

    def remove(self, entry: _Entry) -> None:
        """Forget one entry after the webhook accepted it."""
        if entry in self._entries:
            self._entries.remove(entry)

    async def get_updates(self, offset: int | None, limit: int, wait: float) -> list[JSON]:
        """getUpdates: confirm by offset, then wait up to `wait` seconds for any update."""
        self._poll_generation += 1
        generation = self._poll_generation
        async with self.changed:
            self.changed.notify_all()  # a still-waiting older poll must now end with 409
            self._confirm(offset)
            try:
                async with asyncio.timeout(wait):
                    await self.changed.wait_for(
                        lambda: (
                            self.closed
                            or self.push_mode
                            or generation != self._poll_generation
                            or bool(self.deliverable())
                        )
                    )
            except TimeoutError:
                pass
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self.push_mode:
                raise webhook_conflict()
            batch = self.deliverable()[:limit]
            for entry in batch:
                entry.delivered = True
            return [entry.update for entry in batch]


def webhook_conflict() -> ApiError:
    """Telegram's reply to getUpdates while a webhook is set."""
    return ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


class BotState:
    """Everything the fake server knows; the Bot API methods read and change this."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.queue = UpdateQueue()
        self.activity = asyncio.Condition()
        self.webhook = WebhookConfig()
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, int | None, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.callback_queries: dict[str, CallbackRecord] = {}
        self._serial = 0

    async def touch(self) -> None:
        """Wake FakeBotApi.wait_until callers: a request arrived or ended, or a POST was made."""
        async with self.activity:
            self.activity.notify_all()

    def serial(self) -> int:
        """A fresh number for file ids, callback query ids and the like."""
        self._serial += 1
        return self._serial

    def chat(self, chat_id: object) -> ChatState:
        """The chat, or Telegram's 400 "chat not found"."""
        if isinstance(chat_id, bool) or not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def store_file(
        self, data: bytes, folder: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        """Keep uploaded bytes under a new file_id."""
        n = self.serial()
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif folder == "photos":
            suffix = ".jpg"
        stored = StoredFile(
            file_id=f"FAKE-{folder}-{n:06d}",
            file_unique_id=f"U{n:06d}",
            file_path=f"{folder}/file_{n}{suffix}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """The file served at /file/bot<token>/<path>."""
        return next((f for f in self.files.values() if f.file_path == path), None)

    def visible_commands(self, chat_id: int, language_code: str = "") -> list[JSON]:
        """The command menu a private chat sees, resolved through scopes as Telegram does."""
        for scope in (("chat", chat_id), ("all_private_chats", None), ("default", None)):
            for lang in dict.fromkeys((language_code, "")):
                commands = self.commands.get((scope[0], scope[1], lang))
                if commands:
                    return commands
        return []
