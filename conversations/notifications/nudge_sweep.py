"""The nudge sweeper (issue 12): what is due, claimed in the ledger and recorded as owed in one
transaction; the bot sends after it commits. Run every minute (bot/jobs.py is only the
trigger); nothing is held in memory, so a restart or a second instance changes nothing.

A nudge for someone who has left (revoked, or no longer in the role or LA it is for) or who
has blocked the bot goes to the LA's managers instead, and is on record as undeliverable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conversations.notifications.nudges import kind_name, kind_named
from conversations.notifications.owed import NoticeKind, owe_each
from conversations.notifications.resend import ATTEMPTS
from conversations.reply import Notice
from state_machine.nudges import Nudge, Recipient, plan
from storage.models import Referral, User
from storage.nudges import Claim, Wanted
from storage.uow import UnitOfWork

# Cases (and snoozed nudges) per transaction. A batch costs about 25 ms of statements and a
# commit whatever its size, so 1,000 due took 10 batches of 100 in 600 ms and one of 1,000 in
# 350 ms (docs/performance.md, 2026-12-03). A full batch holds its cases' rows (and, on
# SQLite, the one writer) for that long; at the service's size a batch is rarely full.
BATCH = 1000


@dataclass(frozen=True)
class Swept:
    notices: list[Notice]
    more: bool  # a batch was full: sweep again at once


async def sweep(uow: UnitOfWork, batch: int = BATCH) -> Swept:
    """Claim and owe what is due now: each case's due nudges (then when its next is due),
    and the nudges someone asked to be reminded of. The rows are locked as they are read
    (another sweeper skips them). The batch is read, claimed and recorded as owed set by
    set (its sessions, people and initials read once; the claims, their managers-instead,
    the notices and their links one round of statements each), so the statements grow
    with neither the cases nor the rules."""
    now, nudging = uow.clock.now(), uow.nudging
    referrals = await uow.nudges.due_referrals(now, batch)
    cases = await uow.referrals.cases_of(referrals)
    plans = {r.id: plan(cases[r.id], nudging.rules, now, nudging.calendar, since=r.next_nudge_at,
                        owed=await uow.referrals.owed_now(r))
             for r in referrals}  # fmt: skip
    people = await _People.load(uow, [(r, plans[r.id].due) for r in referrals])
    wanted: list[tuple[Referral, Wanted, User]] = []
    for referral in referrals:
        found = plans[referral.id]
        for nudge in found.due:
            kind = _kind(nudge.rule.name)
            for user in await people.of(nudge.to):
                reachable = user.active and await kind.may_receive(uow, referral, user)
                want = Wanted(referral.id, nudge.rule.name, nudge.due_at, user.id,
                              undeliverable=None if reachable else "left")  # fmt: skip
                wanted.append((referral, want, user))
    await uow.personal.preload([r for r, _w, _u in wanted])  # the initials each one shows
    notices = await _claim_and_owe(uow, wanted, people)
    # After the notices: until then each case is as `cases_of` made it, and read as made.
    await uow.nudges.plan_next([(r, plans[r.id].next_at) for r in referrals])
    snoozed = await uow.nudges.snoozed_due(now, batch)
    for claim in snoozed:
        notices += await _remind_again(uow, claim)
    return Swept(notices, len(referrals) == batch or len(snoozed) == batch)


async def _claim_and_owe(
    uow: UnitOfWork, wanted: Sequence[tuple[Referral, Wanted, User]], people: _People | None
) -> list[Notice]:
    """Claim each nudge wanted; owe each one claimed now (not before, by another sweeper or
    this one) to its recipient, or, for someone unreachable, to the LA's managers instead
    (once each: their claims share the nudge's key)."""
    made = await uow.nudges.claim_all([want for _r, want, _u in wanted], uow.clock.now())
    owed: list[tuple[Referral, NoticeKind, User, int]] = []
    instead: list[tuple[Referral, Wanted, User]] = []
    for referral, want, user in wanted:
        claim = made.pop(want.key, None)
        if claim is None:
            continue
        if want.undeliverable is None:
            kind = _kind(want.rule, instead=want.instead_of is not None)
            owed.append((referral, kind, user, claim.id))
        else:
            instead += await _managers_of(uow, referral, want, claim.id, people)
    notices = await _owe_claimed(uow, owed)
    return notices + (await _claim_and_owe(uow, instead, people) if instead else [])


async def _owe_claimed(
    uow: UnitOfWork, owed: Sequence[tuple[Referral, NoticeKind, User, int]]
) -> list[Notice]:
    """Record the notices owed for these claims, each claim linked to its notice."""
    told = await owe_each(uow, [(referral, kind, user) for referral, kind, user, _c in owed])
    links = [(claim, nid) for (*_, claim), (nid, _n) in zip(owed, told, strict=True)]
    await uow.nudges.sent_all(links)
    return [notice for _nid, notice in told if notice is not None]


async def _managers_of(
    uow: UnitOfWork, referral: Referral, want: Wanted, claim: int, people: _People | None
) -> list[tuple[Referral, Wanted, User]]:
    """The LA's managers, to be told what could not reach its recipient. With no manager
    enrolled it stays on record only."""
    assert referral.la_code is not None
    managers = (
        await uow.people.active_in_la("manager", referral.la_code)
        if people is None
        else await people.of(Recipient("la_managers", la_code=referral.la_code))
    )
    at = Wanted(referral.id, want.rule, want.due_at, 0, instead_of=claim)
    return [(referral, at._replace(recipient_user_id=m.id), m) for m in managers]


@dataclass(frozen=True)
class _People:
    """Whom a batch's nudges go to, read once for the batch: the active people of each role in
    the LAs whose nudges go to everyone of a role there, and each person named (whatever
    became of them). An LA's managers told instead of someone unreachable are read when
    first wanted."""

    uow: UnitOfWork
    in_la: dict[tuple[str, str], list[User]]
    las: set[str]  # the LAs whose people `in_la` holds

    @classmethod
    async def load(
        cls, uow: UnitOfWork, due: Sequence[tuple[Referral, Sequence[Nudge]]]
    ) -> _People:
        """For the cases with something due: the people of the LAs with a nudge for a role
        there, each person named, and the cases' allocated workers (a managers' nudge says
        whose case it is)."""
        las = {n.to.la_code for _r, nudges in due for n in nudges if n.to.la_code is not None}
        named = [n.to.user_id for _r, nudges in due for n in nudges if n.to.user_id is not None]
        workers = [r.allocated_worker_id for r, nudges in due if nudges]
        in_la = await uow.people.active_in_las(sorted(las))
        await uow.people.load([i for i in (*named, *workers) if i is not None])  # the rest
        return cls(uow, in_la, las)

    async def of(self, to: Recipient) -> list[User]:
        """The named person, or the active ones of that role there."""
        if to.user_id is not None:
            user = await self.uow.people.get(to.user_id)  # read by `load`: no statement
            return [] if user is None else [user]
        assert to.la_code is not None
        if to.la_code not in self.las:
            self.in_la.update(await self.uow.people.active_in_las([to.la_code]))
            self.las.add(to.la_code)
        return list(self.in_la.get((to.role, to.la_code), []))


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
            want = Wanted(claim.referral_id, claim.rule, claim.due_at, claim.recipient_user_id)
            instead = await _managers_of(uow, referral, want, claim.id, None)
            notices += await _claim_and_owe(uow, instead, None)
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
    return await _owe_claimed(uow, [(referral, kind, user, claim.id)])


def _kind(rule: str, *, instead: bool = False) -> NoticeKind:
    kind = kind_named(kind_name(rule, instead=instead))
    assert kind is not None
    return kind
