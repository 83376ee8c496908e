"""The nudge sweeper (issue 12): what is due, claimed in the ledger and recorded as owed in one
transaction; the bot sends after it commits. Run every minute (bot/jobs.py is only the
trigger); nothing is held in memory, so a restart or a second instance changes nothing.

A nudge for someone who has left (revoked, or no longer in the role or LA it is for) or who
has blocked the bot goes to the LA's managers instead, and is on record as undeliverable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from conversations.notifications.nudges import kind_name, kind_named
from conversations.notifications.owed import NoticeKind, owe_one
from conversations.notifications.resend import ATTEMPTS
from conversations.reply import Notice
from state_machine.nudges import Nudge, Recipient, plan
from storage.models import Referral, User
from storage.nudges import Claim
from storage.uow import UnitOfWork

BATCH = 100  # cases (and snoozed nudges) per transaction


@dataclass(frozen=True)
class Swept:
    notices: list[Notice]
    more: bool  # a batch was full: sweep again at once


async def sweep(uow: UnitOfWork, batch: int = BATCH) -> Swept:
    """Claim and owe what is due now: each case's due nudges (then when its next is due),
    and the nudges someone asked to be reminded of. The rows are locked as they are read
    (another sweeper skips them). What the rules read is loaded for the whole batch at
    once (the cases' sessions, the people of their LAs, the named recipients), so the reads
    grow with what is due, not with the cases times the rules."""
    now, nudging = uow.clock.now(), uow.nudging
    notices: list[Notice] = []
    referrals = await uow.nudges.due_referrals(now, batch)
    cases = await uow.referrals.cases_of(referrals)
    plans = {r.id: plan(cases[r.id], nudging.rules, now, nudging.calendar, since=r.next_nudge_at)
             for r in referrals}  # fmt: skip
    people = await _People.load(uow, [(r, plans[r.id].due) for r in referrals])
    for referral in referrals:
        found = plans[referral.id]
        for nudge in found.due:
            notices += await _owe(uow, people, referral, nudge, now)
        referral.next_nudge_at = found.next_at
    snoozed = await uow.nudges.snoozed_due(now, batch)
    for claim in snoozed:
        notices += await _remind_again(uow, claim)
    return Swept(notices, len(referrals) == batch or len(snoozed) == batch)


@dataclass(frozen=True)
class _People:
    """Whom a batch's nudges go to, read once for the batch: the active people of each role in
    the cases' LAs, and each person named (whatever became of them)."""

    uow: UnitOfWork
    in_la: dict[tuple[str, str], list[User]]

    @classmethod
    async def load(
        cls, uow: UnitOfWork, due: Sequence[tuple[Referral, Sequence[Nudge]]]
    ) -> _People:
        """For the cases with something due: their LAs' people (the audiences, and the
        managers told instead of anyone unreachable), each person named, and the cases'
        allocated workers (a managers' nudge says whose case it is)."""
        las = sorted({r.la_code for r, nudges in due if nudges and r.la_code is not None})
        named = [n.to.user_id for _r, nudges in due for n in nudges if n.to.user_id is not None]
        workers = [r.allocated_worker_id for r, nudges in due if nudges]
        await uow.people.load([i for i in (*named, *workers) if i is not None])
        return cls(uow, await uow.people.active_in_las(las))

    async def of(self, to: Recipient) -> list[User]:
        """The named person, or the active ones of that role there."""
        if to.user_id is not None:
            user = await self.uow.people.get(to.user_id)  # read by `load`: no statement
            return [] if user is None else [user]
        assert to.la_code is not None
        return list(self.in_la.get((to.role, to.la_code), []))


async def _owe(
    uow: UnitOfWork, people: _People, referral: Referral, nudge: Nudge, now: datetime
) -> list[Notice]:
    kind = _kind(nudge.rule.name)
    notices: list[Notice] = []
    for user in await people.of(nudge.to):
        if not user.active or not await kind.may_receive(uow, referral, user):
            left = await uow.nudges.claim(referral.id, nudge.rule.name, nudge.due_at, user.id,
                                          now, undeliverable="left")  # fmt: skip
            if left is not None:
                notices += await _managers_instead(uow, referral, nudge.rule.name,
                                                   nudge.due_at, left, people)  # fmt: skip
            continue
        claim = await uow.nudges.claim(referral.id, nudge.rule.name, nudge.due_at, user.id, now)
        if claim is not None:  # None: claimed before (by another sweeper, or this one)
            notices += await _send(uow, referral, kind, user, claim)
    return notices


async def _send(
    uow: UnitOfWork, referral: Referral, kind: NoticeKind, user: User, claim: int
) -> list[Notice]:
    notification_id, notice = await owe_one(uow, referral, kind, user)
    await uow.nudges.sent_as(claim, notification_id)
    return [] if notice is None else [notice]


async def _managers_instead(
    uow: UnitOfWork,
    referral: Referral,
    rule: str,
    due_at: datetime,
    claim: int,
    people: _People | None = None,
) -> list[Notice]:
    """The LA's managers are told what could not reach its recipient (once each: their
    claims share the nudge's key). With no manager enrolled it stays on record only."""
    assert referral.la_code is not None
    kind = _kind(rule, instead=True)
    notices: list[Notice] = []
    managers = (
        await uow.people.active_in_la("manager", referral.la_code)
        if people is None
        else await people.of(Recipient("la_managers", la_code=referral.la_code))
    )
    for manager in managers:
        mine = await uow.nudges.claim(referral.id, rule, due_at, manager.id, uow.clock.now(),
                                      instead_of=claim)  # fmt: skip
        if mine is not None:
            notices += await _send(uow, referral, kind, manager, mine)
    return notices


async def unreachable(uow: UnitOfWork, notification_ids: Sequence[int]) -> list[Notice]:
    """Telegram refused these notices (the bot was blocked, the account is gone): those that
    were nudges are on record as undeliverable and go to the managers instead. Notices of
    other kinds are left to be sent again as before."""
    notices: list[Notice] = []
    claims = [c for c in await uow.nudges.by_notifications(notification_ids) if not c.undeliverable]
    for claim in claims:
        await uow.nudges.undeliverable(claim.id, "blocked")
        if claim.instead_of is None:  # one told instead is not passed on again
            referral = await uow.referrals.get_by_id(claim.referral_id)
            notices += await _managers_instead(uow, referral, claim.rule, claim.due_at, claim.id)
    settled = [c.notification_id for c in claims if c.notification_id is not None]
    await uow.notifications.settle(settled, ATTEMPTS, uow.clock.now())
    return notices


async def _remind_again(uow: UnitOfWork, claim: Claim) -> list[Notice]:
    """ "Remind me tomorrow" come round: owed again, if it is still news and still theirs."""
    await uow.nudges.snooze(claim.id, None)
    user = await uow.people.get(claim.recipient_user_id)
    if user is None or claim.undeliverable:
        return []
    referral = await uow.referrals.get_by_id(claim.referral_id)
    kind = _kind(claim.rule, instead=claim.instead_of is not None)
    return await _send(uow, referral, kind, user, claim.id)


def _kind(rule: str, *, instead: bool = False) -> NoticeKind:
    kind = kind_named(kind_name(rule, instead=instead))
    assert kind is not None
    return kind
