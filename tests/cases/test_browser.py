"""One case from report to closed through the web pages, in Debian's Chromium driven by Playwright:
inspector reports (photo and map pin), operator files, dispatcher dispatches from the board, the
squad's handler accepts and handles (after photo), a second inspector verifies on site (photo and
browser position), operator closes with the 721 disposition 服务."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from chengguan.cases.models import Case, ReplyTemplate
from chengguan.core.clock import pinned
from chengguan.core.models import AuditEvent
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.media import jpeg_bytes
from tests.factories import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes()}


def sign_in(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click(".login-card button[type=submit]")
    expect(page).to_have_url(f"{base}{next_path}")


def sign_out(page: Page) -> None:
    page.click("[data-testid=logout]")


def take_action(page: Page, action: str, state: str) -> None:
    """Open an action's form on the case page, submit it, and see the case reach `state`."""
    page.click(f"[data-testid=action-{action}]")
    page.click(f"[data-testid=submit-{action}]")
    expect(page.locator("[data-testid=case-state]")).to_have_text(state)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_case_goes_from_report_to_closed_through_the_web(live_server, district):
    base = live_server.url
    target = district.grids[3]  # the second inspector's grid
    lon, lat = target.centroid_lon, target.centroid_lat
    ReplyTemplate.objects.create(purpose="handling", text="已清理完毕，现场恢复整洁")

    with pinned(QUIET_MOMENT), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                locale="zh-CN",
                viewport={"width": 1440, "height": 900},
                geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
                permissions=["geolocation"],
            )
            page = context.new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))

            # 监督员上报: category, description, a photo and a pin on the map.
            sign_in(page, base, "inspector", "/cases/report/")
            expect(page.locator("#pin-map[data-ready='1']")).to_have_count(1)
            page.fill("[data-testid=category-search]", "私搭")
            page.select_option("#id_category", district.hours_category.code)
            page.fill("#id_description", "人行道上私搭雨棚，影响通行")
            page.set_input_files("#id_photos", [photo("before.jpg")])
            x, y = page.evaluate(
                "([lat, lon]) => { const m = document.getElementById('pin-map').leafletMap;"
                " const pt = m.latLngToContainerPoint([lat, lon]); return [pt.x, pt.y]; }",
                [lat, lon],
            )
            page.locator("#pin-map").click(position={"x": x, "y": y})
            expect(page.locator("#lon-out")).not_to_have_text("—")
            page.click("[data-testid=submit-report]")
            expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
            expect(page.locator("[data-testid=case-state]")).to_have_text("已上报")
            number = page.locator("[data-testid=case-number]").inner_text()
            expect(page.locator("#case-map[data-ready='1'] .leaflet-marker-icon")).to_have_count(1)
            expect(page.locator("[data-testid=photo-report]")).to_have_count(1)
            case_path = f"/cases/{number}/"
            sign_out(page)

            # 受理员立案.
            sign_in(page, base, "operator", case_path)
            take_action(page, "file", "已立案")
            sign_out(page)

            # 派遣员: one click on the dispatch board sends it to the proposed unit.
            sign_in(page, base, "dispatcher", "/cases/dispatch/")
            row = page.locator(f"tr[data-number='{number}']")
            expect(row).to_contain_text(district.squad.name)
            page.click(f"[data-testid=dispatch-{number}]")
            expect(page.locator("[data-testid=board-done]")).to_contain_text("已派遣")
            page.goto(f"{base}{case_path}")
            expect(page.locator("[data-testid=case-state]")).to_have_text("已派遣")
            expect(page.locator("[data-testid=handling-unit]")).to_contain_text(district.squad.name)
            sign_out(page)

            # 处置人员: accept, then handle with a result from the 常用语 and an after photo.
            sign_in(page, base, "handler", "/cases/")
            page.click(f"a[href='{case_path}'] >> nth=0")
            take_action(page, "accept", "处置中")
            page.click("[data-testid=action-handle]")
            page.click(".chip-phrase:has-text('已清理完毕')")
            expect(page.locator("#id_handle-result")).to_have_value("已清理完毕，现场恢复整洁")
            page.set_input_files("#id_handle-photos", [photo("after.jpg")])
            page.click("[data-testid=submit-handle]")
            expect(page.locator("[data-testid=case-state]")).to_have_text("已反馈")
            expect(page.locator("[data-testid=photo-handle]")).to_have_count(1)
            sign_out(page)

            # A second inspector verifies on site: a photo and the browser's position.
            sign_in(page, base, "other_inspector", case_path)
            page.click("[data-testid=action-verify]")
            page.set_input_files("#id_verify-photo", [photo("check.jpg")])
            page.click("[data-geolocate=verify]")
            expect(page.locator("#id_verify-photo_lon")).not_to_have_value("")
            page.click("[data-testid=submit-verify]")
            expect(page.locator("[data-testid=case-state]")).to_have_text("已核查")
            expect(page.locator("[data-testid=photo-verify]")).to_have_count(1)
            sign_out(page)

            # 受理员结案 with the 721 disposition 服务.
            sign_in(page, base, "operator", case_path)
            page.click("[data-testid=action-close]")
            page.check("input[name='close-disposition'][value='service']")
            page.click("[data-testid=submit-close]")
            expect(page.locator("[data-testid=case-state]")).to_have_text("已结案")
            expect(page.locator("[data-testid=disposition]")).to_have_text("服务")
            expect(page.locator("[data-testid=no-actions]")).to_be_visible()
            timeline = page.locator("[data-testid=timeline]")
            for step in ("上报", "立案", "派遣", "签收", "处置反馈", "核查通过", "结案"):
                expect(timeline).to_contain_text(step)
            assert script_errors == []
        finally:
            browser.close()

    case = Case.objects.get(number=number)
    assert case.state == "closed" and case.disposition == "service"
    assert case.grid == target and case.handling_unit == district.squad
    assert case.handler.username == "handler" and case.verifier.username == "other_inspector"
    assert case.verify_flags in ([], ["no_time"])  # the browser's position is on the spot
    assert case.evidence.filter(stage="verify", lon__isnull=False).count() == 1
    actions = list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "case.report",
        "case.file",
        "case.dispatch",
        "case.accept",
        "case.handle",
        "case.verify",
        "case.close",
    ]
