"""A case's timeline as entries, each made by a small reader of one source: the audit log
(one function per kind of event) and the case's records (contact attempts, sessions,
measures, concerns, notices). A new kind of event is one function and one line in
`AUDIT_READERS`; an event no reader knows is left out, never shown raw.

An entry says what happened and when, with nothing personal in its words: what is personal
(a note, the worker's words) is read only by the details view, by the entry's `record`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo

from storage.models import AuditEvent, Referral
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: its message key (under `timeline.`), the words that fill it,
    when (a moment, or a day for what is recorded by the day), and who may see it."""

    when: datetime | date
    key: str
    params: Mapping[str, str] = field(default_factory=dict)
    # Police see the case's path and its dates, as their /summary counts; not the casework.
    police: bool = False
    # The record it was read from, so the details view can add its words (a note, what
    # the worker wrote), which are read only there.
    record: tuple[str, int] | None = None

    def sort_key(self, tz: tzinfo) -> tuple[date, time]:
        if isinstance(self.when, datetime):
            at = self.when if self.when.tzinfo else self.when.replace(tzinfo=UTC)
            local = at.astimezone(tz)
            return local.date(), local.time()
        return self.when, time.max  # by the day: after that day's moments (the referral came first)


# The audit log: one reader per action -----------------------------------------------------

AuditReader = Callable[[AuditEvent], Entry | None]


def _day_param(value: object) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return "–"


def _plain(key: str, *, police: bool = True) -> AuditReader:
    """An event that needs no words but its own."""

    def read(event: AuditEvent) -> Entry:
        return Entry(event.at, key, police=police)

    return read


def _first_session(key: str) -> AuditReader:
    def read(event: AuditEvent) -> Entry:
        when = (event.details or {}).get("first_session_date")
        return Entry(event.at, key, {"day": _day_param(when)}, police=True)

    return read


def _extended(event: AuditEvent) -> Entry:
    return Entry(event.at, "extended", {"day": _day_param((event.details or {}).get("until"))},
                 police=True)  # fmt: skip


def _extension(key: str) -> AuditReader:
    """An extension asked or declined, with the date asked for (approval is the lifecycle's
    `extend`, read above)."""

    def read(event: AuditEvent) -> Entry:
        until = _day_param((event.details or {}).get("until"))
        return Entry(event.at, key, {"day": until}, police=True)

    return read


def _transferred(event: AuditEvent) -> Entry:
    # The LA's code; the service layer names it in the reader's language.
    return Entry(event.at, "transferred", {"la": str((event.details or {}).get("la_code", ""))},
                 police=True)  # fmt: skip


AUDIT_READERS: dict[str, AuditReader] = {
    "referral.created": _plain("screening_started"),
    "transition.submit": _plain("received"),
    "transition.accept": _plain("accepted"),
    "transition.set_first_session": _first_session("first_session_set"),
    "transition.move_first_session": _first_session("first_session_moved"),
    "transition.record_not_taken_up": _plain("outcome.not_taken_up"),
    "transition.record_not_engaged": _plain("outcome.not_engaged"),
    "transition.record_completed": _plain("outcome.completed"),
    "transition.notify_police": _plain("police_told"),
    "transition.close": _plain("closed"),
    "transition.transfer": _transferred,
    "transition.extend": _extended,
    "transition.withdraw": _plain("withdrawn"),
    # The LA's own staffing: not the police's to see.
    "transition.reallocate": _plain("reallocated", police=False),
    "extension.requested": _extension("extension_asked"),
    "extension.declined": _extension("extension_declined"),
}


def from_audit(events: list[AuditEvent]) -> list[Entry]:
    """The events some reader knows; the rest (reads of details, an event added by a later
    release before its reader) are left out."""
    found = (AUDIT_READERS[e.action](e) if e.action in AUDIT_READERS else None for e in events)
    return [entry for entry in found if entry is not None]


# The case's records: one reader per table -------------------------------------------------

RecordReader = Callable[[UnitOfWork, Referral], Awaitable[list[Entry]]]


async def attempts(uow: UnitOfWork, referral: Referral) -> list[Entry]:
    return [
        Entry(a.on, "attempt", {"method": a.method, "result": a.result}, record=("attempt", a.id))
        for a in await uow.casework.attempts(referral)
    ]


async def sessions(uow: UnitOfWork, referral: Referral) -> list[Entry]:
    entries = [
        Entry(h.on, "session", {"status": h.status}, police=True, record=("session", h.id))
        for h in await uow.casework.sessions(referral)
    ]
    planned = await uow.casework.planned(referral)
    if planned is not None:
        entries.append(Entry(planned, "session_planned", police=True))
    return entries


async def measures(uow: UnitOfWork, referral: Referral) -> list[Entry]:
    return [
        Entry(m.on, "measure", {"tool": m.tool, "phase": m.phase, "score": m.score})
        for m in await uow.measures.measures(referral)
    ]


async def concerns(uow: UnitOfWork, referral: Referral) -> list[Entry]:
    return [
        Entry(c.on, "concern", {"level": c.level, "action": c.action}, record=("concern", c.id))
        for c in await uow.safeguarding.concerns(referral)
    ]


async def notices(uow: UnitOfWork, referral: Referral) -> list[Entry]:
    """Notices owed at one moment of one kind are one entry: to how many, how many sent."""
    grouped: dict[tuple[str, datetime], list[bool]] = {}
    for told in await uow.notifications.about(referral.id):
        grouped.setdefault((told.kind, told.created_at), []).append(told.sent_at is not None)
    return [
        Entry(at, "notice", {"kind": kind, "to": str(len(sent)), "sent": str(sum(sent))},
              police=kind == "outcome_to_police")
        for (kind, at), sent in grouped.items()
    ]  # fmt: skip


RECORD_READERS: tuple[RecordReader, ...] = (attempts, sessions, measures, concerns, notices)


async def read(uow: UnitOfWork, referral: Referral) -> list[Entry]:
    """Every entry of the case, oldest first, in local time."""
    found = from_audit(await uow.audit.trail(referral.id))
    for reader in RECORD_READERS:
        found += await reader(uow, referral)
    indexed = sorted(enumerate(found), key=lambda p: (p[1].sort_key(uow.tz), p[0]))
    return [entry for _, entry in indexed]
