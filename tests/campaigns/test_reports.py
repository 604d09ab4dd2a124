"""The weekly report (Excel and PDF) and the closing summary (PDF) carry the figures of the campaign
page; the portal's news page shows a published summary with personal data masked."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from chengguan.campaigns import reports, selectors, services
from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from tests.campaigns.conftest import started
from tests.cases import conftest as case_fixtures
from tests.cases.flow import drive

AT = case_fixtures.QUIET_MOMENT


def _busy(w):
    d = w.d
    campaign = started(w)
    lead = d.users[R.SQUAD_LEADER]
    phase = services.task_add(actor=lead, campaign=campaign, kind="phase", title="集中整治")
    goal = campaign.goals.first()
    task = services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="清理占道摊点",
        parent=phase,
        assignee=w.police,
        goal=goal,
        target=20,
        due_on=dt.date(2026, 9, 30),
    )
    services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="每日巡查",
        parent=phase,
        assignee=d.squad,
        due_on=dt.date(2026, 9, 14),
    )
    services.task_report(actor=w.police_contact, task=task, text="出动警力 6 人，清理摊点 8 处", figure=8)
    op = services.operation_record(
        actor=lead,
        campaign=campaign,
        kind="inspection",
        starts_at=dt.datetime(2026, 9, 15, 9, tzinfo=clock.SHANGHAI),
        ends_at=dt.datetime(2026, 9, 15, 11, tzinfo=clock.SHANGHAI),
        place="建设路夜市",
        participants=[{"name": "李四", "department": w.police, "cert_no": "J1"}],
        findings="发现占道经营 3 处。",
    )
    links = [
        services.operation_file_problem(
            actor=d.users[R.INSPECTOR],
            operation=op,
            source="patrol",
            category=d.hours_category,
            description="夜市摊点占道",
            lon=d.point(i)[0],
            lat=d.point(i)[1],
        )
        for i in range(3)
    ]
    drive(d, "closed", case=links[0].case)
    return campaign


def _text(pdf: bytes) -> str:
    """The PDF's text (poppler's pdftotext), or "" where poppler is not installed."""
    if not shutil.which("pdftotext"):
        return ""
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _save(name: str, data: bytes, tmp_path: Path) -> None:
    target = Path(os.environ.get("CAMPAIGN_PDF_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)


def test_the_weekly_report_carries_the_figures_of_the_campaign_page(world, client, tmp_path):
    with clock.pinned(AT):
        campaign = _busy(world)
        figures = selectors.campaign_figures(campaign).total
        pdf = reports.weekly_pdf(campaign, today=clock.today())
        xlsx = reports.weekly_xlsx(campaign, today=clock.today())
        client.force_login(world.users[R.LEADER])
        page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
        download = client.get(f"/campaigns/{campaign.pk}/weekly.pdf")
    _save("weekly.pdf", pdf, tmp_path)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    if text:
        assert f"{figures.found} 件" in text and "整改率 33.3%" in text
    assert f'data-testid="fig-found">{figures.found}<' in page
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert values["发现问题（件）"] == figures.found == 3
    assert values["整改到位（件）"] == figures.put_right == 1
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows() if row[0].value == "公安分局"}
    assert rows["公安分局"][5:8] == [1, 0, 0]


def test_the_closing_summary_has_its_chart_and_goes_on_the_news_page_masked(world, client, tmp_path):
    with clock.pinned(AT):
        campaign = _busy(world)
        lead = world.users[R.SQUAD_LEADER]
        services.campaign_transition(actor=lead, campaign=campaign, action="begin_closing")
        services.campaign_transition(
            actor=lead,
            campaign=campaign,
            action="close",
            summary="联合公安分局李警官（电话 13900001111）开展夜查，李四协助清理摊点。\n下一步建立长效机制。",  # noqa: E501
        )
        assert client.get(f"/news/{campaign.pk}/").status_code == 404  # not yet published
        services.summary_publish(actor=lead, campaign=campaign)
        campaign.refresh_from_db()
        pdf = reports.summary_pdf(campaign)
        html = client.get(f"/news/{campaign.pk}/").content.decode()
        listing = client.get("/news/").content.decode()
    _save("summary.pdf", pdf, tmp_path)
    text = _text(pdf)
    if text:
        assert "图1" in text and "工作总结" in text
    assert campaign.name in listing
    assert "13900001111" not in html and "139****1111" in html
    assert "李四" not in html and "李*" in html


def test_the_daily_report_carries_the_figures_of_the_campaign_page_and_the_day_s_highlights(
    world, client, tmp_path
):
    with clock.pinned(AT):  # 15 September, the day of the operation
        campaign = _busy(world)
        figures = selectors.campaign_figures(campaign).total
        client.force_login(world.users[R.LEADER])
        page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
        pdf = client.get(f"/campaigns/{campaign.pk}/daily.pdf")
        xlsx = client.get(f"/campaigns/{campaign.pk}/daily.xlsx")
        quiet = client.get(f"/campaigns/{campaign.pk}/daily.pdf?on=2026-09-16")
        api = client.get(f"/api/v1/campaigns/reports/{campaign.pk}/daily/").json()
        weekly = reports.weekly_pdf(campaign, today=clock.today())
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "daily-20260915.pdf" in pdf["Content-Disposition"]
    _save("daily.pdf", pdf.content, tmp_path)
    _save("weekly.pdf", weekly, tmp_path)
    assert f'href="/campaigns/{campaign.pk}/daily.pdf"' in page
    assert f'data-testid="fig-found">{figures.found}<' in page
    assert f'data-testid="fig-put-right">{figures.put_right}<' in page
    text = _text(pdf.content)
    if text:
        assert "工作日报" in text and "2026年9月15日" in text
        assert f"{figures.found} 件" in text
        assert "整改率 33.3%" in text and "本日开展联合行动 1 次" in text
        assert "建设路夜市" in text  # the day's operation among the highlights
        assert "本日无新的行动和进度报告" in _text(quiet.content)
        assert "本日开展联合行动 0 次" in _text(quiet.content)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "日报"
    values = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert values["发现问题（件）"] == figures.found == 3
    assert values["整改到位（件）"] == figures.put_right == 1
    assert values["本日联合行动（次）"] == 1
    assert api["day"] == "2026-09-15" and api["operations"] == 1
    assert api["figures"]["total"]["found"] == figures.found
    assert api["pdf"].endswith("/daily.pdf?on=2026-09-15")
