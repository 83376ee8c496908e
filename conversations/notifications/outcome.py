"""The outcome told to police (guidance §8 i: the LA completes the referral (notification)
form and returns it to police): the form as a PDF, in the recipient's language, with a short
message and an Acknowledge button.

It goes to the referring officer; if they are no longer active, to the force's other police
users; failing them, to the admins, who are told only the reference and the force (they see
no case details, DESIGN.md §1), and the first police user of the force to enrol is sent it.
It is owed in the unit of work that records the outcome and is news until acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.outcome_pdf import form_pdf
from conversations.notifications.owed import NoticeKind, owe
from conversations.reply import Document, Notice, Reply
from state_machine.contact import REACHED
from state_machine.lifecycle import OUTCOME_STATES
from storage.models import Referral, User
from storage.uow import UnitOfWork

SYSTEM = "system:outcome_notice"


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "–"


async def police_for(uow: UnitOfWork, referral: Referral) -> list[User]:
    """The referring officer while active in the force; else the force's other police users."""
    officer_id = referral.referring_officer_id
    officer = await uow.people.get(officer_id) if officer_id is not None else None
    if officer is not None and await _of_the_force(uow, referral, officer) and officer.active:
        return [officer]
    police = await uow.people.active_with_role("police")
    return [u for u in police if u.force_code == referral.force_code and u.id != officer_id]


@dataclass(frozen=True)
class Told:
    notices: list[Notice]
    police: bool  # a police user of the force has it; else the admins were told


async def notify_outcome(uow: UnitOfWork, referral: Referral, *, actor: str) -> Told:
    """Owe the outcome notice with the outcome itself; the police are 'notified' from now
    (the notification rows say when each was delivered)."""
    police = await police_for(uow, referral)
    if police:
        await uow.referrals.transition(referral, "notify_police", actor=actor)
        return Told(await owe(uow, referral, TO_POLICE, police), True)
    admins = list(await uow.people.active_with_role("admin"))
    return Told(await owe(uow, referral, TO_ADMINS, admins), False)


async def waiting_for_police(uow: UnitOfWork, user: User) -> list[Notice]:
    """For a police user just enrolled: their force's outcomes nobody there could be sent."""
    notices: list[Notice] = []
    for referral in await uow.casework.outcomes_untold(user.force_code):
        await uow.referrals.transition(referral, "notify_police", actor=SYSTEM)
        notices += await owe(uow, referral, TO_POLICE, [user])
    return notices


def outcome_words(lang: str, referral: Referral) -> str:
    return t(lang, f"outcome.police.{referral.outcome}")


async def _names(uow: UnitOfWork, referral: Referral, lang: str) -> tuple[str, str]:
    forces = {f.code: f for f in await uow.people.forces()}
    las = {la.code: la for la in await uow.people.local_authorities()}
    force = forces.get(referral.force_code or "")
    la = las.get(referral.la_code or "")
    return (force.name(lang) if force else "–"), (la.name(lang) if la else "–")


async def _person(uow: UnitOfWork, user_id: int | None) -> str:
    person = await uow.people.get(user_id) if user_id is not None else None
    return person.display_name if person is not None else "–"


async def form_rows(uow: UnitOfWork, referral: Referral, user: User) -> list[tuple[str, str]]:
    """The form's fields, in the recipient's language. Reading the individual's details for
    it is audited, each time it is made."""
    lang = Actor.of(user).language
    force, la = await _names(uow, referral, lang)
    details = (
        await uow.personal.read(referral, actor=SYSTEM, purpose=f"outcome notice to user:{user.id}")
        or {}
    )
    dob = details.get("dob")
    attempts = await uow.casework.attempts(referral)
    reached = [a.on for a in attempts if a.result in REACHED]
    attended = await uow.casework.attended_days(referral)
    language = referral.session_language
    spoken = t(lang, f"screen.a.session_language.{language}") if language else "–"
    if language == "other" and details.get("interpreter_language"):
        spoken = f"{spoken}: {details['interpreter_language']}"
    received = referral.received_at
    fields = {
        "reference": referral.reference,
        "force": force,
        "officer": await _person(uow, referral.referring_officer_id),
        "la": la,
        "worker": await _person(uow, referral.allocated_worker_id),
        "name": str(details.get("name") or "–"),
        "dob": _day(date.fromisoformat(dob)) if dob else "–",
        "outcome": outcome_words(lang, referral),
        "referred_on": _day(received.astimezone(uow.tz).date() if received else None),
        "first_contact": _day(reached[0] if reached else None),
        "last_session": _day(attended[-1] if attended else None),
        "attended": str(len(attended)),
        "language": spoken,
    }
    return [(t(lang, f"outcome.form.{key}"), value) for key, value in fields.items()]


async def _of_the_force(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return user.role == "police" and user.force_code == referral.force_code


def awaiting(referral: Referral) -> bool:
    """An outcome the police were told of and have not acknowledged."""
    return (
        referral.lifecycle_state in OUTCOME_STATES
        and referral.police_notified_at is not None
        and referral.police_acknowledged_at is None
    )


async def _to_police(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """The message, the PDF and Acknowledge; None once acknowledged (no longer news)."""
    if not awaiting(referral):
        return None
    officer = Actor.of(user)
    lang = officer.language
    _force, la = await _names(uow, referral, lang)
    initials = await uow.personal.initials(referral) or "–"
    text = t(lang, "outcome.notice", reference=referral.reference, initials=initials, la=la,
             outcome=outcome_words(lang, referral))  # fmt: skip
    pdf = form_pdf(
        t(lang, "outcome.form.title"),
        await form_rows(uow, referral, user),
        t(lang, "outcome.form.footer"),
    )
    ack = button(uow, officer, t(lang, "outcome.acknowledge"), "referral.acknowledge",
                 referral_id=referral.id)  # fmt: skip
    document = Document(f"{referral.reference}-outcome.pdf", pdf, "application/pdf")
    return Reply(text, buttons=((ack,),), document=document)


async def _admin(_uow: UnitOfWork, _referral: Referral, user: User) -> bool:
    return user.role == "admin"


async def _nobody(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """The reference and the force only; no longer news once police were told."""
    if referral.lifecycle_state not in OUTCOME_STATES or referral.police_notified_at is not None:
        return None
    lang = Actor.of(user).language
    force, _la = await _names(uow, referral, lang)
    return Reply(t(lang, "outcome.nobody", reference=referral.reference, force=force))


async def acknowledged(uow: UnitOfWork, referral: Referral) -> list[Notice]:
    """The worker who recorded the outcome is told the police acknowledged it (the case has
    left their list)."""
    worker_id = referral.allocated_worker_id
    worker = await uow.people.get(worker_id) if worker_id is not None else None
    return [] if worker is None else await owe(uow, referral, TO_WORKER, [worker])


async def _their_worker(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return (
        user.role == "worker"
        and user.id == referral.allocated_worker_id
        and Actor.of(user).sees_la(referral.la_code)
    )


async def _closed(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    if referral.police_acknowledged_at is None:
        return None
    lang = Actor.of(user).language
    initials = await uow.personal.initials(referral) or "–"
    return Reply(t(lang, "outcome.worker_told", reference=referral.reference, initials=initials))


TO_POLICE = NoticeKind("outcome_to_police", _of_the_force, _to_police)
TO_WORKER = NoticeKind("outcome_acknowledged", _their_worker, _closed)
TO_ADMINS = NoticeKind("outcome_no_police", _admin, _nobody)
