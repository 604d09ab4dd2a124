"""Excel/CSV exchange with the channels: bad rows by line number, re-import changes nothing, and the
replies go back out in the same column shape."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from chengguan.cases.models import Case
from chengguan.channels import importer, services
from chengguan.channels.models import WorkOrder
from chengguan.core import jobs
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied
from chengguan.core.models import AuditEvent, JobStatus
from chengguan.org.roles import RoleCode as R
from chengguan.portal import services as portal_services
from tests.cases import flow

NOW = dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
HEADER = [label for _, label in importer.IN_COLUMNS]


def _csv(tmp_path, district, rows: list[list], name: str = "orders.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def _rows(district) -> list[list]:
    lon, lat = district.point(2)
    code = district.days_category.code
    return [
        ["12345热线", "GD001", "2026-09-29 10:00", "李四", "13812345678", "垃圾堆放", "", lon, lat, "", code],
        ["12345热线", "GD002", "2026-09-29 11:00", "", "", "夜间施工噪声", "建设西路5号", "", "", "", code],
        ["微博", "GD003", "2026-09-29 11:30", "", "", "占道经营", "建设西路6号", "", "", "", code],
        ["市长信箱", "", "2026-09-29", "", "", "", "建设西路7号", "", "", "", code],
        [
            "人大代表",
            "RD01",
            "2026-09-29 12:00",
            "张代表",
            "12345",
            "路灯不亮",
            "建设西路8号",
            "",
            "",
            "",
            code,
        ],
        ["政协委员", "ZX01", "2026-09-29 12:30", "", "", "井盖缺失", "建设西路9号", "", "", "", "999999"],
    ]


def test_bad_rows_are_reported_by_line_and_good_rows_saved(district, tmp_path):
    path = _csv(tmp_path, district, _rows(district))
    with pinned(NOW):
        report = importer.import_work_orders(actor=district.users[R.OPERATOR], path=path)
    assert (report.total, report.created, report.unchanged) == (6, 2, 0)
    bad = {b.line: "；".join(b.reasons) for b in report.bad}
    assert set(bad) == {4, 5, 6, 7}
    assert "来源渠道“微博”无效" in bad[4]
    assert "“工单编号”不能为空" in bad[5] and "“诉求内容”不能为空" in bad[5] and "接收时间格式" in bad[5]
    assert "联系电话" in bad[6] and "电话号码格式不正确" in bad[6]
    assert "问题类别代码" in bad[7]
    assert set(WorkOrder.objects.values_list("external_id", flat=True)) == {"GD001", "GD002"}
    assert Case.objects.count() == 2
    received = WorkOrder.objects.get(external_id="GD001").received_at
    assert received == dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)


def test_importing_the_same_file_again_changes_nothing(district, tmp_path):
    path = _csv(tmp_path, district, _rows(district)[:2])
    operator = district.users[R.OPERATOR]
    with pinned(NOW):
        importer.import_work_orders(actor=operator, path=path)
        events = AuditEvent.objects.count()
        again = importer.import_work_orders(actor=operator, path=path)
    assert (again.created, again.unchanged, again.bad) == (0, 2, [])
    assert WorkOrder.objects.count() == Case.objects.count() == 2
    assert AuditEvent.objects.count() == events


def test_only_intake_staff_may_import(district, tmp_path):
    path = _csv(tmp_path, district, _rows(district)[:1])
    with pinned(NOW), pytest.raises(PermissionDenied):
        importer.import_work_orders(actor=district.users[R.HANDLER], path=path)
    assert not WorkOrder.objects.exists()


def test_a_missing_required_column_is_named(district, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("渠道,编号\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="来源渠道"):
        importer.import_work_orders(actor=district.users[R.OPERATOR], path=path)


def test_the_import_runs_as_a_job_with_progress_and_a_bad_row_report(district, tmp_path, settings):
    from django.core.files.storage import default_storage

    name = default_storage.save("imports/orders.csv", _csv(tmp_path, district, _rows(district)).open("rb"))
    with pinned(NOW):
        job = jobs.job_start(
            actor=district.users[R.OPERATOR], kind="channels.import", params={"file": name}, run=False
        )
        job = jobs.run_job(job.pk)
    assert job.status == JobStatus.DONE
    assert (job.total, job.done, job.result["created"], job.result["bad_count"]) == (6, 6, 2, 4)
    # The downloadable report: a header and the four bad rows.
    assert job.result_file.read().decode("utf-8-sig").count("\n") == 5


def test_the_template_has_our_columns_and_reads_back(district, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(importer.template_workbook())
    assert [c.value for c in load_workbook(path).active[1]] == HEADER
    assert [row["external_id"] for _, row in importer.read_rows(path)] == ["GD20260915000123"]


def _replied_and_rated(district, tmp_path) -> WorkOrder:
    path = _csv(tmp_path, district, _rows(district)[:1])
    operator = district.users[R.OPERATOR]
    with pinned(NOW):
        importer.import_work_orders(actor=operator, path=path)
        order = WorkOrder.objects.get()
        flow.drive(district, "closed", case=order.case)
        services.work_order_reply(actor=operator, order=order, reply="已清理垃圾，现场整洁。")
        portal_services.callback_record(actor=operator, case=order.case, rating="basically")
    return WorkOrder.objects.get()


def test_a_reply_is_given_once_by_staff_of_the_bureau(district, tmp_path):
    order = _replied_and_rated(district, tmp_path)
    assert order.replied_by == district.users[R.OPERATOR]
    with pinned(NOW), pytest.raises(Conflict):
        services.work_order_reply(actor=district.users[R.OPERATOR], order=order, reply="第二次")
    with pinned(NOW), pytest.raises(PermissionDenied):
        services.work_order_reply(actor=district.users[R.CITIZEN], order=order, reply="x")
    assert WorkOrder.objects.get().reply == "已清理垃圾，现场整洁。"


def test_the_export_sends_reply_and_rating_back_in_the_same_columns_and_reimports_as_no_change(
    district, tmp_path
):
    order = _replied_and_rated(district, tmp_path)
    out = tmp_path / "back.xlsx"
    call_command("work_orders", "export", str(out), "--from", "2026-09-01", "--to", "2026-09-30")
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[: len(HEADER)] == HEADER
    assert header[len(HEADER) :] == ["案件编号", "答复期限", "答复内容", "答复时间", "答复人", "满意度"]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["工单编号"] == "GD001" and row["来源渠道"] == "12345热线"
    assert row["案件编号"] == order.case.number
    assert row["答复内容"] == "已清理垃圾，现场整洁。" and row["满意度"] == "基本满意"
    assert row["答复期限"] == "2026-10-12 18:00"  # five working days after 29 September
    csv_out = tmp_path / "back.csv"
    call_command("work_orders", "export", str(csv_out), "--from", "2026-09-01", "--to", "2026-09-30")
    assert next(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig")))) == header
    with pinned(NOW):
        report = importer.import_work_orders(actor=district.users[R.OPERATOR], path=out)
    assert (report.created, report.unchanged, report.bad) == (0, 1, [])


def test_the_cli_imports_as_the_named_operator(district, tmp_path, capsys):
    path = _csv(tmp_path, district, _rows(district))
    with pinned(NOW):
        call_command("work_orders", "import", str(path), "--user", "operator")
    out = capsys.readouterr().out
    assert "新登记 2" in out and "问题行 4" in out and "第4行" in out
    assert WorkOrder.objects.filter(case__reporter__isnull=False).count() == 2


def test_control_characters_in_an_import_are_removed_and_the_row_noted(district, tmp_path):
    """12345 exports carry control characters: the row is received without them, and noted
    (issue 11 item 1; interactive input refuses them instead)."""
    lon, lat = district.point(2)
    code = district.days_category.code
    rows = [
        [
            "12345热线",
            "GD0\x0b09",
            "2026-09-29 10:00",
            "李\x00四",
            "",
            "垃圾\x1f堆放\x1f",
            "",
            lon,
            lat,
            "",
            code,
        ]
    ]
    with pinned(NOW):
        report = importer.import_work_orders(
            actor=district.users[R.OPERATOR], path=_csv(tmp_path, district, rows)
        )
    assert (report.created, report.bad) == (1, [])
    order = WorkOrder.objects.get()
    assert (order.external_id, order.complainant_name, order.content) == ("GD009", "李四", "垃圾堆放")
    [note] = report.as_dict()["notes"]
    assert note["line"] == 2 and "工单编号（1 个）" in note["note"] and "诉求内容（1 个）" in note["note"]
    assert "已导入；已删除控制字符" in importer.report_csv(report.as_dict()).decode("utf-8-sig")


def test_the_job_page_lists_the_rows_imported_after_a_clean_up():
    """The notes of the report (rows received without their control characters) are shown on the
    job page, not only in the CSV."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    note = {"line": 2, "external_id": "GD009", "note": "已删除控制字符：工单编号（1 个）"}
    job = SimpleNamespace(
        pk=1,
        finished=True,
        status="done",
        done=1,
        total=1,
        percent=100,
        get_status_display=lambda: "完成",
        result={"total": 1, "created": 1, "unchanged": 0, "bad_count": 0, "bad": [], "notes": [note]},
    )
    page = render_to_string("channels/_job_progress.html", {"job": job})
    assert 'data-testid="import-notes"' in page and "GD009" in page and "已删除控制字符" in page
    assert "下载问题行" in page
