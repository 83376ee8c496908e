"""`make bench`: the bot's reply rate and latency beside a bare PTB echo bot, same fake server.

Both bots run the real python-telegram-bot stack over HTTP against tests/fakeapi, in a thread
of their own as in production. Simulated users each send a message, wait for the reply, and
send the next; we count updates per second and time each reply.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.ratelimit import TelegramRateLimiter
from bot.settings import load_settings
from conversations.enrolment import InviteSpec, create_invite
from state_machine.clock import FixedClock
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import Database
from storage.uow import Storage
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import BotThread, running_bot

UNLIMITED = TelegramRateLimiter(overall_per_second=1e9, per_chat_burst=10**9)
Runner = Callable[[FakeBotApi], AbstractAsyncContextManager[object]]


@asynccontextmanager
async def echo_bot(api: FakeBotApi) -> AsyncIterator[object]:
    """The baseline: PTB with one handler that echoes text back."""

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    runner = BotThread(app, load_settings(TELEGRAM_BOT_TOKEN=api.token,
                                          TELEGRAM_API_BASE_URL=api.base_url))  # fmt: skip
    runner.thread.start()
    await runner.wait_running()
    try:
        yield app
    finally:
        await runner.stop()


async def our_storage(folder: Path) -> Storage:
    db = Database(f"sqlite:///{folder / 'bench.sqlite3'}")
    await migrate.upgrade(db.engine)
    clock = FixedClock(datetime(2026, 11, 23, 10, tzinfo=UTC))
    return Storage(db, clock, FieldCipher(FieldCipher.generate_key()), ZoneInfo("Europe/London"))


async def enrol_all(storage: Storage, users: list[SimUser]) -> None:
    tokens = [
        await create_invite(storage, InviteSpec("worker", f"W{u.id}", la_codes=("cardiff",)),
                            actor="bench")
        for u in users
    ]  # fmt: skip
    for user, token in zip(users, tokens, strict=True):
        await user.send(f"/start {token}")
        await user.wait_for_reply(timeout=30)


async def converse(user: SimUser, text: str, rounds: int, latencies: list[float]) -> None:
    for _ in range(rounds):
        started = time.perf_counter()
        await user.send(text)
        await user.wait_for_reply(timeout=60)
        latencies.append(time.perf_counter() - started)


async def measure(
    name: str, users: int, rounds: int, text: str, *, ours: bool, limits: bool = True
) -> dict[str, float]:
    async with FakeBotApi(token="777:BENCH") as api:
        people = [api.user(10_000 + n, f"U{n}") for n in range(users)]
        with tempfile.TemporaryDirectory() as folder:
            storage = await our_storage(Path(folder)) if ours else None
            limiter = TelegramRateLimiter() if limits else UNLIMITED
            bot = running_bot(storage, api, rate_limiter=limiter) if storage else echo_bot(api)
            async with bot:
                if storage is not None:
                    await enrol_all(storage, people)
                latencies: list[float] = []
                started = time.perf_counter()
                await asyncio.gather(*(converse(p, text, rounds, latencies) for p in people))
                elapsed = time.perf_counter() - started
            if storage is not None:
                await storage.db.dispose()
    q = statistics.quantiles(latencies, n=20)
    result = {
        "updates_per_s": len(latencies) / elapsed,
        "p50_ms": q[9] * 1e3,
        "p95_ms": q[18] * 1e3,
    }
    print(f"{name:<28} {users:>3} users x {rounds:>3}: {result['updates_per_s']:7.1f} updates/s"
          f"  p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms")  # fmt: skip
    return result


async def main(users: int, rounds: int) -> None:
    echo = await measure("PTB echo bot", users, rounds, "hello", ours=False)
    # Telegram's limits (30 messages a second overall, about 1 a second per chat) would be all
    # we measured with simulated users who answer at once; the echo bot has no limiter. So the
    # work is compared with limits off, then shown once with them on.
    ours = await measure("oocps-bot /whoami", users, rounds, "/whoami", ours=True, limits=False)
    print(f"ratio oocps/echo: {ours['updates_per_s'] / echo['updates_per_s']:.2f}")
    await measure("oocps-bot, Telegram limits on", users, rounds, "/whoami", ours=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.rounds))
