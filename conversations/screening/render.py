"""The screening's own words: the LA by name, the consent wording, an ineligible ending."""

from __future__ import annotations

from conversations.access import Actor
from conversations.i18n import t
from conversations.reply import Reply
from state_machine.eligibility import Decision
from storage.models import Referral
from storage.uow import UnitOfWork


async def la_name(uow: UnitOfWork, lang: str, code: str | None) -> str:
    las = {la.code: la for la in await uow.people.local_authorities()}
    return las[code].name(lang) if code in las else "–"


async def consent_wording(uow: UnitOfWork, actor: Actor, referral: Referral) -> str:
    """The words read to the individual; stored with their consent, exactly as shown."""
    return t(
        actor.language,
        "screen.consent_wording",
        la=await la_name(uow, actor.language, referral.la_code),
    )


_SECTION_WORDS = {"footnote": "guidance.footnote", "Police process": "guidance.police_process",
                  "YOTs role": "guidance.yots_role", "Issue": "guidance.issue"}  # fmt: skip


def section_text(lang: str, section: str) -> str:
    """A guidance reference such as "§3, footnote 9" in the reader's language."""
    for word, key in _SECTION_WORDS.items():
        section = section.replace(word, t(lang, key))
    return section


def ineligible(lang: str, decision: Decision, reference: str) -> Reply:
    parts = [
        t(lang, f"screen.ineligible.{decision.reason}"),
        t(lang, "screen.ineligible.rests_on", section=section_text(lang, decision.section)),
    ]
    if decision.signpost:
        parts.append(t(lang, f"screen.signpost.{decision.signpost}"))
    parts.append(t(lang, "screen.ineligible.recorded", reference=reference))
    return Reply("\n\n".join(parts))
