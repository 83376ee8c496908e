"""SQLite for the asyncio engine without a thread hop per call.

aiosqlite runs every call (cursor, execute, fetch, close) on a worker thread and wakes the
event loop for each result. Measured here (docs/performance.md): a one-row SELECT by key costs
about 6 µs in sqlite3 and 210 µs through aiosqlite; through SQLAlchemy's adapter, 450-950 µs.
So the embedded database answers inline on the event loop thread instead: each call is a few
microseconds of work on a local file, far less than the hop that would hide it.

This is the "driver-level asyncio connection" that SQLAlchemy's aiosqlite dialect expects
(`create_async_engine(..., async_creator=...)`): the same method names, each a coroutine that
finishes without suspending. Errors are sqlite3's own, which aiosqlite also raises.

The price: a statement that waits for a lock (another process writing the same file, up to
`busy_timeout`) holds the loop while it waits. The embedded database serves one bot process;
several instances belong on PostgreSQL (README "Production").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Self:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Self:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunNow:
    """SQLAlchemy sets `isolation_level` by queueing a call on aiosqlite's worker thread
    (`_tx.put_nowait((future, function))`); with no thread, the call runs at once."""

    @staticmethod
    def put_nowait(item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(error)


class InlineConnection:
    _tx = _RunNow()

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # SQLAlchemy checks it is set

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._live().cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return InlineCursor(self._live().execute(sql, parameters))

    async def commit(self) -> None:
        self._live().commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._live().create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def _live(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")  # aiosqlite's words; SQLAlchemy maps them
        return self._connection


def connector(path: str) -> Callable[[], Any]:
    """The `async_creator` for a SQLite file."""

    async def connect() -> InlineConnection:
        # The pool may close a connection from another thread (garbage collection, disposal).
        return InlineConnection(sqlite3.connect(path, check_same_thread=False))

    return connect
