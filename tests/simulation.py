"""A year of the service, simulated (issue 12): the clock moves through a year over referrals
to several LAs, people behave in their own ways, and afterwards the invariants are checked
against what was actually sent.

Everything goes through the real service: sergeants screen and submit through the assistant;
workers press the buttons on what they were sent (Accept, Remind me tomorrow) and do their
case work through storage's lifecycle transitions and the case-work store; officers press
Acknowledge on the outcome; the sweeper is `Assistant.nudges_due` and `owed_again`, and its
messages go out through the bot's own `deliver` to a stand-in for Telegram that answers 403
for a chat that blocked the bot. Nothing here writes a row by hand.

The clock does not tick every minute: the store is asked when the next nudge is due (and the
simulation knows when its people act next), and the clock jumps there, as a sweeper running
every minute would find it. Deterministic: one seed, fixed times.

The invariants are written from the rules file and `obligations()`, not per rule, so rules
added later are checked the same way.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import func, select
from telegram.error import Forbidden

from bot.context import BotContext
from bot.send import deliver
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.notifications.nudge_sweep import sweep
from conversations.notifications.outcome import notify_outcome
from conversations.notifications.resend import ATTEMPTS, NUDGES_LOOKED_AT
from conversations.reply import Notice
from state_machine.clock import FixedClock
from state_machine.errors import LifecycleError
from state_machine.lifecycle import ReferralState
from state_machine.obligations import obligations
from state_machine.sessions import APPROPRIATE, ATTENDED
from storage.casework import SessionLog
from storage.models import AuditEvent, Notification, NudgeSent, Referral
from storage.uow import Storage, UnitOfWork
from tests import screening_script as script
from tests.assistant_script import drive, enrol

LONDON = ZoneInfo("Europe/London")
SWEEP_JOB_EVERY = timedelta(minutes=5)  # bot/jobs.py: the resend runs with the 5-minute sweep
REFERENCE = re.compile(r"R-[0-9A-Z]{4,}")
CLOCK_CHANGES = (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC))
# Dated obligations no rule tells the managers about: a case past one is listed, not failed.
# The police are told an outcome in the same transaction that records it, so it is never late.
NOT_YET_CHASED = frozenset({"police_notified"})


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


# --- working time, worked out here on its own (not with the service's calendar) -------------

_WALES = holidays.country_holidays("GB", subdiv="WLS", years=range(2025, 2029), observed=True)
DAY_START, DAY_END = time(9), time(17)


def working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _WALES


def working_moment(at: datetime) -> bool:
    there = at.astimezone(LONDON)
    return working_day(there.date()) and DAY_START <= there.time() < DAY_END


def working_minutes(start: datetime, end: datetime) -> float:
    """Working time between two moments, in minutes."""
    total, day = 0.0, start.astimezone(LONDON).date()
    while day <= end.astimezone(LONDON).date():
        if working_day(day):
            opens = datetime.combine(day, DAY_START, tzinfo=LONDON)
            closes = datetime.combine(day, DAY_END, tzinfo=LONDON)
            lo, hi = max(opens, start), min(closes, end)
            total += max((hi - lo).total_seconds() / 60, 0.0)
        day += timedelta(days=1)
    return total


def next_working(at: datetime, *, hour: int = 9, minute: int = 30) -> datetime:
    """When a person at work would next get to something: now if working, else the morning."""
    if working_moment(at):
        return at
    day = at.astimezone(LONDON).date()
    if at.astimezone(LONDON).time() >= DAY_START:
        day += timedelta(days=1)
    while not working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def later_working(at: datetime, days: int) -> datetime:
    """`days` working days after the day of `at` (0: that day, or the next working one), at
    10:00."""
    day = at.astimezone(LONDON).date()
    while days:
        day += timedelta(days=1)
        days -= working_day(day)
    while not working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=LONDON).astimezone(UTC)


# --- the people --------------------------------------------------------------------------


@dataclass
class Person:
    telegram_id: int
    spec: InviteSpec
    style: str  # prompt | slow | silent | leaver | blocker | never (police)
    user_id: int = 0
    gone_from: datetime | None = None  # blocked the bot / left, from then
    language: str = "en"


def people() -> list[Person]:
    w, m, p = "worker", "manager", "police"
    return [
        Person(1, InviteSpec(p, "Sgt Gwent", "gwent"), "prompt"),
        Person(2, InviteSpec(p, "Sgt South Wales", "south-wales"), "slow"),
        Person(3, InviteSpec(p, "Sgt North Wales", "north-wales"), "never"),
        Person(10, InviteSpec(w, "Mair", la_codes=("cardiff",)), "prompt"),
        Person(11, InviteSpec(w, "Ifan", la_codes=("cardiff",)), "slow", language="cy"),
        Person(
            12,
            InviteSpec(w, "Gwen", la_codes=("cardiff",)),
            "leaver",
            gone_from=local(2026, 7, 1, 12),
        ),
        Person(
            13,
            InviteSpec(w, "Rhys", la_codes=("newport",)),
            "blocker",
            gone_from=local(2026, 5, 1, 12),
        ),
        Person(14, InviteSpec(w, "Nia", la_codes=("newport",)), "slow"),
        Person(15, InviteSpec(w, "Dewi", la_codes=("swansea",)), "prompt"),
        Person(16, InviteSpec(w, "Elen", la_codes=("gwynedd",)), "silent"),
        Person(20, InviteSpec(m, "Mel", la_codes=("cardiff",)), "prompt"),
        Person(21, InviteSpec(m, "Mo", la_codes=("newport",)), "prompt"),
        Person(22, InviteSpec(m, "Siôn", la_codes=("swansea",)), "prompt", language="cy"),
        Person(23, InviteSpec(m, "Sam", la_codes=("swansea",)), "prompt"),
        Person(24, InviteSpec(m, "Lowri", la_codes=("gwynedd",)), "prompt"),
    ]


LA_TEXT = {"cardiff": "caerdydd", "newport": "casnewydd", "swansea": "abertawe",
           "gwynedd": "gwynedd"}  # fmt: skip
OFFICER_FOR = {"cardiff": 2, "newport": 1, "swansea": 3, "gwynedd": 1}


@dataclass(frozen=True)
class Planned:
    """A referral: when the sergeant submits it, where, and what becomes of it."""

    at: datetime
    la: str
    fate: str = "completed"  # completed | not_engaged | not_taken_up | transfer | extend


def referrals(count: int, seed: int, start: datetime, days: int) -> list[Planned]:
    """Hand-picked ones where the calendar bites, and the rest spread over the year."""
    picked = [
        Planned(local(2026, 3, 27, 16, 30), "cardiff"),  # clocks go forward on Sunday 29th
        Planned(local(2026, 3, 28, 23, 30), "gwynedd"),  # a Saturday night, then the change
        Planned(local(2026, 4, 2, 15), "swansea", "extend"),  # Good Friday, Easter Monday
        Planned(local(2026, 10, 23, 16, 30), "newport"),  # clocks go back on Sunday 25th
        Planned(local(2026, 10, 24, 1, 30), "cardiff", "not_taken_up"),
        Planned(local(2026, 11, 10, 16, 58), "gwynedd"),  # its reminder: the sweep killed
        Planned(local(2026, 12, 23, 16, 59), "swansea"),  # Christmas, Boxing Day's substitute
        Planned(local(2026, 4, 20, 11), "newport"),  # accepted by the worker who then blocks
        Planned(local(2026, 6, 1, 10), "cardiff", "transfer"),
    ]
    rng = random.Random(seed)
    las = list(LA_TEXT)
    fates = ["completed"] * 6 + ["not_engaged", "not_taken_up", "extend", "transfer"]
    spread: list[Planned] = []
    for _ in range(max(count - len(picked), 0)):
        at = start + timedelta(minutes=rng.randrange(days * 24 * 60))
        spread.append(Planned(at, rng.choice(las), rng.choice(fates)))
    return sorted(picked[:count] + spread, key=lambda p: p.at)


# --- Telegram, as far as the bot's `deliver` sees it --------------------------------------


@dataclass
class Message:
    chat_id: int
    at: datetime
    text: str
    buttons: dict[str, str]  # label -> callback data
    message_id: int


class Telegram:
    """Takes what the bot sends, at the simulated time; a chat that blocked the bot: 403."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.messages: dict[int, Message] = {}
        self.refused: list[tuple[int, datetime]] = []
        self._ids = itertools.count(1)

    async def send_message(self, chat_id: int, text: str, reply_markup: Any = None,
                           **_: Any) -> Any:  # fmt: skip
        return self._take(chat_id, text, reply_markup)

    async def send_document(self, chat_id: int, document: Any, caption: str = "",
                            reply_markup: Any = None, **_: Any) -> Any:  # fmt: skip
        return self._take(chat_id, caption, reply_markup)

    def _take(self, chat_id: int, text: str, markup: Any) -> Any:
        now = self.sim.clock.now()
        if self.sim.blocked(chat_id, now):
            self.refused.append((chat_id, now))
            raise Forbidden("Forbidden: bot was blocked by the user")
        buttons = {}
        if markup is not None:
            buttons = {b.text: str(b.callback_data) for row in markup.inline_keyboard for b in row}
        message = Message(chat_id, now, text, buttons, next(self._ids))
        self.messages[message.message_id] = message
        self.sim.heard(message)
        return SimpleNamespace(message_id=message.message_id)


class Watched:
    """The assistant as the bot's `deliver` uses it, telling the simulation what was marked
    delivered (and so, by then, sent) while it happens."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim

    async def delivered(self, sent: list[tuple[int, int | None]]) -> None:
        await self.sim.assistant.delivered(sent)
        await self.sim.record(sent)

    async def unreachable(self, notification_ids: list[int]) -> list[Notice]:
        return await self.sim.assistant.unreachable(notification_ids)


# --- what was seen ------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    """A nudge Telegram took, and the ledger's claim it was sent for."""

    claim_id: int
    key: tuple[int, str, datetime, int]
    notification_id: int
    message_id: int
    at: datetime
    referral_id: int
    user_id: int
    role: str
    rule: str
    instead: bool
    in_scope: bool


@dataclass
class Stretch:
    """A dated obligation, from when the case began to owe it to when it stopped."""

    referral_id: int
    what: str
    due: date
    since: datetime
    until: datetime | None = None


@dataclass
class Figures:
    sweeps: int = 0
    steps: int = 0
    notices: int = 0
    kills: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # case work the lifecycle refused
    by_sweeper: Counter[int] = field(default_factory=Counter)  # nudges each sweeper owed
    snoozes: Counter[int] = field(default_factory=Counter)  # per claim id
    acknowledged: dict[int, datetime] = field(default_factory=dict)  # referral id -> pressed


YEAR_START = local(2026, 1, 5)  # a Monday
KILL_AFTER_COMMIT = local(2026, 11, 11, 16, 58)  # the first sweep with work from then
KILL_BEFORE_COMMIT = local(2026, 6, 8, 9)


@dataclass(frozen=True)
class Year:
    start: datetime = YEAR_START
    days: int = 365
    referrals: int = 24
    seed: int = 12
    kill_after_commit: datetime = KILL_AFTER_COMMIT
    kill_before_commit: datetime = KILL_BEFORE_COMMIT


class Simulation:
    def __init__(self, storage: Storage, clock: FixedClock, year: Year,
                 second: Storage | None = None) -> None:  # fmt: skip
        self.storage, self.clock, self.year, self.second = storage, clock, year, second
        self.assistant = Assistant(storage, "bot")
        self.others = [] if second is None else [Assistant(second, "bot")]
        self.telegram = Telegram(self)
        self.context = cast(BotContext, SimpleNamespace(
            bot=self.telegram, deps=SimpleNamespace(assistant=Watched(self))))  # fmt: skip
        self.people = {p.telegram_id: p for p in people()}
        self.by_user: dict[int, Person] = {}
        self.events: list[tuple[datetime, int, Callable[[], Awaitable[None]]]] = []
        self._order = itertools.count()
        self.deliveries: list[Delivered] = []
        self.stretches: dict[tuple[int, str, date], Stretch] = {}
        self.figures = Figures()
        self.fates: dict[str, Planned] = {}  # by reference
        self._moved: set[str] = set()  # transferred once (the new LA's worker keeps it)
        self._snoozed: set[str] = set()  # offers a slow worker asked to be reminded of
        self._reminders: Counter[str] = Counter()  # first-session reminders, per case
        self._kills = {"after_commit": year.kill_after_commit,
                       "before_commit": year.kill_before_commit}  # fmt: skip

    # -- the clock and what happens when --

    def at(self, when: datetime, action: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self.events, (max(when, self.clock.now()), next(self._order), action))

    async def run(self) -> Figures:
        self.clock.set(self.year.start - timedelta(days=1))
        for person in self.people.values():
            actor = await enrol(self.assistant, person.telegram_id, person.spec)
            person.user_id = actor.user_id
            self.by_user[actor.user_id] = person
            if person.language != "en":
                async with self.storage.unit_of_work() as uow:
                    user = await uow.people.get(person.user_id)
                    assert user is not None
                    await uow.people.set_language(user, person.language)
            if person.style == "leaver" and person.gone_from is not None:
                self.at(person.gone_from, self._leave(person))
        for planned in referrals(self.year.referrals, self.year.seed, self.year.start,
                                 self.year.days):  # fmt: skip
            self.at(planned.at, self._submit(planned))
        end = self.year.start + timedelta(days=self.year.days)
        while True:
            moment = await self._next(end)
            if moment is None:
                break
            self.clock.set(moment)
            self.figures.steps += 1
            while self.events and self.events[0][0] <= moment:
                _, _, action = heapq.heappop(self.events)
                await action()
            await self._sweep()
        self.clock.set(end)
        for reference in self.fates:
            await self.observe(reference)
        return self.figures

    async def _next(self, end: datetime) -> datetime | None:
        now = self.clock.now()
        found = [self.events[0][0]] if self.events else []
        async with self.storage.unit_of_work() as uow:
            due = await uow.nudges.next_due_at()
            if due is not None:
                found.append(max(due, now + timedelta(minutes=1)))
            owed = (
                await uow.session.execute(
                    select(Notification.kind, func.count())
                    .where(
                        Notification.sent_at.is_(None),
                        Notification.attempts < ATTEMPTS,
                        Notification.created_at > now - NUDGES_LOOKED_AT,
                    )
                    .group_by(Notification.kind)
                )
            ).all()
        # The 5-minute sweep sends again what did not go out; a nudge waits for working time.
        if any(not kind.startswith("nudge:") for kind, _ in owed):
            found.append(now + SWEEP_JOB_EVERY)
        elif owed:
            found.append(next_working(now + SWEEP_JOB_EVERY, minute=0))
        moment = min(found, default=None)
        return moment if moment is not None and moment < end else None

    async def _sweep(self) -> None:
        """The minute's nudge job (and the 5-minute resend), as bot/jobs.py runs them: two
        sweepers at once where there is a second database connection."""
        while True:
            if await self._killed():
                return
            if self.others:
                both = await asyncio.gather(self.assistant.nudges_due(),
                                            *(o.nudges_due() for o in self.others))  # fmt: skip
                notices = [n for swept in both for n in swept.notices]
                more = any(swept.more for swept in both)
                for which, swept in enumerate(both):
                    self.figures.by_sweeper[which] += len(swept.notices)
            else:
                swept = await self.assistant.nudges_due()
                notices, more = swept.notices, swept.more
                self.figures.by_sweeper[0] += len(notices)
            self.figures.sweeps += 1
            await self.send(notices)
            if not more:
                break
        await self.send(await self.assistant.owed_again())

    async def _killed(self) -> bool:
        """A sweeper killed in the middle: before its commit (nothing of it stays), or after
        the commit and before sending (its nudges are owed; the next sweeper sends them)."""
        now = self.clock.now()
        for how, when in list(self._kills.items()):
            if now < when:
                continue
            async with self.storage.unit_of_work() as uow:
                due = await uow.nudges.due_referrals(now, 1)
            if not due:
                continue
            del self._kills[how]
            self.figures.kills.append(f"{how} at {now.astimezone(LONDON):%a %d/%m %H:%M}")
            if how == "after_commit":
                await self.assistant.nudges_due()  # claimed, owed, committed; never sent
                return True
            try:
                async with self.storage.unit_of_work() as uow:
                    await sweep(uow)
                    raise _Killed
            except _Killed:
                pass
        return False

    async def send(self, notices: list[Notice]) -> None:
        self.figures.notices += len(notices)
        if notices:
            await deliver(self.context, notices)

    def blocked(self, chat_id: int, now: datetime) -> bool:
        person = self.people.get(chat_id)
        return bool(person and person.style == "blocker" and person.gone_from
                    and now >= person.gone_from)  # fmt: skip

    # -- what was sent, as it happened --

    async def record(self, sent: list[tuple[int, int | None]]) -> None:
        async with self.storage.unit_of_work() as uow:
            for notification_id, message_id in sent:
                row = await uow.session.get(Notification, notification_id)
                assert row is not None and message_id is not None
                if not row.kind.startswith("nudge:"):
                    continue
                (claim,) = [c for c in await uow.nudges.by_notifications([notification_id])]
                referral = await uow.referrals.get_by_id(row.referral_id)
                user = await uow.people.get(row.recipient_user_id)
                assert user is not None and user.telegram_id is not None
                profile = await uow.people.profile(user.telegram_id)
                assert profile is not None
                rule = uow.nudging.rules.named(claim.rule)
                instead = claim.instead_of is not None
                self.deliveries.append(Delivered(
                    claim.id, (claim.referral_id, claim.rule, claim.due_at,
                               claim.recipient_user_id),
                    notification_id, message_id, self.clock.now(), referral.id, user.id,
                    user.role, claim.rule, instead,
                    in_scope(referral, profile, None if rule is None else rule.to, instead),
                ))  # fmt: skip

    def heard(self, message: Message) -> None:
        """Someone got a message: what they do about it, and when."""
        person = self.people.get(message.chat_id)
        reference = REFERENCE.search(message.text)
        if person is None or reference is None or not message.buttons:
            return
        ref = reference.group(0)
        labels = {t(lang, key): key for lang in ("en", "cy") for key in (
            "outcome.acknowledge", "notify.accept", "nudge.snooze")}  # fmt: skip
        pressable = {labels[label]: token for label, token in message.buttons.items()
                     if label in labels}  # fmt: skip
        now = message.at
        if "outcome.acknowledge" in pressable and person.spec.role == "police":
            delay = {"prompt": 0, "slow": 3}.get(person.style)
            if delay is not None:
                when = next_working(now) if delay == 0 else later_working(now, delay)
                self.at(when, self._acknowledge(person, ref, pressable["outcome.acknowledge"]))
            return
        if person.spec.role != "worker" or person.style in ("silent",):
            return
        accept = pressable.get("notify.accept")
        if accept is not None and person.style == "leaver":
            # Quick to take cases in her last month, and gone before doing them.
            assert person.gone_from is not None
            if person.gone_from - timedelta(days=30) <= now < person.gone_from:
                self.at(now + timedelta(minutes=5), self._accept(person, ref, accept))
            return
        if accept is not None and (person.style in ("prompt", "blocker")
                                   or "nudge.snooze" in pressable):  # fmt: skip
            # A slow worker lets the offer wait, asks to be reminded once, then accepts.
            if person.style == "slow" and ref not in self._snoozed:
                self._snoozed.add(ref)
                self.at(next_working(now, hour=11), self._press(
                    person, pressable["nudge.snooze"], message.message_id))  # fmt: skip
                return
            when = next_working(now + timedelta(minutes=20))
            self.at(when, self._accept(person, ref, accept))
            return
        if person.style == "slow" and "nudge.snooze" in pressable and accept is None:
            self._reminders[ref] += 1
            if self._reminders[ref] == 3:  # the third reminder (day 18): the date is set
                self.at(next_working(now, hour=14), self._first_session(person, ref, 10))

    # -- what people do --

    def _leave(self, person: Person) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            async with self.storage.unit_of_work() as uow:
                user = await uow.people.get(person.user_id)
                assert user is not None
                await uow.people.revoke(user, actor="admin")

        return go

    def _submit(self, planned: Planned) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            officer = await self.assistant.identify(OFFICER_FOR[planned.la])
            assert officer is not None
            offence = (self.clock.now().astimezone(LONDON) - timedelta(days=3)).strftime("%d/%m/%Y")
            swap = {
                ("pick", "caerdydd"): ("pick", LA_TEXT[planned.la]),
                ("say", "14/11/2026"): ("say", offence),
            }
            steps = [swap.get(step, step) for step in script.whole("en")]  # fmt: skip
            outcome = await drive(self.assistant, officer, steps)
            async with self.storage.unit_of_work() as uow:
                referral = await uow.session.scalar(
                    select(Referral).order_by(Referral.id.desc()).limit(1))  # fmt: skip
                assert referral is not None and referral.la_code == planned.la
                reference = referral.reference
            self.fates[reference] = planned
            await self.observe(reference)
            await self.send(outcome.notices)

        return go

    def _press(self, person: Person, token: str, message_id: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            if self._gone(person):
                return
            actor = await self.assistant.identify(person.telegram_id)
            assert actor is not None
            said = await self.assistant.press(actor, token)
            assert said is not None
            claim = next((d.claim_id for d in self.deliveries if d.message_id == message_id), None)
            if claim is not None and said.replies[0].text.startswith(
                t(person.language, "nudge.snoozed", reference="", when="")[:8]
            ):
                self.figures.snoozes[claim] += 1
            await self.send(said.notices)

        return go

    def _accept(self, person: Person, ref: str, token: str) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            if self._gone(person):
                return
            actor = await self.assistant.identify(person.telegram_id)
            assert actor is not None
            said = await self.assistant.press(actor, token)
            assert said is not None
            await self.send(said.notices)
            await self.observe(ref)
            async with self.storage.unit_of_work() as uow:
                mine = (await uow.referrals.get(ref)).allocated_worker_id == person.user_id
            if not mine:
                return
            fate = self.fates[ref].fate
            if person.style == "prompt" and fate == "not_taken_up":
                self.at(later_working(self.clock.now() + timedelta(days=22), 0),
                        self._record(person, ref, "record_not_taken_up"))  # fmt: skip
            elif person.style == "prompt" and fate == "transfer" and ref not in self._moved:
                self._moved.add(ref)
                self.at(later_working(self.clock.now(), 3), self._transfer(person, ref))
            elif person.style == "prompt":
                self.at(later_working(self.clock.now(), 1), self._first_session(person, ref, 5))

        return go

    def _gone(self, person: Person) -> bool:
        return person.gone_from is not None and self.clock.now() >= person.gone_from

    async def casework(
        self,
        person: Person,
        ref: str,
        work: Callable[[UnitOfWork, Referral], Awaitable[list[Notice]]],
    ) -> bool:
        """One piece of case work in one unit of work, its notices sent after; False when the
        case had moved on (someone else's now, or closed)."""  # fmt: skip
        if self._gone(person):
            return False
        async with self.storage.unit_of_work() as uow:
            referral = await uow.referrals.get(ref)
            if referral.allocated_worker_id != person.user_id or referral.la_code is None:
                return False
            try:
                notices = await work(uow, referral)
            except LifecycleError as exc:
                self.figures.refused.append(f"{ref}: {exc}")
                return False
        await self.send(notices)
        await self.observe(ref)
        return True

    def _first_session(self, person: Person, ref: str, days: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            on = self.clock.now().astimezone(LONDON).date() + timedelta(days=days)

            async def work(uow: UnitOfWork, referral: Referral) -> list[Notice]:
                if referral.lifecycle_state is not ReferralState.ALLOCATED:
                    return []
                await uow.referrals.transition(referral, "set_first_session",
                                               actor=f"user:{person.user_id}",
                                               first_session_date=on)  # fmt: skip
                return []

            if await self.casework(person, ref, work):
                session = datetime.combine(on, time(11), tzinfo=LONDON).astimezone(UTC)
                late = 3 if person.style == "slow" else 0  # logged a few days after
                self.at(session + timedelta(days=late), self._session(person, ref, on))

        return go

    def _session(self, person: Person, ref: str, on: date) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            async def work(uow: UnitOfWork, referral: Referral) -> list[Notice]:
                if referral.lifecycle_state is not ReferralState.ENGAGED:
                    return []
                log = SessionLog(on=on, status=ATTENDED, minutes=60, engagement=APPROPRIATE)
                await uow.casework.log_session(
                    referral,
                    log,
                    worker_id=person.user_id,
                    next_on=None,
                    actor=f"user:{person.user_id}",
                )
                return []  # fmt: skip

            if not await self.casework(person, ref, work):
                return
            fate = self.fates[ref].fate
            if fate == "extend":
                self.at(later_working(self.clock.now(), 2), self._extend(person, ref))
            trigger = "record_not_engaged" if fate == "not_engaged" else "record_completed"
            weeks = {"prompt": 6, "slow": 7}.get(person.style, 6)
            weeks += 8 if fate == "extend" else 0
            self.at(later_working(self.clock.now() + timedelta(weeks=weeks), 0),
                    self._record(person, ref, trigger))  # fmt: skip

        return go

    def _extend(self, person: Person, ref: str) -> Callable[[], Awaitable[None]]:
        """The worker asks the police for an extension; the officer answers three working
        days later (after the reminder a working day on), as the extension answer does."""

        async def go() -> None:
            async def work(uow: UnitOfWork, referral: Referral) -> list[Notice]:
                assert referral.support_due is not None
                asked = await uow.extensions.ask(
                    referral,
                    by=person.user_id,
                    until=referral.support_due + timedelta(days=60),
                    reason="more sessions are needed",
                    actor=f"user:{person.user_id}",
                )
                if asked is not None:
                    self.at(later_working(self.clock.now(), 3), self._approve(ref, asked.id))
                return []  # fmt: skip

            await self.casework(person, ref, work)

        return go

    def _approve(self, ref: str, request_id: int) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            async with self.storage.unit_of_work() as uow:
                referral = await uow.referrals.get(ref)
                open_now = await uow.extensions.open_for(referral)
                if open_now is None or open_now.id != request_id:
                    return
                officer = referral.referring_officer_id
                assert officer is not None
                await uow.extensions.answer(
                    referral, request_id, approved=True, by=officer, actor=f"user:{officer}"
                )
                await uow.referrals.transition(
                    referral, "extend", actor=f"user:{officer}", reason="agreed with police",
                    until=open_now.until, request=request_id,
                    requested_by=open_now.requested_by,
                )  # fmt: skip
            await self.observe(ref)

        return go

    def _transfer(self, person: Person, ref: str) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            async def work(uow: UnitOfWork, referral: Referral) -> list[Notice]:
                to = "swansea" if referral.la_code != "swansea" else "cardiff"
                await uow.referrals.transition(referral, "transfer", actor=f"user:{person.user_id}",
                                               reason="moved house", la_code=to)  # fmt: skip
                return []

            await self.casework(person, ref, work)

        return go

    def _record(self, person: Person, ref: str, trigger: str) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            async def work(uow: UnitOfWork, referral: Referral) -> list[Notice]:
                params: dict[str, Any] = {}
                if trigger == "record_not_engaged":
                    params["reason_recorded"] = True
                await uow.referrals.transition(
                    referral, trigger, actor=f"user:{person.user_id}", **params
                )
                told = await notify_outcome(uow, referral, actor=f"user:{person.user_id}")
                return told.notices  # fmt: skip

            await self.casework(person, ref, work)

        return go

    def _acknowledge(self, person: Person, ref: str, token: str) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            actor = await self.assistant.identify(person.telegram_id)
            assert actor is not None
            async with self.storage.unit_of_work() as uow:
                referral_id = (await uow.referrals.get(ref)).id
            self.figures.acknowledged.setdefault(referral_id, self.clock.now())
            said = await self.assistant.press(actor, token)
            assert said is not None
            await self.send(said.notices)
            await self.observe(ref)

        return go

    # -- what each case owed, and when --

    async def observe(self, ref: str) -> None:
        async with self.storage.unit_of_work() as uow:
            referral = await uow.referrals.get(ref)
            case = await uow.referrals.case_of(referral)
            rid = referral.id
        now = self.clock.now()
        owed = {(rid, o.what, o.due) for o in obligations(case, now, LONDON) if o.due is not None}
        for key, stretch in self.stretches.items():
            if key[0] == rid and stretch.until is None and key not in owed:
                stretch.until = now
        for key in owed:
            if key not in self.stretches or self.stretches[key].until is not None:
                rid_, what, due = key
                assert due is not None
                self.stretches[(rid_, what, due)] = Stretch(rid_, what, due, now)


class _Killed(Exception):
    """The sweeper's process ending in the middle of its transaction."""


def in_scope(referral: Referral, profile: Any, to: str | None, instead: bool) -> bool:
    """Whom a nudge may reach, worked out here from the case and the person as they are now:
    still active, and of the case's LA in the role the rule is for (the referring officer for
    the police); one told instead, a manager of the case's LA."""
    if not profile.active or to is None:
        return False
    sees = referral.la_code in profile.la_codes
    if instead or to == "la_managers":
        return profile.role == "manager" and sees
    if to == "referring_officer":
        return profile.role == "police" and referral.referring_officer_id == profile.id
    if to == "allocated_worker" and referral.allocated_worker_id != profile.id:
        return False
    return profile.role == "worker" and sees


# --- the invariants -----------------------------------------------------------------------


@dataclass
class Findings:
    """Each list empty when the invariant holds; the rest says the year was not vacuous."""

    sent_twice: list[str]
    never_sent: list[str]
    out_of_hours: list[str]
    managers_not_told: list[str]
    not_yet_chased: list[str]
    closed_unacknowledged: list[str]
    out_of_scope: list[str]
    rules_sent: Counter[str]
    ledger: Counter[str]  # claims: sent, left, blocked, instead (of one of those)
    closed: int
    awaiting_police: int  # outcomes the police were told of and never acknowledged
    across_clock_changes: int  # nudges sent in the week after the clocks changed


async def findings(sim: Simulation) -> Findings:
    storage = sim.storage
    async with storage.unit_of_work() as uow:
        rules = uow.nudging.rules
        claims = list(await uow.session.scalars(select(NudgeSent)))
        nudged = list(
            await uow.session.scalars(select(Notification).where(Notification.kind.like("nudge:%")))
        )
        closed = list(
            await uow.session.scalars(
                select(Referral).where(Referral.state == ReferralState.CLOSED.value)
            )
        )
        waiting = await uow.session.scalar(
            select(func.count())
            .select_from(Referral)
            .where(
                Referral.police_notified_at.is_not(None), Referral.police_acknowledged_at.is_(None)
            )
        )
        # Owed and never sent because, by then, there was nothing to tell (a reminder asked
        # for on an offer someone else took): the case no longer owes what the rule chases.
        moot: set[int] = set()
        for n in nudged:
            rule = rules.named(n.kind.removeprefix("nudge:").removesuffix(":instead"))
            if n.sent_at is None and n.attempts >= ATTEMPTS and rule is not None:
                referral = await uow.referrals.get_by_id(n.referral_id)
                case = await uow.referrals.case_of(referral)
                owed = {o.what for o in obligations(case, storage.clock.now(), LONDON)}
                if rule.chases not in owed:
                    moot.add(n.id)
        closers = {
            e.referral_id: e.actor
            for e in await uow.session.scalars(
                select(AuditEvent).where(AuditEvent.to_state == ReferralState.CLOSED.value)
            )
        }
        managers_rules = {r.chases for r in rules.rules if r.to == "la_managers"}
    claim_of = {d.notification_id: d.claim_id for d in sim.deliveries}
    claim_of |= {c.notification_id: c.id for c in claims if c.notification_id is not None}
    # Every nudge out exactly once: each notification a nudge was owed as, delivered once
    # (none of a claim whose recipient blocked the bot); a claim once, and at most once more
    # for each "Remind me tomorrow" pressed on it (if the case still owed it then).
    by_notification = Counter(d.notification_id for d in sim.deliveries)
    by_claim = Counter(d.claim_id for d in sim.deliveries)
    blocked = {c.id for c in claims if c.undeliverable is not None}
    sent_twice = [f"notification {n} sent {c} times" for n, c in by_notification.items() if c > 1]
    sent_twice += [
        f"claim {c} sent {n} times, {sim.figures.snoozes[c]} reminders asked for"
        for c, n in by_claim.items()
        if n > 1 + sim.figures.snoozes[c]
    ]
    never_sent = [
        f"claim {c.id} ({c.rule}, due {c.due_at:%d/%m %H:%M})"
        for c in claims
        if c.id not in blocked and by_claim[c.id] == 0
    ]
    never_sent += [f"notification {n.id} ({n.kind}, owed {n.created_at:%d/%m %H:%M})"
                   for n in nudged if n.id not in by_notification
                   and claim_of.get(n.id) not in blocked and n.id not in moot]  # fmt: skip
    # None outside working time.
    out_of_hours = [f"{d.rule} at {d.at.astimezone(LONDON):%a %d/%m/%Y %H:%M}"
                    for d in sim.deliveries if not working_moment(d.at)]  # fmt: skip
    # Every case past a deadline reached a manager within 1 working day (unless the case
    # stopped owing it first).
    managers_not_told: list[str] = []
    not_yet_chased: list[str] = []
    for s in sim.stretches.values():
        overdue = datetime.combine(s.due + timedelta(days=1), time(0), tzinfo=LONDON)
        until = s.until or storage.clock.now()
        if until <= overdue:
            continue  # met in time
        told = [d for d in sim.deliveries if d.referral_id == s.referral_id
                and d.role == "manager" and overdue <= d.at <= until]  # fmt: skip
        late = working_minutes(overdue, until) > 8 * 60
        if late and not any(working_minutes(overdue, d.at) <= 8 * 60 for d in told):
            line = f"case {s.referral_id}: {s.what} due {s.due:%d/%m/%Y}"
            if s.what in managers_rules or s.what not in NOT_YET_CHASED:
                managers_not_told.append(line)
            else:
                not_yet_chased.append(line)
    # No case closed without police acknowledging.
    closed_unacknowledged = [
        f"case {r.id}" for r in closed
        if r.police_acknowledged_at is None or r.id not in sim.figures.acknowledged
        or sim.figures.acknowledged[r.id] > r.state_changed_at
        or closers.get(r.id) != f"user:{r.referring_officer_id}"
    ]  # fmt: skip
    # No nudge to someone out of scope.
    out_of_scope = [f"{d.rule} to user {d.user_id} on case {d.referral_id}"
                    for d in sim.deliveries if not d.in_scope]  # fmt: skip
    return Findings(
        sent_twice, never_sent, out_of_hours, managers_not_told, not_yet_chased,
        closed_unacknowledged, out_of_scope, Counter(d.rule for d in sim.deliveries),
        Counter(c.undeliverable or ("instead" if c.instead_of else "sent") for c in claims),
        len(closed), int(waiting or 0),
        sum(any(change <= d.at < change + timedelta(days=7) for change in CLOCK_CHANGES)
            for d in sim.deliveries),
    )  # fmt: skip


def quick_pdf(setattr: Callable[[str, Any], None]) -> None:
    """The outcome form without drawing it (a third of a second each; tested apart)."""
    setattr("conversations.notifications.outcome.form_pdf", lambda *_: b"%PDF-1.7 (a stand-in)")
