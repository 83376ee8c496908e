"""The async engine and session factory for SQLite (default) or PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState

from storage import sqlite_trips

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str | URL) -> URL:
    """The same database with its asyncio driver (`postgresql://` -> `postgresql+asyncpg://`)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(f"unsupported database '{backend}': use sqlite or postgresql")
    return parsed.set(drivername=_ASYNC_DRIVERS[backend])


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL cannot corrupt the database; a power cut may lose the last commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _rollback_if_open(dbapi_connection: Any, record: Any, state: PoolResetState) -> None:
    """A connection back in the pool is rolled back only if a transaction is still open.
    SQLAlchemy's default rolls back every time, and through aiosqlite that is a trip to its
    worker thread after every commit, for nothing (docs/performance.md, 2026-12-02)."""
    if state.terminate_only or not state.asyncio_safe:
        return  # being thrown away, or outside the event loop: nothing to keep clean
    if record.driver_connection is not None and record.driver_connection.in_transaction:
        dbapi_connection.rollback()


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An engine for `url`; SQLite (through aiosqlite, each call on its worker thread, so a
    wait for another process's lock leaves the event loop free; one trip there a statement,
    storage/sqlite_trips.py) gets foreign keys, WAL and a busy timeout on every connect."""
    target = async_url(url)
    if target.get_backend_name() != "sqlite":
        return create_async_engine(target, **kwargs)
    if not target.database or target.database == ":memory:":
        raise ValueError("SQLite needs a file (sqlite:///path): each connection would get "
                         "a database of its own")  # fmt: skip
    engine = create_async_engine(
        target, module=sqlite_trips.dbapi(), pool_reset_on_return=None, **kwargs
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "reset", _rollback_if_open)
    return engine


class Turns:
    """SQLite lets one connection write at a time. This process's units of work queue for
    that here, in order, instead of in SQLite's busy handler, which polls with growing sleeps:
    16 at once on a busy event loop, some waited past busy_timeout there and failed
    (docs/performance.md, 2026-12-02). Another process's lock is still waited for in SQLite,
    on aiosqlite's thread."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    async def take(self) -> None:
        if self._holder is not None and self._holder is asyncio.current_task():
            raise RuntimeError("a unit of work began inside another: it would wait for itself")
        await self._lock.acquire()
        self._holder = asyncio.current_task()

    def give_back(self) -> None:
        self._holder = None
        self._lock.release()


class Database:
    """One engine and its session factory, built once by the composition root."""

    def __init__(self, url: str | URL, **engine_kwargs: Any) -> None:
        self.url = async_url(url)
        self._engine_kwargs = engine_kwargs
        self.engine = create_engine(self.url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.turns = None if self.is_postgresql else Turns()

    @property
    def is_postgresql(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    def clone(self) -> Database:
        """Another engine on the same database (e.g. for another thread's event loop)."""
        return Database(self.url, **self._engine_kwargs)

    def session(self) -> AsyncSession:
        return self.sessions()

    async def dispose(self) -> None:
        await self.engine.dispose()
