"""The embedded database answers inline (storage/sqlite_inline.py): same behaviour, no thread."""

from __future__ import annotations

import asyncio
import threading
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


async def test_no_worker_thread_and_the_same_results(db: Database) -> None:
    threads = threading.active_count()
    async with db.session() as session, session.begin():
        await session.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
    assert await count(db) == 1
    async with db.session() as session:
        stored = await session.get(ProcessedUpdate, 1)
        assert stored is not None and stored.processed_at == AT  # types round-trip
    assert threading.active_count() == threads
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


async def test_a_unit_of_work_that_lets_another_in_is_refused_not_left_to_deadlock(
    db: Database,
) -> None:
    storage = Storage(db, FixedClock(AT), FieldCipher(FieldCipher.generate_key()), LONDON)
    inside = asyncio.Event()

    async def waits_on_something_else() -> None:
        async with storage.unit_of_work() as uow:
            await uow.people.profile(1)
            inside.set()
            await asyncio.sleep(0.05)  # e.g. an HTTP call inside a transaction: not allowed

    async def another_person() -> None:
        await inside.wait()
        async with storage.unit_of_work():
            pass

    first = asyncio.create_task(waits_on_something_else())
    with pytest.raises(RuntimeError, match="another was open"):
        await another_person()
    await first
    async with storage.unit_of_work() as uow:  # and the next one, once it is over, is fine
        assert await uow.people.profile(1) is None
    await db.dispose()
