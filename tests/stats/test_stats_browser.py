"""The evaluation page in Chromium, in Chinese and English: the ranking, the level tabs and a
figure's drill-down list (screenshots in $STATS_SCREENSHOTS when set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from chengguan.core.clock import pinned
from chengguan.org.roles import RoleCode as R
from tests.stats.evaluation import NOW, september
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

SHOTS = os.environ.get("STATS_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_evaluation_page_ranks_units_and_opens_the_cases_behind_a_figure(live_server, district):
    september(district)
    client = Client()
    client.force_login(district.users[R.LEADER])
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
    query = "?from=2026-09-01&to=2026-09-30&level=unit"
    with pinned(NOW), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for locale, lang in (("zh-CN", "zh"), ("en-GB", "en")):
                context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
                language = {"name": "django_language", "value": lang, "url": live_server.url}
                context.add_cookies([cookie, language])
                page = context.new_page()
                page.goto(f"{live_server.url}/stats/{query}")
                expect(page.locator("[data-testid=ranking] tbody tr")).to_have_count(2)
                expect(page.locator("[data-testid=rule-version]")).to_contain_text("2026.2")
                _shot(page, f"indicators-{lang}")
                link = page.locator("[data-indicator=filed] a").first
                shown = int(link.inner_text())
                link.click()
                expect(page.locator("[data-testid=result-count]")).to_be_visible()
                expect(page.locator("[data-testid=case-table] tbody tr")).to_have_count(shown)
                _shot(page, f"drilldown-{lang}")
                context.close()
        finally:
            browser.close()
