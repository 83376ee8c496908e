"""The session log (guidance §7), one form on the engine, from the case card: the day; whether
it took place (attended, did not attend, or cancelled, and by whom); for one attended, how
long, how it was delivered (face to face or live online: never recorded), the language, the
§7 topics covered (ticked in one message), whether the individual engaged appropriately and
why (§8 i), the other parent (asked about only once the police agreed, §7), what the parent is
doing well and the next steps agreed; then the next session's date, if there is one. A review
with Change, and Save.

The worker's words about the parent are sealed in the dialogue row and in the case's record.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label, day
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question, when
from conversations.i18n import t
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from state_machine.sessions import (
    ATTENDED,
    CANCELLED,
    CANCELLED_BY,
    DELIVERIES,
    ENGAGEMENTS,
    LOGGED_STATUSES,
    NOT_APPROPRIATE,
    SESSION_LANGUAGES,
    SESSION_TOPICS,
)
from storage.casework import SessionLog
from storage.models import Referral

KIND = "session"
NO_REASON = "no_reason"
NO_DATE = "no_date"
WORDS_LIMIT = 500
REASON_LIMIT = 300
FEWEST, MOST = 5, 480  # minutes: a session is at least a few minutes, at most a working day
YES_NO = ("yes", "no")
POLICE = ("yes", "no", "not_asked")
TOPIC = "topic_"  # a §7 topic's part: topic_<topic>, yes or no

held = when("status", ATTENDED)  # one object: a checklist's parts apply exactly where it does


def _other_parent_asked(answers: Answers) -> bool:
    return held(answers) and answers.get("police_agreed") == "yes"


_MINUTES = re.compile(
    r"(?P<n>\d{1,3}(?:[.,]\d)?)\s*(?P<unit>m|mins?|minutes?|munud|h|hrs?|hours?|awr|oriau)?\.?",
    re.IGNORECASE,
)


def parse_minutes(text: str) -> int | Problem:
    """45, "45 min", "1 hour", "1.5 hours", "1,5 awr": whole minutes."""
    found = _MINUTES.fullmatch(text.strip())
    if found is None:
        return Problem("session.minutes_invalid", {"low": FEWEST, "high": MOST})
    number = float(found.group("n").replace(",", "."))
    hours = (found.group("unit") or "m").lower().startswith(("h", "a", "o"))
    minutes = round(number * 60) if hours else round(number)
    if not FEWEST <= minutes <= MOST:
        return Problem("session.minutes_invalid", {"low": FEWEST, "high": MOST})
    return minutes


QUESTIONS = (
    Question("on", "date", "session", ("today", "yesterday")),
    Question("status", "choice", "session", LOGGED_STATUSES, per_row=1),
    Question("cancelled_by", "choice", "session", CANCELLED_BY, applies=when("status", CANCELLED),
             depends_on=("status",)),
    Question("minutes", "number", "session", ("30", "45", "60", "90"), applies=held,
             depends_on=("status",), parser=parse_minutes, least=FEWEST, limit=MOST),
    Question("delivery", "choice", "session", DELIVERIES, applies=held, depends_on=("status",)),
    Question("language", "choice", "session", SESSION_LANGUAGES, applies=held,
             depends_on=("status",)),
    Question("topics", "checklist", "topics", applies=held, depends_on=("status",), per_row=1,
             parts=tuple(f"{TOPIC}{topic}" for topic in SESSION_TOPICS)),
    *[Question(f"{TOPIC}{topic}", "choice", "topics", YES_NO, applies=held,
               depends_on=("status",)) for topic in SESSION_TOPICS],
    Question("engagement", "choice", "engagement", ENGAGEMENTS, applies=held,
             depends_on=("status",), per_row=1),
    Question("engagement_reason", "text", "engagement", (NO_REASON,), personal=True,
             shortcut=NO_REASON, applies=held, depends_on=("status",),
             rests_on=("engagement",), limit=REASON_LIMIT),
    Question("police_agreed", "choice", "other_parent", POLICE, applies=held,
             depends_on=("status",), per_row=1),
    Question("other_parent", "choice", "other_parent", YES_NO, applies=_other_parent_asked,
             depends_on=("status", "police_agreed")),
    Question("doing_well", "text", "notes", personal=True, applies=held, depends_on=("status",),
             limit=WORDS_LIMIT),
    Question("next_steps", "text", "notes", personal=True, applies=held, depends_on=("status",),
             limit=WORDS_LIMIT),
    Question("next_on", "date", "next", (NO_DATE,), shortcut=NO_DATE, rests_on=("on",)),
)  # fmt: skip


def latest_day(referral: Referral) -> date | None:
    """The last day support may be given: the extension agreed, or the 3 months."""
    return referral.extension_until or referral.support_due


class SessionHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        lang = turn.lang
        if question.key == "on":
            label = await case_label(turn.uow, referral_of(turn))
            return t(lang, "session.q.on", case=label, example=day(turn.today()))
        if question.key == "engagement_reason":
            return t(lang, f"session.q.engagement_reason.{answers.get('engagement')}")
        if question.key == "next_on":
            example = day(turn.today() + timedelta(days=7))
            return t(lang, "session.q.next_on", example=example)
        if question.key.startswith(TOPIC):  # one topic, asked on its own from the review
            topic = t(lang, f"session.a.topics.{question.key}")
            return t(lang, "session.q.topic", topic=topic)
        return await super().text(turn, question, answers)

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        if question.key.startswith(TOPIC):  # each topic's part: ticked or not
            return t(lang, f"session.a.topic.{value}")
        return super().label(turn, lang, question, value)

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        """Engagement judged not appropriate needs its reason: no "No reason" button."""
        found = await super().options(turn, question, answers, lang)
        if question.key == "engagement_reason" and answers.get("engagement") == NOT_APPROPRIATE:
            return [(v, label) for v, label in found if v != NO_REASON]
        return found

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        referral = referral_of(turn)
        if question.key == "next_on":  # after this session and from today, until support ends
            after = date.fromisoformat(answers["on"]) + timedelta(days=1)
            return max(today, after), latest_day(referral)
        received = referral.received_at  # the session: since the referral came, not ahead
        return (received.astimezone(turn.uow.tz).date() if received else None), today

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        needed = answers.get("engagement") == NOT_APPROPRIATE
        if question.key == "engagement_reason" and value == NO_REASON and needed:
            return Problem("session.reason_needed", {})
        return None

    async def shown(self, turn: Turn, question: Question, value: Any) -> str:
        if question.key == "next_on" and value == NO_DATE:
            return self.label(turn, turn.lang, question, NO_DATE)
        if question.key == "minutes" and value is not None:
            return t(turn.lang, "session.minutes", minutes=int(value))
        return await super().shown(turn, question, value)

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "session.review.title", case=label)


FORM = Form(
    KIND,
    "session",
    QUESTIONS,
    SessionHooks(),
    editable_sections=("session", "topics", "engagement", "other_parent", "notes", "next"),
)


def _yes(value: Any) -> bool | None:
    return None if value not in YES_NO else value == "yes"


def log_from(answers: dict[str, Any], words: dict[str, Any]) -> SessionLog:
    """What the form gathered, as the case's record takes it (only what applied to it)."""
    on, status = date.fromisoformat(answers["on"]), answers["status"]
    if status != ATTENDED:
        return SessionLog(on, status, cancelled_by=answers.get("cancelled_by"))
    reason = words.get("engagement_reason")
    return SessionLog(
        on,
        status,
        minutes=int(answers["minutes"]),
        delivery=answers["delivery"],
        language=answers["language"],
        topics=tuple(t for t in SESSION_TOPICS if answers.get(f"{TOPIC}{t}") == "yes"),
        engagement=answers["engagement"],
        engagement_reason=None if reason in (None, NO_REASON) else str(reason),
        police_agreed_other_parent=_yes(answers.get("police_agreed")),
        other_parent_took_part=_yes(answers.get("other_parent"))
        if _other_parent_asked(answers)
        else None,
        doing_well=words.get("doing_well"),
        next_steps=words.get("next_steps"),
    )


async def save(turn: Turn) -> Outcome:
    """The session goes on the case's record (the planned one it reached replaced, the next
    one planned); then the card again."""
    uow, actor, referral = turn.uow, turn.actor, referral_of(turn)
    store = SealedStore(uow, turn.dialogue, turn.form)
    answers = await store.answers()
    log = log_from(answers, store.personal())
    next_on = answers.get("next_on")
    await uow.casework.log_session(
        referral,
        log,
        worker_id=actor.user_id,
        next_on=None if next_on in (None, NO_DATE) else date.fromisoformat(next_on),
        actor=actor.audit_name,
    )
    await uow.dialogues.end(actor.user_id)
    text = t(turn.lang, "session.saved", case=await case_label(uow, referral), day=day(log.on))
    return Outcome([Reply(text, edit=True), await card(uow, actor, referral)])


ENTRY = CaseForm(FORM, scope.SESSIONS, save)
