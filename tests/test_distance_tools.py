"""The distance-travelled tools as data: the shipped file is a sensible list of standardised
measures, each checked (names in both languages, a range, a direction); a mistake is one line
naming the tool; an admin's file replaces the shipped one; the positive-outcome rule (end
strictly better than start in the tool's direction) is what both the case and the monitoring
return use; and a score recorded at the console."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.console import console_actor, run_console
from bot.settings import SettingsError, load_settings
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.distance_tools import DistanceToolsError, parse_tools, positive
from state_machine.monitoring import (
    Attended,
    CaseRecord,
    MeasureRecord,
    Window,
    positive_outcome,
)
from state_machine.periods import Period
from storage.distance_tools import read_tools
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol
from tests.test_console_and_admin_cli import Terminal

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = parse_tools(tomllib.loads((ROOT / "state_machine" / "distance_tools.toml").read_text()))
GOOD: dict[str, Any] = {
    "key": "sdq_total", "name_en": "SDQ", "name_cy": "SDQ", "measures_en": "difficulties",
    "measures_cy": "anawsterau", "lowest": 0, "highest": 40, "better": "lower_is_better",
}  # fmt: skip


def test_the_shipped_tools_are_standardised_measures_with_their_ranges_and_directions() -> None:
    by_key = {t.key: (int(t.lowest), int(t.highest), t.better) for t in SHIPPED.tools}
    assert by_key == {
        "sdq_total": (0, 40, "lower_is_better"),
        "psi4_sf_total": (36, 180, "lower_is_better"),
        "wemwbs": (14, 70, "higher_is_better"),
        "swemwbs": (7, 35, "higher_is_better"),
        "psoc": (16, 96, "higher_is_better"),
        "ecbi_intensity": (36, 252, "lower_is_better"),
        "ecbi_problem": (0, 36, "lower_is_better"),
        "topse": (0, 480, "higher_is_better"),
        "parenting_scale": (1, 7, "lower_is_better"),
        "k10": (10, 50, "lower_is_better"),
    }
    for tool in SHIPPED.tools:
        assert tool.name("cy") and tool.measures("cy") and len(tool.name("en")) <= 40
    assert read_tools() == SHIPPED


def test_a_positive_outcome_is_an_end_score_strictly_better_in_the_tools_direction() -> None:
    sdq, wemwbs = SHIPPED.named("sdq_total"), SHIPPED.named("wemwbs")
    assert sdq is not None and wemwbs is not None
    assert positive(sdq, "22", "15") is True  # fewer difficulties
    assert positive(sdq, "15", "22") is False
    assert positive(sdq, "15", "15") is False  # the same is not better
    assert positive(wemwbs, "40", "52") is True  # more well-being
    assert positive(wemwbs, "52", "40") is False
    assert positive(wemwbs, "4O", "52") is None  # not a number: no judgement
    # The return uses the same directions, from the same file.
    window = Window(Period(2026, 1), datetime(2026, 10, 1, tzinfo=UTC))  # April to September
    case = CaseRecord(1, "cardiff", "cardiff", None, False, None, None, None, Attended(), (
        MeasureRecord("wemwbs", "start", "40", date(2026, 4, 1)),
        MeasureRecord("wemwbs", "end", "52", date(2026, 6, 1)),
    ))  # fmt: skip
    assert positive_outcome(case, window, SHIPPED.directions())
    worse = CaseRecord(1, "cardiff", "cardiff", None, False, None, None, None, Attended(), (
        MeasureRecord("sdq_total", "start", "15", date(2026, 4, 1)),
        MeasureRecord("sdq_total", "end", "22", date(2026, 6, 1)),
    ))  # fmt: skip
    assert not positive_outcome(worse, window, SHIPPED.directions())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tools": []}, "unknown key 'tools'"),
        ({"tool": []}, "no [[tool]] tables"),
        ({"tool": [{**GOOD, "key": "SDQ"}]}, "tool 1: key must be lower-case"),
        ({"tool": [GOOD, GOOD]}, "two tools have the key 'sdq_total'"),
        ({"tool": [{**GOOD, "name_cy": ""}]}, "tool 'sdq_total': name_cy must be some words"),
        ({"tool": [{**GOOD, "highest": "forty"}]}, "tool 'sdq_total': highest must be a number"),
        ({"tool": [{**GOOD, "lowest": 40}]}, "lowest must be less than highest"),
        ({"tool": [{**GOOD, "better": "lower"}]}, "better must be one of higher_is_better"),
        ({"tool": [{**GOOD, "colour": "red"}]}, "unknown key 'colour'"),
    ],
)
def test_a_mistake_in_the_tools_is_one_line_naming_the_tool(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(DistanceToolsError) as raised:
        parse_tools(data)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_an_admins_file_replaces_the_shipped_tools_and_a_bad_one_stops_the_start(
    tmp_path: Path,
) -> None:
    tools = tmp_path / "tools.toml"
    tools.write_text(
        '[[tool]]\nkey = "own"\nname_en = "Our scale"\nname_cy = "Ein graddfa"\n'
        'measures_en = "confidence"\nmeasures_cy = "hyder"\nlowest = 0\nhighest = 10\n'
        'better = "higher_is_better"\n'
    )
    settings = load_settings(OOCPS_DISTANCE_TOOLS=str(tools))
    assert [t.key for t in settings.distance_tools.tools] == ["own"]
    assert load_settings().distance_tools == SHIPPED
    tools.write_text(tools.read_text().replace("higher_is_better", "up"))
    with pytest.raises(SettingsError) as bad:
        load_settings(OOCPS_DISTANCE_TOOLS=str(tools))
    message = str(bad.value)
    assert message.startswith(f"OOCPS_DISTANCE_TOOLS {tools}: tool 'own': better must be")
    assert "\n" not in message
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(OOCPS_DISTANCE_TOOLS=str(tmp_path / "none.toml"))
    tools.write_text("[[tool]\n")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_settings(OOCPS_DISTANCE_TOOLS=str(tools))


async def test_a_console_worker_records_a_start_score_by_numbers_in_welsh(
    storage: Storage, clock: FixedClock
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    nia = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "cy")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await drive(assistant, sergeant, script.whole("en"))
    # Accept; Open the case; Record a questionnaire score: the SDQ, at the start, today, 22;
    # Save.
    term = Terminal("1", "2", "5", "1", "1", "1", "22", "2", "/quit")
    await run_console(assistant, nia, term.ask, term.say)
    sdq = SHIPPED.named("sdq_total")
    assert sdq is not None
    assert f"  [5] {t('cy', 'case.record_measure')}" in term.shown
    assert f"  [1] {sdq.name('cy')}" in term.shown
    assert t("cy", "case.measure_start", score="22", day="23/11/2026") in term.text
