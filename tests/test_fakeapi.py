"""The fake Bot API, exercised through PTB itself: plain Bot calls and a full Application."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakeapi import FakeBotApi

TOKEN = "123:ABC"
# PTB itself warns whenever it builds a RetryAfter; that is not what these tests are about.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning"
)
App = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN, bot_username="oocps_test_bot") as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- plain Bot calls --------------------------------------------------------------------------


async def test_get_me_and_token_check(api: FakeBotApi, bot: Bot) -> None:
    assert (bot.id, bot.username) == (123, "oocps_test_bot")
    with pytest.raises(InvalidToken):
        async with Bot("123:WRONG", base_url=api.base_url):
            pass
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


async def test_raw_http_bodies_and_error_json(api: FakeBotApi) -> None:
    user = api.user(1001)
    api.fail_next("getMe", status=429, retry_after=1)
    async with aiohttp.ClientSession() as http:
        bot_url = f"{api.base_url}{TOKEN}"

        async def call(path: str, **kwargs: Any) -> tuple[int, Any]:
            async with http.post(path, **kwargs) as response:
                return response.status, await response.json()

        assert await call(f"{bot_url}/getMe") == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            },
        )
        status, body = await call(f"{bot_url}/GETME", json={})
        assert (status, body["result"]["username"]) == (200, "oocps_test_bot")
        assert await call(f"{api.base_url}123:XYZ/getMe") == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
        assert await call(f"{bot_url}/noSuchMethod") == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )
        # Form bodies carry every value as a string; message text "42" must stay a string.
        status, body = await call(f"{bot_url}/sendmessage", data={"chat_id": "1001", "text": "42"})
        assert (status, body["result"]["text"]) == (200, "42")
        api.fail_next("*", status=502)
        assert await call(f"{bot_url}/sendMessage", json={"chat_id": 1001, "text": "x"}) == (
            502,
            {"ok": False, "error_code": 502, "description": "Bad Gateway"},
        )
    assert [m.text for m in user.messages] == ["42"]


async def test_send_edit_delete_and_keyboards(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001, "Sam")
    first = await bot.send_message(1001, "Pick one", reply_markup=keyboard("Yes", "No"))
    assert first.reply_markup == keyboard("Yes", "No")
    assert user.messages[0].buttons == [["Yes", "No"]]
    await user.send("hello")
    second = await bot.send_message(1001, "later")
    assert second.message_id == first.message_id + 2  # ids are per chat, shared by both sides

    edited = await bot.edit_message_text(
        "Picked", chat_id=1001, message_id=first.message_id, reply_markup=keyboard("Yes", "No")
    )
    assert isinstance(edited, type(first)) and edited.edit_date is not None
    assert (user.messages[0].text, user.messages[0].edited) == ("Picked", True)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Picked", chat_id=1001, message_id=first.message_id, reply_markup=keyboard("Yes", "No")
        )
    await bot.edit_message_reply_markup(1001, first.message_id, reply_markup=keyboard("Undo"))
    assert user.messages[0].buttons == [["Undo"]]
    await bot.edit_message_text("Done", chat_id=1001, message_id=first.message_id)
    assert user.messages[0].buttons == []  # editing without reply_markup drops the keyboard

    assert await bot.delete_message(1001, second.message_id)
    assert [m.text for m in user.messages] == ["Done"]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(1001, second.message_id)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "nobody")

    await bot.send_message(1001, "Choose", reply_markup=ReplyKeyboardMarkup([["A", "B"]]))
    assert user.keyboard == [["A", "B"]]
    await bot.send_message(1001, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert user.keyboard is None
    await user.block()
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(1001, "still there?")


async def test_html_parse_mode(api: FakeBotApi, bot: Bot) -> None:
    api.user(1001)
    sent = await bot.send_message(1001, "  <b>Hi</b> &lt;3\n", parse_mode=ParseMode.HTML)
    assert sent.text == "Hi <3"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, 0, 2),)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1001, "Smith <Ltd>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="find end tag corresponding"):
        await bot.send_message(1001, "<b>open", parse_mode=ParseMode.HTML)


async def test_callback_answer_and_chat_action(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001)
    await bot.send_message(1001, "Pick", reply_markup=keyboard("Yes", "No"))
    with pytest.raises(AssertionError, match=r"\[\['Yes', 'No'\]\]"):
        await user.press("Maybe")
    query_id = await user.press("No")
    updates = await bot.get_updates(timeout=1)
    query = updates[-1].callback_query
    assert query is not None and (query.id, query.data) == (query_id, "no")
    assert await query.answer("Noted", show_alert=True)
    assert await user.wait_for_answer_callback() == {"text": "Noted", "show_alert": True}
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer()
    assert await bot.send_chat_action(1001, "typing")
    assert user.chat_actions == ["typing"]


async def test_commands_scopes_menu_and_get_chat(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001, "Sam", language_code="cy")
    scope = BotCommandScopeChat(1001)
    assert await bot.set_my_commands([BotCommand("start", "Begin")])
    assert await bot.set_my_commands(
        [BotCommand("help", "Cymorth")], scope=scope, language_code="cy"
    )
    assert await bot.get_my_commands(scope=scope, language_code="cy") == (
        BotCommand("help", "Cymorth"),
    )
    assert await bot.get_my_commands(scope=scope) == ()
    assert [c["command"] for c in user.visible_commands] == ["help"]
    assert [c["command"] for c in api.visible_commands(1001, "en")] == ["start"]
    assert await bot.delete_my_commands(scope=scope, language_code="cy")
    assert [c["command"] for c in user.visible_commands] == ["start"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start!", "bad")])

    assert await bot.set_chat_menu_button(chat_id=1001, menu_button=MenuButtonCommands())
    assert await bot.get_chat_menu_button(1001) == MenuButtonCommands()
    chat = await bot.get_chat(1001)
    assert (chat.id, chat.type, chat.first_name) == (1001, "private", "Sam")


async def test_files_upload_get_file_and_download(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001)
    pdf = b"%PDF-1.4 fake referral"
    sent = await bot.send_document(1001, pdf, filename="referral.pdf", caption="Your form")
    assert sent.document is not None and sent.caption == "Your form"
    assert (sent.document.file_name, sent.document.mime_type) == ("referral.pdf", "application/pdf")
    assert user.last is not None and user.last.document is not None
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None and file.file_path.startswith(api.base_file_url)
    assert await file.download_as_bytearray() == pdf

    photo = await bot.send_photo(1001, b"\x89PNG fake", caption="pic")
    photo_file = await bot.get_file(photo.photo[-1].file_id)
    assert await photo_file.download_as_bytearray() == b"\x89PNG fake"
    resent = await bot.send_document(1001, sent.document.file_id)
    assert resent.document is not None
    assert resent.document.file_unique_id == sent.document.file_unique_id

    await user.send_document(b"notes", "notes.txt")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    upload = await bot.get_file(update.message.document.file_id)
    assert await upload.download_as_bytearray() == b"notes"
    assert len(api.downloads) == 3


async def test_long_poll_offset_limit_and_conflicts(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5, allowed_updates=["message"]))
    await user.send("wake up")
    (first,) = await poll
    assert time.monotonic() - started < 1  # woken by the update, not by the timeout
    assert api.allowed_updates == ["message"]

    for text in ("a", "b", "c"):
        await user.send(text)
    batch = await bot.get_updates(offset=first.update_id + 1, limit=2)
    assert [u.message.text for u in batch if u.message] == ["a", "b"]
    assert [u.update_id for u in batch] == [first.update_id + 1, first.update_id + 2]
    rest = await bot.get_updates(offset=batch[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    started = time.monotonic()
    assert await bot.get_updates(rest[-1].update_id + 1, timeout=timedelta(seconds=0.1)) == ()
    assert time.monotonic() - started >= 0.1  # the long poll ran out its timeout
    assert api.pending_updates == 0

    # A newer getUpdates ends the older one, as when two bot instances run.
    async with Bot(TOKEN, base_url=api.base_url) as twin:
        polls = len(api.calls_to("getUpdates"))
        older = asyncio.create_task(twin.get_updates(timeout=5))
        await api.wait_until(lambda: len(api.calls_to("getUpdates")) > polls)
        assert await bot.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await older

    assert await bot.set_webhook("https://example.invalid/hook", secret_token="s3cret")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    assert (info.url, api.webhook.secret_token) == ("https://example.invalid/hook", "s3cret")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_injected_duplicate_is_delivered_again(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001)
    await user.send("once")
    (update,) = await bot.get_updates()
    assert await bot.get_updates(offset=update.update_id + 1) == ()  # confirmed
    await api.inject_update(update.to_dict())
    (again,) = await bot.get_updates(offset=update.update_id + 1)
    assert again == update and again.update_id == update.update_id
    await user.send("next")
    (following,) = await bot.get_updates(offset=again.update_id + 1)
    assert following.update_id == update.update_id + 1


async def test_faults_are_reported_and_not_recorded(api: FakeBotApi, bot: Bot) -> None:
    user = api.user(1001)
    api.fail_next("sendMessage", 1, status=429, retry_after=1)
    with pytest.raises(RetryAfter, match="Retry in 1"):
        await bot.send_message(1001, "one")
    api.fail_next("sendMessage", 1, status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(1001, "one")
    await bot.send_message(1001, "one")
    assert [m.text for m in user.messages] == ["one"]
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 502, 200]

    api.throttle("sendMessage", every=2)
    outcomes = []
    for n in range(4):
        try:
            await bot.send_message(1001, f"t{n}")
            outcomes.append("ok")
        except RetryAfter:
            outcomes.append("429")
    assert outcomes == ["ok", "429", "ok", "429"]
    assert [m.text for m in user.messages] == ["one", "t0", "t2"]

    api.clear_faults()
    api.fail_for("sendChatAction", 60, status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_chat_action(1001, "typing")
    assert user.chat_actions == []
    stamps = [c.at for c in api.calls]
    assert stamps == sorted(stamps)


# --- a real Application -----------------------------------------------------------------------


def echo_app(api: FakeBotApi, errors: asyncio.Queue[BaseException]) -> App:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        text = update.effective_message.text
        await update.effective_message.reply_text(f"echo: {text}", reply_markup=keyboard("Again"))

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"welcome {' '.join(context.args or [])}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"pressed {query.data}")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.put_nowait(context.error)

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def polling(app: App) -> AsyncIterator[App]:
    """The run_polling() lifecycle without blocking; post_init must be called by hand."""
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_application_polling_echo_and_buttons(api: FakeBotApi) -> None:
    errors: asyncio.Queue[BaseException] = asyncio.Queue()
    user = api.user(1001, "Sam")
    async with polling(echo_app(api, errors)):
        await user.send("hello")
        (reply,) = await user.wait_for_reply()
        assert (reply.text, reply.buttons) == ("echo: hello", [["Again"]])

        await user.send("/start ref-42")
        assert [m.text for m in await user.wait_for_reply()] == ["welcome ref-42"]

        await user.press("Again")
        assert await user.wait_for_answer_callback() == {"text": "got again"}
        await user.wait_until(lambda u: u.messages[0].text == "pressed again", timeout=5)
    assert api.allowed_updates == list(Update.ALL_TYPES)
    assert api.calls_to("deleteWebhook", ok=True)
    assert errors.empty()


async def test_application_flood_error_is_reported_and_nothing_sent(api: FakeBotApi) -> None:
    errors: asyncio.Queue[BaseException] = asyncio.Queue()
    user = api.user(1001)
    async with polling(echo_app(api, errors)):
        api.fail_next("sendMessage", status=429, retry_after=1)
        await user.send("first")
        error = await asyncio.wait_for(errors.get(), timeout=5)
        assert isinstance(error, RetryAfter)
        assert user.messages == []
        await user.send("second")
        await user.wait_for_reply()
    assert [m.text for m in user.messages] == ["echo: second"]
    assert [c.status for c in api.calls_to("sendMessage")] == [429, 200]


async def test_application_serves_fifty_users_at_once(api: FakeBotApi) -> None:
    errors: asyncio.Queue[BaseException] = asyncio.Queue()
    users = [api.user(2000 + n, f"User{n}") for n in range(50)]
    async with polling(echo_app(api, errors)):
        await asyncio.gather(*(u.send(f"hi {u.id}") for u in users))
        replies = await asyncio.gather(*(u.wait_for_reply() for u in users))
    assert [r[0].text for r in replies] == [f"echo: hi {u.id}" for u in users]
    assert all(len(u.messages) == 1 for u in users)
    assert errors.empty()


async def test_application_webhook_mode(api: FakeBotApi) -> None:
    errors: asyncio.Queue[BaseException] = asyncio.Queue()
    user = api.user(1001)
    port = free_port()
    hook_url = f"http://127.0.0.1:{port}/hook"
    app = echo_app(api, errors)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            webhook_url=hook_url,
            secret_token="s3cret",
            allowed_updates=Update.ALL_TYPES,
        )
        try:
            assert (api.webhook.url, api.webhook.secret_token) == (hook_url, "s3cret")
            await user.send("via hook")
            assert [m.text for m in await user.wait_for_reply()] == ["echo: via hook"]
            assert api.webhook_deliveries[-1].status == 200  # PTB checked the secret header
            with pytest.raises(Conflict):
                await app.bot.get_updates()

            # With a wrong secret PTB refuses the POST; the update stays queued.
            await app.bot.set_webhook(hook_url, secret_token="wrong")
            await user.send("rejected")
            await api.wait_until(lambda: api.webhook.last_error_message is not None)
            assert "403" in (api.webhook.last_error_message or "")
            assert api.pending_updates == 1
        finally:
            await app.updater.stop()
            await app.stop()
    assert errors.empty()
