"""The public channel end to end on a phone-sized screen, in Debian's Chromium driven by Playwright:
a citizen reports with a photo and a pin and gets a number and a query code; the operator files the
case on the workbench page and the rest of the staff take it to closed with feedback through the
services (the workbench pages for those steps are covered by tests/cases/test_browser.py); the citizen
tracks and rates it; the portal home's figures move accordingly. Set CHENGGUAN_SCREENSHOTS to a
directory to keep a screenshot of each public page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect, sync_playwright

from chengguan.cases.models import Case
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core.clock import pinned
from chengguan.feedback.models import Callback
from chengguan.org.roles import RoleCode as R
from chengguan.portal import services
from tests.cases import flow
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, photo, sign_in, sign_out, take_action

PHONE = "13912345678"
PHONE_SIZE = {"width": 390, "height": 844}


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("CHENGGUAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def figures_on(page: Page, base: str) -> dict[str, str]:
    page.goto(f"{base}/")
    keys = ["reports", "feedback_rate", "feedback_rate-count", "satisfaction_rate", "satisfaction_rate-count"]
    return {key: page.locator(f"[data-testid=figure-{key}]").inner_text() for key in keys}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_reports_tracks_and_rates_on_a_phone(live_server, district, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the staff steps below use the ORM
    # between page actions, which Django allows only when told so.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    cache.clear()
    base = live_server.url
    lon, lat = district.point(2)
    with pinned(QUIET_MOMENT), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            citizen = browser.new_context(locale="zh-CN", viewport=PHONE_SIZE, is_mobile=True, has_touch=True)
            page = citizen.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            before = figures_on(page, base)
            assert before["reports"] == "0" and before["feedback_rate-count"] == "本月暂无"
            expect(page.locator("#reports-map[data-ready='1']")).to_have_count(1)
            shot(page, "1-home-before")

            # 市民上报: a type, a description, a photo, a pin and a phone number.
            page.click("[data-testid=link-report]")
            expect(page.locator("#pin-map[data-ready='1']")).to_have_count(1)
            expect(page.locator("[data-testid=crs-note]")).to_contain_text("WGS-84")
            page.click("label:has([data-testid=category-garbage])")
            page.fill("#id_description", "小区门口垃圾堆了三天没人清，气味很大")
            page.set_input_files("#id_photos", [photo("before.jpg")])
            page.locator("#pin-map").scroll_into_view_if_needed()
            x, y = page.evaluate(
                "([lat, lon]) => { const m = document.getElementById('pin-map').leafletMap;"
                " const pt = m.latLngToContainerPoint([lat, lon]); return [pt.x, pt.y]; }",
                [lat, lon],
            )
            page.locator("#pin-map").click(position={"x": x, "y": y})
            expect(page.locator("#lon-out")).to_have_text(re.compile(r"^113\.62\d+$"))
            page.fill("#id_phone", PHONE)
            shot(page, "2-report")
            page.click("[data-testid=submit-public-report]")
            expect(page).to_have_url(f"{base}/report/done/")
            number = page.locator("[data-testid=tracking-number]").inner_text()
            code = page.locator("[data-testid=query-code]").inner_text()
            assert re.fullmatch(r"[23456789A-Z]{6}", code)
            shot(page, "3-report-done")
            case = Case.objects.get(number=number)
            assert case.grid == district.grids[2] and case.evidence.count() == 1
            assert case.reporter_phone == PHONE

            # 受理员立案 on the workbench page (desktop size), then the rest through the services.
            staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            desk = staff.new_page()
            sign_in(desk, base, "operator", f"/cases/{number}/")
            take_action(desk, "file", "已立案")
            sign_out(desk)
            staff.close()
            case = Case.objects.get(number=number)
            for action, role, payload in flow.PATHS[CaseState.CLOSED][1:]:  # after 立案
                payload = flow.step_payload(district, case, action, payload)
                case = case_transition(actor=district.users[role], case=case, action=action, **payload)
            services.feedback_record(
                actor=district.users[R.OPERATOR], case=case, method="sms", content="垃圾已清运，现场已消毒。"
            )

            # The citizen tracks it in a fresh browser with the number and the code.
            tracker = browser.new_context(locale="zh-CN", viewport=PHONE_SIZE, is_mobile=True, has_touch=True)
            page = tracker.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{base}/track/")
            page.fill("#id_number", number)
            page.fill("#id_code", "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")
            page.click("[data-testid=submit-track]")
            expect(page.locator("[data-testid=track-error]")).to_contain_text("受理编号或查询码不正确")
            shot(page, "4-track-wrong")
            page.fill("#id_code", code.lower())
            page.click("[data-testid=submit-track]")
            expect(page).to_have_url(f"{base}/track/{number}/")
            expect(page.locator("[data-testid=public-status]")).to_have_text("已办结")
            expect(page.locator("[data-testid=replies]")).to_contain_text("垃圾已清运")
            expect(page.locator("[data-testid=timeline] li")).to_have_count(
                8
            )  # 上报 立案 派遣 签收 处置 核查 结案 反馈
            expect(page.locator("[data-testid=photo-before]")).to_have_count(1)
            expect(page.locator("[data-testid=photo-after]")).to_have_count(2)
            body = page.content()
            assert PHONE not in body and "139****5678" not in body
            for user in district.users.values():
                assert user.profile.full_name not in body
            shot(page, "5-track-closed")

            page.click("label:has(input[value=satisfied])")
            page.fill("#id_comment", "处理很及时")
            page.click("[data-testid=submit-rating]")
            expect(page.locator("[data-testid=rating-given]")).to_contain_text("满意")
            expect(page.locator("[data-testid=rating-form]")).to_have_count(0)
            shot(page, "6-track-rated")
            assert Callback.objects.get(case=case).method == "portal"

            after = figures_on(page, base)
            assert after["reports"] == "1"
            assert (after["feedback_rate"], after["feedback_rate-count"]) == ("100%", "1/1")
            assert (after["satisfaction_rate"], after["satisfaction_rate-count"]) == ("100%", "1/1")
            expect(page.locator("[data-testid=solved]")).to_have_count(1)
            expect(page.locator("#reports-map path.leaflet-interactive")).to_have_count(1)
            assert PHONE not in page.content()
            shot(page, "7-home-after")
            assert errors == []
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_sees_plain_messages_for_mistakes_and_for_too_many_reports(live_server, district, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"report_ip": (1, 3600)}
    cache.clear()
    base = live_server.url
    with pinned(QUIET_MOMENT), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="zh-CN", viewport=PHONE_SIZE, is_mobile=True, has_touch=True)
            page.goto(f"{base}/report/")
            page.fill("#id_phone", "12345")
            page.click("[data-testid=submit-public-report]")
            expect(page.locator("[data-testid=error-public_category]")).to_have_text("请选择问题类型。")
            expect(page.locator("[data-testid=error-description]")).to_have_text("请描述您看到的问题。")
            expect(page.locator("[data-testid=error-phone]")).to_contain_text("请填写正确的手机号")
            shot(page, "10-report-errors")
            page.click("label:has([data-testid=category-garbage])")
            page.fill("#id_description", "垃圾桶满了")
            page.fill("#id_address", "建设路棉纺社区东门")
            page.fill("#id_phone", "")
            page.click("[data-testid=submit-public-report]")
            expect(page).to_have_url(f"{base}/report/done/")
            page.goto(f"{base}/report/")
            page.click("label:has([data-testid=category-garbage])")
            page.fill("#id_description", "又满了")
            page.fill("#id_address", "建设路棉纺社区东门")
            page.click("[data-testid=submit-public-report]")
            expect(page.locator("[data-testid=rate-limited]")).to_contain_text("操作过于频繁")
            shot(page, "11-rate-limited")
        finally:
            browser.close()
