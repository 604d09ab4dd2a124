"""A printable roster (值班表) in PDF, for filing upward: one table row a shift, in the project's
Chinese font (`core.pdf.font_name`: an installed TTF, else the STSong-Light CID font)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from chengguan.core.pdf import font_name


def write(path: str, title: str, header: list[str], rows: list[list[str]]) -> None:
    font = font_name()
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11)
    head = ParagraphStyle("head", fontName=font, fontSize=15, leading=20, spaceAfter=8)
    data = [[Paragraph(str(h), cell) for h in header]] + [[Paragraph(str(v), cell) for v in r] for r in rows]
    widths = [24 * mm, 22 * mm, 24 * mm, 26 * mm, 40 * mm, 40 * mm, 56 * mm, 30 * mm]
    table = Table(data, colWidths=widths[: len(header)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc = SimpleDocTemplate(
        path, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, title=title
    )
    doc.build([Paragraph(title, head), table])
