"""`/return [period] [xlsx|csv|json]`: the monitoring return for the LAs in the asker's scope,
sent as a file; without words, the periods and then the formats as buttons, and for an LA's
manager a way to enter their figures (figures.py); and the same return built for the
command line (`oocps return`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button, rows
from conversations.monitoring.figures import offered_periods
from conversations.monitoring.outputs import FORMATS, Format, Return, document
from conversations.reply import Outcome, Reply
from state_machine.distance_tools import Direction
from state_machine.monitoring import Tally, Window
from state_machine.periods import Period, PeriodError, last_ended
from storage.monitoring import Progress
from storage.uow import UnitOfWork

# A tool's direction (is a higher score better?) comes from the distance-travelled tools
# file once it exists (DESIGN.md §8); until then no tool has one and the end measure's own
# `positive` judgement is used (docs/monitoring-return.md, count 6).
NO_DIRECTIONS: dict[str, Direction] = {}


def scope_of(actor: Actor) -> tuple[str, ...] | None:
    """The LAs whose rows the asker may see; None for all of Wales (a national manager, or
    an admin, who sees counts and nothing else)."""
    if actor.role == "admin" or (actor.role == "manager" and actor.national):
        return None
    if actor.role == "manager":
        return actor.la_codes
    return ()  # nobody else reaches here: ROLE_COMMANDS refuses them first


async def build(
    uow: UnitOfWork,
    period: Period,
    language: str,
    *,
    la_codes: Sequence[str] | None = None,
    publish: bool = False,
    progress: Progress | None = None,
    directions: dict[str, Direction] | None = None,
) -> Return:
    """The return for `period` as of now, a row per LA in `la_codes` (all 22 if None)."""
    places = await uow.people.local_authorities()
    known = {p.code for p in places}
    if la_codes is not None and (unknown := [c for c in la_codes if c not in known]):
        raise ValueError(f"no such local authority: {', '.join(unknown)}")
    wanted = [p.code for p in places if la_codes is None or p.code in la_codes]
    window = Window(period, uow.clock.now(), uow.tz)
    if directions is None:  # each tool's direction from the distance-travelled tools file
        directions = uow.distance_tools.directions()
    tally = Tally(window, wanted, directions or NO_DIRECTIONS)
    async for cases in uow.monitoring.chunks(window, None if la_codes is None else wanted,
                                             progress):  # fmt: skip
        tally.add(cases)
    rows = tally.rows(await uow.monitoring.entries(period))
    names = {p.code: p.name(language) for p in places}
    return Return(period, window.as_of, rows, names, language, publish)


def _parse(args: str, language: str, today_period: Period) -> tuple[Period, Format] | str:
    period, fmt = today_period, "xlsx"
    for word in args.split():
        if word.lower() in FORMATS:
            fmt = word.lower()
            continue
        try:
            period = Period.parse(word)
        except PeriodError:
            return t(language, "return.bad_args", example=today_period.name)
    return period, fmt  # type: ignore[return-value]


def may_enter(actor: Actor) -> bool:
    """The managers' figures are entered by an LA's manager, for their own LAs."""
    return actor.role == "manager" and bool(actor.la_codes)


async def command(uow: UnitOfWork, actor: Actor, args: str) -> Outcome:
    """`/return`: the periods as buttons; `/return 2026-H1 csv` straight to the file."""
    lang = actor.language
    today = uow.clock.now().astimezone(uow.tz).date()
    if not args.strip():
        return Outcome([choose_period(uow, actor, today)])
    parsed = _parse(args, lang, last_ended(today))
    if isinstance(parsed, str):
        return Outcome([Reply(parsed)])
    return await send_file(uow, actor, *parsed)


def choose_period(uow: UnitOfWork, actor: Actor, today: date) -> Reply:
    lang = actor.language
    current = Period.containing(today)
    made = [
        button(uow, actor, t(lang, "return.period_so_far" if p == current else "return.period",
                             period=p.name), "return.period", period=p.name)
        for p in offered_periods(today)
    ]  # fmt: skip
    buttons = list(rows(made))
    if may_enter(actor):
        buttons.append((button(uow, actor, t(lang, "return.enter"), "return.enter"),))
    return Reply(t(lang, "return.choose_period"), buttons=tuple(buttons))


def choose_format(uow: UnitOfWork, actor: Actor, period_name: str) -> Reply:
    """The period's formats as buttons, in place of the periods."""
    lang = actor.language
    try:
        period = Period.parse(period_name)
    except PeriodError:
        return Reply(t(lang, "button.stale"))
    made = [
        button(uow, actor, t(lang, f"return.format.{fmt}"), "return.file", period=period.name,
               format=fmt)
        for fmt in FORMATS
    ]  # fmt: skip
    text = t(lang, "return.choose_format", period=period.name,
             first=period.first_day.strftime("%d/%m/%Y"),
             last=period.last_day.strftime("%d/%m/%Y"))  # fmt: skip
    return Reply(text, buttons=(tuple(made),), edit=True)


async def send_file(uow: UnitOfWork, actor: Actor, period: Period, fmt: str) -> Outcome:
    """The return for `period` as a document, for the asker's scope (checked now)."""
    lang = actor.language
    today = uow.clock.now().astimezone(uow.tz).date()
    if fmt not in FORMATS or actor.role not in ("manager", "admin"):
        return Outcome([Reply(t(lang, "button.stale"))])
    if period > Period.containing(today):
        return Outcome([Reply(t(lang, "return.future", period=period.name))])
    ret = await build(uow, period, lang, la_codes=scope_of(actor))
    over = period < Period.containing(today)
    caption = t(
        lang,
        "return.caption" if over else "return.caption_so_far",
        period=period.name,
        first=period.first_day.strftime("%d/%m/%Y"),
        last=period.last_day.strftime("%d/%m/%Y"),
        scope=_scope_words(ret, lang),
    )
    return Outcome([Reply(caption, document=document(ret, fmt))])


async def file_pressed(uow: UnitOfWork, actor: Actor, period_name: str, fmt: str) -> Outcome:
    try:
        period = Period.parse(period_name)
    except PeriodError:
        return Outcome([Reply(t(actor.language, "button.stale"))])
    return await send_file(uow, actor, period, fmt)


def _scope_words(ret: Return, language: str) -> str:
    las = [row.la_code for row in ret.rows if row.la_code is not None]
    if len(las) == len(ret.la_names):
        return t(language, "return.all_wales")
    return ", ".join(ret.la_names[code] for code in las)
