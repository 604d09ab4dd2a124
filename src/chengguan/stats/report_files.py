"""A published report as an Excel workbook: the summary sheet and one ranking sheet per level, every
cell the frozen figure the page shows (rates as numbers formatted `0.0%`, as the page rounds them)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from chengguan.core import clock
from chengguan.stats import reports
from chengguan.stats.models import PublishedReport

NUMBER_FORMATS = {"rate": "0.0%", "money": "#,##0.00", "score": "0.0", "count": "0"}
SHEET_NAMES = {"subdistrict": "街道排名", "community": "社区排名", "unit": "处置单位排名"}


def filename(report: PublishedReport) -> str:
    return f"report-{report.bureau.code or report.bureau_id}-{report.label}-v{report.version}"


def title(report: PublishedReport) -> str:
    return f"{report.bureau.name} {report.label} 综合评价{report.get_kind_display()}"


def meta(report: PublishedReport) -> str:
    who = report.published_by.get_full_name() or report.published_by.username
    at = report.published_at.astimezone(clock.SHANGHAI)
    as_of = report.as_of.astimezone(clock.SHANGHAI)
    return (
        f"第 {report.version} 版 | {report.first} 至 {report.last} | 规则版本 {report.rule_version} | "
        f"权重版本 {report.weights_version} | {who} 发布于 {at:%Y-%m-%d %H:%M}，"
        f"数据截至 {as_of:%Y-%m-%d %H:%M}"
    )


def _cell(sheet, row: int, col: int, value, kind: str):
    cell = sheet.cell(row=row, column=col, value=value)
    if value is not None and kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    return cell


def _bold_row(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")


def xlsx(report: PublishedReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([meta(report)])
    excluded = reports.excluded_numbers(report)
    sheet.append([f"经申诉核减的案件：{'、'.join(excluded)}" if excluded else ""])
    sheet.append(["指标", "数值", "计算", "口径"])
    _bold_row(sheet, 4)
    for f in reports.summary(report):
        row = sheet.max_row + 1
        sheet.cell(row=row, column=1, value=f["name"])
        _cell(sheet, row, 2, f["value"], f["kind"])
        sheet.cell(row=row, column=3, value=f["basis"])
        sheet.cell(row=row, column=4, value=f["definition"])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 60
    defs = reports.definitions(report)
    for level, name in SHEET_NAMES.items():
        table = reports.table(report, level)
        ws = book.create_sheet(name)
        ws.append([title(report), reports.weights_text(report)])
        ws.append(["排名", "编码", "名称", *table["names"], "加权得分", "扣分", "综合得分"])
        _bold_row(ws, 2)
        for r in reports.level_rows(report, level):
            row = ws.max_row + 1
            ws.cell(row=row, column=1, value=r["rank"])
            ws.cell(row=row, column=2, value=r["key"])
            ws.cell(row=row, column=3, value=r["name"])
            for k, key in enumerate(table["keys"], start=4):
                _cell(ws, row, k, r["values"].get(key), reports.kind_of(defs[key]))
            col = 4 + len(table["keys"])
            _cell(ws, row, col, r["points"], "score")
            _cell(ws, row, col + 1, sum(r["deductions"].values()) if r["deductions"] else None, "score")
            _cell(ws, row, col + 2, r["score"], "score")
        ws.column_dimensions["C"].width = 24
        ws.freeze_panes = "D3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
