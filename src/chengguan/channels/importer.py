"""Excel/CSV exchange of work orders with the outside channels, in one column shape both ways.

Import: every row is checked and received through `work_order_receive`; a bad row is reported with
its line number and the reasons in Chinese, every good row is saved, and an item already received
(same channel and work-order number) is left as it is, so importing a file twice changes nothing.
Export: the same columns, followed by our reply, its time and officer and the citizen's rating, so
the channel can load our answers with the layout it sent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from chengguan.channels.models import Channel, WorkOrder
from chengguan.channels.services import work_order_receive
from chengguan.core import clock, tabular, text
from chengguan.core.coords import CRS_CHOICES
from chengguan.core.errors import DomainError, PermissionDenied
from chengguan.core.i18n import source_choices, source_labels, source_text
from chengguan.feedback.models import Rating

IN_COLUMNS: list[tuple[str, str]] = [
    ("channel", "来源渠道"),
    ("external_id", "工单编号"),
    ("received_at", "接收时间"),
    ("complainant_name", "诉求人"),
    ("complainant_phone", "联系电话"),
    ("content", "诉求内容"),
    ("address", "地址"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("crs", "坐标系"),
    ("category", "问题类别代码"),
]
OUT_COLUMNS: list[tuple[str, str]] = [
    ("case_number", "案件编号"),
    ("reply_due_at", "答复期限"),
    ("reply", "答复内容"),
    ("replied_at", "答复时间"),
    ("replied_by", "答复人"),
    ("rating", "满意度"),
]
REQUIRED = ("channel", "external_id", "content", "category")
# The file names channels by their Chinese labels (or codes), whatever the uploader's language.
CHANNEL_NAMES = source_labels(Channel.labels)
CHANNEL_BY_TEXT = {label: code for code, label in source_choices(Channel).items()}
CHANNEL_BY_TEXT |= {code: code for code in Channel.values}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


@dataclass
class BadRow:
    line: int
    reasons: list[str]
    external_id: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "reasons": self.reasons, "external_id": self.external_id}


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    # Rows received after the text normaliser removed control characters: {"line", "note"}.
    notes: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "unchanged": self.unchanged,
            "bad_count": len(self.bad),
            "bad": [b.as_dict() for b in self.bad],
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        bad = [BadRow(b["line"], b["reasons"], b.get("external_id", "")) for b in data.get("bad", [])]
        return cls(data["total"], data["created"], data["unchanged"], bad, list(data.get("notes", [])))


# --- the template and reading ----------------------------------------------------------------------


def _styled_sheet(title: str, labels: list[str]) -> tuple[Workbook, object]:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(labels)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D4F91")
    for i, label in enumerate(labels):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = 40 if "内容" in label else 18
    return wb, ws


def template_workbook() -> bytes:
    """The downloadable template: header, one example row, and a sheet explaining each column."""
    wb, ws = _styled_sheet("督办件", [label for _, label in IN_COLUMNS])
    ws.append(
        [
            "12345热线",
            "GD20260915000123",
            "2026-09-15 09:30",
            "王女士",
            "13812345678",
            "小区门口流动摊贩占道经营，影响通行（示例，请删除本行）",
            "郑州市中原区建设西路100号",
            113.62,
            34.75,
            "wgs84",
            "200501",
        ]
    )
    notes = wb.create_sheet("填写说明")
    for line in (
        "每行一件督办件；第一行为表头，请勿修改。",
        f"来源渠道填写：{'、'.join(CHANNEL_NAMES)}。",
        "同一渠道的工单编号只登记一次：重复导入同一文件不会重复立案。",
        "接收时间格式为 2026-09-15 09:30（北京时间）；不填则为导入时间。答复期限按渠道规则自动计算。",
        "问题类别代码为六位小类代码（见系统“案件分类”页）。",
        "经纬度可不填（须填地址）；高德、腾讯地图取点请在“坐标系”填 gcj02，百度地图填 bd09。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(path: str | Path) -> Iterator[tuple[int, dict]]:
    """(line number, {field: text}) for each non-blank data row; line 1 is the header. Columns
    that are not ours (an export's reply columns, the channel's own extras) are ignored."""
    return tabular.labelled_rows(tabular.sheet_rows(Path(path)), IN_COLUMNS, REQUIRED)


def count_rows(path: str | Path) -> int:
    """Data rows in the file, for progress bars."""
    return tabular.count_rows(Path(path), read_rows)


# --- checking and receiving -------------------------------------------------------------------------


def _parse_time(text: str) -> dt.datetime | None:
    if not text:
        return None
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=clock.SHANGHAI)
        except ValueError:
            continue
    raise ValueError


def _row_errors(row: dict) -> list[str]:
    labels = dict(IN_COLUMNS)
    reasons = [f"“{labels[k]}”不能为空" for k in REQUIRED if not row.get(k)]
    if row.get("channel") and row["channel"] not in CHANNEL_BY_TEXT:
        reasons.append(f"来源渠道“{row['channel']}”无效，应为{'、'.join(CHANNEL_NAMES)}之一")
    if row.get("crs") and row["crs"] not in CRS_CHOICES:
        reasons.append(f"坐标系应为 {'、'.join(CRS_CHOICES)} 之一")
    try:
        _parse_time(row.get("received_at", ""))
    except ValueError:
        reasons.append("接收时间格式应为 2026-09-15 09:30")
    return reasons


def _domain_reasons(exc: DomainError) -> list[str]:
    """A service's field errors as '<column>：<message>' for the report."""
    names = {
        **dict(IN_COLUMNS),
        "description": "诉求内容",
        "reporter_phone": "联系电话",
        "reporter_name": "诉求人",
    }
    if not exc.fields:
        return [exc.message]
    return [f"{names.get(f, f)}：{m}" for f, msgs in exc.fields.items() for m in msgs]


def receive_row(actor, line: int, row: dict, report: ImportReport) -> None:
    """Receive one row, or record why not; nothing of a bad row is saved."""
    reasons = _row_errors(row)
    if not reasons:
        try:
            result = work_order_receive(
                actor=actor,
                channel=CHANNEL_BY_TEXT[row["channel"]],
                external_id=row["external_id"],
                received_at=_parse_time(row.get("received_at", "")),
                complainant_name=row.get("complainant_name", ""),
                complainant_phone=row.get("complainant_phone", ""),
                content=row["content"],
                address=row.get("address", ""),
                lon=row.get("lon") or None,
                lat=row.get("lat") or None,
                crs=row.get("crs") or "wgs84",
                category=row["category"],
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise  # the importer's own right, not a row's fault: stop the whole import
            reasons = _domain_reasons(exc)
        else:
            if result.created:
                report.created += 1
            else:
                report.unchanged += 1
            if note := tabular.stripped_note(row, IN_COLUMNS):
                report.notes.append({"line": line, "external_id": row.get("external_id", ""), "note": note})
            return
    report.bad.append(BadRow(line, reasons, row.get("external_id", "")))


def import_work_orders(
    *,
    actor,
    path: str | Path,
    progress: Callable[[int, dict], None] | None = None,
    resume: dict | None = None,
    every: int = 100,
) -> ImportReport:
    """Import a file of work orders. `progress(rows_done, cursor)` is called every `every` rows;
    `resume` is such a cursor, and the rows before it are skipped (they are received already)."""
    report = ImportReport.from_dict(resume["report"]) if resume else ImportReport()
    resume_line = resume["line"] if resume else 0
    done, last_line = 0, resume_line
    for line, row in read_rows(path):
        done += 1
        if line <= resume_line:
            continue
        receive_row(actor, line, row, report)
        report.total, last_line = done, line
        if progress and done % every == 0:
            progress(done, {"line": line, "report": report.as_dict()})
    report.total = done
    if progress:
        progress(done, {"line": last_line, "report": report.as_dict()})
    return report


def report_csv(report: dict) -> bytes:
    """The bad rows as a CSV that opens in Excel (UTF-8 with BOM)."""
    rows = [[b["line"], b["external_id"], "；".join(b["reasons"])] for b in report.get("bad", [])]
    rows += [[n["line"], n.get("external_id", ""), f"已导入；{n['note']}"] for n in report.get("notes", [])]
    return tabular.bad_rows_csv(["行号", "工单编号", "问题"], sorted(rows, key=lambda r: r[0]))


# --- the export back to the channel ------------------------------------------------------------------


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_row(order: WorkOrder) -> list:
    officer = order.replied_by
    officer_name = ""
    if officer is not None:
        profile = getattr(officer, "profile", None)
        officer_name = getattr(profile, "full_name", "") or officer.username
    rating = getattr(order, "rating", None)
    return [
        source_text(order.get_channel_display()),
        order.external_id,
        _local(order.received_at),
        order.complainant_name,
        order.complainant_phone,
        order.content,
        order.address,
        order.lon if order.lon is not None else "",
        order.lat if order.lat is not None else "",
        "wgs84" if order.lon is not None else "",
        order.category.code,
        order.case.number,
        _local(order.reply_due_at),
        order.reply,
        _local(order.replied_at),
        officer_name,
        source_text(Rating(rating).label) if rating else "",
    ]


def export_labels() -> list[str]:
    return [label for _, label in IN_COLUMNS + OUT_COLUMNS]


def export_workbook(orders: Iterable[WorkOrder]) -> bytes:
    wb, ws = _styled_sheet("督办件答复", export_labels())
    for order in orders:
        ws.append(text.row_for_output(export_row(order)))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_csv(orders: Iterable[WorkOrder]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(export_labels())
    for order in orders:
        w.writerow(export_row(order))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
