"""The pages the review changed, in a real browser (Chinese and English): a squad leader reveals a
vendor's full numbers with a reason, the yearly help figures on the evaluation page, the organiser's
photo flags and the portal's activity page with only the publishable photo on a phone (390 px).
Screenshots go to WELFARE_SHOTS when it is set."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services as outreach
from chengguan.welfare import services
from tests.cases.media import jpeg_upload
from tests.factories import DEMO_PASSWORD
from tests.outreach.conftest import new_activity
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.welfare.conftest import QUIET_MOMENT, vendor

SHOTS = os.environ.get("WELFARE_SHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _english(page, base):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reveal_figures_and_photos_in_a_browser(live_server, district, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is read between page steps
    settings.MEDIA_ROOT = str(tmp_path)
    d = district
    admin = d.users[R.ADMIN]
    with clock.pinned(QUIET_MOMENT):
        v = vendor(d, hardship="dibao", name="王秀兰", id_number="410102199003071230", phone="13812345678")
        for kind, extra in [
            ("goods", {"what": "大米", "quantity": "10公斤"}),
            ("referral", {"referral_to": "jobs"}),
        ]:
            services.help_record(actor=admin, vendor=v, kind=kind, on=QUIET_MOMENT.date(), **extra)
    activity = new_activity(d)
    with clock.pinned(activity.starts_at):
        shown = outreach.activity_photo_add(
            actor=admin, activity=activity, upload=jpeg_upload(), caption="孩子们在分拣垃圾", publishable=True
        )
        hidden = outreach.activity_photo_add(
            actor=admin, activity=activity, upload=jpeg_upload(), caption="未征得同意的合影"
        )
    with clock.pinned(activity.ends_at):
        outreach.activity_transition(actor=admin, activity=activity, action="hold", summary="30 名孩子参加。")
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", d.users[R.SQUAD_LEADER].username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click(".login-card button[type=submit]")

            page.goto(f"{base}/welfare/vendors/{v.pk}/")
            expect(page.get_by_test_id("id-number")).to_have_text("410102********1230")
            _shot(page, "vendor-reveal-form-zh")
            page.fill("#reveal-reason", "联系本人办理就业转介")
            page.click("[data-testid=reveal]")
            expect(page.get_by_test_id("id-number")).to_have_text("410102199003071230")
            expect(page.get_by_test_id("phone")).to_have_text("13812345678")
            _shot(page, "vendor-revealed-zh")
            assert AuditEvent.objects.filter(action="vendor.reveal_identity").count() == 1

            page.goto(f"{base}/stats/?from={QUIET_MOMENT.year}-09-01&to={QUIET_MOMENT.year}-09-30")
            figures = page.get_by_test_id("welfare-figures")
            expect(figures.locator('tr[data-hardship="dibao"] [data-figure=goods]')).to_have_text("1")
            expect(figures.locator('tr[data-hardship="total"] [data-figure=referrals]')).to_have_text("1")
            figures.scroll_into_view_if_needed()
            _shot(page, "stats-welfare-figures-zh")

            page.goto(f"{base}/outreach/activities/{activity.pk}/")
            expect(page.locator(f'[data-photo="{hidden.pk}"]')).to_have_attribute("data-publishable", "0")
            _shot(page, "staff-activity-photos-zh")

            _english(page, base)
            page.goto(f"{base}/welfare/vendors/{v.pk}/")
            expect(page.get_by_test_id("reveal")).to_have_text("Show the full numbers")
            page.fill("#reveal-reason", "x")
            page.click("[data-testid=reveal]")
            expect(page.get_by_test_id("reveal-error")).to_contain_text("stated reason")
            _shot(page, "vendor-reveal-refused-en")
            page.goto(f"{base}/stats/?from={QUIET_MOMENT.year}-09-01&to={QUIET_MOMENT.year}-09-30")
            expect(page.get_by_test_id("welfare-figures")).to_contain_text("Vendors helped")
            _shot(page, "stats-welfare-figures-en")
            page.goto(f"{base}/outreach/activities/{activity.pk}/")
            expect(page.get_by_test_id(f"photo-publish-{hidden.pk}")).to_have_text("Show on the portal")
            _shot(page, "staff-activity-photos-en")

            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(f"{base}/events/{activity.pk}/")
            photos = phone.get_by_test_id("public-photos")
            expect(photos.locator("img")).to_have_count(1)
            expect(photos).to_contain_text("孩子们在分拣垃圾")
            assert "未征得同意的合影" not in phone.content()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            _shot(phone, "public-activity-photos-zh-390")
            _english(phone, base)
            phone.goto(f"{base}/events/{activity.pk}/")
            expect(phone.get_by_test_id("summary")).to_contain_text("Activity photo")
            _shot(phone, "public-activity-photos-en-390")
        finally:
            browser.close()
    assert shown.pk != hidden.pk
