"""`/workload`: the open cases of each worker in the manager's LAs, with each one's nearest
deadline, busiest first; the referrals nobody has accepted yet on a line of their own.

A worker's row offers re-allocation (`reallocate_buttons`): their cases, then one of them to
give to another worker of its LA (conversations/cases/reallocate.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from conversations.access import Actor
from conversations.cases.words import day
from conversations.i18n import t
from conversations.keyboards import button
from conversations.reply import Button, Reply
from state_machine.lifecycle import OPEN_STATES
from state_machine.obligations import obligations, soonest
from storage.referrals import case_from
from storage.summary import Scope
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Load:
    worker_id: int | None  # None: not yet accepted by anyone
    open_cases: int
    nearest: date | None
    overdue: int


async def loads(uow: UnitOfWork, actor: Actor) -> list[Load]:
    live = await uow.summary.live(Scope(None if actor.national else actor.la_codes))
    live = [r for r in live if r.lifecycle_state in OPEN_STATES]
    attended = await uow.casework.attended([r.id for r in live])
    now = uow.clock.now()
    per: dict[int | None, list[tuple[date | None, bool]]] = defaultdict(list)
    for r in live:
        owed = obligations(case_from(r, attended=attended[r.id]), now, uow.tz)
        first = soonest(owed)
        due = first.due if first is not None else None
        per[r.allocated_worker_id].append((due, any(o.overdue for o in owed)))
    found = [
        Load(worker, len(cases), min((d for d, _ in cases if d is not None), default=None),
             sum(late for _, late in cases))
        for worker, cases in per.items()
    ]  # fmt: skip
    return sorted(found, key=lambda x: (x.worker_id is None, -x.open_cases, x.nearest or date.max))


def reallocate_buttons(
    uow: UnitOfWork, actor: Actor, load: Load, name: str = "–"
) -> tuple[Button, ...]:
    """A worker's row: re-allocate their cases (conversations/cases/reallocate.py), for a
    manager of an LA (a national manager only reads)."""
    if load.worker_id is None or actor.national or not actor.la_codes:
        return ()
    label = t(actor.language, "workload.reallocate", who=name)
    return (button(uow, actor, label, "workload.reallocate", worker_id=load.worker_id),)


def text(lang: str, found: list[Load], names: dict[int, str]) -> str:
    """One line per worker: a long list is sent in parts between lines (bot/send.py)."""
    lines = [t(lang, "workload.title"), ""]
    for x in found:
        who = (
            t(lang, "workload.unallocated") if x.worker_id is None else names.get(x.worker_id, "–")
        )
        line = t(lang, "workload.line", who=who, n=x.open_cases, due=day(x.nearest))
        if x.overdue:
            line += " " + t(lang, "workload.overdue", n=x.overdue)
        lines.append(line)
    return "\n".join(lines)


async def show(uow: UnitOfWork, actor: Actor) -> Reply:
    lang = actor.language
    if actor.role != "manager":
        return Reply(t(lang, "button.stale"))
    found = await loads(uow, actor)
    if not found:
        return Reply(t(lang, "workload.none"))
    names = await uow.summary.names([x.worker_id for x in found if x.worker_id is not None])
    rows = tuple(
        extra
        for x in found
        if (extra := reallocate_buttons(uow, actor, x, names.get(x.worker_id or 0, "–")))
    )
    return Reply(text(lang, found, names), buttons=rows)
