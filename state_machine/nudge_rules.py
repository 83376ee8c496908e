"""Deadline nudges as data (issue 12): what each rule chases, whom it tells, what it says and
when. The shipped rules are `nudge_rules.toml` beside this module; an admin may name another
file instead (OOCPS_NUDGE_RULES). Here they are only checked and turned into rules: reading
the file is storage's (this layer does no I/O).

A rule chases one obligation (`obligations.RULES`: while it is owed, the rule is live) and
counts from when it began to be owed (its `since`) or from its due date. Each number in its
timing list is one nudge; after downtime only the latest one due is sent (nudges.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from state_machine.obligations import RULES as OBLIGATIONS

Audience = Literal["allocated_worker", "la_workers", "la_managers", "referring_officer"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
Timing = Literal[
    "days_after_start", "working_days_after_start", "days_before_due", "days_after_due"
]
TIMINGS: tuple[Timing, ...] = get_args(Timing)
DUE_TIMINGS: frozenset[Timing] = frozenset({"days_before_due", "days_after_due"})

# What the nudges about each obligation can say: each is a message in English and Welsh
# (conversations/locales, `nudge.<chases>.<says>`), with the buttons that act on it
# (conversations/notifications/nudges.py). Extensions the police have not answered are a
# later slice's.
SAYS: Mapping[str, tuple[str, ...]] = {
    "accepted": ("offer_reminder", "offer_unaccepted"),
    "first_session_date": ("reminder", "last_day", "overdue"),
    "extension_answered": ("reminder",),
    "support_delivered": ("reminder", "overdue"),
    "session_logged": ("reminder",),
    "police_acknowledgement": ("reminder", "unacknowledged"),
}
MAX_DAYS = 366
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_KEYS = ("name", "chases", "to", "says", *TIMINGS)
_DATED = {o.what: o.dated for o in OBLIGATIONS}
_STARTED = {o.what: o.started for o in OBLIGATIONS}


class NudgeRulesError(ValueError):
    """The rules cannot be used: one line naming the entry at fault and what to write."""


@dataclass(frozen=True)
class NudgeRule:
    name: str  # unique; part of each nudge's ledger key
    chases: str  # an obligation's `what`
    to: Audience
    says: str  # one of SAYS[chases]
    timing: Timing
    counts: tuple[int, ...]  # ascending: one nudge at each

    @property
    def from_due(self) -> bool:
        return self.timing in DUE_TIMINGS


@dataclass(frozen=True)
class NudgeRules:
    rules: tuple[NudgeRule, ...]

    def named(self, name: str) -> NudgeRule | None:
        return next((rule for rule in self.rules if rule.name == name), None)


def parse_rules(data: Mapping[str, Any]) -> NudgeRules:
    """The rules in a parsed file: `{"nudge": [{...}, ...]}`. Raises NudgeRulesError."""
    extra = sorted(set(data) - {"nudge"})
    if extra:
        raise NudgeRulesError(f"unknown key '{extra[0]}': each rule is a [[nudge]] table")
    entries = data.get("nudge")
    if not isinstance(entries, list):
        raise NudgeRulesError("no [[nudge]] tables: each rule is one (nudge = [] for none)")
    rules: list[NudgeRule] = []
    for number, entry in enumerate(entries, start=1):
        rule = _rule(number, entry)
        if any(r.name == rule.name for r in rules):
            raise NudgeRulesError(f"two nudge rules are named '{rule.name}'")
        rules.append(rule)
    return NudgeRules(tuple(rules))


def _rule(number: int, entry: object) -> NudgeRule:
    if not isinstance(entry, Mapping):
        raise NudgeRulesError(f"nudge rule {number} is not a table")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise NudgeRulesError(
            f"nudge rule {number}: name must be lower-case letters, digits and _ "
            "(up to 40, starting with a letter), e.g. first_session_reminder"
        )

    def bad(what: str) -> NudgeRulesError:
        return NudgeRulesError(f"nudge rule '{name}': {what}")

    unknown = sorted(set(entry) - set(_KEYS))
    if unknown:
        raise bad(f"unknown key '{unknown[0]}' (keys: {', '.join(_KEYS)})")
    chases = entry.get("chases")
    if not isinstance(chases, str) or chases not in SAYS:
        raise bad(f"chases must be one of {', '.join(SAYS)}, not {chases!r}")
    says = entry.get("says")
    if not isinstance(says, str) or says not in SAYS[chases]:
        raise bad(f"says must be one of {', '.join(SAYS[chases])} (for {chases}), not {says!r}")
    to = next((audience for audience in AUDIENCES if audience == entry.get("to")), None)
    if to is None:
        raise bad(f"to must be one of {', '.join(AUDIENCES)}, not {entry.get('to')!r}")
    timings = [key for key in TIMINGS if key in entry]
    if len(timings) != 1:
        raise bad(f"give exactly one of {', '.join(TIMINGS)}")
    timing = timings[0]
    if timing in DUE_TIMINGS and not _DATED[chases]:
        raise bad(f"{chases} has no due date: use days_after_start or working_days_after_start")
    if timing not in DUE_TIMINGS and not _STARTED[chases]:
        raise bad(f"{chases} counts from its due date: use days_before_due or days_after_due")
    value = entry[timing]
    counts = value if isinstance(value, list) else [value]
    if not counts or not all(_whole(n) for n in counts):
        raise bad(f"{timing} must be whole numbers of days from 0 to {MAX_DAYS}, e.g. [7, 14]")
    return NudgeRule(name, chases, to, says, timing, tuple(sorted(set(counts))))


def _whole(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_DAYS
