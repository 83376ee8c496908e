"""The monitoring return as a file: XLSX (a sheet of counts, a sheet of definitions), CSV
(a header row, with the UTF-8 byte-order mark Excel needs to read Welsh letters), or JSON.
Headings and definitions are in the reader's language; JSON keys are the stable names."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, get_args

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from conversations.i18n import t
from conversations.reply import Document
from state_machine.monitoring import COUNTS, ITEMS, Entered, Row, published
from state_machine.periods import Period

Format = Literal["xlsx", "csv", "json"]
FORMATS: tuple[Format, ...] = get_args(Format)
MIME: dict[Format, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
}
Cell = int | str | None


@dataclass(frozen=True)
class Return:
    """One return ready to write: its rows, for whom, and how."""

    period: Period
    as_of: datetime
    rows: Sequence[Row]
    la_names: Mapping[str, str]  # code -> name in the reader's language
    language: str
    publish: bool = False

    def counts(self) -> list[dict[str, Cell]]:
        if self.publish:
            return published(self.rows)
        return [{key: row.counts[key] for key in COUNTS} for row in self.rows]

    def la_name(self, row: Row) -> str:
        if row.la_code is None:
            return t(self.language, "return.total")
        return self.la_names.get(row.la_code, row.la_code)

    def filename(self, fmt: Format) -> str:
        suffix = "-published" if self.publish else ""
        return f"oocps-return-{self.period.name}{suffix}.{fmt}"


def _item(entered: Entered, name: str, language: str) -> Cell:
    value = getattr(entered, name)
    if isinstance(value, bool):
        return t(language, "return.yes" if value else "return.no")
    if isinstance(value, Decimal):
        return decimal_text(value)
    return value  # type: ignore[no-any-return]


def headings(language: str) -> list[str]:
    return [
        t(language, "return.col.la_code"),
        t(language, "return.col.la"),
        *(t(language, f"return.col.{key}") for key in (*COUNTS, *ITEMS)),
    ]


def table(ret: Return) -> list[list[Cell]]:
    """The counts sheet's rows under its heading row: a row per LA, the total last."""
    out: list[list[Cell]] = [list(headings(ret.language))]
    for row, counts in zip(ret.rows, ret.counts(), strict=True):
        items = [_item(row.entered, name, ret.language) for name in ITEMS]
        out.append([row.la_code, ret.la_name(row), *(counts[k] for k in COUNTS), *items])
    return out


def definitions(ret: Return) -> list[tuple[str, str]]:
    lang = ret.language
    period = t(lang, "return.def.period", period=ret.period.name,
               first=ret.period.first_day.isoformat(), last=ret.period.last_day.isoformat(),
               as_of=ret.as_of.isoformat(timespec="minutes"))  # fmt: skip
    rows = [(t(lang, "return.def.period_heading"), period)]
    rows += [(t(lang, f"return.col.{key}"), t(lang, f"return.def.{key}")) for key in COUNTS]
    rows.append((t(lang, "return.def.attribution_heading"), t(lang, "return.def.attribution")))
    if ret.publish:
        rows.append((t(lang, "return.def.publish_heading"), t(lang, "return.def.publish")))
    return rows


def to_xlsx(ret: Return) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t(ret.language, "return.sheet.counts")
    for values in table(ret):
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)  # the total row
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 28
    defs = book.create_sheet(t(ret.language, "return.sheet.definitions"))
    defs.append([t(ret.language, "return.def.term"), t(ret.language, "return.def.meaning")])
    for term, meaning in definitions(ret):
        defs.append([term, meaning])
    defs.column_dimensions["A"].width = 40
    defs.column_dimensions["B"].width = 100
    for row in defs.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in defs[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(ret: Return) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    for values in table(ret):
        writer.writerow(["" if v is None else v for v in values])
    return text.getvalue().encode("utf-8-sig")


def to_json(ret: Return) -> bytes:
    def row_of(row: Row, counts: dict[str, Cell]) -> dict[str, object]:
        items = {name: _json_item(getattr(row.entered, name)) for name in ITEMS}
        return {"la_code": row.la_code, "la": ret.la_name(row), **counts, **items}

    pairs = list(zip(ret.rows, ret.counts(), strict=True))
    body = {
        "period": ret.period.name,
        "first_day": ret.period.first_day.isoformat(),
        "last_day": ret.period.last_day.isoformat(),
        "as_of": ret.as_of.isoformat(),
        "published": ret.publish,
        "counts": list(COUNTS),
        "rows": [row_of(row, counts) for row, counts in pairs[:-1]],
        "total": row_of(*pairs[-1]),
        "definitions": dict(definitions(ret)),
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def _json_item(value: object) -> object:
    return decimal_text(value) if isinstance(value, Decimal) else value


def decimal_text(value: Decimal) -> str:
    """1.50 as "1.5", 2.00 as "2", 20 as "20" (never "2E+1")."""
    return format(value.normalize(), "f")


WRITERS = {"xlsx": to_xlsx, "csv": to_csv, "json": to_json}


def document(ret: Return, fmt: Format) -> Document:
    return Document(ret.filename(fmt), WRITERS[fmt](ret), MIME[fmt])
