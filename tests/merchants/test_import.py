"""Ledger import: every bad row reported with its line and reasons, every good row saved, idempotent."""

from __future__ import annotations

import io
import os

from openpyxl import load_workbook

from chengguan.core.coords import from_wgs84
from chengguan.core.models import AuditEvent
from chengguan.merchants import importer
from chengguan.merchants.models import Merchant
from chengguan.org.system import system_actor

ROWS = int(os.environ.get("CHENGGUAN_TEST_IMPORT_ROWS", "20000"))
BAD = 500 * ROWS // 20000


def _csv(path, rows: list[list]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow([label for _, label in importer.COLUMNS])
        w.writerows(rows)


def test_template_has_every_column_and_an_example(district):
    wb = load_workbook(io.BytesIO(importer.template_workbook()))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [label for _, label in importer.COLUMNS]
    assert ws["B2"].value and len(ws["B2"].value) == 18
    assert wb.sheetnames[1] == "填写说明"


def test_large_workbook_saves_good_rows_reports_bad_ones_and_reimport_changes_nothing(district, tmp_path):
    from tests.merchants.workbooks import make_workbook

    path = tmp_path / "ledger.xlsx"
    planted = make_workbook(path, rows=ROWS, bad=BAD, bbox=district.bbox)
    report = importer.import_merchants(actor=system_actor(), path=path)
    assert report.total == ROWS
    assert report.created == ROWS - BAD
    assert Merchant.objects.count() == ROWS - BAD
    assert {b.line for b in report.bad} == set(planted)
    reasons = {b.line: "；".join(b.reasons) for b in report.bad}
    for line, kind in planted.items():
        expected = {
            "checksum": "校验位",
            "phone": "联系电话",
            "name": "单位名称不能为空",
            "duplicate": "重复",
            "outside": "不在本辖区",
        }[kind]
        assert expected in reasons[line], (line, kind, reasons[line])
    events = AuditEvent.objects.count()

    again = importer.import_merchants(actor=system_actor(), path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ROWS - BAD)
    assert len(again.bad) == BAD
    assert Merchant.objects.count() == ROWS - BAD
    assert AuditEvent.objects.count() == events


def test_known_code_updates_the_merchant_and_the_change_is_in_the_audit_trail(district, tmp_path):
    lon, lat = district.point(0)
    row = [
        "老街坊烩面馆",
        "91410102JURQ283FQM",
        "张三",
        "",
        "13812345678",
        "餐饮",
        "建设西路1号",
        lon,
        lat,
        "wgs84",
        "6",
        "营业",
    ]
    _csv(tmp_path / "a.csv", [row])
    importer.import_merchants(actor=system_actor(), path=tmp_path / "a.csv")
    row[4] = "0371-67891234"
    lon2, lat2 = district.point(3)
    row[7], row[8] = lon2, lat2
    _csv(tmp_path / "b.csv", [row])
    report = importer.import_merchants(actor=system_actor(), path=tmp_path / "b.csv")
    assert (report.created, report.updated) == (0, 1)
    m = Merchant.objects.get()
    assert m.phone == "0371-67891234"
    assert m.grid == district.grids[3] and m.community == district.communities[1]
    event = AuditEvent.objects.filter(action="merchant.update").get()
    assert event.before["phone"] == "138****5678"
    assert event.after["phone"] == "0371-****1234"
    assert event.before["grid"] == district.grids[0].code and event.after["grid"] == district.grids[3].code


def test_gcj02_coordinates_are_converted_before_the_grid_is_found(district, tmp_path):
    lon, lat = district.point(5)
    glon, glat = from_wgs84(lon, lat, "gcj02")
    _csv(
        tmp_path / "g.csv",
        [["便利店", "91410102JURQ283FQM", "", "", "", "便利店", "中原路2号", glon, glat, "gcj02", "", ""]],
    )
    report = importer.import_merchants(actor=system_actor(), path=tmp_path / "g.csv")
    assert report.created == 1
    m = Merchant.objects.get()
    assert m.grid == district.grids[5]
    assert abs(m.lon - lon) < 1e-6 and abs(m.lat - lat) < 1e-6


def test_every_reason_of_a_bad_row_is_listed_in_chinese(district, tmp_path):
    _csv(
        tmp_path / "bad.csv",
        [["", "123", "", "110101199003071234", "555", "外星贸易", "", "abc", "", "", "-3", "倒闭"]],
    )
    report = importer.import_merchants(actor=system_actor(), path=tmp_path / "bad.csv")
    assert report.created == 0 and len(report.bad) == 1
    bad = report.bad[0]
    assert bad.line == 2
    text = "；".join(bad.reasons)
    for fragment in (
        "单位名称不能为空",
        "统一社会信用代码",
        "身份证号码无效",
        "联系电话",
        "经营类别",
        "地址不能为空",
        "经纬度",
        "门前责任区长度",
        "经营状态",
    ):
        assert fragment in text
    assert importer.report_csv(report.as_dict()).decode("utf-8-sig").splitlines()[1].startswith("2,")


def test_an_interrupted_import_resumes_without_writing_rows_twice(district, tmp_path):
    from tests.merchants.workbooks import make_workbook

    path = tmp_path / "r.xlsx"
    make_workbook(path, rows=1200, bad=30, bbox=district.bbox, seed=3)
    cursors = []
    importer.import_merchants(
        actor=system_actor(), path=path, progress=lambda done, cur: cursors.append(cur), chunk=500
    )
    first = cursors[0]
    kept = first["report"]["created"]
    Merchant.objects.exclude(
        pk__in=list(Merchant.objects.order_by("id").values_list("pk", flat=True)[:kept])
    ).delete()
    resumed = importer.import_merchants(actor=system_actor(), path=path, resume=first)
    assert resumed.total == 1200
    assert Merchant.objects.count() == 1170
    assert len(resumed.bad) == 30


def test_a_workbook_saved_by_excel_style_writers_with_shared_strings_imports(district, tmp_path):
    from openpyxl import Workbook

    lon, lat = district.point(2)
    wb = Workbook()
    ws = wb.active
    ws.append([label for _, label in importer.COLUMNS])
    ws.append(
        [
            "嘉禾水果店",
            "91410102JURQ283FQM",
            "李四",
            "",
            13912345678,
            "果蔬生鲜",
            "桐柏路8号",
            lon,
            lat,
            None,
            12,
            "营业",
        ]
    )
    wb.save(tmp_path / "s.xlsx")
    report = importer.import_merchants(actor=system_actor(), path=tmp_path / "s.xlsx")
    assert report.created == 1, report.as_dict()
    m = Merchant.objects.get()
    assert (m.phone, m.business_type, m.grid) == ("13912345678", "fruit_veg", district.grids[2])


def test_control_characters_in_the_ledger_are_removed_and_the_row_noted(district, tmp_path):
    """Issue 11 item 1: a bulk import strips control characters and notes the row."""
    (w, s), (e, n) = district.bbox[:2], district.bbox[2:]
    lon, lat = (w + e) / 2, (s + n) / 2
    path = tmp_path / "ledger.csv"
    _csv(
        path,
        [
            [
                "老\x0b王餐馆",
                "91410102JURQ283FQM",
                "张三",
                "",
                "",
                "餐饮",
                "建设路\x1f1号",
                lon,
                lat,
                "",
                "",
                "",
            ]
        ],
    )
    report = importer.import_merchants(actor=system_actor(), path=path)
    assert (report.created, report.bad) == (1, []), report.bad
    merchant = Merchant.objects.get()
    assert (merchant.name, merchant.address) == ("老王餐馆", "建设路1号")
    [note] = report.as_dict()["notes"]
    assert note["line"] == 2 and "单位名称（1 个）" in note["note"] and "地址（1 个）" in note["note"]


def test_the_job_page_lists_the_rows_imported_after_a_clean_up():
    """The report's notes (rows read without their control characters) are shown on the job page."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    note = {"line": 3, "name": "老王烧烤", "note": "已删除控制字符：名称（1 个）"}
    job = SimpleNamespace(
        pk=1,
        finished=True,
        status="done",
        done=1,
        total=1,
        percent=100,
        get_status_display=lambda: "完成",
        result_file=None,
        result={"bad": [], "notes": [note]},
    )
    page = render_to_string("jobs/_progress.html", {"job": job, "facts": []})
    assert 'data-testid="import-notes"' in page and "老王烧烤" in page and "已删除控制字符" in page


def test_a_bad_row_lists_its_category_and_its_position_outside_the_district_at_once(district, tmp_path):
    """Issue 19 item 16: the row was reported for its category alone; fixed and imported again, it
    was then refused for its position in Beijing."""
    import random

    from chengguan.merchants import data

    lon, lat = district.point(0)
    rng = random.Random(3)
    code1, code2 = data.credit_code(rng), data.credit_code(rng)
    _csv(
        tmp_path / "two.csv",
        [
            ["京华五金", code1, "", "", "", "建才五金", "北京市东城区", 116.40, 39.90, "", "", ""],
            ["五金店", code2, "", "", "", "五金建材", "建设路1号", lon, lat, "", "", ""],
        ],
    )
    report = importer.import_merchants(actor=system_actor(), path=tmp_path / "two.csv")
    (bad,) = report.bad
    assert bad.line == 2
    assert any("是否为“建材五金”" in r for r in bad.reasons)
    assert any("不在本辖区单元网格内" in r for r in bad.reasons)
    # The second row's "五金建材" is a known name of 建材五金.
    assert report.created == 1
    assert Merchant.objects.get().business_type == "building"
    csv_line = importer.report_csv(report.as_dict()).decode("utf-8-sig").splitlines()[1]
    assert "建材五金" in csv_line and "不在本辖区" in csv_line


def test_the_ledger_api_names_every_problem_of_a_merchant_at_once(district):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(district.users["admin"])
    import random

    from chengguan.merchants import data

    code = data.credit_code(random.Random(3))
    body = {"name": "京华五金", "credit_code": code, "business_type": "building", "phone": "555"}
    response = client.post("/api/v1/merchants/", {**body, "address": "北京", "lon": 116.40, "lat": 39.90})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["phone"] and fields["lon"] == ["位置不在本辖区任何单元网格内"]
    assert not Merchant.objects.exists()
