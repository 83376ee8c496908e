"""`make bench`: the suite's year of the service (tests/simulation.py), larger: more referrals,
the same people, the same invariants. Prints how long it took and what was sent; exits 1 if an
invariant broke. On PostgreSQL (`--postgres URL`) two sweepers run at every moment.

    python -m benchmarks.simulation [--referrals 150] [--days 365] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from sqlalchemy import text

from bot import collector
from state_machine.clock import FixedClock
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import Database, create_engine
from storage.uow import Storage
from tests.simulation import LONDON, Findings, Simulation, Year, findings, quick_pdf

BROKEN = ("sent_twice", "never_sent", "out_of_hours", "managers_not_told",
          "closed_unacknowledged", "out_of_scope")  # fmt: skip


async def _database(postgres: str | None, folder: Path) -> tuple[Database, str | None]:
    if postgres is None:
        url = f"sqlite:///{folder / 'year.sqlite3'}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()
        return Database(url), None
    schema = f"oocps_year_{uuid.uuid4().hex[:8]}"
    engine = create_engine(postgres)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await engine.dispose()
    args = {"connect_args": {"server_settings": {"search_path": schema}}}
    engine = create_engine(postgres, **args)
    await migrate.upgrade(engine)
    await engine.dispose()
    return Database(postgres, **args), schema


async def run(year: Year, postgres: str | None) -> int:
    with tempfile.TemporaryDirectory() as folder:
        db, schema = await _database(postgres, Path(folder))
        clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
        storage = Storage(db, clock, FieldCipher(FieldCipher.generate_key()), LONDON)
        second = None if schema is None else Storage(db.clone(), clock, storage.cipher, LONDON)
        sim = Simulation(storage, clock, year, second=second)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            figures = await sim.run()
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            found = await findings(sim)
        finally:
            if second is not None:
                await second.db.dispose()
            await db.dispose()
            if schema is not None and postgres is not None:
                engine = create_engine(postgres)
                async with engine.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                await engine.dispose()
    kind = "PostgreSQL, two sweepers" if schema else "SQLite, one sweeper"
    print(f"A year of the service ({kind}): {year.referrals} referrals over {year.days} days")
    print(
        f"  {took:.1f} s ({cpu:.1f} s of this process's CPU): {figures.steps} moments, "
        f"{figures.sweeps} sweeps, {1000 * took / max(figures.steps, 1):.0f} ms a moment "
        "(the people's turns, screenings included)"
    )
    print(
        f"  nudges sent: {sum(found.rules_sent.values())} "
        f"({', '.join(f'{r} {n}' for r, n in sorted(found.rules_sent.items()))})"
    )
    print(f"  claims: {dict(found.ledger)}; reminders asked for: {sum(figures.snoozes.values())}")
    print(f"  sweepers: {dict(figures.by_sweeper)}; killed: {', '.join(figures.kills)}")
    print(
        f"  closed after the police acknowledged: {found.closed}; "
        f"awaiting the police: {found.awaiting_police}"
    )
    print(f"  past a deadline no rule tells the managers of yet: {len(found.not_yet_chased)}")
    broken = _broken(found)
    for name in broken:
        print(f"  INVARIANT BROKEN: {name}: {getattr(found, name)[:5]}")
    print("  invariants: " + ("all hold" if not broken else f"{len(broken)} broken"))
    return 1 if broken else 0


def _broken(found: Findings) -> list[str]:
    names = {f.name for f in fields(found)}
    return [name for name in BROKEN if name in names and getattr(found, name)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=150)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--postgres", help="a PostgreSQL URL: two sweepers at once there")
    args = parser.parse_args()
    patches: list[mock._patch[object]] = []
    quick_pdf(lambda name, value: patches.append(mock.patch(name, value)))
    for patch in patches:
        patch.start()
    year = Year(referrals=args.referrals, days=args.days)
    collector.tune()  # as `oocps` sets it
    sys.exit(asyncio.run(run(year, args.postgres)))


if __name__ == "__main__":
    main()
