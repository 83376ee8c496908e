"""The Bot API methods the fake implements, with Telegram's replies and error texts."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .formatting import format_text
from .params import Params, Upload
from .state import JSON, ApiError, BotState, ChatState, StoredFile, StoredMessage, bad_request

Handler = Callable[[BotState, Params], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_GLOBAL_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
_MAX_DOWNLOAD = 20 * 1024 * 1024


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under its camelCase name; lookup is case-insensitive."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


# --- validation helpers -------------------------------------------------------------------


def _check_markup(markup: Any) -> JSON | None:
    if markup is None:
        return None
    if not isinstance(markup, dict) or not (
        {"inline_keyboard", "keyboard", "remove_keyboard", "force_reply"} & markup.keys()
    ):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            actions = set(button) - {"text"}
            if not button.get("text") or not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _inline(markup: JSON | None) -> JSON | None:
    return markup if markup and "inline_keyboard" in markup else None


def _reachable(state: BotState, p: Params) -> ChatState:
    chat = state.chat(p.chat_id())
    if chat.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def _text_fields(
    p: Params, key: str, entities_key: str, limit: int, too_long: str
) -> dict[str, Any]:
    source = p.string(key) or ""
    text, entities = format_text(source, p.string("parse_mode"), p.json(entities_key))
    if len(text) > limit:
        raise bad_request(too_long)
    fields: dict[str, Any] = {key: text} if text else {}
    if entities:
        fields[entities_key] = entities
    return fields


async def _send(
    state: BotState, chat: ChatState, p: Params, fields: dict[str, Any]
) -> StoredMessage:
    markup = _check_markup(p.json("reply_markup", "reply keyboard markup"))
    if _inline(markup):
        fields["reply_markup"] = markup
    stored = chat.add(state.bot_user, from_bot=True, **fields)
    stored.reply_markup = markup
    stored.parse_mode = p.string("parse_mode")
    if markup and "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup and "remove_keyboard" in markup:
        chat.reply_keyboard = None
    await chat.notify()
    return stored


def _target(state: BotState, p: Params, missing: str) -> tuple[ChatState, StoredMessage]:
    if "inline_message_id" in p:
        raise bad_request("MESSAGE_ID_INVALID")
    chat = state.chat(p.chat_id())
    message_id = p.integer("message_id")
    stored = chat.messages.get(message_id or 0)
    if stored is None or stored.deleted:
        raise bad_request(missing)
    return chat, stored


def _not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _resolve_file(state: BotState, p: Params, key: str, folder: str) -> StoredFile:
    value = p.file(key)
    if isinstance(value, Upload):
        mime = value.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(value.filename or "")[0] or mime
        return state.store_file(value.data, folder, value.filename, mime)
    if value is None:
        raise bad_request(f"there is no {key} in the request")
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    if value not in state.files:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return state.files[value]


def _scope_key(state: BotState, p: Params) -> tuple[str, int | None, str]:
    scope = p.json("scope", "bot command scope") or {"type": "default"}
    kind = scope.get("type")
    language = p.string("language_code", "") or ""
    if kind in _GLOBAL_SCOPES:
        return kind, None, language
    if kind in {"chat", "chat_administrators", "chat_member"}:
        return kind, state.chat(scope.get("chat_id")).id, language
    raise bad_request("unsupported bot command scope type")


# --- bot & updates ------------------------------------------------------------------------


@method("getMe")
async def get_me(state: BotState, p: Params) -> JSON:
    return state.bot_user


@method("getUpdates")
async def get_updates(state: BotState, p: Params) -> list[JSON]:
    if "allowed_updates" in p:
        state.queue.allowed_updates = list(p.json("allowed_updates"))
    limit = min(max(p.integer("limit", 100) or 100, 1), 100)
    timeout = max(p.number("timeout", 0.0), 0.0)
    return await state.queue.get_updates(p.integer("offset"), limit, timeout)


@method("setWebhook")
async def set_webhook(state: BotState, p: Params) -> bool:
    url = p.string("url", "") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if p.flag("drop_pending_updates"):
        state.queue.drop_pending()
    if "allowed_updates" in p:
        state.queue.allowed_updates = list(p.json("allowed_updates"))
    state.webhook.url = url
    state.webhook.secret_token = p.string("secret_token")
    state.webhook.max_connections = p.integer("max_connections", 40) or 40
    state.webhook.last_error_date = state.webhook.last_error_message = None
    state.queue.push_mode = bool(url)
    await state.queue.wake()
    return True


@method("deleteWebhook")
async def delete_webhook(state: BotState, p: Params) -> bool:
    if p.flag("drop_pending_updates"):
        state.queue.drop_pending()
    state.webhook.url = ""
    state.webhook.secret_token = None
    state.queue.push_mode = False
    await state.queue.wake()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: BotState, p: Params) -> JSON:
    hook = state.webhook
    info: JSON = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.queue),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        if state.queue.allowed_updates is not None:
            info["allowed_updates"] = state.queue.allowed_updates
    if hook.last_error_date is not None:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info


# --- messages -----------------------------------------------------------------------------


@method("sendMessage")
async def send_message(state: BotState, p: Params) -> JSON:
    chat = _reachable(state, p)
    fields = _text_fields(p, "text", "entities", 4096, "message is too long")
    if "text" not in fields:
        raise bad_request("message text is empty")
    return (await _send(state, chat, p, fields)).data


@method("editMessageText")
async def edit_message_text(state: BotState, p: Params) -> JSON:
    chat, stored = _target(state, p, "message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    fields = _text_fields(p, "text", "entities", 4096, "MESSAGE_TOO_LONG")
    if "text" not in fields:
        raise bad_request("message text is empty")
    # Omitting reply_markup removes the inline keyboard, as on Telegram.
    markup = _inline(_check_markup(p.json("reply_markup", "reply keyboard markup")))
    data = stored.data
    if (
        fields["text"] == data["text"]
        and fields.get("entities") == data.get("entities")
        and markup == data.get("reply_markup")
    ):
        raise _not_modified()
    return await _edit(chat, stored, fields, markup, p.string("parse_mode"))


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: BotState, p: Params) -> JSON:
    chat, stored = _target(state, p, "message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    markup = _inline(_check_markup(p.json("reply_markup", "reply keyboard markup")))
    if markup == stored.data.get("reply_markup"):
        raise _not_modified()
    return await _edit(chat, stored, {}, markup, stored.parse_mode)


async def _edit(
    chat: ChatState,
    stored: StoredMessage,
    fields: dict[str, Any],
    markup: JSON | None,
    parse_mode: str | None,
) -> JSON:
    data = stored.data
    if "text" in fields:
        data.pop("entities", None)
    data.update(fields)
    data.pop("reply_markup", None)
    if markup:
        data["reply_markup"] = markup
    data["edit_date"] = data["date"] + 1
    stored.reply_markup = markup
    stored.parse_mode = parse_mode
    await chat.notify()
    return data


@method("deleteMessage")
async def delete_message(state: BotState, p: Params) -> bool:
    chat, stored = _target(state, p, "message to delete not found")
    stored.deleted = True
    await chat.notify()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(state: BotState, p: Params) -> bool:
    record = state.callback_queries.get(p.string("callback_query_id") or "")
    if record is None or record.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    record.answer = {
        key: p.get(key)
        for key in ("text", "show_alert", "url", "cache_time")
        if p.get(key) is not None
    }
    await state.chat(record.chat_id).notify()
    return True


@method("sendChatAction")
async def send_chat_action(state: BotState, p: Params) -> bool:
    chat = _reachable(state, p)
    action = p.string("action")
    if action not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(action)
    await chat.notify()
    return True


# --- files --------------------------------------------------------------------------------


@method("sendDocument")
async def send_document(state: BotState, p: Params) -> JSON:
    chat = _reachable(state, p)
    fields = _text_fields(p, "caption", "caption_entities", 1024, "message caption is too long")
    stored = _resolve_file(state, p, "document", "documents")
    document = {**stored.meta(), "file_name": stored.file_name, "mime_type": stored.mime_type}
    document.pop("file_path")
    fields["document"] = {k: v for k, v in document.items() if v is not None}
    return (await _send(state, chat, p, fields)).data


@method("sendPhoto")
async def send_photo(state: BotState, p: Params) -> JSON:
    chat = _reachable(state, p)
    fields = _text_fields(p, "caption", "caption_entities", 1024, "message caption is too long")
    stored = _resolve_file(state, p, "photo", "photos")
    # The fake does not decode images; one nominal size stands for Telegram's resized set.
    size = {k: v for k, v in stored.meta().items() if k != "file_path"}
    fields["photo"] = [{**size, "width": 320, "height": 320}]
    return (await _send(state, chat, p, fields)).data


@method("getFile")
async def get_file(state: BotState, p: Params) -> JSON:
    stored = state.files.get(p.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > _MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.meta()


# --- commands, menu, chats ----------------------------------------------------------------


@method("setMyCommands")
async def set_my_commands(state: BotState, p: Params) -> bool:
    commands = p.json("commands", "commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be an array of at most 100 BotCommand")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be 1-256 characters long")
    key = _scope_key(state, p)
    state.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@method("getMyCommands")
async def get_my_commands(state: BotState, p: Params) -> list[JSON]:
    return state.commands.get(_scope_key(state, p), [])


@method("deleteMyCommands")
async def delete_my_commands(state: BotState, p: Params) -> bool:
    state.commands.pop(_scope_key(state, p), None)
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(state: BotState, p: Params) -> bool:
    chat_id = state.chat(p.get("chat_id")).id if "chat_id" in p else None
    button = p.json("menu_button", "menu button") or {"type": "default"}
    if button.get("type") not in {"commands", "web_app", "default"}:
        raise bad_request("unsupported menu button type")
    state.menu_buttons[chat_id] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(state: BotState, p: Params) -> JSON:
    if "chat_id" in p:
        return state.menu_buttons.get(state.chat(p.get("chat_id")).id, {"type": "default"})
    return state.menu_buttons.get(None, {"type": "commands"})


@method("getChat")
async def get_chat(state: BotState, p: Params) -> JSON:
    chat = state.chat(p.chat_id())
    return {
        **chat.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }
