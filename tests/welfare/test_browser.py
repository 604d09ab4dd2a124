"""The welfare pages in a real browser: the 721 offer on the case page, a vendor's history, and the
public re-run of a draw on a phone. Screenshots go to WELFARE_SHOTS when it is set."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.welfare import services
from tests.cases.flow import report
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.welfare.conftest import QUIET_MOMENT, draw, spot, vendor
from tests.welfare.test_register import _vending_category

SHOTS = os.environ.get("WELFARE_SHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_offer_the_history_and_the_public_re_run(live_server, district):
    d = district
    with clock.pinned(QUIET_MOMENT):
        v = vendor(d, hardship="dibao", name="王秀兰", id_number="410102199003071230", goods="烤红薯")
        services.help_record(
            actor=d.users[R.ADMIN],
            vendor=v,
            kind="goods",
            on=QUIET_MOMENT.date(),
            what="大米",
            quantity="10公斤",
            given_by="建设路中队",
        )
        dr = draw(d, spot(d, pitches=2))
        open_draw = draw(d, dr.spot, start=dr.term_start.replace(year=2027))
        for i in range(4):
            services.draw_apply(
                actor=d.users[R.ADMIN],
                draw=dr,
                vendor=v if i == 0 else vendor(d, hardship="elderly" if i == 2 else ""),
            )
        services.draw_transition(actor=d.users[R.ADMIN], draw=dr, action="close")
        services.draw_transition(actor=d.users[R.ADMIN], draw=dr, action="draw")
        case = report(d, category=_vending_category(d), description="流动摊贩占道经营")
        services.vendor_link_case(actor=d.users[R.OPERATOR], vendor=v, case=case)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "squad_leader")
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click(".login-card button[type=submit]")
            page.goto(f"{base}/cases/{case.number}/")
            offer = page.locator("[data-testid=offer-721]")
            expect(offer).to_be_visible()
            offer.scroll_into_view_if_needed()
            _shot(page, "case-offer")
            page.click("[data-testid=offer-pitch]")
            expect(page.locator("[data-testid=case-vendors-error]")).to_contain_text(
                "每人每期只能申请一次"
            ) if open_draw.term_start == dr.term_start else None
            page.goto(f"{base}/welfare/vendors/{v.pk}/")
            expect(page.locator("[data-testid=hardship]")).to_contain_text("低保")
            _shot(page, "vendor")
            page.goto(f"{base}/welfare/draws/{dr.pk}/")
            _shot(page, "draw")
            page.goto(f"{base}/welfare/")
            _shot(page, "vendors")
            page.click("text=EN")
            page.goto(f"{base}/welfare/vendors/{v.pk}/")
            expect(page.locator("[data-testid=vendor-help] h2")).to_have_text("Help records")
            _shot(page, "vendor-en")
            phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
            phone.goto(f"{base}/vending-draws/{dr.pk}/")
            phone.click("text=复核")
            expect(phone.locator("[data-testid=match]")).to_contain_text("完全一致")
            _shot(phone, "public-draw")
        finally:
            browser.close()
    assert open_draw.applications.filter(vendor=v).exists()
