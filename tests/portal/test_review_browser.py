"""回访复核 through the page, in Chromium: a leader finds a "不满意" rating in the navigation badge
and on the list, sends the case back to the unit, and the list moves it to the decided ones."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState
from chengguan.core.clock import pinned
from chengguan.core.models import AuditEvent
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.portal.test_citizen_browser import shot
from tests.portal.test_review import rated


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_reopens_a_dissatisfied_case_from_the_review_page(live_server, district, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is read between page steps
    with pinned(QUIET_MOMENT):
        callback = rated(district, comment="摊贩第二天又回来了")
        number = callback.case.number
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 860})
                sign_in(page, live_server.url, "leader", "/review/")
                expect(page.locator("[data-testid=nav-badge-review]")).to_have_text("1")
                item = page.locator(f"[data-testid=review-{number}]")
                expect(item).to_contain_text("摊贩第二天又回来了")
                shot(page, "8-review")
                page.check(f"[data-testid=decide-reopen-{number}]")
                page.fill(f"[data-testid=note-{number}]", "市民反映摊贩复出，请原中队再次处置")
                page.click(f"[data-testid=submit-review-{number}]")
                expect(page.locator(".msg-success")).to_contain_text("已重新交办")
                expect(page.locator(f"[data-testid=done-{number}]")).to_contain_text("重新交办")
                expect(page.locator("[data-testid=no-pending]")).to_be_visible()
                expect(page.locator("[data-testid=nav-badge-review]")).to_have_count(0)
                shot(page, "9-review-done")
            finally:
                browser.close()
    case = Case.objects.get(number=number)
    assert case.state == CaseState.DISPATCHED and case.handling_unit == district.squad
    assert AuditEvent.objects.filter(action="callback.review", actor=district.users["leader"]).count() == 1
