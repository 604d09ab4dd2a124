"""Case lists as CSV or Excel, written while the rows are read, so a year of cases (≈50,000) never sits
in memory as one list. Used by the web list and `GET /api/v1/cases/export.csv|.xlsx`.

Headers and values are Chinese whatever the reader's language. Personal data stays out: no reporter
name or phone is exported (ARCHITECTURE.md, Personal data).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from urllib.parse import quote

from django.db import models
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from chengguan.cases import selectors
from chengguan.cases.filters import URGENCY_CHOICES
from chengguan.cases.models import Case, CaseSource, CaseState, Disposition, intake_attribute_fields
from chengguan.core import clock, text, xlsx_stream
from chengguan.core.i18n import source_text
from chengguan.core.replica import replica_reads
from chengguan.taxonomy.models import CategoryKind

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
_URGENCY_NAMES = dict(URGENCY_CHOICES)
# Excel runs a cell that starts with one of these as a formula; citizens' text must never do so.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def _chinese(choices: type[models.TextChoices], value: str) -> str:
    """A code's Chinese label whatever the reader's language: the columns are Chinese for the
    bureau's partners, so their values are too."""
    return source_text(choices(value).label) if value else ""


def _name(obj, attr: str = "name") -> str:
    return getattr(obj, attr) if obj is not None else ""


Column = tuple[str, Callable[[Case, dt.datetime], object]]


def _attribute_column(field: models.Field) -> Column:
    """An intake attribute's column: its field's name and the Chinese label of its value."""
    labels = {value: source_text(label) for value, label in field.choices}
    return source_text(field.verbose_name), lambda c, now: labels.get(getattr(c, field.attname), "")


COLUMNS: tuple[Column, ...] = (
    ("案件编号", lambda c, now: c.number),
    ("案件来源", lambda c, now: _chinese(CaseSource, c.source)),
    ("类型", lambda c, now: _chinese(CategoryKind, c.category.kind)),
    ("大类", lambda c, now: c.category.major.name_zh),
    ("小类代码", lambda c, now: c.category.code),
    ("小类", lambda c, now: c.category.name_zh),
    ("状态", lambda c, now: _chinese(CaseState, c.state)),
    *(_attribute_column(field) for field in intake_attribute_fields()),
    ("时限状态", lambda c, now: _URGENCY_NAMES[selectors.urgency(c, now)]),
    ("网格编码", lambda c, now: _name(c.grid, "code")),
    ("街道", lambda c, now: _name(c.subdistrict)),
    ("社区", lambda c, now: _name(c.community)),
    ("处置单位", lambda c, now: _name(c.handling_unit)),
    ("地址", lambda c, now: c.address),
    ("问题描述", lambda c, now: c.description),
    ("上报时间", lambda c, now: _local(c.reported_at)),
    ("当前环节时限", lambda c, now: _local(c.stage_due_at)),
    ("处置时限", lambda c, now: _local(c.handling_due_at)),
    ("结案时间", lambda c, now: _local(c.closed_at)),
    ("处置方式（721）", lambda c, now: _chinese(Disposition, c.disposition)),
    ("返工次数", lambda c, now: c.rework_count),
    ("是否督办", lambda c, now: "是" if c.is_supervised else "否"),
)
HEADERS = [title for title, _ in COLUMNS]


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@replica_reads
def export_rows(queryset: QuerySet[Case]) -> Iterator[list]:
    """The rows of a case queryset, read in chunks with everything a row shows loaded alongside
    (from the replica where there is one)."""
    now = clock.now()
    rows = queryset.select_related(
        "category", "category__major", "grid", "subdistrict", "community", "handling_unit"
    )
    for case in rows.iterator(chunk_size=CHUNK):
        yield [_safe(get(case, now)) for _, get in COLUMNS]


def filename(extension: str, now: dt.datetime | None = None) -> str:
    stamp = (now or clock.now()).astimezone(clock.SHANGHAI).strftime("%Y%m%d-%H%M")
    return f"案件-{stamp}.{extension}"


def _disposition(name: str) -> str:
    """An attachment header that keeps the Chinese file name (RFC 6266 / RFC 5987) with an ASCII
    fallback for old clients."""
    ascii_name = "cases" + name[name.index("-") :]
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class _Echo:
    """csv.writer wants a file; this one hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(queryset: QuerySet[Case]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so Excel on Chinese Windows opens the file as UTF-8 rather than GBK.
    yield "\ufeff" + writer.writerow(HEADERS)
    for row in export_rows(queryset):
        yield writer.writerow(row)


def csv_response(queryset: QuerySet[Case]) -> StreamingHttpResponse:
    """A CSV download that is sent while the database is still being read."""
    response = StreamingHttpResponse(_csv_lines(queryset), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename("csv"))
    return response


def xlsx_rows(queryset: QuerySet[Case]) -> Iterator[list]:
    """The export's rows as a sheet takes them (no control characters), up to Excel's limit."""
    for count, row in enumerate(export_rows(queryset)):
        if count >= XLSX_MAX_ROWS:
            break
        yield text.row_for_output(row)


def xlsx_response(queryset: QuerySet[Case]) -> StreamingHttpResponse:
    """An Excel download sent while it is written: the first rows leave as the database is still
    being read (`core.xlsx_stream`), instead of after the whole workbook was spooled to a file."""
    response = StreamingHttpResponse(
        xlsx_stream.stream_xlsx("案件", HEADERS, xlsx_rows(queryset)), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = _disposition(filename("xlsx"))
    return response
