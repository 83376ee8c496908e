"""The chart sent with `/summary`: referrals received per month over the last 12 months,
stacked by how each ended (or that it is still open), as a PNG drawn without a display
(matplotlib's Agg backend). Large type and few labels: it is read on a phone."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import matplotlib
from babel.dates import format_date
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from conversations.i18n import t
from state_machine.deadlines import local_date
from storage.summary import Monthly

# Headless: no display on the server. A bare Figure draws with Agg anyway; this keeps
# pyplot, should anything import it, off any GUI toolkit.
matplotlib.use("Agg")

_LOCALES = {"en": "en_GB", "cy": "cy"}
# Each bar's parts, bottom to top, with colours told apart by colour-blind readers too.
GROUPS: tuple[tuple[str, str], ...] = (
    ("completed", "#1b7837"),
    ("not_engaged", "#d95f02"),
    ("not_taken_up", "#7570b3"),
    ("open", "#a6cee3"),
    ("other", "#bdbdbd"),
)


def months(today: date) -> list[date]:
    """The first days of the 12 months ending with this one, oldest first."""
    firsts, year, month = [], today.year, today.month
    for _ in range(12):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def starts(now: datetime, tz: ZoneInfo) -> list[datetime]:
    """The moments the 12 months begin (local midnight on the 1st), oldest first: the
    database counts each month's referrals between them (storage.summary.monthly_query)."""
    return [datetime.combine(d, time(0), tz) for d in months(local_date(now, tz))]


def group(outcome: str | None, state: str) -> str:
    if outcome in ("completed", "not_engaged", "not_taken_up"):
        return str(outcome)
    return "open" if state in ("referred", "allocated", "engaged") else "other"


def counts(monthly: Iterable[Monthly]) -> dict[str, list[int]]:
    """Per group, the referrals received in each of the 12 months."""
    out = {g: [0] * 12 for g, _ in GROUPS}
    for m in monthly:
        if 0 <= m.month < 12:
            out[group(m.outcome, m.state)][m.month] += m.n
    return out


def render(lang: str, monthly: Iterable[Monthly], now: datetime, tz: ZoneInfo) -> bytes:
    firsts = months(local_date(now, tz))
    data = counts(monthly)
    fig = Figure(figsize=(6, 7), dpi=130)  # a little taller than wide: fills a phone's width
    ax = fig.add_subplot()
    x = list(range(12))
    bottom = [0] * 12
    for key, colour in GROUPS:
        values = data[key]
        ax.bar(x, values, bottom=bottom, color=colour, label=t(lang, f"chart.{key}"))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    locale = _LOCALES.get(lang, "en_GB")
    ax.set_xticks(x, [str(format_date(d, "MMM", locale=locale)) for d in firsts],
                  rotation=60, fontsize=11)  # fmt: skip
    ax.tick_params(axis="y", labelsize=11)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(*bottom, 1) * 1.08)  # room above the tallest bar: it met the frame
    span = " – ".join(str(format_date(d, "MMM y", locale=locale)) for d in (firsts[0], firsts[-1]))
    ax.set_title(f"{t(lang, 'chart.title')}\n{span}", fontsize=14)
    ax.set_ylabel(t(lang, "chart.ylabel"), fontsize=12)
    # Under the bars, so it never hides one.
    ax.legend(fontsize=11, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    # Fixed margins that fit the rotated months and the legend: tight_layout drew the whole
    # figure once more to measure it, most of the chart's time (docs/performance.md).
    fig.subplots_adjust(left=0.16, right=0.97, top=0.89, bottom=0.27)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
