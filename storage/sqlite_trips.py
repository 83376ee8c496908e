"""SQLite through aiosqlite, one trip to its thread a statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread for a query (make
a cursor, execute, fetch, close) and three for a write. Each trip is a hand-off between threads
and back to the event loop, and while a unit of work waits for them it holds this process's
SQLite turn (`database.Turns`): measured, the trips were most of the turn's time and so set
the screening's rate (docs/performance.md, "one trip a statement"). Here the four run as one
function on aiosqlite's own thread, so every statement still runs where aiosqlite runs it and
a lock wait still leaves the event loop free.

It is plugged in through `create_engine(module=...)` (the documented way to give a dialect
another DBAPI); only the plain cursor changes: server-side cursors, connections, commits and
errors are SQLAlchemy's and aiosqlite's own. aiosqlite has no public call to run a function on
its thread, so `Connection._execute` is used, as SQLAlchemy's adapter uses its queue; the
suite's trip count (`tests/test_sqlite_trips.py`) fails if that changes under us.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from types import ModuleType
from typing import Any, cast

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

Ran = tuple[Any, list[Any] | None, int, int | None]  # description, rows, rowcount, lastrowid


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Ran:
    """On aiosqlite's thread: the statement, its rows and its counts, the cursor closed."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statement, rows and close are one trip; nothing is left open
    on aiosqlite's thread afterwards."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # The base class makes the aiosqlite cursor here, a trip of its own: not needed.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._rows = collections.deque()
        self._soft_closed_memoized = EMPTY_DICT
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]  # DBAPI: None before a write

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._ran(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._ran(operation, seq_of_parameters, many=True)

    async def _ran(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        on_its_thread = cast(Callable[..., Awaitable[Ran]], connection._execute)
        async with self._adapt_connection._execute_mutex:
            ran = await on_its_thread(_run, connection._conn, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = ran
        self._rows = collections.deque(rows or ())

    async def _async_soft_close(self) -> None:
        return  # closed on aiosqlite's thread already

    def close(self) -> None:
        self._rows.clear()


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite as SQLAlchemy adapts it, with `OneTripCursor` for its plain cursors."""

    def connect(self, *arg: Any, **kw: Any) -> _Connection:
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)


def dbapi() -> ModuleType:
    """The `module=` for an sqlite+aiosqlite engine."""
    made: Any = OneTripDBAPI(aiosqlite, sqlite3)
    return made  # type: ignore[no-any-return]


__all__: Sequence[str] = ("OneTripCursor", "OneTripDBAPI", "dbapi")
