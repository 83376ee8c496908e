"""SQLite statements make one trip to aiosqlite's thread each (storage/sqlite_trips.py): a
query, a write and a many-row write, with their rows, counts and errors as before. Through
SQLAlchemy's own adapter a query was four trips (cursor, execute, fetch, close) and a write
three; the trips are what a unit of work waits on while it holds SQLite's turn."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from storage import migrate
from storage.database import Database
from storage.models import ProcessedUpdate

AT = datetime(2026, 11, 23, 10, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'trips.sqlite3'}")
    await migrate.upgrade(database.engine)
    return database


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of each function sent to an aiosqlite connection's thread."""
    sent: list[str] = []
    real = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    yield sent


async def test_a_query_a_write_and_a_many_row_write_are_one_trip_each(
    db: Database, trips: list[str]
) -> None:
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))  # the connection is made and set up
        trips.clear()
        await conn.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
        assert len(trips) == 1
        rows = [{"update_id": n, "processed_at": AT} for n in (2, 3, 4)]
        await conn.execute(insert(ProcessedUpdate), rows)
        assert len(trips) == 2
        found = (await conn.execute(select(ProcessedUpdate.update_id).order_by("update_id"))).all()
        assert [row.update_id for row in found] == [1, 2, 3, 4]
        assert len(trips) == 3
        changed = await conn.execute(update(ProcessedUpdate).values(reply=b"x"))
        assert changed.rowcount == 4
        await conn.commit()
    assert len(trips) == 5  # the update, then the commit: its own trip, as in aiosqlite


async def test_rows_come_whole_and_an_error_is_sqlalchemys(db: Database, trips: list[str]) -> None:
    async with db.engine.begin() as conn:
        rows = [{"update_id": n, "processed_at": AT} for n in range(1, 1001)]
        await conn.execute(insert(ProcessedUpdate), rows)
        trips.clear()
        result = await conn.execute(select(ProcessedUpdate.update_id))
        assert result.fetchone() is not None
        assert len(result.fetchmany(10)) == 10
        assert len(result.fetchall()) == 989
        assert len(trips) == 1  # every row came in the one trip
        returned = await conn.execute(
            insert(ProcessedUpdate).values(update_id=5000, processed_at=AT)
            .returning(ProcessedUpdate.update_id)
        )  # fmt: skip
        assert returned.scalar() == 5000
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with db.engine.begin() as conn:
            await conn.execute(insert(ProcessedUpdate).values(update_id=1, processed_at=AT))
    async with db.engine.connect() as conn:  # the connection is fine after the error
        assert (await conn.execute(text("SELECT count(*) FROM processed_updates"))).scalar() == 1001
    await db.dispose()
