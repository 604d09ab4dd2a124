"""Screenshots of the web pages against a running demo, for a human to look at before a release.

Usage: python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out screenshots]
       [--password Chengguan@2026]

Logs in as several demo roles in Debian's Chromium (never a downloaded browser) and saves each page
at 1440×900, plus phone-sized views, as PNG files in `screenshots/` (git-ignored).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

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
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{base}/")


def wait_for_map(page: Page) -> None:
    """Grids are drawn once the status line reports them (or asks to zoom in)."""
    page.wait_for_function(
        """() => Number(document.querySelector('#map').dataset.gridCount || 0) > 0
            && !document.querySelector('#map-status').textContent.includes('…')""",
        timeout=30_000,
    )
    page.wait_for_timeout(400)


def shoot(page: Page, out: Path, name: str, *, full_page: bool = False) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--password", default="Chengguan@2026")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def context(viewport: dict, **extra):
            return browser.new_context(
                viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **extra
            )

        ctx = context(DESKTOP)
        page = ctx.new_page()
        page.goto(f"{base}/login/")
        shoot(page, out, "01-login")
        page.fill("input[name=username]", "inspector")
        page.fill("input[name=password]", "wrong-password")
        page.click(".login-card button[type=submit]")
        shoot(page, out, "02-login-error")
        ctx.close()

        for n, username in enumerate(
            ["inspector", "handler", "squad_leader", "leader", "admin", "citizen"], 3
        ):
            ctx = context(DESKTOP)
            page = ctx.new_page()
            log_in(page, base, username, args.password)
            shoot(page, out, f"{n:02d}-home-{username}", full_page=True)
            ctx.close()

        ctx = context(DESKTOP)
        page = ctx.new_page()
        log_in(page, base, "leader", args.password)
        page.goto(f"{base}/grids/map/")
        wait_for_map(page)
        shoot(page, out, "10-map-district")
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(600)
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(900)
        shoot(page, out, "10b-map-zoomed-out")
        page.click(".leaflet-control-zoom-in")
        page.wait_for_timeout(600)
        page.click(".leaflet-control-zoom-in")
        wait_for_map(page)
        page.locator("#map").click(position={"x": 720, "y": 420})  # a grid near the middle (one canvas)
        page.wait_for_timeout(300)
        shoot(page, out, "11-map-click")
        code = page.text_content("#grid-details [data-field=code]") or ""
        page.fill("#grid-code", code[:-1] + ("2" if code[-1] != "2" else "3"))
        page.click("#grid-search button")
        page.wait_for_timeout(1500)
        wait_for_map(page)
        shoot(page, out, "12-map-search")
        page.goto(f"{base}/org/")
        shoot(page, out, "13-org")
        page.goto(f"{base}/categories/")
        shoot(page, out, "14-categories")
        page.fill("[data-testid=category-search]", "井盖")
        page.wait_for_timeout(1200)
        shoot(page, out, "15-categories-search")
        with page.expect_navigation():
            page.click("button[name=language][value=en]")
        page.goto(f"{base}/")
        shoot(page, out, "16-home-leader-en", full_page=True)
        page.goto(f"{base}/grids/map/")
        wait_for_map(page)
        shoot(page, out, "17-map-en")
        ctx.close()

        ctx = context(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        page = ctx.new_page()
        page.goto(f"{base}/login/")
        shoot(page, out, "20-phone-login")
        log_in(page, base, "inspector", args.password)
        shoot(page, out, "21-phone-home-inspector", full_page=True)
        page.goto(f"{base}/grids/map/")
        wait_for_map(page)
        shoot(page, out, "22-phone-map")
        ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
