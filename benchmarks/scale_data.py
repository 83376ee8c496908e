"""A million referrals for `python -m benchmarks.scale` (issues 12 and 13), made fast.

Eight years of the service across the 22 LAs, seen on Wednesday 25 November 2026 at 10:00
(GMT, working time): most cases long closed with their outcome, sessions, contact attempts
and end measures; a small open set of the last weeks; and, received 7, 14 and 18 days
before, cases allocated with no first-session date, each with a reminder due this morning
(the sweep's due set). Rows go in with one `executemany` per table in big batches (SQLite)
or `COPY` (PostgreSQL, asyncpg's `copy_records_to_table`), after the real migrations made
the schema. The SQLite file is kept under the temporary folder, keyed by the schema's
revision and the size, and reused; the PostgreSQL schema likewise.

Deterministic: the same seed gives the same rows, so before/after figures read the same data.
"""

from __future__ import annotations

import asyncio
import base64
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from state_machine.case import Case, ReferralState
from state_machine.nudges import plan
from state_machine.working_time import WorkingCalendar
from storage import migrate
from storage.crypto import FieldCipher
from storage.database import Database
from storage.nudges import read_rules

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday, 10:00 in Wales (GMT)
DUE_AT = datetime(2026, 11, 25, 9, tzinfo=UTC)  # this morning's reminders: 09:00, working time
TZ = ZoneInfo("Europe/London")
YEARS = 8
GENERATOR = 1  # bump when the rows made change: the cached database is then made again
SCHEMA = "oocps_bench1m"
# A fixed key, so the cached database's personal details decrypt in every run.
BENCH_KEY = base64.urlsafe_b64encode(b"oocps benchmark key, not secret!").decode("ascii")
LAS: tuple[tuple[str, str, int], ...] = (  # code, force, weight (about the population, 1000s)
    ("isle-of-anglesey", "north-wales", 69), ("gwynedd", "north-wales", 117),
    ("conwy", "north-wales", 114), ("denbighshire", "north-wales", 96),
    ("flintshire", "north-wales", 155), ("wrexham", "north-wales", 135),
    ("ceredigion", "dyfed-powys", 71), ("pembrokeshire", "dyfed-powys", 123),
    ("carmarthenshire", "dyfed-powys", 187), ("swansea", "south-wales", 238),
    ("neath-port-talbot", "south-wales", 142), ("bridgend", "south-wales", 145),
    ("vale-of-glamorgan", "south-wales", 132), ("cardiff", "south-wales", 362),
    ("rhondda-cynon-taf", "south-wales", 237), ("caerphilly", "gwent", 175),
    ("blaenau-gwent", "gwent", 67), ("torfaen", "gwent", 92), ("monmouthshire", "gwent", 93),
    ("newport", "gwent", 159), ("powys", "dyfed-powys", 133),
    ("merthyr-tydfil", "south-wales", 59),
)  # fmt: skip
WORKERS, MANAGERS, OFFICERS = 4, 2, 25  # per LA, per LA, per force
DUE_DAYS = (7, 14, 18)  # the first-session reminders falling due this morning
TOOLS = ("sdq_total", "psi4_sf_total")

REFERRAL_COLUMNS = (
    "id", "reference", "state", "state_changed_at", "created_at", "oocd", "force_code",
    "la_code", "referring_officer_id", "yot", "consent_given_at", "received_at",
    "first_session_due", "support_due", "allocated_worker_id", "first_session_date",
    "session_language", "outcome", "outcome_recorded_at", "police_notified_at", "version",
    "referred_la_code", "offered_at", "next_nudge_at", "police_acknowledged_at",
)  # fmt: skip
SESSION_COLUMNS = (
    "id", "referral_id", "worker_id", "held_on", "status", "welsh_medium", "engagement",
    "topics", "recorded_at", "minutes", "delivery", "language",
)  # fmt: skip
MEASURE_COLUMNS = (
    "id", "referral_id", "tool", "phase", "score", "positive", "measured_on", "recorded_by",
    "recorded_at",
)  # fmt: skip
ATTEMPT_COLUMNS = (
    "id", "referral_id", "worker_id", "method", "result", "recorded_at", "attempted_on",
)  # fmt: skip
USER_COLUMNS = (
    "id", "telegram_id", "display_name", "role", "force_code", "national", "language",
    "active", "created_at",
)  # fmt: skip
DETAIL_COLUMNS = ("referral_id", "payload", "recorded_at")


@dataclass
class People:
    """The enrolled users the cases and the benchmark need, by id."""

    workers: dict[str, list[int]] = field(default_factory=dict)
    managers: dict[str, list[int]] = field(default_factory=dict)
    officers: dict[str, list[int]] = field(default_factory=dict)
    national_manager: int = 0
    users: list[tuple[Any, ...]] = field(default_factory=list)
    user_las: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Rows:
    referrals: list[tuple[Any, ...]] = field(default_factory=list)
    sessions: list[tuple[Any, ...]] = field(default_factory=list)
    measures: list[tuple[Any, ...]] = field(default_factory=list)
    attempts: list[tuple[Any, ...]] = field(default_factory=list)
    details: list[tuple[Any, ...]] = field(default_factory=list)
    due: list[int] = field(default_factory=list)  # the due set, in the order the sweep takes it
    live: list[int] = field(default_factory=list)
    attended: dict[int, int] = field(default_factory=dict)  # sessions attended, live cases


def people() -> People:
    p = People()
    created = datetime(2018, 1, 1, tzinfo=UTC)
    uid = 0

    def add(role: str, force: str | None, las: Sequence[str], national: bool = False) -> int:
        nonlocal uid
        uid += 1
        p.users.append((uid, 500_000 + uid, f"{role.title()} {uid}", role, force, national,
                        "cy" if uid % 5 == 0 else "en", True, created))  # fmt: skip
        p.user_las.extend((uid, la) for la in las)
        return uid

    for la, _, _ in LAS:
        p.workers[la] = [add("worker", None, (la,)) for _ in range(WORKERS)]
        p.managers[la] = [add("manager", None, (la,)) for _ in range(MANAGERS)]
    for force in sorted({f for _, f, _ in LAS}):
        p.officers[force] = [add("police", force, ()) for _ in range(OFFICERS)]
    p.national_manager = add("manager", None, (), national=True)
    add("admin", None, ())
    return p


def _local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


def generate(n: int, who: People, seed: int = 20261125) -> Rows:
    """`n` referrals received over YEARS years up to NOW, in order of receipt (ids rise
    with time, as they do in the service), with what happened to each."""
    rng = random.Random(seed)
    cipher = FieldCipher(BENCH_KEY)
    rows = Rows()
    start = NOW - timedelta(days=365 * YEARS)
    span = (NOW - start).total_seconds()
    weights = [w for _, _, w in LAS]
    today = NOW.astimezone(TZ).date()
    due_days = {today - timedelta(days=d) for d in DUE_DAYS}
    sid = mid = aid = 0
    for rid in range(1, n + 1):
        received = start + timedelta(seconds=span * (rid - 0.5) / n)
        la, force, _ = rng.choices(LAS, weights)[0]
        day = received.astimezone(TZ).date()
        age = (today - day).days
        worker = rng.choice(who.workers[la])
        officer = rng.choice(who.officers[force])
        welsh = rng.random() < 0.08
        referred_la = la if rng.random() > 0.01 else rng.choice(LAS)[0]  # a transfer, now here
        first_due, support_due = day + timedelta(days=21), day + timedelta(days=91)
        state, outcome, worker_id, first_date = "referred", None, None, None
        outcome_at = notified = acknowledged = None
        sessions: list[tuple[date, str, bool]] = []
        measures: list[tuple[str, str, bool | None, date]] = []
        attempts = 1
        roll = rng.random()
        if day in due_days:  # this morning's reminder: accepted, no first-session date yet
            state, worker_id = "allocated", worker
        elif age <= 2:
            state = "referred" if roll < 0.6 else "allocated"
            worker_id = None if state == "referred" else worker
        elif (age <= 21 and roll < 0.5) or (age <= 100 and roll < 0.08):
            worker_id, state = worker, "allocated"
            first = day + timedelta(days=rng.randint(5, 19))
            if first <= today:
                state, first_date = "engaged", first
                sessions = _held(rng, first_date, today, welsh, weeks=8)
        else:  # an outcome recorded, and (all but the last weeks') acknowledged by police
            worker_id, kind = worker, rng.random()
            first_date = None if kind < 0.25 else day + timedelta(days=rng.randint(4, 20))
            if first_date is None:
                outcome, done = "not_taken_up", day + timedelta(days=rng.randint(14, 21))
                attempts = 3
            elif kind < 0.85:
                outcome, done = "completed", first_date + timedelta(days=rng.randint(50, 70))
            else:
                outcome, done = "not_engaged", first_date + timedelta(days=rng.randint(20, 50))
            done = max(min(done, today - timedelta(days=1)), day)
            if first_date is not None and first_date > done:
                first_date = done
            if first_date is not None:
                weeks = 6 if outcome == "completed" else 2
                sessions = _held(rng, first_date, done, welsh, weeks=weeks)
            if outcome == "completed" and first_date is not None and rng.random() < 0.7:
                tool = rng.choice(TOOLS)
                measures = [(tool, "start", None, first_date),
                            (tool, "end", rng.random() < 0.6, done)]  # fmt: skip
            outcome_at = _local(done, 15)
            notified = outcome_at + timedelta(minutes=5)
            if (today - done).days > 10 or rng.random() < 0.5:
                acknowledged, state = notified + timedelta(days=1), "closed"
            else:
                state = f"outcome_{outcome}"
        changed = outcome_at or received
        rows.referrals.append((
            rid, f"R-{rid:07X}", state, changed, received - timedelta(minutes=30),
            "community_resolution" if rng.random() < 0.7 else "conditional_caution", force,
            la, officer, False, received - timedelta(minutes=35), received, first_due,
            support_due, worker_id, first_date, "cy" if welsh else "en", outcome, outcome_at,
            notified, 1, referred_la, received, None, acknowledged,
        ))  # fmt: skip
        for held_on, status, medium in sessions:
            sid += 1
            rows.sessions.append((
                sid, rid, worker, held_on, status, medium,
                "appropriate" if status == "attended" else None, "[]", _local(held_on, 17),
                60 if status == "attended" else None, "face_to_face" if status == "attended"
                else None, ("cy" if medium else "en") if status == "attended" else None,
            ))  # fmt: skip
        for tool, phase, positive, on in measures:
            mid += 1
            score = str(rng.randint(10, 30) if tool == "sdq_total" else rng.randint(60, 120))
            rows.measures.append((mid, rid, tool, phase, score, positive, on, worker,
                                  _local(on, 17)))  # fmt: skip
        for k in range(attempts if state != "referred" else 0):
            aid += 1
            on = day + timedelta(days=1 + 2 * k)
            rows.attempts.append((aid, rid, worker, "phone", "spoke" if k == attempts - 1
                                  else "no_answer", _local(on, 12), on))  # fmt: skip
        if state in ("referred", "allocated", "engaged") or state.startswith("outcome_"):
            rows.live.append(rid)
            rows.attended[rid] = sum(status == "attended" for _, status, _ in sessions)
            if day in due_days:
                rows.due.append(rid)
            initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(2))
            rows.details.append((rid, cipher.encrypt_json({"initials": initials}), received))
    return rows


def _held(
    rng: random.Random, first: date, until: date, welsh: bool, weeks: int
) -> list[tuple[date, str, bool]]:
    """Weekly sessions from the first, to `until`: mostly attended, some missed."""
    out: list[tuple[date, str, bool]] = []
    medium = welsh and rng.random() < 0.7
    for k in range(weeks):
        on = first + timedelta(days=7 * k)
        if on > until:
            break
        out.append((on, "attended" if rng.random() < 0.85 else "missed", medium))
    return out


def next_nudges(rows: Rows) -> dict[int, datetime | None]:
    """When each live case's next nudge falls due, as the service keeps it (the due set's is
    this morning's reminder; the benchmark moves those it does not want due)."""
    rules = read_rules()
    calendar = WorkingCalendar(TZ)
    by_id = {r[0]: dict(zip(REFERRAL_COLUMNS, r, strict=True)) for r in rows.referrals[-200_000:]}
    out: dict[int, datetime | None] = {}
    for rid in rows.live:  # all recent: among the last 200,000
        r = by_id[rid]
        case = Case(
            state=ReferralState(r["state"]), la_code=r["la_code"], consent_given=True,
            referring_officer_id=r["referring_officer_id"], received_at=r["received_at"],
            referred_la_code=r["referred_la_code"], offered_at=r["offered_at"],
            first_session_due=r["first_session_due"], support_due=r["support_due"],
            allocated_worker_id=r["allocated_worker_id"],
            first_session_date=r["first_session_date"], attended_sessions=rows.attended[rid],
            outcome=r["outcome"], outcome_recorded_at=r["outcome_recorded_at"],
            police_notified_at=r["police_notified_at"],
            police_acknowledged_at=r["police_acknowledged_at"],
        )  # fmt: skip
        out[rid] = plan(case, rules, NOW, calendar).next_at
    for rid in rows.due:
        out[rid] = DUE_AT
    return out


def _with_nudges(rows: Rows, nudges: dict[int, datetime | None]) -> Iterator[tuple[Any, ...]]:
    at = REFERRAL_COLUMNS.index("next_nudge_at")
    for r in rows.referrals:
        if r[0] in nudges:
            r = (*r[:at], nudges[r[0]], *r[at + 1 :])
        yield r


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):  # as SQLAlchemy writes them: naive UTC, with microseconds
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def _sqlite_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for r in rows:
        yield tuple(_sqlite_value(v) for v in r)


def sqlite_path(n: int) -> Path:
    return Path(tempfile.gettempdir()) / f"oocps-bench-{n}-g{GENERATOR}.sqlite3"


async def sqlite_database(n: int, *, fresh: bool = False) -> Path:
    """The cached SQLite file for `n` referrals, made if missing; a file kept from an older
    schema is brought up to date by the migrations, as a deployed database would be."""
    path = sqlite_path(n)
    if not _start_afresh(path, fresh):
        db = Database(f"sqlite:///{path}")
        await migrate.upgrade(db.engine)
        await db.dispose()
        return path
    partial = path.with_suffix(".partial")
    db = Database(f"sqlite:///{partial}")
    await migrate.upgrade(db.engine)
    await db.dispose()
    _load_sqlite(partial, n)
    return path


def _start_afresh(path: Path, fresh: bool) -> bool:
    if path.exists() and not fresh:
        return False
    for suffix in ("", "-wal", "-shm", ".partial"):
        Path(f"{path}{suffix}" if suffix != ".partial" else path.with_suffix(suffix)).unlink(
            missing_ok=True
        )
    return True


def _load_sqlite(partial: Path, n: int) -> None:
    rows, who, nudges = _make(n)
    began = time.perf_counter()
    con = sqlite3.connect(partial)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    with con:
        for table, columns, data in _tables(rows, who, nudges):
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            con.executemany(sql, _sqlite_rows(data))
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    final = partial.with_suffix(".sqlite3")
    partial.rename(final)
    print(f"  SQLite loaded in {time.perf_counter() - began:.0f} s: {final}")


def _make(n: int) -> tuple[Rows, People, dict[int, datetime | None]]:
    began = time.perf_counter()
    who = people()
    rows = generate(n, who)
    nudges = next_nudges(rows)
    print(f"  {n:,} referrals generated in {time.perf_counter() - began:.0f} s: "
          f"{len(rows.sessions):,} sessions, {len(rows.measures):,} measures, "
          f"{len(rows.attempts):,} contact attempts, {len(rows.live):,} live, "
          f"{len(rows.due):,} in the due set")  # fmt: skip
    return rows, who, nudges


def _tables(
    rows: Rows, who: People, nudges: dict[int, datetime | None]
) -> list[tuple[str, Sequence[str], Any]]:
    return [
        ("users", USER_COLUMNS, who.users),
        ("user_las", ("user_id", "la_code"), who.user_las),
        ("referrals", REFERRAL_COLUMNS, _with_nudges(rows, nudges)),
        ("personal_details", DETAIL_COLUMNS, rows.details),
        ("parenting_sessions", SESSION_COLUMNS, rows.sessions),
        ("distance_measures", MEASURE_COLUMNS, rows.measures),
        ("contact_attempts", ATTEMPT_COLUMNS, rows.attempts),
    ]


# --- PostgreSQL -----------------------------------------------------------------------


def schema_options() -> dict[str, Any]:
    return {"connect_args": {"server_settings": {"search_path": SCHEMA}}}


async def postgres_schema(url: str, n: int, *, fresh: bool = False) -> bool:
    """The schema SCHEMA holding `n` referrals, made if missing (True: made now)."""
    import asyncpg

    marker = f"{n}-g{GENERATOR}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        found = await conn.scalar(text(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = :s"
        ), {"s": SCHEMA})  # fmt: skip
    if found is not None and found.endswith(marker) and not fresh:
        await admin.dispose()
        db = Database(url, **schema_options())
        await migrate.upgrade(db.engine)  # a schema kept from before a migration: upgraded
        await db.dispose()
        return False
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    await admin.dispose()
    db = Database(url, **schema_options())
    await migrate.upgrade(db.engine)
    await db.dispose()
    rows, who, nudges = _make(n)
    began = time.perf_counter()
    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    con = await asyncpg.connect(plain, server_settings={"search_path": SCHEMA})
    try:
        await con.execute("SET synchronous_commit = off")
        async with con.transaction():
            for table, columns, data in _tables(rows, who, nudges):
                await con.copy_records_to_table(
                    table, records=list(data), columns=list(columns), schema_name=SCHEMA
                )
            for table in ("users", "referrals", "parenting_sessions", "distance_measures",
                          "contact_attempts"):  # fmt: skip
                # The ids were given: the sequences must carry on after them.
                await con.execute(
                    f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.{table}', 'id'), "
                    f"(SELECT max(id) FROM {SCHEMA}.{table}))"
                )
            await con.execute(f"COMMENT ON SCHEMA \"{SCHEMA}\" IS '{marker}'")
        await con.execute("ANALYZE")
    finally:
        await con.close()
    print(f"  PostgreSQL loaded in {time.perf_counter() - began:.0f} s (schema {SCHEMA})")
    return True


if __name__ == "__main__":  # a small one, to look at: python -m benchmarks.scale_data N
    import sys

    print(asyncio.run(sqlite_database(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
