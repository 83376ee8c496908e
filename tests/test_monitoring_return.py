"""The monitoring return (guidance §8 ii-iv): each count against its definition on a
hand-built set of cases (tests/monitoring_data.py), the scope, the managers' entries, the
publication rule, and the three formats read back."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli
from bot.return_cli import Progress
from conversations.i18n import t
from conversations.monitoring import service
from conversations.monitoring.outputs import Return, document, table
from conversations.reply import Document, Kept, Outcome, Reply
from state_machine.clock import FixedClock
from state_machine.monitoring import (
    COUNTS,
    Attended,
    CaseRecord,
    MeasureRecord,
    Window,
    counts_of,
    improved,
    positive_outcome,
    publishable,
    published,
    sessions_count,
)
from state_machine.periods import Period
from storage.uow import Storage
from tests.conftest import TEST_KEY
from tests.monitoring_data import EXPECTED, build, utc

H1 = Period(2026, 1)
RECORDED = COUNTS[:-2]


async def h1_return(
    storage: Storage, clock: FixedClock, la_codes: list[str] | None = None, **kw: object
) -> Return:
    clock.set(utc(2026, 12, 2, 9))
    async with storage.unit_of_work() as uow:
        return await service.build(uow, H1, "en", la_codes=la_codes, **kw)  # type: ignore[arg-type]


def by_la(ret: Return) -> dict[str | None, dict[str, int | None]]:
    return {row.la_code: row.counts for row in ret.rows}


async def test_each_count_matches_its_definition_on_the_hand_built_cases(
    storage: Storage, clock: FixedClock
) -> None:
    await build(storage, clock)
    rows = by_la(await h1_return(storage, clock))
    assert len(rows) == 23  # the 22 LAs and the total
    for la, expected in EXPECTED.items():
        assert {k: rows[la][k] for k in RECORDED} == expected, la
    for key in RECORDED:  # each individual once in the total, whatever moved where
        assert rows[None][key] == sum(e[key] for e in EXPECTED.values()), key
    untouched = [la for la in rows if la not in EXPECTED and la is not None]
    assert all(rows[la][k] == 0 for la in untouched for k in RECORDED)
    # Nothing entered yet: the two entered counts are blank, not zero.
    assert rows["cardiff"]["physical_punishment_not_police"] is None
    assert rows[None]["not_physical_punishment"] is None


async def test_a_return_run_during_the_period_counts_only_what_has_happened(
    storage: Storage, clock: FixedClock
) -> None:
    await build(storage, clock)
    clock.set(utc(2026, 6, 5, 12))
    async with storage.unit_of_work() as uow:
        rows = by_la(await service.build(uow, H1, "en", la_codes=["cardiff", "newport"]))
    # By 5 June: Cardiff had boundary_in, transfer, extension, welsh_not_met, not_taken_up.
    assert rows["cardiff"]["referred"] == 5
    assert rows["cardiff"]["took_up"] == 1  # extension; welsh_not_met's is on 10 June
    assert rows["cardiff"]["completed"] == 1  # from_before; welsh_not_met completes in July
    assert rows["newport"]["completed"] == 1 and rows["newport"]["disengaged"] == 0


async def test_a_managers_scope_gives_their_rows_and_a_total_of_those_only(
    storage: Storage, clock: FixedClock
) -> None:
    await build(storage, clock)
    ret = await h1_return(storage, clock, ["newport"])
    rows = by_la(ret)
    assert list(rows) == ["newport", None]
    assert rows[None] == rows["newport"]
    assert rows["newport"]["preferred_welsh"] == 0  # stated at Cardiff: counted there only


async def test_entered_counts_and_items_are_kept_per_la_and_period(
    storage: Storage, clock: FixedClock
) -> None:
    async with storage.unit_of_work() as uow:
        await uow.monitoring.enter("cardiff", H1, {"physical_punishment_not_police": 3,
                                                   "not_physical_punishment": 12, "fte": 1.5,
                                                   "staff": 2, "universal_support": True,
                                                   "training": "Restorative practice, 4 staff"},
                                   actor="cli")  # fmt: skip
        await uow.monitoring.enter("newport", H1, {"staff": 1}, actor="cli")
        await uow.monitoring.enter("cardiff", H1.following, {"staff": 9}, actor="cli")
    async with storage.unit_of_work() as uow:  # a second entry changes only what it names
        await uow.monitoring.enter("cardiff", H1, {"staff": 3}, actor="cli")
    ret = await h1_return(storage, clock)
    rows = {row.la_code: row for row in ret.rows}
    cardiff = rows["cardiff"]
    assert cardiff.counts["physical_punishment_not_police"] == 3
    assert cardiff.counts["not_physical_punishment"] == 12
    assert (cardiff.entered.fte, cardiff.entered.staff) == (Decimal("1.5"), 3)
    assert cardiff.entered.universal_support is True
    assert rows[None].counts["physical_punishment_not_police"] == 3
    assert (rows[None].entered.fte, rows[None].entered.staff) == (Decimal("1.5"), 4)
    async with storage.unit_of_work() as uow:
        with pytest.raises(ValueError, match="not an entered item"):
            await uow.monitoring.enter("cardiff", H1, {"salary": 1}, actor="cli")


def test_publication_rounds_to_the_nearest_5_and_suppresses_1_to_4() -> None:
    assert [publishable(n) for n in (0, 1, 4, 5, 6, 7, 8, 12, 13, 102, None)] == [
        0, "[c]", "[c]", 5, 5, 5, 10, 10, 15, 100, None,
    ]  # fmt: skip


async def test_published_totals_are_rounded_from_the_true_total(
    storage: Storage, clock: FixedClock
) -> None:
    await build(storage, clock)
    ret = await h1_return(storage, clock, publish=True)
    counts = published(ret.rows)
    total = counts[-1]
    assert total["referred"] == 10  # 9 -> 10, where the rounded rows would add to 5
    assert total["took_up"] == 5  # 6 -> 5
    assert counts[[r.la_code for r in ret.rows].index("cardiff")]["referred"] == 5  # 7 -> 5
    assert counts[[r.la_code for r in ret.rows].index("newport")]["referred"] == "[c]"


def test_the_sessions_storage_leaves_unread_change_no_count() -> None:
    """Storage reads sessions only where `sessions_count` says the counts rest on them: for
    every other case, any sessions at all would give the same counts as none."""
    window = Window(H1, utc(2026, 12, 1))
    held = Attended(3, 3, (date(2026, 5, 4), date(2026, 6, 1), date(2026, 11, 2)))
    unread = 0
    for outcome in (None, "not_taken_up", "not_engaged", "completed"):
        for recorded in (None, utc(2026, 3, 1), utc(2026, 6, 1), utc(2026, 11, 1)):
            for welsh in (False, True):
                for first in (None, date(2026, 5, 1)):
                    case = CaseRecord(1, "cardiff", "cardiff", utc(2026, 4, 2), welsh, first,
                                      outcome, recorded, held)  # fmt: skip
                    if not sessions_count(case, window):
                        unread += 1
                        none = CaseRecord(1, "cardiff", "cardiff", utc(2026, 4, 2), welsh,
                                          first, outcome, recorded)  # fmt: skip
                        assert counts_of(case, window, {}) == counts_of(none, window, {}), case
    assert unread > 0


def test_a_questionnaire_is_better_in_its_tools_direction() -> None:
    assert improved("10", "14", "higher_is_better") is True
    assert improved("10", "14", "lower_is_better") is False
    assert improved("20", "12", "lower_is_better") is True
    assert improved("10", "10", "higher_is_better") is False
    assert improved("high", "14", "higher_is_better") is None
    window = Window(H1, utc(2026, 12, 1))

    def case(*measures: MeasureRecord) -> CaseRecord:
        return CaseRecord(1, "cardiff", "cardiff", None, False, None, None, None, Attended(),
                          measures)  # fmt: skip

    start, end = (
        MeasureRecord("sdq", "start", "20", date(2026, 4, 1)),
        MeasureRecord("sdq", "end", "12", date(2026, 6, 1), positive=False),
    )
    assert positive_outcome(case(start, end), window, {"sdq": "lower_is_better"})
    assert not positive_outcome(case(start, end), window, {})  # no direction: the judgement
    assert not positive_outcome(case(end), window, {"sdq": "lower_is_better"})  # no start
    late = MeasureRecord("sdq", "end", "12", date(2026, 10, 1))
    assert not positive_outcome(case(start, late), window, {"sdq": "lower_is_better"})


async def test_the_three_formats_read_back_with_headings_and_definitions(
    storage: Storage, clock: FixedClock
) -> None:
    await build(storage, clock)
    ret = await h1_return(storage, clock, ["cardiff", "newport"])
    expected = table(ret)

    xlsx = load_workbook(io.BytesIO(document(ret, "xlsx").data))
    counts_sheet, defs = xlsx.worksheets
    assert counts_sheet.title == "Return" and defs.title == "Definitions"
    cells = [list(r) for r in counts_sheet.iter_rows(values_only=True)]
    assert cells == expected
    assert cells[0][2] == t("en", "return.col.referred")
    assert cells[-1][1] == "Total"
    terms = [r[0] for r in defs.iter_rows(values_only=True)]
    assert all(t("en", f"return.col.{k}") in terms for k in COUNTS)

    raw = document(ret, "csv").data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    read = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert read == [["" if v is None else str(v) for v in row] for row in expected]

    body = json.loads(document(ret, "json").data)
    assert body["period"] == "2026-H1" and body["first_day"] == "2026-04-01"
    assert [r["la_code"] for r in body["rows"]] == ["cardiff", "newport"]
    assert body["rows"][0]["referred"] == 7 and body["total"]["took_up"] == 5
    assert body["counts"] == list(COUNTS)


async def test_welsh_headings_and_definitions(storage: Storage, clock: FixedClock) -> None:
    clock.set(utc(2026, 12, 2, 9))
    async with storage.unit_of_work() as uow:
        ret = await service.build(uow, H1, "cy", la_codes=["isle-of-anglesey"])
    book = load_workbook(io.BytesIO(document(ret, "xlsx").data))
    assert [s.title for s in book.worksheets] == ["Ffurflen", "Diffiniadau"]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][1] == "Awdurdod lleol" and rows[1][1] == "Ynys Môn"
    assert rows[-1][1] == "Cyfanswm"
    csv_text = document(ret, "csv").data.decode("utf-8-sig")
    assert "Ynys Môn" in csv_text


def test_the_command_line_sets_the_entries_and_writes_the_return(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in os.environ if n.startswith(("TELEGRAM_", "OOCPS_", "DATABASE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("OOCPS_ENCRYPTION_KEY", TEST_KEY)
    assert cli.main(["return-entry", "--period", "2026-H1", "--la", "cardiff",
                     "--physical-punishment-not-police", "4", "--not-physical-punishment",
                     "12", "--fte", "2", "--universal", "no"]) == 0  # fmt: skip
    assert "cardiff 2026-H1" in capsys.readouterr().out
    out = tmp_path / "r.json"
    assert cli.main(["return", "--period", "2026-H1", "--la", "cardiff", "--format", "json",
                     "--out", str(out), "--publish"]) == 0  # fmt: skip
    said = capsys.readouterr()
    assert said.out.strip() == f"wrote {out}"
    assert said.err == ""  # not a terminal: no progress shown
    body = json.loads(out.read_bytes())
    assert body["published"] is True
    row = body["rows"][0]
    assert row["referred"] == 0 and row["physical_punishment_not_police"] == "[c]"
    assert row["not_physical_punishment"] == 10  # 12 rounded
    assert row["universal_support"] is False and row["fte"] == "2"
    assert cli.main(["return", "--period", "2026-H1", "--format", "csv"]) == 0
    assert (tmp_path / "oocps-return-2026-H1.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli.main(["return", "--period", "2026-H1", "--la", "atlantis"]) == 2
    assert "no such local authority: atlantis" in capsys.readouterr().err
    assert cli.main(["return-entry", "--period", "2026-H1", "--la", "cardiff",
                     "--staff", "-1"]) == 2  # fmt: skip
    with pytest.raises(SystemExit):
        cli.main(["return", "--period", "2026-H3"])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_and_not_elsewhere() -> None:
    shown, quiet = Terminal(), io.StringIO()
    for stream in (shown, quiet):
        progress = Progress(stream)
        progress(2000, 4500)
        progress(4500, 4500)
        progress.end()
    assert shown.getvalue() == "\rreading referrals: 2000/4500\rreading referrals: 4500/4500\n"
    assert quiet.getvalue() == ""


def test_a_reply_with_a_file_is_kept_whole_to_be_sent_again_after_a_crash() -> None:
    sent = Reply("Monitoring return", document=Document("r.xlsx", b"\x00PK\xff", "text/csv"))
    kept = Kept.from_json(json.loads(json.dumps(Kept(7, Outcome([sent])).to_json())))
    assert kept.outcome.replies == [sent]
    plain = Kept.from_json(
        {"chat": 7, "replies": [{"text": "a", "buttons": [], "edit": False}], "menu": None}
    )  # fmt: skip  (kept by the release before files)
    assert plain.outcome.replies == [Reply("a")]
