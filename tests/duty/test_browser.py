"""The duty pages in a real browser: a 督察 finding worked through by both roles on their pages (the
inspector records it, the squad rectifies, the inspector sends it back once, the squad rectifies
again, the inspector closes it), and a patrol's page with its track on the map in Chinese and
English. With DUTY_SHOT_DIR set, the pages are also saved as screenshots to look at."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.core import clock
from chengguan.duty import services
from chengguan.duty.models import Finding, FindingState, Post
from tests import factories
from tests.duty.conftest import at, build_force, pattern
from tests.duty.test_onpost import LAT, LON, _street
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The track's lines and the grids covered: Leaflet draws each as an SVG path.
DRAWN = """() => document.querySelectorAll('#patrol-map path').length"""


def _shot(page, name: str) -> None:
    target = os.environ.get("DUTY_SHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{target}/{name}.png", full_page=True)


def _sign_in(context, base: str, user):
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click(".login-card button[type=submit]")
    expect(page.locator("[data-testid=logout]")).to_be_visible()
    return page


def _photo(tmp_path: Path) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    path = tmp_path / "scene.jpg"
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_finding_is_recorded_rectified_sent_back_once_and_closed_through_the_pages(live_server, tmp_path):
    force = build_force()
    inspector, squad_leader = force.users["force_inspector"], force.users["squad_leader"]
    base = live_server.url
    photo = _photo(tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            viewport = {"width": 1280, "height": 900}
            by_inspector = _sign_in(browser.new_context(locale="zh-CN", viewport=viewport), base, inspector)
            by_unit = _sign_in(browser.new_context(locale="zh-CN", viewport=viewport), base, squad_leader)

            # The inspector records a discipline finding against the squad, with a photo.
            by_inspector.goto(f"{base}/duty/findings/")
            by_inspector.click("[data-testid=finding-new]")
            by_inspector.select_option("#id_unit", str(force.squad.pk))
            by_inspector.select_option("#id_kind", "discipline")
            by_inspector.select_option("#id_discipline", "uniform")
            by_inspector.fill("#id_place", "人民路与建设路口")
            by_inspector.fill("#id_description", "执勤队员未按规定着装")
            by_inspector.set_input_files("#id_photo", photo)
            by_inspector.click("[data-testid=submit]")
            expect(by_inspector.locator("[data-testid=state]")).to_have_text("整改中")
            expect(by_inspector.locator("[data-testid=form-report]")).to_have_count(
                0
            )  # not the inspector's to do
            page_url = by_inspector.url  # the finding's page (no queries here: Playwright's loop is running)
            path = page_url.removeprefix(base)

            # The squad sees it among its findings and reports the rectification.
            by_unit.goto(f"{base}/duty/findings/")
            by_unit.click(f"a[href='{path}']")
            expect(by_unit.locator("[data-testid=form-close]")).to_have_count(0)  # nor is closing the unit's
            by_unit.fill("#id_report-rectification", "已责令整改")
            by_unit.click("[data-testid=submit-report]")
            expect(by_unit.locator("[data-testid=state]")).to_have_text("待复查")

            # The inspector re-checks and sends it back once, with a reason.
            by_inspector.goto(page_url)
            by_inspector.fill("#id_send_back-reason", "复查时仍未着装")
            by_inspector.click("[data-testid=submit-send_back]")
            expect(by_inspector.locator("[data-testid=state]")).to_have_text("整改中")

            # The unit rectifies again, with a photo; the inspector closes it (销号).
            by_unit.goto(page_url)
            by_unit.fill("#id_report-rectification", "已全部按规定着装，附照片")
            by_unit.set_input_files("#id_report-photo", photo)
            by_unit.click("[data-testid=submit-report]")
            expect(by_unit.locator("[data-testid=state]")).to_have_text("待复查")
            by_inspector.goto(page_url)
            expect(by_inspector.locator(".facts")).to_contain_text("已全部按规定着装")
            by_inspector.fill("#id_close-note", "复查合格")
            by_inspector.click("[data-testid=submit-close]")
            expect(by_inspector.locator("[data-testid=state]")).to_have_text("已销号")
            expect(by_inspector.locator("[data-testid=form-send_back]")).to_have_count(0)
            _shot(by_inspector, "finding-closed")
        finally:
            browser.close()
    finding = Finding.objects.get()
    assert finding.state == FindingState.CLOSED and finding.sent_back == 1


def _patrol_through_a_street(force):
    """A patrol of four minutes through the two grids of a street and out of it, with a poor fix."""
    street = _street(force)
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    officer = force.officers[0]
    a = services.shift_assign(
        actor=force.system,
        shift=roster.shifts.get(date=dt.date(2026, 10, 8)),
        staff=officer,
        post=Post.OFFICER,
    )
    with clock.pinned(at(2026, 10, 8, 8)):
        services.clock_in(actor=officer, assignment=a)
    with clock.pinned(at(2026, 10, 8, 9)):
        patrol = services.patrol_start(actor=officer)
    mid = LAT + factories.CELL_DLAT / 2
    walk = [(1, 0.2, mid), (2, 0.8, mid + 0.0002), (3, 1.5, mid), (4, 1.9, mid - 0.0002), (6, 3.0, mid)]
    points = [
        {
            "time": at(2026, 10, 8, 9, m).isoformat(),
            "lon": LON + x * factories.CELL_DLON,
            "lat": y,
            "accuracy": 8,
        }
        for m, x, y in walk
    ]
    points.append(
        {"time": at(2026, 10, 8, 9, 5).isoformat(), "lon": LON, "lat": mid + 0.0006, "accuracy": 120}
    )
    with clock.pinned(at(2026, 10, 8, 9, 30)):
        services.patrol_upload(actor=officer, patrol=patrol, key="k", points=points)
        services.patrol_end(actor=officer, patrol=patrol)
    return street


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_patrol_page_draws_the_track_and_the_grids_covered(live_server, locale):
    force = build_force()
    street = _patrol_through_a_street(force)
    codes = sorted(street.grids.values_list("code", flat=True))
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
            page = _sign_in(context, base, force.users["squad_leader"])
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            if locale == "en":
                page.click("form.lang-switch button[value=en]")
                expect(page.locator("html")).to_have_attribute("lang", "en")
            page.goto(f"{base}/duty/patrols/")
            _shot(page, f"patrols-{locale}")
            page.click("[data-testid=patrol-link]")
            expect(page.locator("[data-testid=patrol-map]")).to_be_visible()
            page.wait_for_function(f"() => ({DRAWN})() >= 3")  # the track and the two grids
            for code in codes:
                expect(page.locator("[data-testid=patrol-grids]")).to_contain_text(code)
            _shot(page, f"patrol-{locale}")
            assert not errors, errors
        finally:
            browser.close()
