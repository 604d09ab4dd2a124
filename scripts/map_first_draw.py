"""Time the grid map's first draw in Chromium against a running server with a demo district.

Usage: python scripts/map_first_draw.py [BASE_URL ...] [--user leader] [--password Chengguan@2026]

Signs in, opens /grids/map/ six times and prints, for each visit, the milliseconds from navigation
start until the map reports its grids drawn (the first animation frame after `data-grid-count` is
set), with the document's and the outline request's timings beside it; the first visit is cold and
left out of the median. Give two servers (say, a branch and main) to compare them in one run.
"""

from __future__ import annotations

import argparse
import statistics

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
DRAWN = """() => { const n = Number(document.querySelector('#map').dataset.gridCount || 0);
                   return n > 0 ? performance.now() : 0; }"""
PARTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const o = performance.getEntriesByType('resource').find((r) => r.name.includes('grid-outlines'));
  return [nav.responseStart, nav.domContentLoadedEventEnd, o ? o.startTime : 0, o ? o.responseEnd : 0];
}"""


def visits(browser, base: str, user: str, password: str, n: int = 6) -> list[float]:
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{base}/")
    times = []
    for i in range(n):
        page.goto(f"{base}/grids/map/")
        drawn = page.wait_for_function(DRAWN, polling="raf", timeout=30_000).json_value()
        grids = page.evaluate("() => document.querySelector('#map').dataset.gridCount")
        ttfb, dcl, o_start, o_end = page.evaluate(PARTS)
        print(
            f"{base} visit {i}: drawn {drawn:.0f} ms ({grids} grids) | document {ttfb:.0f}, "
            f"ready {dcl:.0f} | outlines {o_start:.0f}–{o_end:.0f}"
        )
        times.append(drawn)
    page.context.close()
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bases", nargs="*", default=["http://127.0.0.1:8000"])
    parser.add_argument("--user", default="leader")
    parser.add_argument("--password", default="Chengguan@2026")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for base in args.bases:
            warm = visits(browser, base, args.user, args.password)
            median = statistics.median(warm)
            print(f"{base}: warm median {median:.0f} ms, min {min(warm):.0f}, max {max(warm):.0f}")
        browser.close()


if __name__ == "__main__":
    main()
