"""Run the real bot (`oocps run`'s Application) in its own thread against the fake Bot API.

`run_polling()`/`run_webhook()` own their event loop, as in production, so the bot gets a
thread and a loop of its own, and its own engine on the test's database. The test's loop
keeps the fake server and the simulated users. Everything between them is real HTTP.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import BotApp, build_application
from bot.context import BotContext
from bot.ratelimit import TelegramRateLimiter
from bot.runner import serve
from bot.settings import Settings, load_settings
from storage.uow import Storage
from tests.conftest import TEST_KEY
from tests.fakeapi import FakeBotApi


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class BotThread:
    def __init__(self, app: BotApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="bot", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            serve(self.app, self.settings, stop_signals=None, close_loop=False)
        except BaseException as exc:  # reported to the test on stop
            self.error = exc
        finally:
            self.loop.close()

    async def wait_running(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not self.app.running:
                if not self.thread.is_alive():
                    raise RuntimeError(f"the bot stopped while starting: {self.error!r}")
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.app.stop_running)
            await asyncio.to_thread(self.thread.join, 15)
        if self.error is not None:
            raise self.error


@asynccontextmanager
async def running_bot(
    storage: Storage,
    api: FakeBotApi,
    *,
    webhook_secret: str | None = None,
    rate_limiter: TelegramRateLimiter | None = None,
) -> AsyncIterator[BotApp]:
    """The bot running against `api` until the block ends (webhook mode with a secret)."""
    env: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "OOCPS_ENCRYPTION_KEY": TEST_KEY,
    }
    if webhook_secret is not None:
        port = free_port()
        env |= {
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "WEBHOOK_SECRET": webhook_secret,
            "WEBHOOK_PORT": port,
        }
    settings = load_settings(**env)
    bot_storage = Storage(
        storage.db.clone(), storage.clock, storage.cipher, storage.tz, storage.nudging.rules
    )
    # Simulated users answer instantly; the real per-chat pace (about one message a second)
    # would only slow the suite. Retries on 429 and 5xx stay as in production.
    limiter = rate_limiter or TelegramRateLimiter(per_chat_burst=10_000)
    runner = BotThread(build_application(settings, bot_storage, limiter), settings)
    runner.thread.start()
    _RUNNING[id(runner.app)] = runner
    try:
        await runner.wait_running()
        yield runner.app
    finally:
        _RUNNING.pop(id(runner.app), None)
        await runner.stop()


_RUNNING: dict[int, BotThread] = {}


async def run_job(app: BotApp, job: Callable[[BotContext], Awaitable[None]]) -> None:
    """Run one of the bot's timed jobs now, on the bot's own loop, and wait until it is done
    (the job queue only triggers a job: what it does is this, whenever it is called)."""
    runner = _RUNNING[id(app)]
    done = asyncio.run_coroutine_threadsafe(_job(app, job), runner.loop)
    await asyncio.wrap_future(done)


async def _job(app: BotApp, job: Callable[[BotContext], Awaitable[None]]) -> None:
    await job(BotContext(app))


class BotProcess:
    """`oocps run` as a process of its own, against `api` and a SQLite file: only a process
    that really dies shows what a crash loses. Always `kill()`ed or `stop()`ped by the test."""

    def __init__(self, api: FakeBotApi, database_url: str, workdir: Path) -> None:
        self.api = api
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": database_url,
            "OOCPS_ENCRYPTION_KEY": TEST_KEY,
            "OOCPS_LOG_LEVEL": "WARNING",
        }
        self.env.pop("WEBHOOK_URL", None)
        self.workdir = workdir  # no .env there: the settings are the ones above
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "bot.log"

    async def start(self, timeout: float = 30) -> None:  # noqa: ASYNC109
        """Start it and wait until it polls: by then it has upgraded and sent what it owed."""
        polls = len(self.api.calls_to("getUpdates"))
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 - returns at once
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        process = self.process
        await self.api.wait_until(
            lambda: len(self.api.calls_to("getUpdates")) > polls or process.poll() is not None,
            timeout=timeout,
        )
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited with {process.returncode}: see {self.log}")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a crash or an OOM kill."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)

    async def exited(self, timeout: float = 10) -> int:  # noqa: ASYNC109
        assert self.process is not None
        return await asyncio.to_thread(self.process.wait, timeout)

    async def stop(self) -> None:
        """SIGTERM (PTB stops cleanly), and SIGKILL if that takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await self.exited(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            await self.exited()
