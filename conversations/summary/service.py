"""`/summary`: a phone-sized message per LA in scope (the total first when there are several),
and a chart; a button under each number with a list behind it opens that list, each case
opening its card. Managers see their LAs (a national manager, all Wales); police their
force's referrals and outcomes, counts only; admins counts only (DESIGN.md §6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import TypeVar

from conversations.access import Actor
from conversations.cases.words import case_label
from conversations.i18n import t
from conversations.keyboards import button
from conversations.reply import Button, Document, Outcome, Reply
from conversations.summary import chart
from conversations.summary.figures import LISTED, OUTCOMES, Figures, figures, week_start
from state_machine.deadlines import local_date
from state_machine.obligations import Obligation, obligations
from state_machine.periods import Period
from storage.live import Live
from storage.referrals import case_from
from storage.summary import Monthly, Received, Scope
from storage.uow import UnitOfWork

ROLES = ("manager", "police", "admin")
PER_PAGE = 8
YEAR = timedelta(days=366)


def scope_of(actor: Actor) -> Scope | None:
    """What the asker may count: None for a role that has no summary."""
    if actor.role == "manager":
        return Scope(None if actor.national else actor.la_codes)
    if actor.role == "police":
        return Scope(None, actor.force_code)
    if actor.role == "admin":
        return Scope(None)
    return None


def lists_for(actor: Actor) -> bool:
    """Only managers see lists of cases: police and admins see counts, no one's initials."""
    return actor.role == "manager"


# One LA's live, week and received.
Mine = tuple[list[Live], list[Live], list[Received]]


@dataclass(frozen=True)
class Read:
    live: list[Live]
    owed: dict[int, list[Obligation]]
    week: list[Live]  # received since Monday began
    received: list[Received]  # since the period began, as plain columns
    monthly: list[Monthly]  # the last year's, counted per LA, month and outcome (the chart's)
    outcomes: dict[str | None, dict[str, int]]  # per LA, how many of each this period
    welsh: set[int]
    period: Period
    now: datetime

    @cached_property
    def by_la(self) -> dict[str | None, Mine]:
        """live, week and received of each LA, grouped once for all the LAs."""
        live, week, received = _by_la(self.live), _by_la(self.week), _by_la(self.received)
        return {la: (live.get(la, []), week.get(la, []), received.get(la, []))
                for la in {*live, *week, *received}}  # fmt: skip

    @property
    def touched(self) -> set[str | None]:
        """The LAs with anything live, received in the last year or ended this period."""
        return {*self.by_la, *self.outcomes, *(m.la_code for m in self.monthly)}


async def read(uow: UnitOfWork, scope: Scope) -> Read:
    now = uow.clock.now()
    today = local_date(now, uow.tz)
    period = Period.containing(today)
    live = await uow.summary.live(scope)
    attended = await uow.casework.attended([r.id for r in live])
    owed = {r.id: obligations(case_from(r, attended=attended[r.id]), now, uow.tz) for r in live}
    monday = datetime.combine(week_start(today), datetime.min.time(), uow.tz)
    since = min(period.starts_at(uow.tz), now - YEAR, monday)
    week = await uow.summary.received_since(scope, monday)
    received = await uow.summary.received_rows(scope, period.starts_at(uow.tz))
    monthly = await uow.summary.monthly(scope, since, chart.starts(now, uow.tz))
    outcomes = await uow.summary.outcomes_between(scope, period.starts_at(uow.tz), now)
    wanted = [r.id for r in received if r.session_language == "cy"]
    welsh = await uow.summary.had_welsh(wanted)
    return Read(live, owed, week, received, monthly, outcomes, welsh, period, now)


Row = TypeVar("Row", Live, Received)


def _by_la(rows: Sequence[Row]) -> dict[str | None, list[Row]]:
    grouped: dict[str | None, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[r.la_code].append(r)
    return grouped


def compute(uow: UnitOfWork, data: Read, la_code: str | None) -> Figures:
    """The figures for one LA, or (None) for everything read."""
    if la_code is None:
        live, week, received = data.live, data.week, data.received
        outcomes: dict[str, int] = {}
        for counted in data.outcomes.values():
            for outcome, n in counted.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + n
    else:
        live, week, received = data.by_la.get(la_code, ([], [], []))
        outcomes = data.outcomes.get(la_code, {})
    return figures(
        la_code, live, data.owed, week, received, outcomes, data.welsh, now=data.now,
        tz=uow.tz, period_start=data.period.starts_at(uow.tz),
    )  # fmt: skip


def _text(lang: str, f: Figures, title: str, period: Period, police: bool) -> str:
    c = f.count
    lines = [title, "", t(lang, "summary.open", referred=c("referred"),
                          allocated=c("allocated"), engaged=c("engaged")),
             t(lang, "summary.new_this_week", n=c("new_this_week"))]  # fmt: skip
    if not police:
        lines += [
            t(lang, "summary.awaiting_acceptance", n=c("awaiting_acceptance")),
            t(lang, "summary.first_session_soon", n=c("first_session_soon")),
            t(lang, "summary.overdue", first=c("overdue_first_session"),
              delivery=c("overdue_delivery"), told=c("overdue_police_told")),
            t(lang, "summary.awaiting_police_ack", n=c("awaiting_police_ack")),
        ]  # fmt: skip
    lines.append(
        t(lang, "summary.outcomes", period=period.name, **{k: f.outcomes[k] for k in OUTCOMES})
    )
    if not police:
        median = "–" if f.median_days is None else f"{f.median_days:g}"
        lines += [
            t(lang, "summary.median", days=median),
            t(lang, "summary.welsh", met=f.welsh_met, wanted=f.welsh_wanted),
        ]
    return "\n".join(lines)


def _buttons(uow: UnitOfWork, actor: Actor, f: Figures) -> tuple[tuple[Button, ...], ...]:
    if not lists_for(actor):
        return ()
    lang = actor.language
    made = [
        button(uow, actor, t(lang, f"summary.list.{key}", n=f.count(key)), "summary.list",
               la=f.la_code, key=key, page=0)
        for key in LISTED if f.count(key)
    ]  # fmt: skip
    return tuple(tuple(made[i : i + 2]) for i in range(0, len(made), 2))


async def command(uow: UnitOfWork, actor: Actor) -> Outcome:
    lang = actor.language
    scope = scope_of(actor)
    if scope is None:
        return Outcome([Reply(t(lang, "button.stale"))])
    data = await read(uow, scope)
    places = {p.code: p.name(lang) for p in await uow.people.local_authorities()}
    police = actor.role == "police"
    if police:
        forces = {f.code: f.name(lang) for f in await uow.people.forces()}
        heading = t(lang, "summary.title_force", force=forces.get(actor.force_code or "", ""))
    else:
        heading = t(
            lang, "summary.title_all_wales" if scope.la_codes is None else "summary.title_total"
        )
    las = sorted(scope.la_codes) if scope.la_codes is not None else sorted(places)
    touched = data.touched
    shown = [code for code in las if scope.la_codes is not None or code in touched]
    replies: list[Reply] = []
    if len(las) > 1:
        total = compute(uow, data, None)
        text = _text(lang, total, heading, data.period, police)
        replies.append(Reply(text, buttons=_buttons(uow, actor, total)))
    for code in shown:
        f = compute(uow, data, code)
        title = t(lang, "summary.title_la", la=places.get(code, code))
        replies.append(Reply(_text(lang, f, title, data.period, police),
                             buttons=_buttons(uow, actor, f)))  # fmt: skip
    if len(shown) < len(las):
        replies.append(Reply(t(lang, "summary.quiet", n=len(las) - len(shown))))
    png = chart.render(lang, data.monthly, data.now, uow.tz)
    name = f"referrals-{local_date(data.now, uow.tz).isoformat()}.png"
    replies.append(Reply(t(lang, "summary.chart_caption"),
                         document=Document(name, png, "image/png")))  # fmt: skip
    return Outcome(replies)


async def show_list(
    uow: UnitOfWork, actor: Actor, la_code: str | None, key: str, page: int, *, turn: bool
) -> Reply:
    """The cases behind one number, reference and initials, each opening its card: a new
    message under the summary (which stays), replaced in place when its pages are turned.
    Scope is checked again now: an LA outside the presser's scope is refused."""
    lang = actor.language
    scope = scope_of(actor)
    if scope is None or not lists_for(actor) or key not in LISTED:
        return Reply(t(lang, "button.stale"))
    if la_code is not None and not actor.sees_la(la_code):
        return Reply(t(lang, "button.stale"))
    data = await read(uow, scope)
    items = compute(uow, data, la_code).lists[key]
    if not items:
        return Reply(t(lang, "summary.list_empty"), edit=turn)
    pages = (len(items) + PER_PAGE - 1) // PER_PAGE
    page = min(max(page, 0), pages - 1)
    lines = [t(lang, f"summary.list.{key}", n=len(items))]
    if pages > 1:
        lines.append(t(lang, "cases.page", page=page + 1, pages=pages))
    rows: list[tuple[Button, ...]] = []
    start = page * PER_PAGE
    for n, r in enumerate(items[start : start + PER_PAGE], start=start + 1):
        label = await case_label(uow, r)
        lines.append(f"{n}. {label}")
        rows.append((button(uow, actor, label, "case.open", referral_id=r.id),))
    pager = [
        button(uow, actor, t(lang, words), "summary.list", la=la_code, key=key, page=to,
               turn=True)
        for words, to, show in (("cases.previous", page - 1, page > 0),
                                ("cases.next", page + 1, page < pages - 1)) if show
    ]  # fmt: skip
    if pager:
        rows.append(tuple(pager))
    return Reply("\n".join(lines), buttons=tuple(rows), edit=turn)
