"""What the officer sees: one question per message, the review screen, the ending."""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button, rows
from conversations.reply import Button, Reply
from conversations.screening.answers import postcode_fits_la, shown
from conversations.screening.questions import (
    EDITABLE_QUESTIONS,
    EDITABLE_SECTIONS,
    QUESTIONS,
    Question,
)
from state_machine.eligibility import Decision
from storage.models import Referral
from storage.uow import UnitOfWork


def _progress(question: Question, answers: dict[str, Any]) -> str:
    applicable = [q for q in QUESTIONS if q.applies(answers)]
    number = next((i for i, q in enumerate(applicable, 1) if q.key == question.key), 1)
    return f"{number}/{len(applicable)}"


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


async def question(
    uow: UnitOfWork, actor: Actor, referral: Referral, q: Question, answers: dict[str, Any]
) -> Reply:
    lang = actor.language
    if q.key == "explained_consequences":
        text = t(lang, f"screen.q.explained_consequences.{referral.oocd or 'community_resolution'}")
    elif q.key == "consent":
        text = t(lang, "screen.q.consent", wording=await consent_wording(uow, actor, referral))
    else:
        text = t(lang, f"screen.q.{q.key}")
    buttons: list[Button] = [
        button(
            uow, actor, t(lang, f"screen.a.{q.key}.{value}"), "screening.answer", q=q.key, v=value
        )
        for value in q.choices
    ]
    return Reply(f"{_progress(q, answers)} · {text}", buttons=rows(buttons, q.per_row))


async def review(
    uow: UnitOfWork, actor: Actor, referral: Referral, answers: dict[str, Any]
) -> Reply:
    lang = actor.language
    details = await uow.personal.read(referral, actor=actor.audit_name, purpose="screening review")
    given = {**answers, **(details or {})}
    las = {la.code: la for la in await uow.people.local_authorities()}
    lines = [t(lang, "screen.review.title", reference=referral.reference)]
    for section in dict.fromkeys(q.section for q in QUESTIONS):
        lines += ["", f"<{t(lang, f'screen.section.{section}')}>"]
        for q in QUESTIONS:
            if q.section == section and q.applies(answers) and q.key in given:
                lines.append(
                    f"• {t(lang, f'screen.r.{q.key}')}: {shown(lang, q, given[q.key], las)}"
                )
    postcode, la = given.get("postcode"), referral.la_code
    if postcode and la in las and not postcode_fits_la(postcode, la):
        lines += [
            "",
            t(lang, "screen.review.postcode_la", postcode=postcode, la=las[la].name(lang)),
        ]
    changes = [
        button(
            uow,
            actor,
            t(lang, "screen.change", section=t(lang, f"screen.section.{s}")),
            "screening.change",
            section=s,
        )
        for s in EDITABLE_SECTIONS
    ]
    submit = button(uow, actor, t(lang, "screen.submit"), "screening.submit")
    return Reply("\n".join(lines), buttons=(*rows(changes), (submit,)))


def pick_answer(uow: UnitOfWork, actor: Actor, section: str, answers: dict[str, Any]) -> Reply:
    """Which answer of a section to change: one button each, and a way back to the review."""
    lang = actor.language
    choices = [
        button(uow, actor, t(lang, f"screen.r.{q.key}"), "screening.edit", q=q.key)
        for q in EDITABLE_QUESTIONS
        if q.section == section and q.applies(answers)
    ]
    back = button(uow, actor, t(lang, "screen.back_to_review"), "screening.back")
    text = t(lang, "screen.change_which", section=t(lang, f"screen.section.{section}"))
    return Reply(text, buttons=(*rows(choices), (back,)))


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
