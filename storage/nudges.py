"""Deadline nudges in the database (issue 12): the rules in force, the cases with a nudge due
(one indexed query on `referrals.next_nudge_at`), and the ledger that claims each nudge once.

Two sweepers at once (two instances on PostgreSQL) never take the same case or the same
snoozed nudge: the due rows are locked as they are read, skipping rows another holds
(`FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time). The ledger's unique key (case,
rule, due moment, recipient) is the second guard: a nudge claimed twice is claimed once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from state_machine.nudge_rules import NudgeRules, NudgeRulesError, parse_rules
from state_machine.working_time import WorkingCalendar
from storage.dialect import execute, insert_for
from storage.models import NudgeSent, Referral

_LEDGER = NudgeSent.metadata.tables["nudge_ledger"]
_KEY = ["referral_id", "rule", "due_at", "recipient_user_id"]
_CLAIM_COLUMNS = (
    _LEDGER.c.id, _LEDGER.c.referral_id, _LEDGER.c.rule, _LEDGER.c.due_at,
    _LEDGER.c.recipient_user_id, _LEDGER.c.notification_id, _LEDGER.c.undeliverable,
    _LEDGER.c.instead_of, _LEDGER.c.snoozed_until,
)  # fmt: skip
SHIPPED_RULES = "nudge_rules.toml"  # in the state_machine package


def read_rules(path: str | Path | None = None) -> NudgeRules:
    """The rules in force: the file at `path` (OOCPS_NUDGE_RULES) instead of the shipped one.
    Raises NudgeRulesError, one line naming the file and the entry at fault."""
    if path is None:
        return _shipped()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise NudgeRulesError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return _parsed(text, str(path))


@cache
def _shipped() -> NudgeRules:
    text = resources.files("state_machine").joinpath(SHIPPED_RULES).read_text(encoding="utf-8")
    return _parsed(text, SHIPPED_RULES)


def _parsed(text: str, source: str) -> NudgeRules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NudgeRulesError(f"{source} is not valid TOML ({exc})") from exc
    try:
        return parse_rules(data)
    except NudgeRulesError as exc:
        raise NudgeRulesError(f"{source}: {exc}") from exc


@dataclass(frozen=True)
class Nudging:
    """What planning nudges needs besides a case and the time: the rules and the calendar."""

    rules: NudgeRules
    calendar: WorkingCalendar


class Claim(NamedTuple):
    """One row of the ledger: a nudge claimed for one person."""

    id: int
    referral_id: int
    rule: str
    due_at: datetime
    recipient_user_id: int
    notification_id: int | None
    undeliverable: str | None
    instead_of: int | None
    snoozed_until: datetime | None


@cache
def _claim_many(insert: Any) -> Any:
    """Claims for many at once, each unless its key is taken: the rows made (an executemany
    that SQLAlchemy sends as multi-row INSERTs, "insertmanyvalues")."""
    return insert(_LEDGER).on_conflict_do_nothing(index_elements=_KEY).returning(*_CLAIM_COLUMNS)


_SENT_AS = (
    update(_LEDGER)
    .where(_LEDGER.c.id == bindparam("claim_id"))
    .values(notification_id=bindparam("notification_id"))
)


Key = tuple[int, str, datetime, int]  # the ledger's unique key: case, rule, due moment, person


_REFERRALS = Referral.metadata.tables["referrals"]
# The sweep's rows are locked for its unit of work (FOR UPDATE on PostgreSQL, SQLite's one
# writer), so no version check; the version still moves, as any write of the row moves it.
_NEXT_AT = (
    update(_REFERRALS)
    .where(_REFERRALS.c.id == bindparam("rid"))
    .values(next_nudge_at=bindparam("at"), version=_REFERRALS.c.version + 1)
)


class Wanted(NamedTuple):
    """A nudge to claim for one person (`claim_all`)."""

    referral_id: int
    rule: str
    due_at: datetime
    recipient_user_id: int
    undeliverable: str | None = None
    instead_of: int | None = None

    @property
    def key(self) -> Key:
        return self.referral_id, self.rule, self.due_at, self.recipient_user_id


def due_query(now: datetime, limit: int) -> Select[Referral]:
    """Cases with a nudge due by `now`, soonest first (the next_nudge_at index): built apart
    so a test and the benchmark can read its query plan."""
    return (
        select(Referral)
        .where(Referral.next_nudge_at <= now)
        .order_by(Referral.next_nudge_at)
        .limit(limit)
    )


class NudgeLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Claims made in this unit of work, by person and rule: the one a notice rendered now
        # is about (its "Remind me tomorrow"), without reading the ledger again for each.
        self._made: dict[tuple[int, str, int], Claim] = {}
        self._made_ids: dict[int, Claim] = {}

    async def due_referrals(self, now: datetime, limit: int) -> list[Referral]:
        """Cases with a nudge due by `now`, soonest first, locked for this unit of work
        (another sweeper skips them)."""
        rows = await self._session.scalars(due_query(now, limit).with_for_update(skip_locked=True))
        return list(rows)

    async def plan_next(self, next_at: Sequence[tuple[Referral, datetime | None]]) -> None:
        """When each locked case (`due_referrals`) next has a nudge due, in one executemany:
        the ORM writes a versioned row a statement at a time."""
        if not next_at:
            return
        params = [{"rid": referral.id, "at": at} for referral, at in next_at]
        await execute(self._session, _NEXT_AT, params)
        for referral, at in next_at:  # as written: nothing left for the ORM to flush
            set_committed_value(referral, "next_nudge_at", at)
            set_committed_value(referral, "version", referral.version + 1)

    async def next_due_at(self) -> datetime | None:
        """When the next nudge (or reminder someone asked for) falls due: a sweeper with
        nothing to do until then may wait (the simulation in the suite jumps there)."""
        case_due = select(func.min(Referral.next_nudge_at)).scalar_subquery()
        snoozed = select(func.min(_LEDGER.c.snoozed_until)).scalar_subquery()
        found = (await self._session.execute(select(case_due, snoozed))).one()
        return min((at for at in found if at is not None), default=None)

    async def planned(self, la_codes: Sequence[str] | None, limit: int) -> list[Referral]:
        """Cases with a nudge still to come, in these LAs (None: every LA), soonest first."""
        statement = select(Referral).where(Referral.next_nudge_at.is_not(None))
        if la_codes is not None:
            statement = statement.where(Referral.la_code.in_(la_codes))
        return list(await self._session.scalars(statement.order_by(Referral.next_nudge_at)
                                                .limit(limit)))  # fmt: skip

    async def claim(
        self,
        referral_id: int,
        rule: str,
        due_at: datetime,
        recipient_user_id: int,
        at: datetime,
        *,
        instead_of: int | None = None,
        undeliverable: str | None = None,
    ) -> int | None:
        """The new claim's id, or None when this nudge was claimed for them before."""
        wanted = Wanted(referral_id, rule, due_at, recipient_user_id, undeliverable, instead_of)
        made = await self.claim_all([wanted], at)
        return made[wanted.key].id if wanted.key in made else None

    async def claim_all(self, wanted: Sequence[Wanted], at: datetime) -> dict[Key, Claim]:
        """`claim` for many, in one round of statements: the claims made, by key (a key
        claimed before, or twice in `wanted`, is made once)."""
        rows = list({w.key: {**w._asdict(), "claimed_at": at} for w in wanted}.values())
        if not rows:
            return {}
        found = await execute(self._session, _claim_many(insert_for(self._session)), rows)
        made = {}
        for row in found.all():
            claim = Claim._make(row)
            made[claim.referral_id, claim.rule, claim.due_at, claim.recipient_user_id] = claim
            self._made_ids[claim.id] = claim
            mine = claim.referral_id, claim.rule, claim.recipient_user_id
            before = self._made.get(mine)
            if before is None or (before.due_at, before.id) < (claim.due_at, claim.id):
                self._made[mine] = claim  # as `latest` orders them
        return made

    async def sent_all(self, sent: Sequence[tuple[int, int]]) -> None:
        """(claim id, notification id) for many, in one executemany."""
        if sent:
            params = [{"claim_id": c, "notification_id": n} for c, n in sent]
            await execute(self._session, _SENT_AS, params)

    async def undeliverable(self, claim_id: int, why: str) -> None:
        await self._set(claim_id, undeliverable=why, snoozed_until=None)

    async def snooze(self, claim_id: int, until: datetime | None) -> None:
        await self._set(claim_id, snoozed_until=until)

    async def _set(self, claim_id: int, **values: Any) -> None:
        made = self._made_ids.pop(claim_id, None)
        if made is not None:  # changed: read it from the ledger from now on
            self._made.pop((made.referral_id, made.rule, made.recipient_user_id), None)
        await self._session.execute(
            update(_LEDGER).where(_LEDGER.c.id == claim_id).values(**values)
        )

    async def get(self, claim_id: int) -> Claim | None:
        if claim_id in self._made_ids:
            return self._made_ids[claim_id]
        row = (await self._session.execute(
            select(*_CLAIM_COLUMNS).where(_LEDGER.c.id == claim_id)
        )).first()  # fmt: skip
        return None if row is None else Claim(*row)

    async def by_notifications(self, ids: Sequence[int]) -> list[Claim]:
        if not ids:
            return []
        rows = await self._session.execute(
            select(*_CLAIM_COLUMNS).where(_LEDGER.c.notification_id.in_(ids)).order_by(_LEDGER.c.id)
        )
        return [Claim(*row) for row in rows]

    async def latest(self, referral_id: int, rule: str, user_id: int) -> Claim | None:
        """The last nudge of this rule claimed for this person on this case (one claimed in
        this unit of work is the one being sent now)."""
        if (referral_id, rule, user_id) in self._made:
            return self._made[referral_id, rule, user_id]
        row = (await self._session.execute(
            select(*_CLAIM_COLUMNS)
            .where(_LEDGER.c.referral_id == referral_id, _LEDGER.c.rule == rule,
                   _LEDGER.c.recipient_user_id == user_id)
            .order_by(_LEDGER.c.due_at.desc(), _LEDGER.c.id.desc())
            .limit(1)
        )).first()  # fmt: skip
        return None if row is None else Claim(*row)

    async def snoozed_due(self, now: datetime, limit: int) -> list[Claim]:
        """Nudges someone asked to be reminded of, due again by `now`; locked as above."""
        rows = await self._session.execute(
            select(*_CLAIM_COLUMNS)
            .where(_LEDGER.c.snoozed_until <= now)
            .order_by(_LEDGER.c.snoozed_until)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [Claim(*row) for row in rows]

    async def snoozed_for(self, user_id: int) -> list[Claim]:
        rows = await self._session.execute(
            select(*_CLAIM_COLUMNS)
            .where(_LEDGER.c.recipient_user_id == user_id, _LEDGER.c.snoozed_until.is_not(None))
            .order_by(_LEDGER.c.snoozed_until)
        )
        return [Claim(*row) for row in rows]
