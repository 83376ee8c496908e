"""The distance-travelled tools as data (guidance §8 ii "a standardised questionnaire",
footnote 22): the standardised measures a worker may record at the start and at the end of
support, each with its names in English and Welsh, what it measures, its score range and
which direction is better. The shipped list is `distance_tools.toml` beside this module; an
admin may name another file instead (OOCPS_DISTANCE_TOOLS). Here they are only checked and
turned into tools: reading the file is storage's (this layer does no I/O).

A positive outcome, for one tool, is an end score strictly better than the start score in
that tool's direction (`better`; docs/monitoring-return.md states the rule the return uses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

Direction = Literal["higher_is_better", "lower_is_better"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
PHASES = ("start", "end")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TEXTS = ("name_en", "name_cy", "measures_en", "measures_cy")
_KEYS = ("key", *_TEXTS, "lowest", "highest", "better")


class DistanceToolsError(ValueError):
    """The tools cannot be used: one line naming the entry at fault and what to write."""


@dataclass(frozen=True)
class DistanceTool:
    key: str  # stored with each measure: never rename one in use
    name_en: str
    name_cy: str
    measures_en: str
    measures_cy: str
    lowest: Decimal
    highest: Decimal
    better: Direction

    def name(self, lang: str) -> str:
        return self.name_cy if lang == "cy" else self.name_en

    def measures(self, lang: str) -> str:
        return self.measures_cy if lang == "cy" else self.measures_en

    def holds(self, score: Decimal) -> bool:
        return self.lowest <= score <= self.highest

    def improved(self, start: Decimal, end: Decimal) -> bool:
        """The end strictly better than the start, in this tool's direction."""
        return end > start if self.better == "higher_is_better" else end < start


@dataclass(frozen=True)
class DistanceTools:
    tools: tuple[DistanceTool, ...]

    def named(self, key: str) -> DistanceTool | None:
        return next((tool for tool in self.tools if tool.key == key), None)

    def directions(self) -> dict[str, Direction]:
        """Each tool's direction, for the monitoring return's positive-outcome count."""
        return {tool.key: tool.better for tool in self.tools}


def score_of(text: str) -> Decimal | None:
    """A score as typed: a number, whole or with a decimal point (or comma)."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def positive(tool: DistanceTool, start: str, end: str) -> bool | None:
    """Whether an end measure shows a positive outcome against the start; None when a score
    (stored as text) is not a number."""
    first, last = score_of(start), score_of(end)
    return None if first is None or last is None else tool.improved(first, last)


def parse_tools(data: Mapping[str, Any]) -> DistanceTools:
    """The tools in a parsed file: `{"tool": [{...}, ...]}`. Raises DistanceToolsError."""
    extra = sorted(set(data) - {"tool"})
    if extra:
        raise DistanceToolsError(f"unknown key '{extra[0]}': each tool is a [[tool]] table")
    entries = data.get("tool")
    if not isinstance(entries, list) or not entries:
        raise DistanceToolsError("no [[tool]] tables: give at least one tool")
    tools: list[DistanceTool] = []
    for number, entry in enumerate(entries, start=1):
        tool = _tool(number, entry)
        if any(t.key == tool.key for t in tools):
            raise DistanceToolsError(f"two tools have the key '{tool.key}'")
        tools.append(tool)
    return DistanceTools(tuple(tools))


def _tool(number: int, entry: object) -> DistanceTool:
    if not isinstance(entry, Mapping):
        raise DistanceToolsError(f"tool {number} is not a table")
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise DistanceToolsError(
            f"tool {number}: key must be lower-case letters, digits and _ (up to 32, starting "
            "with a letter), e.g. sdq_total"
        )

    def bad(what: str) -> DistanceToolsError:
        return DistanceToolsError(f"tool '{key}': {what}")

    unknown = sorted(set(entry) - set(_KEYS))
    if unknown:
        raise bad(f"unknown key '{unknown[0]}' (keys: {', '.join(_KEYS)})")
    texts = {}
    for name in _TEXTS:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > 120:
            raise bad(f"{name} must be some words (up to 120 characters)")
        texts[name] = value.strip()
    bounds = []
    for name in ("lowest", "highest"):
        value = entry.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad(f"{name} must be a number, e.g. 0")
        bounds.append(Decimal(str(value)))
    if bounds[0] >= bounds[1]:
        raise bad("lowest must be less than highest")
    better = next((d for d in DIRECTIONS if d == entry.get("better")), None)
    if better is None:
        raise bad(f"better must be one of {', '.join(DIRECTIONS)}, not {entry.get('better')!r}")
    return DistanceTool(key, texts["name_en"], texts["name_cy"], texts["measures_en"],
                        texts["measures_cy"], bounds[0], bounds[1], better)  # fmt: skip
