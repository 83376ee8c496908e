""" "Remind me tomorrow" on a nudge: the same nudge, owed again to the same person at the next
working morning. Checked when pressed: it must be theirs, and they must still be someone the
nudge is for (role, LA, the allocated worker), whenever the button was made."""

from __future__ import annotations

from conversations.access import Actor
from conversations.i18n import t
from conversations.notifications.nudges import (
    kind_name,
    kind_named,
    local_moment,
    rule_in_force,
    still_owed,
)
from conversations.reply import Reply
from storage.uow import UnitOfWork


async def remind_tomorrow(uow: UnitOfWork, actor: Actor, claim_id: int) -> Reply:
    lang = actor.language
    claim = await uow.nudges.get(claim_id)
    user = await uow.people.get(actor.user_id)
    if claim is None or user is None or claim.recipient_user_id != user.id or claim.undeliverable:
        return Reply(t(lang, "button.stale"))
    referral = await uow.referrals.get_by_id(claim.referral_id)
    kind = kind_named(kind_name(claim.rule, instead=claim.instead_of is not None))
    rule = rule_in_force(uow, claim.rule)
    if kind is None or rule is None or not await kind.may_receive(uow, referral, user):
        return Reply(t(lang, "button.stale"))
    if await still_owed(uow, referral, rule) is None:
        return Reply(t(lang, "nudge.snooze_not_needed", reference=referral.reference))
    until = uow.nudging.calendar.next_working_morning(uow.clock.now())
    await uow.nudges.snooze(claim.id, until)
    when = local_moment(until, uow.tz, lang)
    return Reply(t(lang, "nudge.snoozed", reference=referral.reference, when=when))
