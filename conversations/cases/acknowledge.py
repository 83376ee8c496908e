"""The police acknowledge an outcome they were sent; then the case closes (guidance §8 i).
Only a police user of the referral's force, checked when Acknowledge is pressed, however the
button came to them."""

from __future__ import annotations

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.words import day
from conversations.i18n import t
from conversations.notifications.outcome import acknowledged, awaiting
from conversations.reply import Outcome, Reply
from state_machine.errors import LifecycleError
from state_machine.lifecycle import ReferralState
from storage.uow import UnitOfWork


async def acknowledge(uow: UnitOfWork, actor: Actor, referral_id: int) -> Outcome:
    """Closes the case; the worker who recorded the outcome is told."""
    lang = actor.language
    referral = await scope.find(uow, referral_id)
    if referral is None or actor.role != "police" or actor.force_code != referral.force_code:
        return _said(t(lang, "button.stale"))
    reference = referral.reference
    if referral.lifecycle_state is ReferralState.CLOSED and referral.police_acknowledged_at:
        when = day(referral.police_acknowledged_at.astimezone(uow.tz).date())
        return _said(t(lang, "outcome.acknowledged_before", reference=reference, day=when))
    if not awaiting(referral):
        return _said(t(lang, "button.stale"))
    try:  # the row is locked first: of two officers pressing at once, one closes it
        await uow.referrals.transition(referral, "close", actor=actor.audit_name)
    except LifecycleError:
        return _said(t(lang, "button.stale"))
    said = Reply(t(lang, "outcome.acknowledged", reference=reference))
    return Outcome([said], notices=await acknowledged(uow, referral))


def _said(text: str) -> Outcome:
    return Outcome([Reply(text)])
