"""`/nudges`: what is coming, so people can plan. A worker sees the nudges that will come to
them (their cases, and offers waiting in their LAs); a manager, every nudge on the cases of
their LAs and whom it is for. Soonest first, one short line each, a page at a time.

The case card shows a case's next nudge with `next_for` (a seam for case work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.nudges import local_moment, rule_in_force
from conversations.reply import Button, Reply
from state_machine.nudge_rules import NudgeRule
from state_machine.nudges import Nudge, Recipient, plan
from storage.models import Referral
from storage.uow import UnitOfWork

PAGE = 8  # lines a page: a phone screen
LOOKED_AT = 300  # cases read for one list, soonest first
PAGE_ACTION = "nudges.page"


@dataclass(frozen=True)
class Line:
    at: datetime
    referral: Referral
    rule: NudgeRule
    to: Recipient | None  # None: a nudge this person asked to be reminded of
    step: int = 0  # keeps the order stable when two fall at the same moment


def for_worker(to: Recipient, actor: Actor) -> bool:
    if to.user_id is not None:
        return to.user_id == actor.user_id
    return to.audience == "la_workers" and actor.sees_la(to.la_code)


def for_them(to: Recipient, actor: Actor) -> bool:
    """A manager sees every nudge on the cases of their LAs; anyone else, their own."""
    return actor.role == "manager" or for_worker(to, actor)


async def coming_for(uow: UnitOfWork, actor: Actor) -> list[Line]:
    now, nudging = uow.clock.now(), uow.nudging
    scope = None if actor.national else actor.la_codes
    lines: list[Line] = []
    planned = await uow.nudges.planned(scope, LOOKED_AT)
    cases = await uow.referrals.cases_of(planned)  # their sessions in one statement
    for referral in planned:
        found = plan(cases[referral.id], nudging.rules, now, nudging.calendar)
        for step, nudge in enumerate(found.coming):
            if for_them(nudge.to, actor):
                lines.append(Line(nudge.send_at, referral, nudge.rule, nudge.to, step))
    for claim in await uow.nudges.snoozed_for(actor.user_id):
        rule = rule_in_force(uow, claim.rule)
        if rule is not None and claim.snoozed_until is not None:
            referral = await uow.referrals.get_by_id(claim.referral_id)
            lines.append(Line(claim.snoozed_until, referral, rule, None))
    return sorted(lines, key=lambda line: (line.at, line.referral.id, line.step))


async def next_for(uow: UnitOfWork, referral: Referral, actor: Actor | None = None) -> Nudge | None:
    """The next nudge on one case (for its card): with `actor`, the next one they would see
    in /nudges (a worker's own; a manager's, any)."""
    case = await uow.referrals.case_of(referral)
    nudging = uow.nudging
    coming = plan(case, nudging.rules, uow.clock.now(), nudging.calendar).coming
    return next((n for n in coming if actor is None or for_them(n.to, actor)), None)


async def next_line(uow: UnitOfWork, actor: Actor, referral: Referral) -> str | None:
    """The card's line for the next nudge: when, and what it is about (a manager: to whom)."""
    nudge = await next_for(uow, referral, actor)
    if nudge is None:
        return None
    lang = actor.language
    what = t(lang, f"nudge.label.{nudge.rule.chases}.{nudge.rule.says}")
    if actor.role == "manager":
        what += f" → {await _whom(uow, nudge.to, lang)}"
    return t(lang, "case.next_nudge", when=local_moment(nudge.send_at, uow.tz, lang), what=what)


async def show(uow: UnitOfWork, actor: Actor, page: int = 0, *, edit: bool = False) -> Reply:
    lang = actor.language
    lines = await coming_for(uow, actor)
    if not lines:
        return Reply(t(lang, "nudges.none"), edit=edit)
    pages = (len(lines) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    shown = lines[page * PAGE : (page + 1) * PAGE]
    text = [t(lang, "nudges.title", page=page + 1, pages=pages)]
    text += [await _line(uow, actor, line) for line in shown]
    moves: list[Button] = []
    if page > 0:
        moves.append(button(uow, actor, t(lang, "nudges.earlier"), PAGE_ACTION, page=page - 1))
    if page + 1 < pages:
        moves.append(button(uow, actor, t(lang, "nudges.later"), PAGE_ACTION, page=page + 1))
    return Reply("\n".join(text), buttons=(tuple(moves),) if moves else (), edit=edit)


async def _line(uow: UnitOfWork, actor: Actor, line: Line) -> str:
    lang, referral = actor.language, line.referral
    initials = await uow.personal.initials(referral) or "–"
    what = t(lang, f"nudge.label.{line.rule.chases}.{line.rule.says}")
    if line.to is None:
        what = t(lang, "nudges.asked", what=what)
    text = f"{local_moment(line.at, uow.tz, lang)} · {referral.reference} ({initials}) · {what}"
    if actor.role == "manager" and line.to is not None:
        text += f" → {await _whom(uow, line.to, lang)}"
    return text


async def _whom(uow: UnitOfWork, to: Recipient, lang: str) -> str:
    if to.user_id is not None:
        user = await uow.people.get(to.user_id)
        if user is not None:
            return user.display_name
    return t(lang, f"nudges.to.{to.audience}")
