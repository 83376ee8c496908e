"""Migrations: from empty to head and back, on SQLite and PostgreSQL, matching the models."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.database import create_engine
from storage.models import Base, LocalAuthority, PoliceForce
from tests.conftest import BACKENDS, POSTGRES_URL, _create_schema, drop_schema, pg_schema_args


@pytest.fixture(params=BACKENDS)
async def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        await engine.dispose()
    else:
        assert POSTGRES_URL
        schema = f"oocps_mig_{uuid.uuid4().hex[:8]}"
        await _create_schema(schema, migrated=False)
        engine = create_engine(POSTGRES_URL, **pg_schema_args(schema))
        yield engine
        await engine.dispose()
        await drop_schema(schema)


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_an_empty_database_upgrades_to_head_and_back(empty_engine: AsyncEngine) -> None:
    assert await migrate.current(empty_engine) is None
    await migrate.upgrade(empty_engine)
    assert await migrate.current(empty_engine) == migrate.head()
    assert set(Base.metadata.tables) <= await tables(empty_engine)

    await migrate.downgrade(empty_engine, "base")
    assert await migrate.current(empty_engine) is None
    assert await tables(empty_engine) <= {"alembic_version"}

    await migrate.upgrade(empty_engine)  # and up again: downgrade left nothing behind
    assert await migrate.current(empty_engine) == migrate.head()


async def test_the_migrations_build_exactly_what_the_models_declare(
    empty_engine: AsyncEngine,
) -> None:
    await migrate.upgrade(empty_engine)
    async with empty_engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
            )
        )
    assert diff == [], "models and migrations differ: add a migration"


async def test_the_22_welsh_local_authorities_and_the_forces_are_seeded(
    empty_engine: AsyncEngine,
) -> None:
    await migrate.upgrade(empty_engine)
    async with empty_engine.connect() as conn:
        las = (await conn.execute(select(LocalAuthority).order_by(LocalAuthority.gss_code))).all()
        forces = {r.code: r for r in (await conn.execute(select(PoliceForce))).all()}
    assert len(las) == 22
    by_code = {la.code: la for la in las}
    assert by_code["cardiff"].name_cy == "Caerdydd"
    assert by_code["isle-of-anglesey"].name_cy == "Ynys Môn"
    assert by_code["merthyr-tydfil"].gss_code == "W06000024"
    assert {la.police_force for la in las} == {"dyfed-powys", "gwent", "north-wales", "south-wales"}
    assert set(forces) == {"dyfed-powys", "gwent", "north-wales", "south-wales", "other"}
    assert forces["north-wales"].name_cy == "Heddlu Gogledd Cymru"


async def test_the_audit_log_refuses_updates_and_deletes_in_the_database(
    empty_engine: AsyncEngine,
) -> None:
    await migrate.upgrade(empty_engine)
    async with empty_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, details) "
                "VALUES (CURRENT_TIMESTAMP, 'system:test', 'test', '{}')"
            )
        )
    for statement in ("UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            async with empty_engine.begin() as conn:
                await conn.execute(text(statement))
    async with empty_engine.connect() as conn:
        assert (await conn.execute(text("SELECT action FROM audit_events"))).scalar() == "test"
