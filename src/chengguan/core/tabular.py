"""Rows of an uploaded spreadsheet (Excel or CSV), read the same way by every import.

Bureau staff keep their lists in Excel and in CSV exported from other systems, often in GBK; an import
reads the header row, maps the bureau's Chinese column labels to field names, and yields each
non-blank data row with its line number so a bad row can be reported by the line the user sees.

Excel files are streamed by openpyxl's read-only mode. It reads 20,000 ledger rows in about twice
the time of a bare expat walk over the sheet XML, which is what our own reader did
(`benchmarks/ledger_import.py`: 1.77 s against 0.96 s, a quarter of a 7.1 s import), and in return
gets date cells, booleans, rich-text and phonetic shared strings and the 1904 date system right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from openpyxl import load_workbook

from chengguan.core import text

UNREADABLE = "无法读取该文件：请上传 .xlsx 或 .csv 格式的文件（可先下载模板）"


def cell_text(value) -> str:
    """A cell as the text the user typed: no trailing `.0` on whole numbers, times as 2026-10-08 09:30:00."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_csv(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".txt")


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("CSV 文件编码无法识别（请使用 UTF-8 或 GBK）")
    yield from enumerate(csv.reader(io.StringIO(text)), start=1)


def xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(line, values) of every row of the first sheet, blank rows included so lines stay true."""
    with path.open("rb") as fh:  # a file object: openpyxl then does not insist on the .xlsx suffix
        try:
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
            raise ValueError(UNREADABLE) from exc
        try:
            sheet = wb.worksheets[0]
            sheet.reset_dimensions()  # read every row, even where a writer declared a wrong size
            yield from enumerate((list(row) for row in sheet.iter_rows(values_only=True)), start=1)
        except (BadZipFile, KeyError, ParseError) as exc:
            raise ValueError(UNREADABLE) from exc
        finally:
            wb.close()


def sheet_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(line, cells) of an uploaded .csv/.txt or .xlsx file, by its suffix."""
    return csv_rows(path) if is_csv(path) else xlsx_rows(path)


def count_rows(path: Path, read: Callable[[Path], Iterable]) -> int:
    """Data rows in the file, for progress bars. For .xlsx the size the sheet declares is used (blank
    rows, if any, make it a slight over-estimate), or, where a writer declared none (openpyxl's
    write-only mode, so our own exports), its non-blank rows are counted; a CSV file is counted by
    `read`."""
    if is_csv(path):
        return sum(1 for _ in read(path))
    with path.open("rb") as fh:
        try:
            wb = load_workbook(fh, read_only=True)
        except Exception as exc:
            raise ValueError(UNREADABLE) from exc
        try:
            sheet = wb.worksheets[0]
            rows = sheet.max_row or sum(1 for row in sheet.iter_rows(values_only=True) if any(row))
        finally:
            wb.close()
    return max(rows - 1, 0)


class SheetRow(dict):
    """A data row as {field: text}; `stripped` maps a field to how many control characters the text
    normaliser removed from it (`core.text`), for the import's per-row note."""

    stripped: dict[str, int]


def stripped_note(row: SheetRow, columns: list[tuple[str, str]]) -> str | None:
    """The note an import keeps for a row whose cells held control characters, or None."""
    if not getattr(row, "stripped", None):
        return None
    labels = dict(columns)
    parts = "、".join(f"{labels.get(key, key)}（{count} 个）" for key, count in row.stripped.items())
    return f"已删除控制字符：{parts}"


def labelled_rows(
    rows: Iterator[tuple[int, list]], columns: list[tuple[str, str]], required: Iterable[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {field: text}) for each non-blank data row under a header of column labels.

    `columns` are (field, label) pairs; columns the header does not name are ignored (an export's
    extra columns), and a header without a `required` field is refused with the missing labels.
    Control characters are removed from every cell (bulk sources such as 12345 exports carry them)
    and counted on the row's `stripped`."""
    try:
        _, header = next(rows)
    except StopIteration:
        return
    by_label = {label: key for key, label in columns}
    keys = [by_label.get(cell_text(h)) for h in header]
    required = set(required)
    missing = [label for key, label in columns if key in required and key not in keys]
    if missing:
        raise ValueError(f"表头缺少必需的列：{'、'.join(missing)}（请使用下载的模板）")
    for line, row in rows:
        values = SheetRow()
        values.stripped = {}
        for i, key in enumerate(keys):
            if key:
                values[key], removed = text.strip_refused(cell_text(row[i]) if i < len(row) else "")
                if removed:
                    values.stripped[key] = removed
        if any(values.values()):
            yield line, values


def bad_rows_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """An import's bad rows as a CSV that opens in Excel (UTF-8 with BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
