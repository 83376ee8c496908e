"""`oocps return` and `oocps return-entry`: the monitoring return from the command line, and
what managers enter for it (the two counts no case record holds, and §8 iii)."""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from bot.admin_cli import CLI_ACTOR
from conversations.monitoring import service
from conversations.monitoring.outputs import Format, document
from state_machine.periods import Period
from storage.uow import Storage


class Progress:
    """Referrals read so far, on one line of a terminal; nothing at all when not on one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.stream.isatty():
            return
        self.stream.write(f"\rreading referrals: {done}/{total}")
        self.stream.flush()
        self.shown = True

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


async def write_return(
    storage: Storage,
    period: Period,
    fmt: Format,
    *,
    la_codes: list[str],
    out: Path | None,
    publish: bool,
    language: str,
    progress_to: TextIO = sys.stderr,
) -> Path:
    progress = Progress(progress_to)
    async with storage.unit_of_work() as uow:
        ret = await service.build(
            uow, period, language, la_codes=la_codes or None, publish=publish, progress=progress
        )
    progress.end()
    doc = document(ret, fmt)
    path = out or Path(doc.filename)
    path.write_bytes(doc.data)
    return path


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    if value < 0:
        raise ValueError("a count cannot be negative")
    return value


def _yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    word = text.strip().lower()
    if word in ("yes", "y", "true", "ie", "do", "ydyn"):
        return True
    if word in ("no", "n", "false", "na", "nac ydyn"):
        return False
    raise ValueError(f"'{text}' is not yes or no")


def entered_values(args: Any) -> dict[str, object]:
    """The items given on the command line (those left out are kept as they are)."""
    values: dict[str, object] = {}
    for name in ("physical_punishment_not_police", "not_physical_punishment", "staff"):
        if (given := getattr(args, name)) is not None:
            values[name] = _count(given)
    if args.fte is not None:
        try:
            fte = Decimal(args.fte)
        except InvalidOperation:
            raise ValueError(f"'{args.fte}' is not a number of full-time posts") from None
        if fte < 0:
            raise ValueError("FTE cannot be negative")
        values["fte"] = fte
    if args.universal is not None:
        values["universal_support"] = _yes_no(args.universal)
    for name in ("training", "other_activity"):
        if (given := getattr(args, name)) is not None:
            values[name] = given.strip() or None
    if not values:
        raise ValueError("nothing to set: give at least one item (see --help)")
    return values


async def enter(storage: Storage, period: Period, la_code: str, values: dict[str, object]) -> str:
    async with storage.unit_of_work() as uow:
        if la_code not in {p.code for p in await uow.people.local_authorities()}:
            raise ValueError(f"no such local authority: {la_code}")
        entered = await uow.monitoring.enter(la_code, period, values, actor=CLI_ACTOR)
    shown = ", ".join(f"{k}={v}" for k, v in vars(entered).items() if v is not None)
    return f"{la_code} {period.name}: {shown}"
