"""A published report as a PDF (landscape A4): the summary, two bar charts drawn with ReportLab's
graphics (the units' scores, the sub-districts' handling rates) and the ranking tables of every
level — the frozen figures, written as the page writes them (`reports.shown`). Chinese in the
project's font (`core.pdf.font_name`)."""

from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from chengguan.core.pdf import font_name
from chengguan.stats import reports
from chengguan.stats.models import PublishedReport
from chengguan.stats.report_files import filename, meta, title

__all__ = ["filename", "render"]

BLUE = colors.Color(0.16, 0.38, 0.66)
GREEN = colors.Color(0.23, 0.56, 0.33)
HEAD = colors.Color(0.92, 0.92, 0.92)
PAGE_W, PAGE_H = landscape(A4)
WIDTH = PAGE_W - 24 * mm


def _styles(font: str) -> dict:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=font, fontSize=8.5, leading=12, textColor=colors.grey),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5),
    }


def _plain(text: str) -> str:
    """Characters the CJK font has no glyph for, as their ASCII look-alikes."""
    return text.replace("−", "-").replace("·", "|")


def _table(data: list[list], widths: list[float], font: str, numeric: tuple[int, ...] = ()) -> Table:
    t = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    style += [("ALIGN", (col, 1), (col, -1), "RIGHT") for col in numeric]
    t.setStyle(TableStyle(style))
    return t


def _scores_chart(report: PublishedReport, font: str) -> Drawing | None:
    rows = reports.level_rows(report, "unit")[:15]
    if not rows:
        return None
    height = 40 + 16 * len(rows)
    d = Drawing(WIDTH / 2, height)
    d.add(String(0, height - 12, "图1 处置单位综合得分", fontName=font, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 110, 10, WIDTH / 2 - 150, height - 36
    chart.data = [[r["score"] for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [r["name"][:10] for r in reversed(rows)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BLUE
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


def _rates_chart(report: PublishedReport, font: str) -> Drawing | None:
    rows = reports.level_rows(report, "subdistrict")[:12]
    if not rows:
        return None
    height = 200
    d = Drawing(WIDTH / 2, height)
    d.add(String(0, height - 12, "图2 各街道处置率与按期处置率（%）", fontName=font, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, WIDTH / 2 - 60, height - 70
    chart.data = [
        [round((r["values"].get(key) or 0) * 100, 1) for r in rows]
        for key in ("handling_rate", "on_time_handling_rate")
    ]
    chart.categoryAxis.categoryNames = [r["name"][:6] for r in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BLUE
    chart.bars[1].fillColor = GREEN
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH / 2 - 150, height - 14
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(BLUE, "处置率"), (GREEN, "按期处置率")]
    d.add(legend)
    return d


def render(report: PublishedReport) -> bytes:
    font = font_name()
    st = _styles(font)
    story: list = [Paragraph(title(report), st["title"]), Paragraph(_plain(meta(report)), st["meta"])]
    excluded = reports.excluded_numbers(report)
    if excluded:
        story.append(Paragraph(f"经申诉核减的案件：{'、'.join(excluded)}", st["meta"]))
    story.append(Paragraph("一、主要数据", st["h2"]))
    figures = reports.summary(report)
    half = (len(figures) + 1) // 2
    data = [["指标", "数值", "计算", "指标", "数值", "计算"]]
    for left, right in zip(figures[:half], [*figures[half:], None], strict=False):
        line = [left["name"], left["shown"], _plain(left["basis"])]
        line += [right["name"], right["shown"], _plain(right["basis"])] if right else ["", "", ""]
        data.append(line)
    w = WIDTH / 2
    story.append(_table(data, [w * 0.5, w * 0.22, w * 0.28] * 2, font, (1, 2, 4, 5)))
    charts = [c for c in (_scores_chart(report, font), _rates_chart(report, font)) if c is not None]
    if charts:
        story.append(Spacer(1, 6))
        holder = Table([charts], colWidths=[WIDTH / 2] * len(charts))
        holder.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(KeepTogether(holder))
    story.append(Paragraph(_plain(f"综合得分 = {reports.weights_text(report)} - 扣分"), st["meta"]))
    for n, level in enumerate(("subdistrict", "community", "unit"), start=2):
        table = reports.table(report, level)
        label = str(reports.LEVEL_LABELS[level])
        story.append(Paragraph(f"{'二三四'[n - 2]}、{label}排名", st["h2"]))
        header = ["排名", "名称", *table["names"], "加权得分", "扣分", "综合得分"]
        body = [
            [
                str(r["rank"]),
                Paragraph(r["name"], st["cell"]),
                *(c["shown"] for c in r["cells"]),
                r["points"],
                r["deducted"],
                r["score"],
            ]
            for r in table["rows"]
        ] or [["—"] + [""] * (len(header) - 1)]
        header_cells = [Paragraph(h, st["cell"]) for h in header]
        rest = (WIDTH - 14 * mm - 44 * mm) / (len(header) - 2)
        widths = [14 * mm, 44 * mm, *[rest] * (len(header) - 2)]
        story.append(_table([header_cells, *body], widths, font, tuple(range(2, len(header)))))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title(report),
        author=report.bureau.name,
        creator="Chengguan",
    )
    doc.build(story)
    return buffer.getvalue()
