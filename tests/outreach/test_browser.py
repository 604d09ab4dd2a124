"""The outreach pages in a real browser: a parent registers a child on the portal from a phone-sized
screen (390 px wide), in Chinese and English; the organiser sees the activity and the live session.
With OUTREACH_SHOT_DIR set, each page is also saved as a screenshot to look at."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from tests.cases.conftest import build_district
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS


def _shot(page, name: str) -> None:
    target = os.environ.get("OUTREACH_SHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{target}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parent_registers_a_child_on_a_phone_and_the_organiser_sees_it(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    d = build_district()
    admin = d.users[R.ADMIN]
    starts = clock.now().replace(microsecond=0) + dt.timedelta(days=10)
    activity = services.activity_create(
        actor=admin,
        bureau=d.bureau,
        kind="big_hand",
        title="大手拉小手 · 垃圾分类小卫士",
        plan="上午参观数字化城管指挥中心，下午在社区开展垃圾分类宣传，适合 7 至 12 岁儿童与家长。",
        place="数字化城管指挥中心",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        quota=30,
        registration_closes_at=starts - dt.timedelta(days=2),
    )
    services.activity_transition(actor=admin, activity=activity, action="publish")
    b = services.broadcast_schedule(
        actor=admin,
        bureau=d.bureau,
        title="直播执法 · 夜市占道经营整治",
        platform="douyin",
        stream_url="https://live.douyin.com/123456",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        place="建设路夜市",
        officers=[d.users[R.HANDLER]],
    )
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{base}/events/{activity.pk}/")
        _shot(phone, "public-activity-zh-390")
        phone.fill("input[name=name]", "王小明")
        phone.fill("input[name=phone]", "13912345678")
        phone.fill("input[name=birth_date]", "2016-03-07")
        phone.click("[data-testid=submit-registration]")
        expect(phone.locator("[data-testid=banner]")).to_contain_text("监护人")
        _shot(phone, "public-activity-refused-390")
        phone.fill("input[name=guardian_name]", "王大明")
        phone.fill("input[name=guardian_phone]", "13700001111")
        phone.check("input[name=guardian_consent]")
        phone.click("[data-testid=submit-registration]")
        expect(phone.locator("[data-testid=registered]")).to_contain_text("报名成功")
        # No sideways scrolling on the phone.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        phone.goto(f"{base}/events/{activity.pk}/")
        _shot(phone, "public-activity-en-390")
        phone.goto(f"{base}/events/live/")
        expect(phone.locator("[data-testid=coming]")).to_contain_text(b.title)
        _shot(phone, "public-live-en-390")

        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", d.users[R.SQUAD_LEADER].username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click(".login-card button[type=submit]")
        page.goto(f"{base}/outreach/activities/{activity.pk}/")
        expect(page.locator("[data-testid=registrations]")).to_contain_text("王**")
        _shot(page, "staff-activity-zh")
        page.goto(f"{base}/outreach/broadcasts/{b.pk}/")
        _shot(page, "staff-broadcast-zh")
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page.goto(f"{base}/outreach/activities/{activity.pk}/")
        expect(page.locator("h1")).to_contain_text(activity.title)
        _shot(page, "staff-activity-en")
        browser.close()
