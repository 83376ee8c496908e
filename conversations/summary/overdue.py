"""`/overdue`: every overdue case in the manager's scope, worst first (most days past its
date), a few per message, each opening its card."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.access import Actor
from conversations.cases.words import case_label, owed_text
from conversations.i18n import t
from conversations.keyboards import button
from conversations.reply import Button, Reply
from state_machine.deadlines import local_date
from state_machine.obligations import Obligation, obligations
from storage.live import Live
from storage.referrals import case_from
from storage.summary import Scope
from storage.uow import UnitOfWork

PER_PAGE = 5


@dataclass(frozen=True)
class Late:
    referral: Live
    worst: Obligation  # the one longest past its date
    days: int


async def late(uow: UnitOfWork, actor: Actor) -> list[Late]:
    scope = Scope(None if actor.national else actor.la_codes)
    live = await uow.summary.live(scope)
    attended = await uow.casework.attended([r.id for r in live])
    now = uow.clock.now()
    today = local_date(now, uow.tz)
    found = []
    for r in live:
        owed = obligations(case_from(r, attended=attended[r.id]), now, uow.tz)
        past = [o for o in owed if o.overdue and o.due is not None]
        if past:
            worst = min(past, key=lambda o: o.due or today)
            assert worst.due is not None
            found.append(Late(r, worst, (today - worst.due).days))
    return sorted(found, key=lambda item: (-item.days, item.referral.reference))


async def show(uow: UnitOfWork, actor: Actor, page: int = 0, *, edit: bool = False) -> Reply:
    lang = actor.language
    if actor.role != "manager":
        return Reply(t(lang, "button.stale"))
    items = await late(uow, actor)
    if not items:
        return Reply(t(lang, "overdue.none"), edit=edit)
    pages = (len(items) + PER_PAGE - 1) // PER_PAGE
    page = min(max(page, 0), pages - 1)
    lines = [t(lang, "overdue.title", count=len(items))]
    if pages > 1:
        lines.append(t(lang, "cases.page", page=page + 1, pages=pages))
    rows: list[tuple[Button, ...]] = []
    start = page * PER_PAGE
    for n, item in enumerate(items[start : start + PER_PAGE], start=start + 1):
        label = await case_label(uow, item.referral)
        lines.append(t(lang, "overdue.line", n=n, case=label, days=item.days,
                       owed=owed_text(lang, item.worst)))  # fmt: skip
        rows.append((button(uow, actor, label, "case.open", referral_id=item.referral.id),))
    turn = [
        button(uow, actor, t(lang, words), "overdue.page", page=to)
        for words, to, shown in (("cases.previous", page - 1, page > 0),
                                 ("cases.next", page + 1, page < pages - 1)) if shown
    ]  # fmt: skip
    if turn:
        rows.append(tuple(turn))
    return Reply("\n".join(lines), buttons=tuple(rows), edit=edit)
