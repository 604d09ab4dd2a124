"""A published report's page in Chromium, in Chinese and English: the tables, the two ECharts charts
drawn, a figure's frozen drill-down, and a unit's appeal decided by the evaluator (screenshots in
$STATS_SCREENSHOTS when set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from chengguan.core.clock import pinned
from chengguan.org.roles import RoleCode as R
from chengguan.stats import appeals, reports
from tests.stats.evaluation import NOW, september
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

SHOTS = os.environ.get("STATS_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _cookie(user, url) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_report_page_draws_its_charts_and_opens_what_a_figure_counted(live_server, district):
    cases = september(district)
    with pinned(NOW):
        report = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
        appeal = appeals.file(
            actor=district.users[R.SQUAD_LEADER],
            report=report,
            case_id=cases["holiday_late"].pk,
            reason="节后封路",
        )
    url = live_server.url
    session = _cookie(district.users[R.LEADER], url)
    with pinned(NOW), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for locale, lang in (("zh-CN", "zh"), ("en-GB", "en")):
                context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
                language = {"name": "django_language", "value": lang, "url": url}
                context.add_cookies([session, language])
                page = context.new_page()
                page.goto(f"{url}/stats/reports/")
                expect(page.locator("[data-testid=report-list] tbody tr")).to_have_count(1)
                _shot(page, f"reports-{lang}")
                page.goto(f"{url}/stats/reports/{report.pk}/")
                expect(page.locator("[data-testid=rule-version]")).to_contain_text("2026.2")
                expect(page.locator("[data-testid=figure-handling_rate]")).to_have_text("85.7%")
                expect(page.locator("#chart-scores svg")).to_be_visible()
                expect(page.locator("#chart-rates svg")).to_be_visible()
                _shot(page, f"report-{lang}")
                link = page.locator("[data-testid=table-unit] [data-indicator=filed] a").first
                shown = int(link.inner_text())
                link.click()
                expect(page.locator("[data-testid=case-table] tbody tr")).to_have_count(shown)
                _shot(page, f"report-cases-{lang}")
                page.goto(f"{url}/stats/reports/{report.pk}/summary/")
                expect(page.locator("[data-testid=figure-filed]")).to_have_text("9")
                _shot(page, f"report-summary-{lang}")
                page.goto(f"{url}/stats/appeals/{appeal.pk}/")
                expect(page.locator("[data-testid=form-approve]")).to_be_visible()
                _shot(page, f"appeal-{lang}")
                context.close()
        finally:
            browser.close()
