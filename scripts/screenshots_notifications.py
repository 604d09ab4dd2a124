"""Screenshots of the notification centre against a running server (Chinese and English, desktop
and phone), for a human to look at: python scripts/screenshots_notifications.py [--base-url URL]
[--user squad_leader] [--out screenshots]."""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.screenshots import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, log_in, shoot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="squad_leader")
    parser.add_argument("--password", default="Chengguan@2026")
    parser.add_argument("--out", default="screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    base = args.base_url.rstrip("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for lang in ("zh", "en"):
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page = browser.new_page(viewport=viewport)
                log_in(page, base, args.user, args.password)
                if lang == "en":
                    page.click(".lang-switch button[value=en]")
                    page.wait_for_load_state()
                page.goto(f"{base}/notifications/?show=all")
                shoot(page, out, f"notifications-{lang}-{size}", full_page=True)
                if size == "desktop":
                    page.goto(f"{base}/notifications/preferences/")
                    shoot(page, out, f"notification-preferences-{lang}", full_page=True)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
