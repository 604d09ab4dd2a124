"""Screenshots of the case workbench against a running demo, for a human to look at before a release.

Usage: python scripts/screenshots_cases.py [--base-url http://127.0.0.1:8000] [--out screenshots/cases]
       [--password Chengguan@2026]

Build the demo first (`chengguan demo --size small`, which includes a year of cases). Logs in as the
demo roles in Debian's Chromium (never a downloaded browser) and saves each workbench page at
1440×900 as PNG files. Cases to show are found through the pages themselves (list filters), so the
script only needs the running site.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1440, "height": 900}


class Shooter:
    def __init__(self, browser: Browser, base: str, out: Path, password: str):
        self.browser, self.base, self.out, self.password = browser, base, out, password

    def page_as(self, username: str) -> Page:
        context = self.browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.goto(f"{self.base}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", self.password)
        page.click(".login-card button[type=submit]")
        page.wait_for_url(f"{self.base}/")
        return page

    def shoot(self, page: Page, name: str, *, full_page: bool = False) -> None:
        path = self.out / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        print(path)

    def first_case(self, page: Page, query: str) -> str | None:
        """The number of the first case the list shows for `query`, if any."""
        page.goto(f"{self.base}/cases/all/?{query}")
        link = page.locator("[data-testid=case-table] tbody a.mono").first
        return link.inner_text() if link.count() else None


def wait_for_leaflet(page: Page, selector: str) -> None:
    page.wait_for_selector(f"{selector}.leaflet-container", timeout=15_000)
    page.wait_for_timeout(700)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots/cases")
    parser.add_argument("--password", default="Chengguan@2026")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        s = Shooter(browser, args.base_url.rstrip("/"), out, args.password)
        base = s.base

        page = s.page_as("operator")
        page.goto(f"{base}/cases/")
        s.shoot(page, "30-inbox-operator", full_page=True)
        page.goto(f"{base}/cases/all/")
        s.shoot(page, "31-list")
        page.goto(f"{base}/cases/all/?open=true&urgency=overdue")
        s.shoot(page, "32-list-overdue")
        closed = s.first_case(page, "state=closed")
        if closed:
            page.goto(f"{base}/cases/{closed}/")
            s.shoot(page, "33-detail-closed", full_page=True)
        verified = s.first_case(page, "state=verified")
        if verified:
            page.goto(f"{base}/cases/{verified}/")
            page.click("[data-testid=action-close]")
            page.wait_for_timeout(200)
            s.shoot(page, "34-detail-close-form")
        reported = s.first_case(page, "state=reported")
        if reported:
            page.goto(f"{base}/cases/{reported}/")
            s.shoot(page, "35-detail-reported", full_page=True)
        page.goto(f"{base}/cases/report/")
        wait_for_leaflet(page, "#pin-map")
        page.fill("[data-testid=category-search]", "垃圾")
        page.wait_for_timeout(200)
        s.shoot(page, "36-report-operator")
        page.context.close()

        page = s.page_as("inspector")
        page.goto(f"{base}/cases/report/")
        wait_for_leaflet(page, "#pin-map")
        page.locator("#pin-map").click(position={"x": 300, "y": 200})
        page.click("[data-testid=submit-report]")
        page.wait_for_timeout(300)
        s.shoot(page, "37-report-errors", full_page=True)
        page.goto(f"{base}/cases/")
        s.shoot(page, "38-inbox-inspector")
        handled = s.first_case(page, "state=handled")
        if handled:
            page.goto(f"{base}/cases/{handled}/")
            if page.locator("[data-testid=action-verify]").count():
                page.click("[data-testid=action-verify]")
            page.wait_for_timeout(200)
            s.shoot(page, "39-detail-verify-form")
        page.context.close()

        page = s.page_as("handler")
        page.goto(f"{base}/cases/")
        s.shoot(page, "40-inbox-handler")
        in_handling = s.first_case(page, "state=in_handling")
        if in_handling:
            page.goto(f"{base}/cases/{in_handling}/")
            if page.locator("[data-testid=action-handle]").count():
                page.click("[data-testid=action-handle]")
            page.wait_for_timeout(200)
            s.shoot(page, "41-detail-handle-form")
        page.context.close()

        page = s.page_as("dispatcher")
        page.goto(f"{base}/cases/dispatch/")
        s.shoot(page, "42-dispatch-board", full_page=True)
        page.context.close()

        page = s.page_as("leader")
        page.goto(f"{base}/cases/map/")
        wait_for_leaflet(page, "#cases-map")
        s.shoot(page, "43-map")
        page.goto(f"{base}/cases/supervision/")
        s.shoot(page, "44-supervision")
        open_case = s.first_case(page, "open=true&state=in_handling")
        if open_case:
            page.goto(f"{base}/cases/{open_case}/")
            page.click("[data-testid=action-supervise]")
            page.wait_for_timeout(200)
            s.shoot(page, "45-detail-supervise-form")
        page.context.close()
        browser.close()


if __name__ == "__main__":
    main()
