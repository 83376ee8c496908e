"""Shared fixtures: a migrated database on SQLite and, where configured, on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from state_machine.clock import FixedClock
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import Database, create_engine
from storage.uow import Storage
from tests.fakeapi import FakeBotApi

POSTGRES_URL = os.environ.get("OOCPS_TEST_POSTGRES_URL")
NO_POSTGRES = "OOCPS_TEST_POSTGRES_URL is not set: PostgreSQL storage tests skipped"
BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)),
]
REFERENCE_TABLES = {"police_forces", "local_authorities", "alembic_version"}
LONDON = ZoneInfo("Europe/London")
TEST_KEY = FieldCipher.generate_key()


def pytest_report_header() -> str:
    return f"PostgreSQL tests: {f'on {POSTGRES_URL}' if POSTGRES_URL else NO_POSTGRES}"


def pg_schema_args(schema: str) -> dict[str, object]:
    return {"connect_args": {"server_settings": {"search_path": schema}}}


async def _create_schema(schema: str, *, migrated: bool) -> None:
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await engine.dispose()
    if migrated:
        engine = create_engine(POSTGRES_URL, **pg_schema_args(schema))
        await migrate.upgrade(engine)
        await engine.dispose()


async def drop_schema(schema: str) -> None:
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per run; each test gets a copy (much faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "oocps.sqlite3"

    async def build() -> None:
        engine = create_engine(f"sqlite:///{path}")
        await migrate.upgrade(engine)
        await engine.dispose()

    run_apart(build())
    return path


def run_apart(coro: Coroutine[Any, Any, None]) -> None:
    """Run set-up on its own loop in a thread: session fixtures may be first asked for
    from inside a test's running loop, where asyncio.run() is not allowed."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    schema = f"oocps_test_{uuid.uuid4().hex[:8]}"
    run_apart(_create_schema(schema, migrated=True))
    yield schema
    run_apart(drop_schema(schema))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # a Monday morning


@pytest.fixture(params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "oocps.sqlite3"
        shutil.copy(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
    else:
        schema = request.getfixturevalue("pg_schema")
        assert POSTGRES_URL
        db = Database(POSTGRES_URL, **pg_schema_args(schema))
        async with db.engine.begin() as conn:
            names = await conn.run_sync(lambda c: c.dialect.get_table_names(c, schema=schema))
            wipe = ", ".join(f'"{n}"' for n in names if n not in REFERENCE_TABLES)
            await conn.execute(text(f"TRUNCATE {wipe} RESTART IDENTITY CASCADE"))
    yield db
    await db.dispose()


@pytest.fixture
def storage(database: Database, clock: FixedClock) -> Storage:
    return Storage(database, clock, FieldCipher(TEST_KEY), LONDON)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API, for the real bot to run against (a module may have its own)."""
    async with FakeBotApi(token="6060:TESTS", bot_username="oocps_test_bot") as server:
        yield server
