"""Where the screening's answers live: the referral's answers, and its encrypted details.

Every answer is stored as it is given, so a restart or another bot instance loses nothing.
"""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.forms.questions import Question
from conversations.parsing import initials
from conversations.screening import render
from storage.models import Referral
from storage.uow import UnitOfWork


class ScreeningStore:
    def __init__(self, uow: UnitOfWork, actor: Actor, referral: Referral) -> None:
        self.uow, self.actor, self.referral = uow, actor, referral

    async def answers(self) -> dict[str, Any]:
        return await self.uow.referrals.answers(self.referral)

    async def given(self) -> dict[str, Any]:
        details = await self.uow.personal.read(
            self.referral, actor=self.actor.audit_name, purpose="screening review"
        )
        return {**await self.answers(), **(details or {})}

    async def record(self, question: Question, value: Any) -> None:
        uow, actor, referral = self.uow, self.actor, self.referral
        if question.personal:
            fields = {question.key: value}
            if question.key == "name":  # notifications show only these
                fields["initials"] = initials(value)
            await uow.personal.merge(referral, fields, actor=actor.audit_name)
            return
        key = question.key
        await uow.referrals.record_answer(referral, key, value, by=actor.user_id)
        if key == "repeat_disposal" and value == "conditional_caution":
            key = "outcome"  # the officer changed the disposal, as footnote 8 expects
            await uow.referrals.record_answer(referral, key, value, by=actor.user_id)
        if key == "outcome" and value in ("community_resolution", "conditional_caution"):
            referral.oocd = value
        if key == "la" and referral.la_code not in (None, value):
            for stale in ("consent", "consent_record"):  # consent named the old LA
                await uow.referrals.forget_answer(referral, stale)
            referral.consent_given_at = None
        if key == "la":
            referral.la_code = value
        if key == "consent" and value == "given":
            await self._consent_record()

    async def _consent_record(self) -> None:
        """The words read to the individual, kept with their consent exactly as shown."""
        uow, actor, referral = self.uow, self.actor, self.referral
        record = {
            "wording": await render.consent_wording(uow, actor, referral),
            "language": actor.language,
            "officer": actor.user_id,
            "at": uow.clock.now().isoformat(),
        }
        await uow.referrals.record_answer(referral, "consent_record", record, by=actor.user_id)
        referral.consent_given_at = uow.clock.now()
