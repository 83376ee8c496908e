"""`/case R-…` and a case card's Timeline: what happened on a case, oldest first, dates in
Europe/London, from the audit log and the case's records (entries.py).

Who may see it (checked at every use, DESIGN.md §8): the managers of the case's LA (a
national manager, every LA's), the worker it is allocated to (while it is in their LAs), and
the police of the referring force, who see its path and dates only (no initials, no
casework), as their /summary gives counts. Admins and YOT officers are not given it. A
reference nobody may see and one that does not exist get the same answer.

Personal details (the individual's name, contact notes, the worker's words, what was seen
or said about a concern) only for LA staff who may see the case, when they press Show
details; each read is audited by the store that holds it. A long timeline is one reply that
the channel sends in parts of whole lines (bot/send.py `parts`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.words import case_label, state_text
from conversations.i18n import t
from conversations.keyboards import button
from conversations.reply import Button, Outcome, Reply
from conversations.timeline.access import may_see, may_see_details
from conversations.timeline.entries import Entry, read
from storage.errors import NotFound
from storage.models import Referral
from storage.uow import UnitOfWork

ROLES = ("manager", "worker", "police")
PURPOSE = "case timeline"
# Notice kinds and the words for them; a nudge is any `nudge:<rule>`; anything else a notice.
NOTICE_WORDS = (
    "new_referral", "new_referral_no_worker", "new_referral_nobody", "outcome_to_police",
    "outcome_acknowledged", "outcome_no_police", "safeguarding_concern", "handed_to_yot",
)  # fmt: skip


def _not_found(actor: Actor, reference: str) -> Outcome:
    # The same words whether it does not exist or is not theirs: nobody learns which.
    return Outcome([Reply(t(actor.language, "timeline.not_found", reference=reference))])


async def command(uow: UnitOfWork, actor: Actor, args: str) -> Outcome:
    """`/case R-7K3M9Q`: that case's timeline, if the reader may see it."""
    words = args.split()
    if len(words) != 1:
        return Outcome([Reply(t(actor.language, "timeline.usage"))])
    reference = words[0].upper()
    if not reference.startswith("R-"):
        reference = f"R-{reference}"
    try:
        referral = await uow.referrals.get(reference)
    except NotFound:
        return _not_found(actor, reference)
    if not may_see(actor, referral):
        return _not_found(actor, reference)
    return Outcome([await timeline(uow, actor, referral)])


async def open_timeline(uow: UnitOfWork, actor: Actor, referral_id: int) -> Reply:
    """From a button (the case card's Timeline): checked again now."""
    referral = await scope.find(uow, referral_id)
    if referral is None or not may_see(actor, referral):
        return Reply(t(actor.language, "button.stale"))
    return await timeline(uow, actor, referral)


async def open_details(uow: UnitOfWork, actor: Actor, referral_id: int) -> Reply:
    """Show details: the timeline again with what is personal, for LA staff who may see it."""
    referral = await scope.find(uow, referral_id)
    if referral is None or not may_see_details(actor, referral):
        return Reply(t(actor.language, "button.stale"))
    return await timeline(uow, actor, referral, details=True)


async def timeline(
    uow: UnitOfWork, actor: Actor, referral: Referral, *, details: bool = False
) -> Reply:
    lang = actor.language
    police = actor.role == "police"
    entries = [e for e in await read(uow, referral) if e.police or not police]
    places = {p.code: p.name(lang) for p in await uow.people.local_authorities()}
    if police:  # the reference only: no initials for the police here
        lines = [t(lang, "timeline.title_police", reference=referral.reference)]
    else:
        label = await case_label(uow, referral)
        la = places.get(referral.la_code or "", "–")
        lines = [t(lang, "timeline.title", case=label, la=la)]
    lines.append(t(lang, "case.state", state=state_text(lang, referral)))
    said: dict[tuple[str, int], str] = {}
    if details:
        lines += await _person(uow, actor, referral)
        said = await _words(uow, actor, referral)
    lines.append("")
    if not entries:
        lines.append(t(lang, "timeline.empty"))
    for entry in entries:
        lines.append(f"{_when(uow, entry.when)} · {_text(uow, lang, entry, places)}")
        if entry.record is not None and entry.record in said:
            lines.append(f"   “{said[entry.record]}”")
    return Reply("\n".join(lines), buttons=_buttons(uow, actor, referral, details=details))


def _when(uow: UnitOfWork, when: datetime | date) -> str:
    """A moment in Wales's local time; a day as recorded."""
    if isinstance(when, datetime):
        at = when if when.tzinfo else when.replace(tzinfo=UTC)
        return at.astimezone(uow.tz).strftime("%d/%m/%Y %H:%M")
    return when.strftime("%d/%m/%Y")


def _text(uow: UnitOfWork, lang: str, entry: Entry, places: dict[str, str]) -> str:
    """An entry in words: its codes (a method, a status, a tool, an LA) named."""
    p = dict(entry.params)
    if entry.key == "attempt":
        p = {"method": t(lang, f"contact.a.method.{p['method']}"),
             "result": t(lang, f"contact.a.result.{p['result']}")}  # fmt: skip
    elif entry.key == "session":
        p = {"status": t(lang, f"session.a.status.{p['status']}")}
    elif entry.key == "measure":
        tool = uow.distance_tools.named(p["tool"])
        p = {"tool": tool.name(lang) if tool is not None else p["tool"],
             "phase": t(lang, f"timeline.phase.{p['phase']}"), "score": p["score"]}  # fmt: skip
    elif entry.key == "concern":
        p = {"level": t(lang, f"concern.a.level.{p['level']}"),
             "action": t(lang, f"concern.a.action.{p['action']}")}  # fmt: skip
    elif entry.key == "transferred":
        p = {"la": places.get(p["la"], "–")}
    elif entry.key == "notice":
        kind = p["kind"]
        what = kind if kind in NOTICE_WORDS else "nudge" if kind.startswith("nudge:") else "other"
        p = {"what": t(lang, f"timeline.notice.{what}"), "to": p["to"], "sent": p["sent"]}
    return t(lang, f"timeline.{entry.key}", **p)


async def _person(uow: UnitOfWork, actor: Actor, referral: Referral) -> list[str]:
    found = await uow.personal.read(referral, actor=actor.audit_name, purpose=PURPOSE)
    lang = actor.language
    if not found:
        return [t(lang, "notify.details_gone", reference=referral.reference)]
    return [t(lang, "timeline.individual", name=str(found.get("name", "–")))]


async def _words(uow: UnitOfWork, actor: Actor, referral: Referral) -> dict[tuple[str, int], str]:
    """What was written about people, by the record it belongs to (each read audited)."""
    lang, who = actor.language, actor.audit_name
    said: dict[tuple[str, int], str] = {}
    for attempt, note in await uow.casework.notes(referral, actor=who, purpose=PURPOSE):
        said["attempt", attempt.id] = note
    for held, words in await uow.casework.session_notes(referral, actor=who, purpose=PURPOSE):
        said["session", held.id] = "; ".join(
            f"{t(lang, f'session.r.{key}')}: {value}" for key, value in words.items()
        )
    for concern, seen in await uow.safeguarding.words(referral, actor=who, purpose=PURPOSE):
        said["concern", concern.id] = seen
    return said


def _buttons(
    uow: UnitOfWork, actor: Actor, referral: Referral, *, details: bool
) -> tuple[tuple[Button, ...], ...]:
    lang, rid = actor.language, referral.id
    rows: list[tuple[Button, ...]] = []
    if not details and may_see_details(actor, referral):
        rows.append((button(uow, actor, t(lang, "notify.show_details"), "case.timeline_details",
                            referral_id=rid),))  # fmt: skip
    if actor.role in ("manager", "worker") and scope.may_view(actor, referral):
        rows.append((button(uow, actor, t(lang, "timeline.to_card"), "case.open",
                            referral_id=rid),))  # fmt: skip
    return tuple(rows)
