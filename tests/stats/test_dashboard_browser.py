"""The dashboard and the wall screen in Chromium, in Chinese and English: the dashboard draws its
charts and map and a figure opens a list of as many cases; the screen fills 1920×1080 without
scrolling on its device token, keeps the key out of the address bar, and says so once the token is
revoked (screenshots in $STATS_SCREENSHOTS when set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from chengguan.core.clock import pinned
from chengguan.org import devices
from chengguan.org.roles import RoleCode as R
from chengguan.stats import screen, selectors
from tests.stats.evaluation import NOW, september
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

SHOTS = os.environ.get("STATS_SCREENSHOTS", "")
CHARTS = ("chart-trend", "chart-ranking", "chart-721", "chart-sources", "chart-categories")


def _shot(page, name: str, full_page: bool = True) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_and_a_figure_opens_as_many_cases(live_server, district):
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
                errors: list[str] = []
                page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
                page.goto(f"{live_server.url}/stats/dashboard/{query}")
                for chart in CHARTS:
                    expect(page.locator(f"#{chart}[data-drawn='1'] canvas")).to_have_count(1)
                expect(page.locator("#dash-map path.leaflet-interactive")).to_have_count(len(district.grids))
                page.click("[data-trend=month]")
                expect(page.locator("[data-trend=month]")).to_have_attribute("aria-pressed", "true")
                assert errors == []
                _shot(page, f"dashboard-{lang}")
                link = page.locator("[data-testid=tile-filed] a")
                shown = int(link.inner_text())
                assert shown == 9
                link.click()
                expect(page.locator("[data-testid=case-table] tbody tr")).to_have_count(shown)
                context.close()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_screen_fills_1920_by_1080_without_scrolling_and_says_when_its_token_is_revoked(
    live_server, district
):
    september(district)
    row, key = screen.issue_screen_token(actor=district.users[R.ADMIN], bureau=district.bureau, name="大屏")
    with pinned(NOW):
        open_now = selectors.open_cases(district.bureau).count()
    with pinned(NOW), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for locale, lang in (("zh-CN", "zh"), ("en-GB", "en")):
                context = browser.new_context(locale=locale, viewport={"width": 1920, "height": 1080})
                language = {"name": "django_language", "value": lang, "url": live_server.url}
                context.add_cookies([language])
                page = context.new_page()
                page.goto(f"{live_server.url}/stats/screen/#key={key}")
                expect(page.locator("body[data-loaded='1']")).to_have_count(1)
                expect(page.locator("[data-testid=screen-open]")).to_have_text(str(open_now))
                expect(page.locator("[data-testid=screen-bureau]")).to_have_text(district.bureau.name)
                grids = page.locator("#screen-map path.leaflet-interactive")
                expect(grids).to_have_count(len(district.grids))
                expect(page.locator("#screen-ranking canvas")).to_have_count(1)
                size = page.evaluate(
                    "[document.documentElement.scrollHeight, document.documentElement.scrollWidth,"
                    " innerHeight, innerWidth]"
                )
                assert size[0] <= size[2] and size[1] <= size[3], size
                assert "key=" not in page.url  # the key left the address bar; the screen keeps it
                _shot(page, f"screen-{lang}", full_page=False)
                page.reload()
                expect(page.locator("body[data-loaded='1']")).to_have_count(1)
                context.close()
        finally:
            browser.close()
    devices.revoke(actor=district.users[R.ADMIN], row=row)
    with pinned(NOW), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            page = context.new_page()
            page.goto(f"{live_server.url}/stats/screen/#key={key}")
            expect(page.locator("[data-testid=screen-refused]")).to_be_visible()
            expect(page.locator("[data-testid=screen-refused]")).to_contain_text("令牌已注销或无效")
            expect(page.locator("[data-testid=screen-open]")).to_have_text("—")
            _shot(page, "screen-revoked", full_page=False)
            context.close()
        finally:
            browser.close()
