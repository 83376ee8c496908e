"""The Bot API client (bot/http.py) through PTB's own Bot, against the fake Bot API."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.http import AiohttpRequest
from tests.fakeapi import FakeBotApi

TOKEN = "123:ABC"
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning"
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN, bot_username="oocps_test_bot") as server:
        yield server


def client(base_url: str, **options: float) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(**options))  # type: ignore[arg-type]


async def test_messages_keyboards_and_errors_as_ptb_reports_them(api: FakeBotApi) -> None:
    user = api.user(1001, "Sam")
    await user.send("/start")
    async with client(api.base_url) as bot:
        assert bot.username == "oocps_test_bot"  # getMe ran in initialize()
        sent = await bot.send_message(1001, "Croeso – welcome")
        assert sent.text == "Croeso – welcome"
        assert [m.text for m in await user.wait_for_reply()] == ["Croeso – welcome"]
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(424242, "nobody")
        api.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(1001, "too soon")


async def test_a_file_goes_as_multipart(api: FakeBotApi) -> None:
    user = api.user(1001, "Sam")
    await user.send("/start")
    async with client(api.base_url) as bot:
        sent = await bot.send_document(1001, b"%PDF-1.4 ...", filename="return.pdf")
    assert sent.document is not None and sent.document.file_name == "return.pdf"
    assert api.state.files[sent.document.file_id].data == b"%PDF-1.4 ..."


async def test_a_slow_answer_is_a_timeout_not_a_retry() -> None:
    calls = 0

    async def slow(_: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        request = AiohttpRequest(read_timeout=0.2)
        await request.initialize()
        url = f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage"
        with pytest.raises(TimedOut):
            await request.post(url)
        await request.shutdown()
        assert calls == 1  # sent once: a timed-out message may have arrived
    finally:
        await runner.cleanup()


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the call
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_used_before_initialize_says_so() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "POST")
