"""A lean reader for the first sheet of an .xlsx file: rows of plain values, streamed.

openpyxl builds a cell object per value and takes seconds per 10,000 rows; the ledger import only
needs the text, so this walks the sheet XML with the C expat parser (ECMA-376 Part 1, §18.3: rows
`<row>`, cells `<c r= t=>` with `<v>` or inline `<is><t>`; shared strings in §18.4).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_COL = re.compile(r"[A-Z]+")


def _col_index(ref: str) -> int:
    letters = _COL.match(ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _first_sheet_path(zf: zipfile.ZipFile) -> str:
    from xml.etree.ElementTree import fromstring

    wb = fromstring(zf.read("xl/workbook.xml"))
    sheet = wb.find(f"{NS}sheets/{NS}sheet")
    rid = sheet.get(f"{REL_NS}id")
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise ValueError("workbook has no first sheet")


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        fh = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    out: list[str] = []
    with fh:
        for _, el in iterparse(fh):
            if el.tag == f"{NS}si":
                out.append("".join(t.text or "" for t in el.iter(f"{NS}t")))
                el.clear()
    return out


def dimension_rows(path) -> int | None:
    """The row count the sheet declares (`<dimension ref="A1:L20001">`), without reading the rows."""
    with zipfile.ZipFile(path) as zf, zf.open(_first_sheet_path(zf)) as fh:
        head = fh.read(4096).decode("utf-8", "ignore")
    m = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(m.group(1)) if m else None


def iter_rows(path) -> Iterator[tuple[int, list]]:
    """(1-based row number, values) for every row of the first sheet; numbers come back as float."""
    with zipfile.ZipFile(path) as zf:
        strings = _shared_strings(zf)
        with zf.open(_first_sheet_path(zf)) as fh:
            row_tag, c_tag, v_tag, t_tag = f"{NS}row", f"{NS}c", f"{NS}v", f"{NS}t"
            for _, el in iterparse(fh):
                if el.tag != row_tag:
                    continue
                values: list = []
                for c in el.iter(c_tag):
                    ref = c.get("r")
                    idx = _col_index(ref) if ref else len(values)
                    kind = c.get("t", "n")
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in c.iter(t_tag))
                    else:
                        v = c.find(v_tag)
                        raw = v.text if v is not None else None
                        if raw is None:
                            value = None
                        elif kind == "s":
                            value = strings[int(raw)]
                        elif kind == "n":
                            value = float(raw)
                        else:
                            value = raw
                    if idx >= len(values):
                        values.extend([None] * (idx - len(values) + 1))
                    values[idx] = value
                yield int(el.get("r") or 0), values
                el.clear()
