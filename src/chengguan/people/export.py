"""The force's register (队伍花名册) as an Excel workbook: one row per member of staff with their
unit, post, certificate, this year's training hours, honours and deeds (openpyxl, write-only, as the
case export does)."""

from __future__ import annotations

import datetime as dt
import tempfile
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from chengguan.core import text
from chengguan.people import selectors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_register(actor, target, *, today: dt.date) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("队伍花名册")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in selectors.REGISTER_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in selectors.register_rows(actor, today=today):
        sheet.append(text.row_for_output(row))
        count += 1
    workbook.save(target)
    return count


def register_response(actor, *, today: dt.date) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    write_register(actor, spool, today=today)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    name = f"队伍花名册-{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"register-{today:%Y%m%d}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response
