"""Simulated Telegram users talking to the bot in private chats."""

# The waiting helpers take `timeout=` on purpose (ASYNC109): it reads naturally in tests.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import copy
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .formatting import command_entities
from .state import JSON, BotState, CallbackRecord, ChatState, StoredMessage


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of one bot message as the user currently sees it."""

    message_id: int
    text: str | None
    data: JSON
    reply_markup: JSON | None
    parse_mode: str | None
    deleted: bool

    @classmethod
    def of(cls, stored: StoredMessage) -> BotMessage:
        """Snapshot a stored message; `text` is the caption for media messages."""
        data = copy.deepcopy(stored.data)
        return cls(
            message_id=stored.message_id,
            text=data.get("text", data.get("caption")),
            data=data,
            reply_markup=copy.deepcopy(stored.reply_markup),
            parse_mode=stored.parse_mode,
            deleted=stored.deleted,
        )

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button texts, row by row."""
        rows = (self.data.get("reply_markup") or {}).get("inline_keyboard", [])
        return [[button["text"] for button in row] for row in rows]

    @property
    def edited(self) -> bool:
        """Whether the bot edited the message."""
        return "edit_date" in self.data

    @property
    def document(self) -> JSON | None:
        """The Document object, for sendDocument messages."""
        return self.data.get("document")

    def button_data(self, text: str) -> str | None:
        """callback_data of the inline button labelled `text`."""
        rows = (self.data.get("reply_markup") or {}).get("inline_keyboard", [])
        return next((b.get("callback_data") for r in rows for b in r if b["text"] == text), None)


class SimUser:
    """A user in a private chat with the bot: sends updates and waits for the bot's replies.

    Waiting methods count bot messages since the user's last action (send, press, ...).
    """

    def __init__(self, state: BotState, chat: ChatState, user: JSON) -> None:
        self._state = state
        self._chat = chat
        self.json = user
        self._mark = 0
        self._last_query: str | None = None
        self.last_update: JSON | None = None  # as queued, to deliver it again if a test wants

    def __repr__(self) -> str:
        return f"SimUser({self.id}, {self.json['first_name']!r})"

    @property
    def id(self) -> int:
        """The user id, also the private chat id."""
        return int(self.json["id"])

    @property
    def chat_id(self) -> int:
        """The private chat's id."""
        return self._chat.id

    @property
    def language_code(self) -> str:
        """The client language Telegram reports for this user."""
        return str(self.json.get("language_code", ""))

    # --- actions ----------------------------------------------------------------------------

    async def send(self, text: str) -> JSON:
        """Send a text message; commands such as "/start TOKEN" get bot_command entities."""
        fields: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            fields["entities"] = entities
        return await self._post_message(fields)

    async def choose(self, text: str) -> JSON:
        """Tap a reply-keyboard button, which sends its text."""
        rows = (self._chat.reply_keyboard or {}).get("keyboard", [])
        labels = [b if isinstance(b, str) else b["text"] for row in rows for b in row]
        if text not in labels:
            raise AssertionError(f"{self}: no reply keyboard button {text!r}; have {labels}")
        return await self.send(text)

    async def send_document(
        self, data: bytes, filename: str, mime_type: str | None = None, caption: str | None = None
    ) -> JSON:
        """Upload a document to the bot."""
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._state.store_file(data, "documents", filename, mime)
        document = {k: v for k, v in stored.meta().items() if k != "file_path"}
        fields: dict[str, Any] = {
            "document": {**document, "file_name": filename, "mime_type": mime}
        }
        if caption:
            fields["caption"] = caption
        return await self._post_message(fields)

    async def press(self, button_text: str) -> str:
        """Press an inline button on the latest bot message that has an inline keyboard.

        Returns the callback query id.
        """
        # Newest first, snapshotting only the message pressed: copying the whole chat on every
        # press made long conversations quadratic (and the benchmark measure this, not the bot).
        stored = (self._chat.messages[i] for i in reversed(self._chat.bot_sent))
        visible = (m for m in stored if not m.deleted)
        message = next((m for m in map(BotMessage.of, visible) if m.buttons), None)
        if message is None:
            raise AssertionError(
                f"{self}: no bot message with an inline keyboard; last text {self.last_text!r}"
            )
        data = message.button_data(button_text)
        if data is None:
            raise AssertionError(
                f"{self}: no callback button {button_text!r} on message {message.message_id} "
                f"({message.text!r}); buttons: {message.buttons}"
            )
        return await self.press_data(message.message_id, data)

    async def press_data(self, message_id: int, data: str) -> str:
        """Send a callback query for any message, e.g. a button the bot has since replaced."""
        stored = self._chat.messages.get(message_id)
        if stored is None or stored.deleted or not stored.from_bot:
            raise AssertionError(f"{self}: no bot message {message_id} to press a button on")
        query_id = str(4_000_000_000 + self._state.serial())
        self._state.callback_queries[query_id] = CallbackRecord(chat_id=self.chat_id)
        self._last_query = query_id
        self._mark = len(self._chat.bot_sent)
        query = {
            "id": query_id,
            "from": self.json,
            "message": copy.deepcopy(stored.data),
            "chat_instance": f"-{self.chat_id}",
            "data": data,
        }
        self.last_update = await self._state.queue.put({"callback_query": query})
        return query_id

    async def block(self) -> None:
        """Block the bot: sends fail with 403 and a my_chat_member update is queued."""
        self._chat.blocked = True
        await self._member_update("member", "kicked")

    async def unblock(self) -> None:
        """Unblock the bot (what /start after blocking does on Telegram)."""
        self._chat.blocked = False
        await self._member_update("kicked", "member")

    # --- what the user sees -----------------------------------------------------------------

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat, oldest first, as currently edited; deleted ones gone."""
        stored = (self._chat.messages[i] for i in self._chat.bot_sent)
        return [BotMessage.of(m) for m in stored if not m.deleted]

    @property
    def last(self) -> BotMessage | None:
        """The latest visible bot message."""
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def last_text(self) -> str | None:
        """Text (or caption) of the latest visible bot message."""
        last = self.last
        return last.text if last else None

    @property
    def keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown, as button texts, or None."""
        if self._chat.reply_keyboard is None:
            return None
        rows = self._chat.reply_keyboard["keyboard"]
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in rows]

    @property
    def chat_actions(self) -> list[str]:
        """Every sendChatAction the bot sent here, in order."""
        return list(self._chat.actions)

    @property
    def visible_commands(self) -> list[JSON]:
        """The command menu this user's client would show."""
        return self._state.visible_commands(self.chat_id, self.language_code)

    # --- waiting ----------------------------------------------------------------------------

    async def wait_for_reply(self, count: int = 1, timeout: float = 5.0) -> list[BotMessage]:
        """Wait for `count` new bot messages since the last action and return them.

        Consumes them: the next call waits for messages after these.
        """
        target = self._mark + count
        await self._wait(
            lambda: len(self._chat.bot_sent) >= target,
            timeout,
            lambda: f"{count} bot message(s), got {len(self._chat.bot_sent) - self._mark}",
        )
        ids = self._chat.bot_sent[self._mark : target]
        self._mark = target
        return [BotMessage.of(self._chat.messages[i]) for i in ids]

    async def wait_until(
        self, predicate: Callable[[SimUser], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Wait until `predicate(user)` holds; re-checked whenever the bot acts in this chat."""
        await self._wait(lambda: predicate(self), timeout, lambda: what)

    async def wait_for_answer_callback(
        self, query_id: str | None = None, timeout: float = 5.0
    ) -> JSON:
        """Wait until the bot answers the (last) callback query; returns the answer's fields."""
        query_id = query_id or self._last_query
        if query_id is None:
            raise AssertionError(f"{self}: pressed no button")
        record = self._state.callback_queries[query_id]
        await self._wait(lambda: record.answer is not None, timeout, lambda: "answerCallbackQuery")
        assert record.answer is not None
        return record.answer

    # --- internals --------------------------------------------------------------------------

    async def _wait(
        self, predicate: Callable[[], bool], timeout: float, what: Callable[[], str]
    ) -> None:
        changed = self._chat.changed
        async with changed:
            try:
                async with asyncio.timeout(timeout):
                    await changed.wait_for(predicate)
            except TimeoutError:
                raise AssertionError(
                    f"{self}: timed out after {timeout}s waiting for {what()}; "
                    f"last bot text {self.last_text!r}"
                ) from None

    async def _post_message(self, fields: dict[str, Any]) -> JSON:
        self._mark = len(self._chat.bot_sent)
        stored = self._chat.add(self.json, from_bot=False, **fields)
        self.last_update = await self._state.queue.put({"message": stored.data})
        return stored.data

    async def _member_update(self, old: str, new: str) -> None:
        bot = self._state.bot_user
        member: JSON = {
            "chat": self._chat.chat,
            "from": self.json,
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot},
            "new_chat_member": {"status": new, "user": bot},
        }
        if new == "kicked":
            member["new_chat_member"]["until_date"] = 0
        if old == "kicked":
            member["old_chat_member"]["until_date"] = 0
        await self._state.queue.put({"my_chat_member": member})
