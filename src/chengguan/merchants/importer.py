"""Excel/CSV import of the ledger: every row checked, every bad row reported with its line number and
reasons, every good row saved; a known credit code updates its merchant, an unchanged row is left
alone, so importing the same file twice changes nothing.

Within one file a credit code may appear once: the first occurrence is imported and each later one
is reported as a bad row naming the line it repeats.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from chengguan.core import audit, clock, tabular
from chengguan.core.coords import CRS_CHOICES, to_wgs84
from chengguan.core.i18n import source_labels
from chengguan.grids.index import get_index
from chengguan.grids.models import Grid
from chengguan.merchants import validation as v
from chengguan.merchants.models import BusinessType, Merchant, MerchantStatus
from chengguan.merchants.permissions import can_run_bulk_work
from chengguan.merchants.services import assign_units, snapshot

COLUMNS: list[tuple[str, str]] = [
    ("name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("operator_name", "法定代表人/经营者"),
    ("id_number", "身份证号"),
    ("phone", "联系电话"),
    ("business_type", "经营类别"),
    ("address", "地址"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("crs", "坐标系"),
    ("frontage_m", "门前责任区长度（米）"),
    ("status", "经营状态"),
]
REQUIRED = ("name", "credit_code", "lon", "lat")
CHUNK = 500


@dataclass
class BadRow:
    line: int
    reasons: list[str]
    name: str = ""
    credit_code: str = ""

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "reasons": self.reasons,
            "name": self.name,
            "credit_code": self.credit_code,
        }


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    # Rows read after the text normaliser removed control characters: {"line", "name", "note"}.
    notes: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad_count": len(self.bad),
            "bad": [b.as_dict() for b in self.bad],
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, d: dict) -> ImportReport:
        return cls(
            total=d.get("total", 0),
            created=d.get("created", 0),
            updated=d.get("updated", 0),
            unchanged=d.get("unchanged", 0),
            bad=[BadRow(**b) for b in d.get("bad", [])],
            notes=list(d.get("notes", [])),
        )


# --- template and reading -------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The downloadable template: the header row, one example, drop-downs for the choice columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "商户台账"
    ws.append([label for _, label in COLUMNS])
    ws.append(
        [
            "示例餐馆（删除本行）",
            "91410102JURQ283FQM",
            "张三",
            "",
            "13812345678",
            "餐饮",
            "郑州市中原区建设西路100号",
            113.62,
            34.75,
            "wgs84",
            8.5,
            "营业",
        ]
    )
    bold = Font(bold=True, color="FFFFFF")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="1D4F91")
    for col, width in zip("ABCDEFGHIJKL", (28, 22, 14, 22, 16, 12, 36, 12, 12, 9, 16, 10), strict=True):
        ws.column_dimensions[col].width = width
    type_names = ",".join(source_labels(BusinessType.labels))
    status_names = ",".join(source_labels(MerchantStatus.labels))
    types = DataValidation(type="list", formula1=f'"{type_names}"', allow_blank=True)
    crs = DataValidation(type="list", formula1=f'"{",".join(CRS_CHOICES)}"', allow_blank=True)
    status = DataValidation(type="list", formula1=f'"{status_names}"', allow_blank=True)
    for dv, col in ((types, "F"), (crs, "J"), (status, "L")):
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}100000")
    notes = wb.create_sheet("填写说明")
    for line in (
        "每行一个沿街单位；第一行为表头，请勿修改。",
        "统一社会信用代码为18位，系统会校验其校验位；同一文件中同一代码只能出现一次。",
        "台账中已有的信用代码会更新该商户，而不是新增。",
        "经纬度默认按WGS-84（GPS）填写；从高德、腾讯地图取点请在“坐标系”填 gcj02，百度地图填 bd09。",
        "联系电话填手机号或带区号的固定电话（如 0371-12345678）。",
        f"经营类别可选：{'、'.join(source_labels(BusinessType.labels))}。",
        "网格、社区、街道和责任中队根据位置自动确定，无需填写。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(path: str | Path) -> Iterator[tuple[int, dict]]:
    """(line number, {field: text}) for each non-blank data row; line 1 is the header."""
    return tabular.labelled_rows(tabular.sheet_rows(Path(path)), COLUMNS, REQUIRED)


def count_rows(path: str | Path) -> int:
    """Data rows in the file, for progress bars."""
    return tabular.count_rows(Path(path), read_rows)


# --- validating and saving ------------------------------------------------------------------------


@dataclass
class _Good:
    line: int
    fields: dict
    wlon: float
    wlat: float


def _validate(line: int, row: dict, seen: dict[str, int]) -> tuple[_Good | None, BadRow | None]:
    """The row's fields and every reason it cannot be saved (not only the first)."""
    reasons: list[str] = []
    fields: dict = {"operator_name": row.get("operator_name", "")[:50]}
    for key, clean in (
        ("name", v.clean_name),
        ("credit_code", v.clean_credit_code),
        ("id_number", v.clean_id_number),
        ("phone", v.clean_phone),
        ("business_type", v.clean_business_type),
        ("address", v.clean_address),
        ("frontage_m", v.clean_frontage),
        ("status", v.clean_status),
    ):
        try:
            fields[key] = clean(row.get(key))
        except v.FieldError as exc:
            reasons.append(exc.message)
    code = fields.get("credit_code")
    if code:
        if code in seen:
            reasons.append(f"统一社会信用代码与第{seen[code]}行重复")
        else:
            seen[code] = line
    wlon = wlat = None
    crs = (row.get("crs") or "wgs84").lower()
    if crs not in CRS_CHOICES:
        reasons.append(f"坐标系“{crs}”无效，应为 wgs84、gcj02 或 bd09")
    else:
        try:
            lon, lat = v.clean_coordinate(row.get("lon"), row.get("lat"))
            wlon, wlat = to_wgs84(lon, lat, crs)
        except v.FieldError as exc:
            reasons.append(exc.message)
    if reasons:
        bad = BadRow(line, reasons, row.get("name", "")[:100], row.get("credit_code", "")[:30])
        # A bad row whose position reads is still placed with its chunk, so a position outside the
        # district is reported with the row's other problems, not after they are fixed.
        return (_Good(line, fields, wlon, wlat) if wlon is not None else None), bad
    return _Good(line, fields, wlon, wlat), None


def _outside_reason(good: _Good) -> str:
    return f"位置（{good.wlon:.6f}, {good.wlat:.6f}）不在本辖区单元网格内"


def _place(rows: list[_Good], bureau_id: int | None) -> dict[int, Grid | None]:
    """The grid of each row's position by line; None where it lies outside the district (or the
    importer's bureau)."""
    if not rows:
        return {}
    grid_ids = get_index().locate_many([g.wlon for g in rows], [g.wlat for g in rows])
    grids = Grid.objects.select_related("community").in_bulk({int(i) for i in grid_ids if i >= 0})
    placed: dict[int, Grid | None] = {}
    for row, gid in zip(rows, grid_ids, strict=True):
        grid = grids.get(int(gid))
        if grid is not None and bureau_id is not None and grid.community.bureau_id != bureau_id:
            grid = None
        placed[row.line] = grid
    return placed


def _save_chunk(
    actor,
    goods: list[_Good],
    report: ImportReport,
    bureau_id: int | None,
    bad_placed: list[tuple[_Good, BadRow]],
) -> list[BadRow]:
    """Place the chunk's rows (the bad ones too, to add a position outside the district to their
    reasons), then create/update the valid ones in one transaction."""
    grid_of = _place([*goods, *(g for g, _ in bad_placed)], bureau_id)
    for partial, bad_row in bad_placed:
        if grid_of.get(partial.line) is None:
            bad_row.reasons.append(_outside_reason(partial))
    bad: list[BadRow] = []
    placed: list[tuple[_Good, Grid]] = []
    for good in goods:
        grid = grid_of[good.line]
        if grid is None:
            bad.append(
                BadRow(good.line, [_outside_reason(good)], good.fields["name"], good.fields["credit_code"])
            )
        else:
            placed.append((good, grid))
    if not placed:
        return bad
    with transaction.atomic():
        existing = (
            Merchant.objects.select_for_update(of=("self",))
            .select_related("grid")
            .in_bulk([g.fields["credit_code"] for g, _ in placed], field_name="credit_code")
        )
        now = clock.now()
        new: list[Merchant] = []
        for good, grid in placed:
            m = existing.get(good.fields["credit_code"])
            if m is None:
                m = Merchant(lon=good.wlon, lat=good.wlat, created_at=now, updated_at=now, **good.fields)
                assign_units(m, grid)
                new.append(m)
                continue
            before = snapshot(m)
            for key, value in good.fields.items():
                setattr(m, key, value)
            m.lon, m.lat = good.wlon, good.wlat
            assign_units(m, grid)
            after = snapshot(m)
            if after == before:
                report.unchanged += 1
                continue
            m.updated_at = now
            m.save()
            report.updated += 1
            audit.record(actor=actor, action="merchant.update", obj=m, before=before, after=after)
        Merchant.objects.bulk_create(new, batch_size=500)
        if new:
            # One event per committed chunk names every merchant it created (20,000 single events
            # would triple the import time); changes to known merchants get one event each above.
            audit.record(
                actor=actor,
                action="merchant.import_create",
                obj=("merchants.merchant", f"{new[0].credit_code}+{len(new) - 1}"),
                after={
                    "created": [
                        {"credit_code": m.credit_code, "name": m.name, "grid": m.grid.code} for m in new
                    ]
                },
            )
        report.created += len(new)
    return bad


def import_merchants(
    *,
    actor,
    path: str | Path,
    progress: Callable[[int, dict], None] | None = None,
    resume: dict | None = None,
    chunk: int = CHUNK,
) -> ImportReport:
    """Import a ledger file. `progress(rows_done, cursor)` is called after each committed chunk;
    `resume` is such a cursor, and the rows it covers are not written again."""
    from chengguan.org.selectors import bureau_of

    can_run_bulk_work.refuse(actor, action="导入商户台账")
    bureau = bureau_of(actor) if actor is not None and not actor.is_superuser else None
    report = ImportReport.from_dict(resume["report"]) if resume else ImportReport()
    resume_line = resume["line"] if resume else 0
    seen: dict[str, int] = {}
    goods: list[_Good] = []
    pending_bad: list[BadRow] = []
    bad_placed: list[tuple[_Good, BadRow]] = []  # bad rows whose position is checked with the chunk
    done = 0
    last_line = resume_line

    def flush() -> None:
        nonlocal goods, pending_bad, bad_placed
        pending_bad.extend(_save_chunk(actor, goods, report, bureau.pk if bureau else None, bad_placed))
        report.bad.extend(sorted(pending_bad, key=lambda b: b.line))
        goods, pending_bad, bad_placed = [], [], []
        if progress:
            progress(done, {"line": last_line, "report": report.as_dict()})

    for line, row in read_rows(path):
        done += 1
        good, bad = _validate(line, row, seen)
        if line <= resume_line:
            continue  # committed before the interruption; only `seen` needed rebuilding
        report.total = max(report.total, done)
        last_line = line
        if bad:
            pending_bad.append(bad)
            if good is not None:
                bad_placed.append((good, bad))
        else:
            goods.append(good)
            if note := tabular.stripped_note(row, COLUMNS):
                report.notes.append({"line": line, "name": row.get("name", ""), "note": note})
        if len(goods) + len(pending_bad) >= chunk:
            flush()
    report.total = done
    flush()
    return report


def report_csv(report: dict) -> bytes:
    """The bad rows as a CSV that opens in Excel (UTF-8 with BOM)."""
    rows = [[b["line"], b["name"], b["credit_code"], "；".join(b["reasons"])] for b in report.get("bad", [])]
    rows += [[n["line"], n.get("name", ""), "", f"已导入；{n['note']}"] for n in report.get("notes", [])]
    return tabular.bad_rows_csv(
        ["行号", "单位名称", "统一社会信用代码", "问题"], sorted(rows, key=lambda r: r[0])
    )


__all__ = ["COLUMNS", "ImportReport", "import_merchants", "read_rows", "template_workbook"]
