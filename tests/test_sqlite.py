"""The embedded database (SQLite through aiosqlite): its behaviour, and an event loop that
goes on while another process holds the file's write lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from state_machine.clock import FixedClock
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import Database, create_engine
from storage.models import ProcessedUpdate
from storage.uow import Storage
from tests.conftest import LONDON

AT = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'inline.sqlite3'}")
    await migrate.upgrade(database.engine)
    return database


async def count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0)


async def test_rows_and_types_round_trip(db: Database) -> None:
    async with db.session() as session, session.begin():
        await session.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
    assert await count(db) == 1
    async with db.session() as session:
        stored = await session.get(ProcessedUpdate, 1)
        assert stored is not None and stored.processed_at == AT  # types round-trip
    await db.dispose()


async def test_errors_roll_back_and_name_the_constraint(db: Database) -> None:
    async with db.session() as session, session.begin():
        await session.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with db.session() as session, session.begin():
            await session.execute(insert(ProcessedUpdate).values(update_id=2, processed_at=AT))
            await session.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
    assert await count(db) == 1  # update 2 went with the failed transaction
    with pytest.raises(IntegrityError, match="append-only"):  # a trigger's own message
        async with db.engine.begin() as conn:
            row = "INSERT INTO audit_events (at, actor, action, details)"
            row += " VALUES (:at, 'a', 'b', '{}')"
            await conn.execute(text(row), {"at": AT})
            await conn.execute(text("DELETE FROM audit_events"))
    await db.dispose()


async def test_autocommit_and_pragmas_on_every_connection(db: Database) -> None:
    async with db.engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(insert(ProcessedUpdate).values(update_id=7, processed_at=AT))
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
    assert await count(db) == 1  # committed without a COMMIT
    await db.dispose()
    assert await count(db) == 1  # a new connection after disposal
    await db.dispose()


def test_an_in_memory_database_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="needs a file"):
        create_engine("sqlite://")
    with pytest.raises(ValueError, match="needs a file"):
        create_engine("sqlite:///:memory:")


def storage_on(db: Database) -> Storage:
    return Storage(db, FixedClock(AT), FieldCipher(FieldCipher.generate_key()), LONDON)


async def test_while_an_admin_command_writes_the_file_the_bot_goes_on(
    db: Database, tmp_path: Path
) -> None:
    # `oocps invite` in another process, as the README tells an admin to run while the bot
    # runs: it holds the write lock for a moment, and lets go on its own time.
    admin = sqlite3.connect(tmp_path / "inline.sqlite3", check_same_thread=False)
    admin.isolation_level = None
    admin.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, admin.execute, ("COMMIT",)).start()

    storage = storage_on(db)
    ticks = 0

    async def another_conversation() -> None:  # what else the event loop has to do
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(another_conversation())
    await asyncio.sleep(0.02)
    started, ticked = time.monotonic(), ticks
    async with storage.unit_of_work() as uow:
        claimed, _ = await uow.admit(1, 5001)  # waits for the admin's lock
    waited = time.monotonic() - started
    ticker.cancel()
    admin.close()
    assert claimed and waited >= 0.4  # it did wait for the lock ...
    assert ticks - ticked >= 20  # ... and the loop ran the rest meanwhile (0 when it froze)
    assert await count(db) == 1
    await db.dispose()


async def test_a_unit_of_work_that_awaits_while_holding_the_lock_only_makes_the_next_wait(
    db: Database,
) -> None:
    storage = storage_on(db)
    written = asyncio.Event()

    async def holds_the_lock_and_waits() -> None:
        async with storage.unit_of_work() as uow:
            await uow.session.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
            written.set()
            await asyncio.sleep(0.2)  # e.g. an HTTP call inside a transaction

    async def another_person() -> None:
        await written.wait()
        async with storage.unit_of_work() as uow:
            await uow.session.execute(insert(ProcessedUpdate).values(update_id=2, processed_at=AT))

    await asyncio.gather(holds_the_lock_and_waits(), another_person())
    assert await count(db) == 2
    await db.dispose()


async def test_people_handled_side_by_side_each_read_then_write(db: Database) -> None:
    storage = storage_on(db)

    async def update(update_id: int) -> None:
        async with storage.unit_of_work() as uow:
            await uow.people.profile(update_id)  # a read first, then the write
            await asyncio.sleep(0)
            await uow.session.execute(
                insert(ProcessedUpdate).values(update_id=update_id, processed_at=AT)
            )

    await asyncio.gather(*(update(n) for n in range(1, 17)))
    assert await count(db) == 16
    await db.dispose()


async def test_a_queue_longer_than_the_busy_timeout_is_still_served_in_turn(db: Database) -> None:
    # Each holds the write lock 0.4 s (the loop busy with everyone else), 14 at once: the last
    # waits 5.2 s, past SQLite's busy_timeout of 5 s, which polls and then gives up.
    storage = storage_on(db)
    done: list[int] = []

    async def update(update_id: int) -> None:
        async with storage.unit_of_work() as uow:
            await uow.session.execute(
                insert(ProcessedUpdate).values(update_id=update_id, processed_at=AT)
            )
            await asyncio.sleep(0.4)
        done.append(update_id)

    await asyncio.gather(*(update(n) for n in range(1, 15)))
    assert done == list(range(1, 15))  # in the order they came
    await db.dispose()


async def test_a_unit_of_work_inside_another_is_refused_not_left_waiting_for_itself(
    db: Database,
) -> None:
    storage = storage_on(db)
    async with storage.unit_of_work():
        with pytest.raises(RuntimeError, match="inside another"):
            async with storage.unit_of_work():
                pass
    async with storage.unit_of_work() as uow:  # and the next one is fine
        assert await uow.people.profile(1) is None
    await db.dispose()


async def test_a_connection_given_back_mid_transaction_is_rolled_back_and_a_clean_one_is_not(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back in the pool, a connection is rolled back only if its transaction is still open:
    a clean one costs no trip to aiosqlite's thread, an open one keeps no lock or row."""
    import aiosqlite

    rollbacks: list[bool] = []
    real = aiosqlite.Connection.rollback

    async def counted(self: aiosqlite.Connection) -> None:
        rollbacks.append(self.in_transaction)
        await real(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", counted)
    async with db.session() as session, session.begin():
        await session.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
    assert rollbacks == []  # committed: nothing to undo
    async with db.engine.connect() as conn:  # closed with its transaction open
        await conn.execute(insert(ProcessedUpdate).values(update_id=2, processed_at=AT))
        assert conn.in_transaction()
    assert rollbacks == [True]
    assert await count(db) == 1  # update 2 was not kept ...
    async with db.engine.begin() as conn:  # ... and no lock was: another write goes through
        await conn.execute(insert(ProcessedUpdate).values(update_id=3, processed_at=AT))
    assert await count(db) == 2
    await db.dispose()
