"""Deadline nudges as notices (issue 12): one kind per rule, named `nudge:<rule>`, and one for
the managers told instead when its recipient cannot be reached, `nudge:<rule>:instead`.

Like every notice, a nudge is checked when it is sent, first or again: the recipient must
still be someone the rule is for (role, LA, the allocated worker), and the case must still
owe what the rule chases, or it is no longer news. It shows the reference and initials,
never a name, with the buttons that act on the case at once and "Remind me tomorrow".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.extension import answer_buttons, open_request
from conversations.notifications.offers import day, la_of
from conversations.notifications.owed import MayReceive, NoticeKind, Render
from conversations.reply import Button, Reply
from state_machine.nudge_rules import NudgeRule
from state_machine.obligations import Obligation
from storage.models import Referral, User
from storage.uow import UnitOfWork

# Buttons that act on the case at once, by what the nudge says and the role of the person it
# goes to: (label, action). The actions are case work's, the screening's and the outcome's
# own: each checks role and scope when pressed, however the button came to the presser.
Acts = tuple[tuple[str, str], ...]
OPEN_CASE: Acts = (("notify.open_case", "case.open"),)
# The worker's buttons on the overdue delivery date, in one place.
DELIVERY_OVERDUE_BUTTONS: Acts = (
    ("case.record_outcome", "case.outcome"),
    ("case.ask_extension", "case.extension"),
    *OPEN_CASE,
)
WORKER_BUTTONS: Mapping[tuple[str, str], Acts] = {
    ("accepted", "offer_reminder"): (("notify.accept", "referral.accept"),),
    ("first_session_date", "reminder"): (("case.set_first_session", "case.first_session"),),
    ("first_session_date", "last_day"): (
        ("case.set_first_session", "case.first_session"),
        ("case.record_contact", "case.contact"),
        # The outcome form for 'did not take up': it checks the 21 days / declined rule.
        ("outcome.a.outcome.not_taken_up", "case.not_taken_up"),
    ),
    ("support_delivered", "reminder"): OPEN_CASE,
    ("support_delivered", "overdue"): DELIVERY_OVERDUE_BUTTONS,
    ("session_logged", "reminder"): (("case.log_session", "case.session"),),
}
POLICE_BUTTONS: Mapping[tuple[str, str], Acts] = {
    ("police_acknowledgement", "reminder"): (("outcome.acknowledge", "referral.acknowledge"),),
}
MANAGER_BUTTONS: Acts = OPEN_CASE
PREFIX = "nudge:"
INSTEAD = ":instead"
SNOOZE = "nudge.snooze"  # "Remind me tomorrow" (conversations/nudges/snooze.py)
SNOOZERS = ("worker", "manager", "police")  # the roles "Remind me tomorrow" is for


def kind_name(rule: str, *, instead: bool = False) -> str:
    return f"{PREFIX}{rule}{INSTEAD if instead else ''}"


@cache  # a few names (two a rule); the rule itself is looked up at each send
def kind_named(name: str) -> NoticeKind | None:
    """The kind a stored nudge notification was recorded as (None: not a nudge). The rule is
    looked up when it is sent: one an admin has since switched off sends nothing."""
    if not name.startswith(PREFIX):
        return None
    rule, instead = name.removeprefix(PREFIX), name.endswith(INSTEAD)
    rule = rule.removesuffix(INSTEAD)
    return NoticeKind(name, _may_receive(rule, instead), _render(rule, instead))


def rule_in_force(uow: UnitOfWork, name: str) -> NudgeRule | None:
    return uow.nudging.rules.named(name)


async def still_owed(uow: UnitOfWork, referral: Referral, rule: NudgeRule) -> Obligation | None:
    """What the rule chases, if the case still owes it now; else the nudge is no longer news."""
    owed = await uow.referrals.owed_now(referral)
    return next((o for o in owed if o.what == rule.chases), None)


def is_for(rule: NudgeRule, referral: Referral, user: User) -> bool:
    """The rule's audience, checked against the person as they are now."""
    actor = Actor.of(user)
    if rule.to == "referring_officer":
        return user.role in ("police", "yot") and referral.referring_officer_id == user.id
    if not actor.sees_la(referral.la_code):
        return False
    if rule.to == "la_managers":
        return user.role == "manager"
    if rule.to == "allocated_worker" and referral.allocated_worker_id != user.id:
        return False
    return user.role == "worker"


def _may_receive(rule_name: str, instead: bool) -> MayReceive:
    async def may_receive(uow: UnitOfWork, referral: Referral, user: User) -> bool:
        rule = rule_in_force(uow, rule_name)
        if rule is None:
            return False
        if instead:  # the managers of the case's LA are told in the recipient's stead
            return user.role == "manager" and Actor.of(user).sees_la(referral.la_code)
        return is_for(rule, referral, user)

    return may_receive


def _render(rule_name: str, instead: bool) -> Render:
    async def render(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
        rule = rule_in_force(uow, rule_name)
        owed = None if rule is None else await still_owed(uow, referral, rule)
        if rule is None or owed is None:
            return None
        actor = Actor.of(user)
        text = await _says(uow, referral, rule, owed, actor.language)
        claim = await uow.nudges.latest(referral.id, rule.name, user.id)
        if instead:
            original = None if claim is None else await _instead_of(uow, claim.instead_of)
            if original is not None:
                name, why = original
                lead = t(actor.language, "nudge.instead", name=name,
                         why=t(actor.language, f"nudge.why.{why}"))  # fmt: skip
                text = f"{lead}\n\n{text}"
        acts = buttons_for(rule, user.role, instead=instead)
        buttons: list[tuple[Button, ...]] = [
            (button(uow, actor, t(actor.language, label), action, referral_id=referral.id),)
            for label, action in acts
        ]
        if user.role == "police" and rule.chases == "extension_answered" and not instead:
            waiting = await open_request(uow, referral)  # Approve and Decline, at once
            buttons += list(answer_buttons(uow, actor, waiting)) if waiting else []
        if claim is not None and user.role in SNOOZERS:
            later = button(uow, actor, t(actor.language, "nudge.snooze"), SNOOZE,
                           nudge=claim.id)  # fmt: skip
            buttons.append((later,))
        return Reply(text, buttons=tuple(buttons))

    return render


def buttons_for(rule: NudgeRule, role: str, *, instead: bool = False) -> Acts:
    """What a nudge of this rule carries for someone of this role (besides "Remind me
    tomorrow"); a manager, and anyone told instead, can open the case."""
    if role == "manager":
        return MANAGER_BUTTONS
    if instead:
        return ()
    table = POLICE_BUTTONS if role == "police" else WORKER_BUTTONS if role == "worker" else {}
    return table.get((rule.chases, rule.says), ())


async def _says(
    uow: UnitOfWork, referral: Referral, rule: NudgeRule, owed: Obligation, lang: str
) -> str:
    """The rule's message: reference and initials, never a name (DESIGN.md §6)."""
    la = await la_of(uow, referral.la_code)
    worker_id = referral.allocated_worker_id
    worker = await uow.people.get(worker_id) if worker_id is not None else None
    return t(
        lang,
        f"nudge.{rule.chases}.{rule.says}",
        reference=referral.reference,
        initials=await uow.personal.initials(referral) or "–",
        la=la.name(lang),
        due=day(owed.due),
        first_session_due=day(referral.first_session_due),
        since=local_day(owed.since, uow.tz, lang),
        worker=worker.display_name if worker is not None else t(lang, "nudge.nobody_yet"),
    )


async def _instead_of(uow: UnitOfWork, claim_id: int | None) -> tuple[str, str] | None:
    """Whom the managers are told in place of, and why they could not be reached."""
    claim = None if claim_id is None else await uow.nudges.get(claim_id)
    user = None if claim is None else await uow.people.get(claim.recipient_user_id)
    if claim is None or user is None:
        return None
    return user.display_name, claim.undeliverable or "left"


def local_day(at: datetime | None, tz: ZoneInfo, lang: str) -> str:
    """A weekday and date as the person reads it ("Tue 24/11/2026", "Maw 24/11/2026")."""
    if at is None:
        return "–"
    return _weekday_and_day(at.astimezone(tz).date(), lang)


@lru_cache(maxsize=1024)  # a sweep says the same few days to many; Babel's formatting showed
def _weekday_and_day(local: date, lang: str) -> str:
    return f"{format_date(local, 'EEE', locale=lang)} {day(local)}"


def local_moment(at: datetime, tz: ZoneInfo, lang: str) -> str:
    """A weekday, date and time, short enough for a phone ("Tue 24/11 09:00")."""
    local = at.astimezone(tz)
    return f"{format_date(local.date(), 'EEE', locale=lang)} {local:%d/%m %H:%M}"
