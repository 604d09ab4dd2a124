"""The field app in Chromium, offline: three reports with photos made with no network, the page
reloaded offline (it opens from the service worker), the network back: exactly three cases; sync
forced twice more, lost answers replayed: still three. A report the server refuses stays in the
queue with the server's reason, ready for correction. (My tasks: test_tasks_browser.py.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.cases.models import Case, CaseEvidence
from chengguan.field.models import FieldReport
from chengguan.taxonomy.models import Category
from tests.cases.conftest import build_district
from tests.cases.media import jpeg_bytes
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

# Every sent item back to "waiting", as if the server's answers had been lost on the way: the phone
# sends them again with the same keys. (A function, not a string: the page's CSP forbids eval.)
FORGET_ANSWERS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("chengguan-field");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readwrite");
    const store = tx.objectStore("queue");
    const all = store.getAll();
    all.onsuccess = () => {
      for (const item of all.result) if (item.state === "sent") store.put({ ...item, state: "waiting" });
    };
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => reject(tx.error);
  };
})"""


@pytest.fixture
def live_district(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_district()


def _report(page, query: str, description: str, photo: bytes) -> None:
    page.click("[data-tab=report]")
    page.fill("[data-testid=category-search]", query)
    page.locator("[data-testid=category-results] button").first.click()
    page.set_input_files(
        "[data-testid=photo-input]", files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    expect(page.locator("[data-testid=photos] img")).to_have_count(1)
    page.click("[data-action=locate]")
    expect(page.locator("[data-testid=where]")).to_have_text(re.compile(r"^\d+\.\d{6}, \d+\.\d{6} · "))
    page.fill("[data-testid=description]", description)
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=toast]")).to_be_visible()
    expect(page.locator("[data-testid=photos] img")).to_have_count(0)


@pytest.mark.browser
def test_reports_made_offline_are_filed_exactly_once(live_server, live_district, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is read between page steps
    base = live_server.url
    lon, lat = live_district.point(0)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                locale="zh-CN",
                viewport={"width": 390, "height": 844},
                geolocation={"longitude": lon, "latitude": lat, "accuracy": 12},
                permissions=["geolocation"],
            )
            page = context.new_page()
            page.goto(f"{base}/field/")
            page.fill("#signin-form [name=username]", "inspector")
            page.fill("#signin-form [name=password]", DEMO_PASSWORD)
            page.fill("#signin-form [name=name]", "巡查手机")
            page.click("#signin-form button[type=submit]")
            expect(page.locator("#report")).to_be_visible()
            # The service worker controls the page (it precached the shell before taking over).
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")

            context.set_offline(True)
            expect(page.locator("[data-testid=net]")).to_have_text("离线")
            for n in range(3):
                _report(page, "垃圾", f"第{n + 1}处暴露垃圾", jpeg_bytes(color=(40 * n, 90, 60)))
            # Refused on arrival: the bureau retired this category after the phone cached the taxonomy.
            _report(page, "私搭", "违建一处", jpeg_bytes(color=(10, 10, 200)))
            Category.objects.filter(code=live_district.hours_category.code).update(is_active=False)

            page.reload()
            page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
            expect(page.locator("#report")).to_be_visible()
            expect(page.locator("[data-testid=badge]")).to_have_text("4")
            page.click("[data-tab=queue]")
            expect(page.locator("[data-testid=state]")).to_have_count(4)
            expect(page.locator("[data-testid=state]", has_text="等待发送")).to_have_count(4)
            assert Case.objects.count() == 0

            context.set_offline(False)
            expect(page.locator("[data-testid=state]", has_text="已发送")).to_have_count(3, timeout=20000)
            refused = page.locator("li.item.refused")
            expect(refused).to_have_count(1)
            expect(refused.locator("[data-testid=reason]")).to_contain_text("分类")
            expect(refused.locator("button", has_text="修改后重发")).to_be_visible()
            assert Case.objects.count() == 3
            numbers = set(Case.objects.values_list("number", flat=True))
            shown = {
                t.removeprefix("案件编号 ")
                for t in page.locator("[data-testid=case-number]").all_inner_texts()
            }
            assert shown == numbers

            # Two more attempts, the second after "losing" every answer: still three cases.
            page.click("[data-testid=sync-now]")
            page.evaluate(FORGET_ANSWERS)
            answers = []
            page.on(
                "response",
                lambda r: answers.append(r.status) if r.url.endswith("/api/v1/field/reports") else None,
            )
            page.click("[data-testid=sync-now]")
            for _ in range(200):  # up to 20 s for the three resends to be answered
                if len(answers) >= 3:
                    break
                page.wait_for_timeout(100)
            expect(page.locator("[data-testid=state]", has_text="已发送")).to_have_count(3, timeout=20000)
            assert answers == [200, 200, 200]  # each resent, each answered with its first case
            page.click("[data-testid=sync-now]")
            page.wait_for_timeout(500)
            assert Case.objects.count() == 3
            assert FieldReport.objects.count() == 3
            assert CaseEvidence.objects.count() == 3
            report = FieldReport.objects.first()
            assert report.accuracy_m == 12 and report.captured_at is not None
            assert abs(report.lon - lon) < 1e-6
            expect(page.locator("li.item.refused")).to_have_count(1)
        finally:
            browser.close()
