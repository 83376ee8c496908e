"""The referral (notification) form of guidance §8 (i), as a PDF: one page, label and value
per line, in the recipient's language. fpdf2 embeds a subset of DejaVu Sans (shipped in
conversations/fonts/) so Welsh letters such as ŵ and ŷ are drawn, not replaced."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVu"


def form_pdf(title: str, rows: Sequence[tuple[str, str]], footer: str) -> bytes:
    """A titled table of (label, value) rows and a line under it. No personal detail goes
    into the file's metadata: it is in the page only."""
    pdf = FPDF(format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("oocps-bot")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 11)
    with pdf.table(col_widths=(2, 3), first_row_as_headings=False, line_height=7) as table:
        for label, value in rows:
            row = table.row()
            pdf.set_font(FAMILY, "B", 11)
            row.cell(label)
            pdf.set_font(FAMILY, "", 11)
            row.cell(value)
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(0, 5, footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
