"""`python -m benchmarks.scale [--postgres URL]`: the service over 1,000,000 referrals
(issues 12 and 13), on the real code through the unit of work, with the query plans.

- One nudge sweep with 10, 100 and 1,000 cases due (target: under 100 ms a sweep, growing
  with the number due, not the total), and where the time of 1,000 goes, step by step. A
  sweep is what the bot runs each minute: each transaction claims and owes up to a batch of
  1,000 cases (`nudge_sweep.BATCH`) and is committed, until none is left.
- `/summary` for one LA's manager and for a national manager (target under 1 s).
- The monitoring return for one period, one LA and all Wales (target under 2 s).

Each figure is the median of several runs (the spread shown). The data (benchmarks/
scale_data.py) is made once and kept; generation is not what is measured. The machine's
load average is printed: other work on a shared machine moves the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, text

from benchmarks import scale_data as data
from benchmarks import sweep_phases
from bot import collector
from conversations.access import Actor
from conversations.monitoring import service as monitoring_service
from conversations.notifications import nudge_sweep
from conversations.summary import chart
from conversations.summary import service as summary_service
from conversations.summary.figures import week_start
from state_machine.clock import FixedClock
from state_machine.monitoring import Window
from state_machine.periods import Period
from storage.crypto import FieldCipher
from storage.database import Database
from storage.monitoring import attended_query, cases_query, measured_query, touching
from storage.nudges import due_query
from storage.summary import (
    Scope,
    live_query,
    monthly_query,
    outcomes_query,
    period_query,
    received_query,
    welsh_query,
)
from storage.uow import Storage

RETURN_PERIOD = Period(2026, 1)  # 2026-H1, the last period ended on NOW
LATER = data.NOW + timedelta(days=1)  # where the due set's cases not wanted due are moved


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


async def open_storage(url: str | None, n: int, fresh: bool) -> Storage:
    if url:
        await data.postgres_schema(url, n, fresh=fresh)
        db = Database(url, **data.schema_options())
    else:
        path = await data.sqlite_database(n, fresh=fresh)
        db = Database(f"sqlite:///{path}")
    clock = FixedClock(data.NOW)
    return Storage(db, clock, FieldCipher(data.BENCH_KEY), data.TZ)


async def timed(
    what: str, runs: int, once: Callable[[], Awaitable[Any]], prepare: Callable[[], Awaitable[Any]]
) -> tuple[float, Any]:
    """The median of `runs` runs of `once` (each after `prepare`), in seconds, printed."""
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        await prepare()
        started = time.perf_counter()
        result = await once()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"  {what:<52} median {median * 1e3:8.1f} ms  "
          f"(min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f}; {runs} runs)")  # fmt: skip
    return median, result


async def nothing() -> None:
    return None


# --- the nudge sweep ------------------------------------------------------------------


async def due_set(storage: Storage) -> list[int]:
    """The cases whose first-session reminder falls due this morning (scale_data.DUE_DAYS)."""
    async with storage.unit_of_work() as uow:
        days = [data.NOW.astimezone(data.TZ).date() - timedelta(days=d) for d in data.DUE_DAYS]
        ids: list[int] = []
        for day in days:
            start = datetime.combine(day, datetime.min.time(), data.TZ)
            rows = await uow.session.execute(
                text("SELECT id FROM referrals WHERE received_at >= :a AND received_at < :b "
                     "AND state = 'allocated' AND first_session_date IS NULL ORDER BY id"),
                {"a": _param(uow, start), "b": _param(uow, start + timedelta(days=1))},
            )  # fmt: skip
            ids += [int(r[0]) for r in rows]
        return ids


def _param(uow: Any, at: datetime) -> Any:
    """A moment as a bound parameter of a plain-text statement (SQLite keeps naive UTC text)."""
    if uow.session.bind.dialect.name == "sqlite":
        return data._sqlite_value(at)
    return at


async def make_due(storage: Storage, ids: Sequence[int], n: int) -> None:
    """Exactly the first `n` of the due set due now; the ledger and the notices emptied (the
    generated data has none, so what a sweep owed is all that is there)."""
    async with storage.unit_of_work() as uow:
        s = uow.session
        for chunk_start in range(0, len(ids), 500):
            chunk = list(ids[chunk_start : chunk_start + 500])
            due = [i for k, i in enumerate(chunk, start=chunk_start) if k < n]
            later = [i for k, i in enumerate(chunk, start=chunk_start) if k >= n]
            for wanted, at in ((due, data.DUE_AT), (later, LATER)):
                if wanted:
                    await s.execute(
                        text("UPDATE referrals SET next_nudge_at = :at WHERE id IN :ids")
                        .bindparams(bindparam("ids", expanding=True)),
                        {"at": _param(uow, at), "ids": wanted},
                    )  # fmt: skip
        for table in ("nudge_ledger", "notifications", "button_tokens"):
            await s.execute(text(f"DELETE FROM {table}"))
        await s.execute(text("DELETE FROM audit_events WHERE at >= :at"),
                        {"at": _param(uow, data.NOW - timedelta(days=1))})  # fmt: skip


async def sweep_all(storage: Storage) -> tuple[int, list[float]]:
    """What the bot's nudge job does each minute: transactions of up to a batch each until
    nothing due is left. The notices owed, and each transaction's time."""
    owed, each = 0, []
    for _ in range(1000):
        started = time.perf_counter()
        async with storage.unit_of_work() as uow:
            swept = await nudge_sweep.sweep(uow)
        each.append(time.perf_counter() - started)
        owed += len(swept.notices)
        if not swept.more:
            break
    return owed, each


async def bench_sweep(storage: Storage, runs: int) -> dict[str, float]:
    ids = await due_set(storage)
    print(f"nudge sweep ({len(ids):,} cases in the due set; {load()})")
    out: dict[str, float] = {}
    for n in (0, 10, 100, 1000):
        n = min(n, len(ids))
        batches: list[float] = []

        async def once(batches: list[float] = batches) -> int:
            owed, each = await sweep_all(storage)
            batches.extend(each)
            return owed

        async def prepare(n: int = n) -> None:
            await make_due(storage, ids, n)

        median, owed = await timed(f"sweep, {n:>4} due, whole catch-up", runs, once, prepare)
        assert owed == n, f"{owed} notices owed for {n} due"
        per_batch = statistics.median(batches)
        print(f"  {'':<52} {len(batches) // runs} transaction(s) a sweep, median "
              f"{per_batch * 1e3:.1f} ms each")  # fmt: skip
        out[f"sweep_{n}"] = median
        out[f"sweep_{n}_batch"] = per_batch
    await sweep_steps(storage, ids, runs)
    await make_due(storage, ids, len(ids))  # as generated
    return out


async def sweep_steps(storage: Storage, ids: Sequence[int], runs: int) -> None:
    """Where the time of a sweep of 1,000 due goes (benchmarks/sweep_phases.py)."""
    with sweep_phases.timing() as phases:
        for _ in range(runs):
            await make_due(storage, ids, 1000)
            started = time.perf_counter()
            await sweep_all(storage)
            phases.total += time.perf_counter() - started
            phases.runs += 1
    print(f"  a sweep of 1,000 due, step by step (mean of {runs} runs, each step wrapped)")
    for line in phases.report():
        print(f"    {line}")


# --- /summary and the return ----------------------------------------------------------


def people() -> data.People:
    return data.people()


def manager(user_id: int, la_codes: tuple[str, ...], national: bool = False) -> Actor:
    return Actor(user_id=user_id, telegram_id=500_000 + user_id, name="Manager", role="manager",
                 force_code=None, la_codes=la_codes, national=national, language="en")  # fmt: skip


async def bench_summary(storage: Storage, runs: int) -> dict[str, float]:
    who = people()
    actors = {
        "one LA (Cardiff)": manager(who.managers["cardiff"][0], ("cardiff",)),
        "all Wales (national manager)": manager(who.national_manager, (), national=True),
    }
    print(f"/summary ({load()})")
    out: dict[str, float] = {}
    for name, actor in actors.items():

        async def once(actor: Actor = actor) -> int:
            async with storage.unit_of_work() as uow:
                outcome = await summary_service.command(uow, actor)
            return len(outcome.replies)

        median, replies = await timed(f"/summary, {name}", runs, once, nothing)
        out[f"summary {name}"] = median

        async def read_only(actor: Actor = actor) -> None:
            scope = summary_service.scope_of(actor)
            assert scope is not None
            async with storage.unit_of_work() as uow:
                await summary_service.read(uow, scope)

        await timed(f"  of which the reads ({replies} messages)", runs, read_only, nothing)
    return out


async def bench_return(storage: Storage, runs: int) -> dict[str, float]:
    who = people()
    actors = {
        "one LA (Cardiff)": manager(who.managers["cardiff"][0], ("cardiff",)),
        "all Wales (national manager)": manager(who.national_manager, (), national=True),
    }
    print(f"the monitoring return, {RETURN_PERIOD.name} ({load()})")
    out: dict[str, float] = {}
    for name, actor in actors.items():

        async def once(actor: Actor = actor) -> int:
            async with storage.unit_of_work() as uow:
                outcome = await monitoring_service.command(uow, actor, f"{RETURN_PERIOD.name} xlsx")
            document = outcome.replies[0].document
            assert document is not None
            return len(document.data)

        median, _ = await timed(f"/return {RETURN_PERIOD.name} xlsx, {name}", runs, once, nothing)
        out[f"return {name}"] = median

        async def cases(actor: Actor = actor) -> int:
            las = monitoring_service.scope_of(actor)
            async with storage.unit_of_work() as uow:
                window = Window(RETURN_PERIOD, uow.clock.now(), uow.tz)
                found = await uow.monitoring.cases(window, las)
            return len(found)

        _, n = await timed("  of which reading the cases", runs, cases, nothing)
        print(f"  {'':<52} {n:,} referrals read")
    return out


# --- query plans ----------------------------------------------------------------------


async def explain(storage: Storage, statement: Any) -> list[str]:
    async with storage.unit_of_work() as uow:
        connection = await uow.session.connection()
        dialect = connection.dialect
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        names = compiled.positiontup or []
        params = tuple(compiled.params[name] for name in names)
        if dialect.name == "postgresql":
            rows = await connection.exec_driver_sql(f"EXPLAIN {compiled}", params)
        else:
            params = tuple(data._sqlite_value(p) for p in params)
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
        return [str(row[-1]) for row in rows]


def plans() -> list[tuple[str, Select[Any] | Any]]:
    """Each statement that grows with the data, as the code builds it."""
    today = data.NOW.astimezone(data.TZ).date()
    period = Period.containing(today)
    begins = period.starts_at(data.TZ)
    monday = datetime.combine(week_start(today), datetime.min.time(), data.TZ)
    since = min(begins, data.NOW - summary_service.YEAR, monday)
    months = chart.starts(data.NOW, data.TZ)
    ids = list(range(990_001, 990_101))
    out: list[tuple[str, Select[Any] | Any]] = [
        ("the sweep's due cases", due_query(data.NOW, nudge_sweep.BATCH)),
    ]
    for name, scope in (("one LA", Scope(("cardiff",))), ("all Wales", Scope(None))):
        out += [
            (f"/summary live, {name}", live_query(scope)),
            (f"/summary received this week, {name}", received_query(scope, monday)),
            (f"/summary received this period, {name}", period_query(scope, begins)),
            (f"/summary the chart's months, {name}", monthly_query(scope, since, months)),
            (f"/summary outcomes this period, {name}", outcomes_query(scope, begins, data.NOW)),
        ]
    out += [
        ("/summary Welsh sessions (100 referrals)", welsh_query(ids)),
        ("the return: the referrals a period touches", touching(RETURN_PERIOD, data.TZ)),
        ("the return: their columns, all Wales", cases_query(RETURN_PERIOD, data.TZ, None)),
        ("the return: their columns, one LA", cases_query(RETURN_PERIOD, data.TZ, ["cardiff"])),
        ("the return: attended sessions counted (100 referrals)", attended_query(ids)),
        ("the return: an end measure in the period", measured_query(RETURN_PERIOD)),
    ]
    return out


async def show_plans(storage: Storage) -> None:
    print("query plans")
    for name, statement in plans():
        print(f"  {name}:")
        for line in await explain(storage, statement):
            print(f"    {line}")


async def main(url: str | None, n: int, runs: int, fresh: bool, only: set[str]) -> None:
    kind = "PostgreSQL" if url else "SQLite"
    print(f"{kind}, {n:,} referrals; {load()}")
    started = time.perf_counter()
    storage = await open_storage(url, n, fresh)
    print(f"  data ready in {time.perf_counter() - started:.0f} s")
    try:
        if not only or "plans" in only:
            await show_plans(storage)
        if not only or "sweep" in only:
            await bench_sweep(storage, runs)
        if not only or "summary" in only:
            await bench_summary(storage, runs)
        if not only or "return" in only:
            await bench_return(storage, runs)
    finally:
        await storage.db.dispose()
    print(f"done; {load()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--postgres", metavar="URL", help="on PostgreSQL (a schema of its own)")
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="runs of each (the median shown)")
    parser.add_argument("--fresh", action="store_true", help="make the data again")
    parser.add_argument("--only", action="append", default=[],
                        choices=("plans", "sweep", "summary", "return"))  # fmt: skip
    args = parser.parse_args()
    collector.tune()  # as `oocps` sets it
    asyncio.run(main(args.postgres, args.referrals, args.runs, args.fresh, set(args.only)))
