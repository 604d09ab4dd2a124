"""The report's page, its Excel and its PDF show the same frozen figures; the pages and the API
refuse those who may not read or publish."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from chengguan.core.clock import pinned
from chengguan.org.roles import RoleCode as R
from chengguan.stats import reports
from tests.stats.evaluation import NOW, september


@pytest.fixture
def published(district):
    cases = september(district)
    with pinned(NOW):
        report = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
    return cases, report


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page_figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="figure-(\w+)">([^<]+)<', html))


def _page_table(html: str, level: str) -> list[list[str]]:
    section = html.split(f'data-testid="table-{level}"', 1)[1].split("</section>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr data-key=.*?</tr>", section, re.S):
        cells = [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows.append(cells)
    return rows


def test_the_pdf_and_the_excel_carry_the_pages_figures(district, published, tmp_path):
    _cases, report = published
    client = _client(district.users[R.LEADER])
    html = client.get(f"/stats/reports/{report.pk}/").content.decode()
    figures = _page_figures(html)
    assert figures["handling_rate"] == "85.7%" and figures["filed"] == "9"
    assert len(figures) == len(reports.summary(report))
    units = _page_table(html, "unit")
    assert [row[1] for row in units] == [r["name"] for r in reports.level_rows(report, "unit")]

    # Excel: the summary sheet's cells are the page's figures, the unit sheet's rows its table.
    book = load_workbook(io.BytesIO(client.get(f"/stats/reports/{report.pk}/report.xlsx").content))
    summary = {row[0].value: row[1] for row in book["汇总"].iter_rows(min_row=5) if row[0].value}
    for f in reports.summary(report):
        cell = summary[f["name"]]
        shown = "—" if cell.value is None else reports.shown(cell.value, f["kind"])
        assert shown == figures[f["key"]], f["key"]
        if f["kind"] == "rate" and cell.value is not None:
            assert cell.number_format == "0.0%"
    sheet = book["处置单位排名"]
    kinds = ["count"] + [reports.kind_of(reports.definitions(report)[k]) for k in reports.TABLE_KEYS]
    kinds += ["score"] * 3
    for page_row, xl_row in zip(units, sheet.iter_rows(min_row=3, values_only=True), strict=True):
        xl = [str(xl_row[0]), xl_row[2]] + [
            "—" if v is None else reports.shown(v, k) for v, k in zip(xl_row[3:], kinds[1:], strict=True)
        ]
        assert xl == page_row

    # PDF: every summary figure and every unit row, as the page writes them.
    path = tmp_path / "report.pdf"
    response = client.get(f"/stats/reports/{report.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    lines = text.stdout.splitlines()
    assert "规则版本 2026.2" in text.stdout and "权重版本 2026.2" in text.stdout
    for f in reports.summary(report):
        assert any(f["name"] in line and f["shown"] in line for line in lines), f["key"]
    for row in units:
        line = next(line for line in lines if row[1] in line and line.strip().startswith(row[0]))
        assert line.split() == [row[0], row[1], *row[2:]], line
    # The pages as an image (kept in $STATS_SCREENSHOTS when set, to look at).
    pages = Path(os.environ.get("STATS_SCREENSHOTS") or tmp_path) / "report-pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(pages)], check=True)


def test_a_versions_frozen_drilldown_lists_what_it_counted(district, published):
    cases, report = published
    client = _client(district.users[R.LEADER])
    response = client.get(
        f"/stats/reports/{report.pk}/cases/?level=unit&group={district.squad.pk}&key=handling_rate"
    )
    html = response.content.decode()
    squad = next(r for r in reports.level_rows(report, "unit") if r["id"] == district.squad.pk)
    assert html.count('<tr><td class="mono">') == squad["values"]["handled"]
    # The squad leader sees the same list with a button to appeal each case.
    html = (
        _client(district.users[R.SQUAD_LEADER])
        .get(f"/stats/reports/{report.pk}/cases/?level=unit&group={district.squad.pk}&key=filed")
        .content.decode()
    )
    assert f'data-testid="appeal-{cases["holiday_late"].pk}"' in html


def test_publishing_and_appealing_through_the_pages(district, published):
    cases, report = published
    leader = _client(district.users[R.LEADER])
    with pinned(NOW):
        response = leader.post("/stats/reports/publish/", {"period": "2026-09", "reason": "补充数据"})
    assert response.status_code == 302
    newest = reports.versions_of(report).order_by("-version").first()
    assert newest.version == 2 and response["Location"] == f"/stats/reports/{newest.pk}/"
    squad = _client(district.users[R.SQUAD_LEADER])
    url = f"/stats/reports/{newest.pk}/cases/{cases['holiday_late'].pk}/appeal/"
    with pinned(NOW):
        response = squad.post(url, {"reason": "节后道路封闭，无法作业"})
    assert response.status_code == 302
    appeal_url = response["Location"]
    assert "申诉" in leader.get("/stats/appeals/").content.decode()
    with pinned(NOW):
        response = leader.post(appeal_url + "approve/", {"approve-note": "属实"})
    assert response.status_code == 302
    third = reports.versions_of(report).order_by("-version").first()
    assert third.version == 3 and third.excluded_cases == [cases["holiday_late"].pk]
    html = leader.get(f"/stats/reports/{third.pk}/").content.decode()
    assert cases["holiday_late"].number in html
    assert leader.get(f"/stats/reports/{report.pk}/").status_code == 200


@pytest.mark.parametrize("role", [R.OPERATOR, R.INSPECTOR, R.DISPATCHER])
def test_those_who_may_not_read_are_refused(district, published, role):
    _cases, report = published
    client = _client(district.users[role])
    assert client.get("/stats/reports/").status_code == 403
    assert client.get(f"/stats/reports/{report.pk}/").status_code == 403
    assert client.get(f"/stats/reports/{report.pk}/report.pdf").status_code == 403


def test_a_handler_reads_but_may_not_publish(district, published):
    _cases, report = published
    client = _client(district.users[R.HANDLER])
    assert client.get(f"/stats/reports/{report.pk}/").status_code == 200
    with pinned(NOW):
        client.post("/stats/reports/publish/", {"period": "2026-09"})
    assert reports.versions_of(report).count() == 1


def test_the_annual_summary(district):
    september(district)
    client = _client(district.users[R.LEADER])
    assert client.get("/stats/reports/annual/2026/").status_code == 404
    with pinned(NOW):
        report = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026")
    html = client.get("/stats/reports/annual/2026/").content.decode()
    figures = _page_figures(html)
    assert set(figures) == set(reports.SUMMARY_KEYS)
    assert figures == {f["key"]: f["shown"] for f in reports.summary(report)}


def test_the_api_lists_publishes_and_files_appeals(district, published):
    cases, report = published
    leader = _client(district.users[R.LEADER])
    listed = leader.get("/api/v1/stats/reports/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(r["label"], r["version"], r["rule_version"]) for r in rows] == [("2026-09", 1, "2026.2")]
    detail = leader.get(f"/api/v1/stats/reports/{report.pk}/").json()
    assert detail["data"]["levels"] == report.data["levels"]
    with pinned(NOW):
        created = leader.post(
            "/api/v1/stats/reports/", {"period": "2026-09"}, content_type="application/json"
        )
    assert created.status_code == 201 and created.json()["version"] == 2
    squad = _client(district.users[R.SQUAD_LEADER])
    body = {"report": created.json()["id"], "case": cases["holiday_late"].pk, "reason": "节后道路封闭"}
    with pinned(NOW):
        filed = squad.post("/api/v1/stats/appeals/", body, content_type="application/json")
    assert filed.status_code == 201 and filed.json()["state"] == "pending"
    assert filed.json()["available_actions"] == ["withdraw"]
    appeal_id = filed.json()["id"]
    assert squad.post(f"/api/v1/stats/appeals/{appeal_id}/approve/", {}).status_code == 403
    with pinned(NOW):
        decided = leader.post(
            f"/api/v1/stats/appeals/{appeal_id}/reject/", {"note": "不成立"}, content_type="application/json"
        )
    assert decided.status_code == 200 and decided.json()["state"] == "rejected"
    handler = _client(district.users[R.HANDLER])
    with pinned(NOW):
        refused = handler.post(
            "/api/v1/stats/reports/", {"period": "2026-09"}, content_type="application/json"
        )
    assert refused.status_code == 403 and refused.json()["code"] == "report.forbidden"
    operator = _client(district.users[R.OPERATOR])
    assert operator.get("/api/v1/stats/reports/").status_code == 403


def test_the_command_publishes_and_exports(district, tmp_path):
    from django.core.management import call_command

    september(district)
    out = io.StringIO()
    with pinned(NOW):
        call_command("stats_report", "--period", "2026-09", "--publish", stdout=out)
    assert "规则版本 2026.2" in out.getvalue() and "处置率\t85.7%" in out.getvalue()
    target = tmp_path / "r.pdf"
    call_command(
        "stats_report", "--period", "2026-09", "--format", "pdf", "--output", str(target), stdout=out
    )
    assert target.read_bytes().startswith(b"%PDF")
    with pinned(NOW):
        call_command("stats_report", "--period", "2026-09", "--publish", "--format", "json", stdout=out)
    assert reports.versions_of(reports.PublishedReport.objects.first()).count() == 2
