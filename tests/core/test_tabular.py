"""The shared spreadsheet reader: Excel rows keep the line numbers the user sees, whatever the writer."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from openpyxl import Workbook

from chengguan.core import tabular
from tests.merchants.workbooks import write_xlsx

COLUMNS = [("name", "名称"), ("code", "代码"), ("when", "时间")]


def _labelled(path):
    return list(tabular.labelled_rows(tabular.sheet_rows(path), COLUMNS, ["name"]))


def test_blank_and_missing_rows_keep_the_line_numbers_of_excel(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "代码", "时间"])
    ws.append(["甲", 1001, dt.datetime(2026, 9, 29, 10, 30)])
    ws.cell(row=5, column=1, value="乙")  # rows 3 and 4 were never written
    ws.cell(row=5, column=2, value=8.5)
    wb.save(tmp_path / "gaps.xlsx")
    assert _labelled(tmp_path / "gaps.xlsx") == [
        (2, {"name": "甲", "code": "1001", "when": "2026-09-29 10:30:00"}),
        (5, {"name": "乙", "code": "8.5", "when": ""}),
    ]
    assert tabular.count_rows(tmp_path / "gaps.xlsx", _labelled) == 4  # the declared size, A1:C5


def test_rows_past_a_wrongly_declared_size_are_still_read(tmp_path):
    path = tmp_path / "small-exporter.xlsx"
    write_xlsx(path, [["名称", "代码"], ["甲", "1"], ["乙", "2"], ["丙", "3"]])
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'ref="A1:B\d+"', 'ref="A1:B1"', sheet).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert [row["name"] for _, row in _labelled(path)] == ["甲", "乙", "丙"]


def test_a_file_that_is_not_a_workbook_is_refused_with_a_clear_message(tmp_path):
    for name, data in (("old.xlsx", b"\xd0\xcf\x11\xe0 an .xls from 2003"), ("x.xlsx", b"PK\x03\x04 broken")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match="无法读取该文件"):
            _labelled(tmp_path / name)


def test_a_sheet_that_declares_no_size_is_counted_for_the_progress_bar(tmp_path):
    wb = Workbook(write_only=True)  # as our own exports are written: no <dimension>
    ws = wb.create_sheet("台账")
    for row in (["名称", "代码"], ["甲", 1], [], ["乙", 2], ["丙", 3]):
        ws.append(row)
    wb.save(tmp_path / "export.xlsx")
    assert tabular.count_rows(tmp_path / "export.xlsx", _labelled) == 3
    assert [line for line, _ in _labelled(tmp_path / "export.xlsx")] == [2, 4, 5]
