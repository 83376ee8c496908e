"""`/cases`: a worker's open cases (a manager's: every case in their LAs), each with what is
owed next and by when, soonest first; offers waiting to be accepted at the top. A few per
message, paged by buttons, so each message fits a phone screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversations.access import Actor
from conversations.cases.words import case_label, owed_text
from conversations.i18n import t
from conversations.keyboards import button
from conversations.reply import Button, Reply
from state_machine.lifecycle import ReferralState
from state_machine.obligations import Obligation, obligations, soonest
from storage.models import Referral
from storage.referrals import case_from
from storage.uow import UnitOfWork

PER_PAGE = 5
ROLES = ("worker", "manager")


@dataclass(frozen=True)
class Listed:
    referral: Referral
    owed: Obligation | None  # the next thing owed on it
    offer: bool  # waiting for a worker to accept it

    def order(self) -> tuple[bool, bool, date, str]:
        due = self.owed.due if self.owed is not None else None
        return (not self.offer, due is None, due or date.max, self.referral.reference)


async def listed(uow: UnitOfWork, actor: Actor) -> list[Listed]:
    """The cases `actor` may see now, in the order shown."""
    if actor.role == "worker":
        referrals = await uow.casework.live(actor.la_codes, worker_id=actor.user_id)
    else:
        referrals = await uow.casework.live(None if actor.national else actor.la_codes)
    tallies = await uow.casework.tallies([r.id for r in referrals])
    now = uow.clock.now()
    items = [
        Listed(
            r,
            soonest(obligations(case_from(r, attended=tallies[r.id].attended), now, uow.tz)),
            r.lifecycle_state is ReferralState.REFERRED,
        )
        for r in referrals
    ]
    return sorted(items, key=Listed.order)


async def show(uow: UnitOfWork, actor: Actor, page: int = 0, *, edit: bool = False) -> Reply:
    """One page of the list; the page is clamped (the list may have shrunk since)."""
    lang = actor.language
    if actor.role not in ROLES:
        return Reply(t(lang, "button.stale"))
    items = await listed(uow, actor)
    if not items:
        return Reply(t(lang, f"cases.none.{actor.role}"), edit=edit)
    pages = (len(items) + PER_PAGE - 1) // PER_PAGE
    page = min(max(page, 0), pages - 1)
    lines = [t(lang, f"cases.title.{actor.role}", count=len(items))]
    if pages > 1:
        lines.append(t(lang, "cases.page", page=page + 1, pages=pages))
    opens: list[Button] = []
    start = page * PER_PAGE
    for n, item in enumerate(items[start : start + PER_PAGE], start=start + 1):
        label = await case_label(uow, item.referral)
        owed = owed_text(lang, item.owed)
        if item.offer:
            lines.append(t(lang, "cases.line_offer", n=n, case=label, owed=owed))
        else:
            lines.append(f"{n}. {label}: {owed}")
        opens.append(
            button(uow, actor, label, "case.open", referral_id=item.referral.id, page=page)
        )
    lines += ["", t(lang, "cases.choose")]
    turn: list[Button] = []
    if page > 0:
        turn.append(button(uow, actor, t(lang, "cases.previous"), "cases.page", page=page - 1))
    if page < pages - 1:
        turn.append(button(uow, actor, t(lang, "cases.next"), "cases.page", page=page + 1))
    rows = tuple((b,) for b in opens) + ((tuple(turn),) if turn else ())
    return Reply("\n".join(lines), buttons=rows, edit=edit)
