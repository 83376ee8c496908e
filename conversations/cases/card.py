"""The case card: reference, initials, state, the dates that matter, what is owed next, the
next deadline nudge, the contact attempts, the sessions (attended of those logged, the last
one, the next planned, the §7 topics covered so far), the parent's feedback, the
questionnaires' scores, the safeguarding concerns, and buttons for what the reader may do on
it now."""

from __future__ import annotations

from datetime import date

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.reallocate import may_reallocate
from conversations.cases.words import case_label, day, owed_text, state_text
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.offers import la_of
from conversations.nudges.coming import next_line
from conversations.reply import Button, Reply
from conversations.timeline.access import may_see as may_see_timeline
from state_machine.contact import DECLINED
from state_machine.lifecycle import OPEN_STATES, OUTCOME_STATES, ReferralState
from state_machine.obligations import obligations, soonest
from state_machine.sessions import ATTENDED, SESSION_TOPICS
from storage.casework import Attempt, Held
from storage.measures import Measure
from storage.models import Referral
from storage.referrals import case_from
from storage.safeguarding import Concern
from storage.uow import UnitOfWork

SHOWN_ATTEMPTS = 5  # the latest few: the card stays one phone screen
S = ReferralState


async def open_card(uow: UnitOfWork, actor: Actor, referral_id: int, *, page: int = 0) -> Reply:
    """A case opened from the list (or a notice): only for someone who may see it now."""
    referral = await scope.find(uow, referral_id)
    if referral is None or not scope.may_view(actor, referral):
        return Reply(t(actor.language, "button.stale"))
    return await card(uow, actor, referral, page=page, edit=True)


async def card(
    uow: UnitOfWork, actor: Actor, referral: Referral, *, page: int = 0, edit: bool = False
) -> Reply:
    lang = actor.language
    tally = (await uow.casework.tallies([referral.id]))[referral.id]
    attempts = await uow.casework.attempts(referral)
    case = case_from(referral, attended=tally.attended)
    owed = soonest(obligations(case, uow.clock.now(), uow.tz))
    la = await la_of(uow, referral.la_code)
    received = referral.received_at
    lines = [
        f"{await case_label(uow, referral)} · {la.name(lang)}",
        t(lang, "case.state", state=state_text(lang, referral)),
        t(lang, "case.received", day=day(received.astimezone(uow.tz).date() if received else None)),
    ]
    if referral.first_session_date is not None:
        lines.append(t(lang, "case.first_session_set", day=day(referral.first_session_date)))
    else:
        lines.append(t(lang, "case.first_session_due", day=day(referral.first_session_due)))
    lines.append(t(lang, "case.support_due", day=day(referral.support_due)))
    lines.append(t(lang, "case.next", owed=owed_text(lang, owed)))
    reminder = await next_line(uow, actor, referral)  # the next deadline nudge they will see
    if reminder is not None:
        lines.append(reminder)
    if actor.role == "manager":
        lines.append(await _worker_line(uow, lang, referral))
    lines += ["", *attempt_lines(lang, attempts)]
    if _declined(referral, attempts):
        lines.append(t(lang, "case.declined_now"))
    held = await uow.casework.sessions(referral)
    lines += _session_lines(lang, held, await uow.casework.planned(referral))
    helpful = await uow.casework.feedback(referral)
    if helpful is not None:
        lines.append(t(lang, "case.feedback", helpful=helpful))
    lines += _measure_lines(uow, lang, await uow.measures.measures(referral))
    lines += _concern_lines(lang, await uow.safeguarding.concerns(referral))
    lines += _outcome_lines(lang, referral, uow)
    lines += await _change_lines(uow, lang, referral)
    buttons = _buttons(uow, actor, referral, page, attended=tally.attended > 0)
    return Reply("\n".join(lines), buttons=buttons, edit=edit)


def _session_lines(lang: str, held: list[Held], planned: date | None) -> list[str]:
    """How many attended of those logged, the last one, the next one planned, and the §7
    topics covered so far (the worker's words stay in the details)."""
    lines = [t(lang, "case.sessions_none")] if not held else [
        t(lang, "case.sessions_held", attended=sum(h.status == ATTENDED for h in held),
          count=len(held)),
        t(lang, "case.session_last", day=day(held[-1].on),
          status=t(lang, f"session.a.status.{held[-1].status}")),
    ]  # fmt: skip
    if planned is not None:
        lines.append(t(lang, "case.session_next", day=day(planned)))
    covered = {topic for h in held for topic in h.topics}
    if covered:
        lines.append(t(lang, "case.topics_covered", count=len(covered), total=len(SESSION_TOPICS)))
    return lines


def _measure_lines(uow: UnitOfWork, lang: str, measures: list[Measure]) -> list[str]:
    """Each questionnaire used: its first start score and its latest end score, and whether
    the end is better (a positive outcome, in the tool's direction)."""
    lines = []
    for key in dict.fromkeys(m.tool for m in measures):
        tool = uow.distance_tools.named(key)
        name = tool.name(lang) if tool is not None else key
        starts = [m for m in measures if m.tool == key and m.phase == "start"]
        ends = [m for m in measures if m.tool == key and m.phase == "end"]
        parts = [t(lang, f"case.measure_{m.phase}", score=m.score, day=day(m.on))
                 for m in (starts[:1] + ends[-1:])]  # fmt: skip
        if ends and ends[-1].positive is not None:
            parts.append(t(lang, f"case.measure_positive.{str(ends[-1].positive).lower()}"))
        lines.append(f"• {name}: {'; '.join(parts)}")
    return [t(lang, "case.measures"), *lines] if lines else []


def _concern_lines(lang: str, concerns: list[Concern]) -> list[str]:
    """How many concerns were raised and the latest one's level (the words: in the details)."""
    if not concerns:
        return []
    latest = concerns[-1]
    level = t(lang, f"concern.a.level.{latest.level}")
    return [t(lang, "case.concerns", count=len(concerns), day=day(latest.on), level=level)]


async def _worker_line(uow: UnitOfWork, lang: str, referral: Referral) -> str:
    worker_id = referral.allocated_worker_id
    worker = await uow.people.get(worker_id) if worker_id is not None else None
    if worker is None:
        return t(lang, "case.worker_none")
    return t(lang, "case.worker", name=worker.display_name)


def attempt_lines(lang: str, attempts: list[Attempt], *, every: bool = False) -> list[str]:
    """The contact attempts, oldest first: the latest few, or `every` one (before 'did not
    take up' is recorded)."""
    if not attempts:
        return [t(lang, "case.attempts_none")]
    lines = [t(lang, "case.attempts", count=len(attempts))]
    shown = attempts if every else attempts[-SHOWN_ATTEMPTS:]
    if len(shown) < len(attempts):
        lines.append(t(lang, "case.attempts_latest", shown=SHOWN_ATTEMPTS))
    for a in shown:
        how = t(lang, f"contact.a.method.{a.method}")
        result = t(lang, f"contact.a.result.{a.result}")
        lines.append(f"• {day(a.on)}: {how}, {result}")
    return lines


def _declined(referral: Referral, attempts: list[Attempt]) -> bool:
    """The individual said no and no first session was ever set: 'did not take up' may be
    recorded now, without waiting for the 21 days; the card says so."""
    waiting = referral.first_session_date is None and referral.lifecycle_state in (
        S.REFERRED,
        S.ALLOCATED,
    )
    return waiting and any(a.result == DECLINED for a in attempts)


def _outcome_lines(lang: str, referral: Referral, uow: UnitOfWork) -> list[str]:
    """Once an outcome is recorded: whether the police were told, and are yet to
    acknowledge it."""
    if referral.lifecycle_state not in OUTCOME_STATES:
        return []
    if referral.police_notified_at is None:
        return [t(lang, "case.police_untold")]
    told = day(referral.police_notified_at.astimezone(uow.tz).date())
    return [t(lang, "case.awaiting_acknowledgement", day=told)]


async def _change_lines(uow: UnitOfWork, lang: str, referral: Referral) -> list[str]:
    """An extension waiting for the police, or the one agreed; a withdrawal and its reason."""
    lines = []
    waiting = await uow.extensions.open_for(referral)
    if waiting is not None and referral.lifecycle_state in OPEN_STATES:
        asked = day(waiting.requested_at.astimezone(uow.tz).date())
        lines.append(t(lang, "case.extension_waiting", day=asked, until=day(waiting.until)))
    if referral.extension_until is not None:
        lines.append(t(lang, "case.extension_agreed", until=day(referral.extension_until)))
    if referral.lifecycle_state is S.CLOSED_WITHDRAWN:
        why = t(lang, f"withdraw.a.why.{referral.closed_reason}")
        lines.append(t(lang, "case.withdrawn", day=day(referral.state_changed_at.astimezone(
            uow.tz).date()), why=why))  # fmt: skip
    return lines


def _buttons(
    uow: UnitOfWork, actor: Actor, referral: Referral, page: int, *, attended: bool
) -> tuple[tuple[Button, ...], ...]:
    lang, rid = actor.language, referral.id
    rows: list[tuple[Button, ...]] = []
    if scope.may_log_sessions(actor, referral):  # engaged: the sessions come first
        rows += [
            (button(uow, actor, t(lang, "case.log_session"), "case.session", referral_id=rid),),
            (button(uow, actor, t(lang, "case.next_session"), "case.next_session",
                    referral_id=rid),),
        ]  # fmt: skip
        if attended:  # feedback is about support given: once a session was attended
            rows.append((button(uow, actor, t(lang, "case.feedback_button"), "case.feedback",
                                referral_id=rid),))  # fmt: skip
    if scope.may_work_on(actor, referral):
        date_label = "case.move_first_session" if referral.first_session_date else (
            "case.set_first_session"
        )  # fmt: skip
        rows += [
            (button(uow, actor, t(lang, "case.record_contact"), "case.contact", referral_id=rid),),
            (button(uow, actor, t(lang, date_label), "case.first_session", referral_id=rid),),
            (button(uow, actor, t(lang, "case.record_outcome"), "case.outcome", referral_id=rid),),
            (button(uow, actor, t(lang, "notify.show_details"), "referral.details",
                    referral_id=rid),),
            (button(uow, actor, t(lang, "case.record_measure"), "case.measure", referral_id=rid),),
            (button(uow, actor, t(lang, "case.raise_concern"), "case.concern", referral_id=rid),),
            (button(uow, actor, t(lang, "case.ask_extension"), "case.extension",
                    referral_id=rid),),
            (button(uow, actor, t(lang, "case.transfer"), "case.transfer", referral_id=rid),),
            (button(uow, actor, t(lang, "case.withdraw"), "case.withdraw", referral_id=rid),),
        ]  # fmt: skip
    elif actor.role == "worker" and referral.lifecycle_state is S.REFERRED:
        rows.append((button(uow, actor, t(lang, "notify.accept"), "referral.accept",
                            referral_id=rid),))  # fmt: skip
    if may_reallocate(actor, referral):
        rows.append((button(uow, actor, t(lang, "case.reallocate"), "case.reallocate",
                            referral_id=rid),))  # fmt: skip
    if may_see_timeline(actor, referral):
        rows.append((button(uow, actor, t(lang, "case.timeline"), "case.timeline",
                            referral_id=rid),))  # fmt: skip
    rows.append((button(uow, actor, t(lang, "case.back"), "cases.page", page=page),))
    return tuple(rows)
