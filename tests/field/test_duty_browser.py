"""The field app's 值班 tab in Chromium: clock in against the roster, walk (Playwright's emulated
geolocation moving), clock out: the points are uploaded and the shift's patrol has the track. A
clock-in made offline, with the track recorded offline, syncs once at the device's time when the
network returns, and a replay of the same tap changes nothing.

Set FIELD_SHOTS=/some/dir to keep 390 px screenshots of the tab (Chinese and English)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from chengguan.core.models import AuditEvent
from chengguan.duty import services, tracks
from chengguan.duty.models import Assignment, DayKind, Patrol, Post, Roster, Shift
from tests.duty.conftest import build_force
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

LON, LAT = 113.62, 34.75
DLON = 100 / 91_440  # about 100 m of longitude here

# A tap replayed as if its answer had been lost: the same key, waiting again. (A function: the
# page's CSP forbids eval.)
REPLAY = """(item) => new Promise((resolve, reject) => {
  const open = indexedDB.open("chengguan-field-duty");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("clock", "readwrite");
    tx.objectStore("clock").put(item);
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => reject(tx.error);
  };
})"""


@pytest.fixture
def live_force(transactional_db):
    force = build_force()
    now = timezone.now()
    roster = Roster.objects.create(
        bureau=force.bureau,
        unit=force.squad,
        month=now.date().replace(day=1),
        created_at=now,
        created_by=force.system,
    )
    shift = Shift.objects.create(
        roster=roster,
        unit=force.squad,
        date=now.date(),
        day_kind=DayKind.WORKDAY,
        name="白班",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
        officers=1,
    )
    services.shift_assign(actor=force.system, shift=shift, staff=force.officers[0], post=Post.OFFICER)
    return force


def _wait(test, seconds: float = 20) -> None:
    """Poll the database (the page works on its own time)."""
    import time

    deadline = time.monotonic() + seconds
    while not test():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/field/")
    page.fill("#signin-form [name=username]", "d_officer0")
    page.fill("#signin-form [name=password]", DEMO_PASSWORD)
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#report")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _walk(context, page, steps: int) -> None:
    for k in range(1, steps + 1):
        context.set_geolocation({"longitude": LON + k * DLON, "latitude": LAT, "accuracy": 8})
        page.wait_for_timeout(1200)  # a track holds one fix a second


def _points(page) -> int:
    """The points the phone holds or has sent, from the tab's counts line."""
    import re

    text = page.locator("[data-testid=track-counts]").inner_text()
    return sum(int(n) for n in re.findall(r"\d+", text))


def _wait_points(page, n: int) -> None:
    for _ in range(100):
        if _points(page) == n:
            return
        page.wait_for_timeout(200)
    assert _points(page) == n


def _shoot(page, name: str) -> None:
    folder = os.environ.get("FIELD_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _browser_context(browser, locale="zh-CN"):
    return browser.new_context(
        locale=locale,
        viewport={"width": 390, "height": 844},
        geolocation={"longitude": LON, "latitude": LAT, "accuracy": 8},
        permissions=["geolocation"],
    )


@pytest.mark.browser
def test_clock_in_walk_and_clock_out_make_a_patrol_with_the_track(live_server, live_force, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    officer = live_force.officers[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = _browser_context(browser)
            page = context.new_page()
            _sign_in(page, live_server.url)
            page.click("[data-tab=duty]")
            expect(page.locator("[data-testid=shift]")).to_contain_text("第一中队 · 白班")
            expect(page.locator("[data-testid=clock-state]")).to_have_text("尚未签到")
            _shoot(page, "duty-zh-before")
            # Asked once; nothing is recorded before consent and clock-in.
            page.click("[data-testid=consent-yes]")
            expect(page.locator("[data-testid=track-state]")).to_contain_text("签到在岗后开始记录")
            page.click("[data-testid=clock-in]")
            expect(page.locator("[data-testid=clock-state]")).to_contain_text("已签到")
            _wait(lambda: Assignment.objects.get(staff=officer).clock_in_at is not None)
            expect(page.locator("[data-testid=track-state]")).to_contain_text("正在记录")
            _walk(context, page, 4)  # Chromium reports a fix as the emulated position moves
            for _ in range(50):
                if _points(page) >= 4:
                    break
                page.wait_for_timeout(200)
            _shoot(page, "duty-zh-recording")
            page.once("dialog", lambda d: d.accept())
            page.click("[data-testid=clock-out]")
            expect(page.locator("[data-testid=clock-state]")).to_contain_text("已签退")
            expect(page.locator("[data-testid=track-counts]")).to_contain_text("待上传 0 个点", timeout=20000)
            sent = _points(page)
            assert sent >= 4  # the four steps (and the first fix, when Chromium reports it)
            expect(page.locator("[data-testid=track-state]")).not_to_contain_text("正在记录")
            a = Assignment.objects.get(staff=officer)
            assert a.clock_out_at is not None
            patrol = Patrol.objects.get(staff=officer)
            assert patrol.point_count == sent
            assert patrol.source == "field" and patrol.assignment_id == a.pk
            assert patrol.ended_at == a.clock_out_at
            assert patrol.distance_m == pytest.approx((sent - 1) * 100, rel=0.05)
            points = tracks.unpack(patrol.points)
            assert all(a.clock_in_at <= p.at(patrol.started_at) <= a.clock_out_at for p in points)
            assert AuditEvent.objects.filter(action="duty.patrol_upload").exists()
            # Off duty now: moving records nothing.
            _walk(context, page, 2)
            expect(page.locator("[data-testid=track-counts]")).to_contain_text("待上传 0 个点")
            assert _points(page) == sent and Patrol.objects.get().point_count == sent

            # The patrol is on the duty pages' map for the squad leader.
            desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            web = desk.new_page()
            web.goto(f"{live_server.url}/login/")
            web.fill("input[name=username]", "d_squad_leader")
            web.fill("input[name=password]", DEMO_PASSWORD)
            web.click(".login-card button[type=submit]")
            web.wait_for_url(f"{live_server.url}/")
            web.goto(f"{live_server.url}/duty/patrols/{patrol.pk}/")
            expect(web.locator("[data-testid=patrol-length]")).to_have_text(f"{(sent - 1) / 10:.2f}")
            _shoot(web, "duty-patrol-page")
            desk.close()
        finally:
            browser.close()


@pytest.mark.browser
def test_an_offline_clock_in_and_its_track_sync_once(live_server, live_force, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    officer = live_force.officers[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = _browser_context(browser, locale="en-GB")
            context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
            page = context.new_page()
            _sign_in(page, live_server.url)
            page.click("[data-tab=duty]")
            expect(page.locator("[data-testid=shift]")).to_be_visible()
            page.click("[data-testid=consent-yes]")

            context.set_offline(True)
            expect(page.locator("[data-testid=net]")).to_have_text("Offline")
            page.click("[data-testid=clock-in]")
            expect(page.locator("[data-testid=clock-state]")).to_contain_text("waiting to sync")
            tapped = timezone.now()
            _walk(context, page, 3)
            expect(page.locator("[data-testid=track-counts]")).to_contain_text("3 points to upload")
            _shoot(page, "duty-en-offline")
            assert Assignment.objects.get(staff=officer).clock_in_at is None
            assert not Patrol.objects.exists()

            context.set_offline(False)
            _wait(lambda: Patrol.objects.filter(staff=officer, point_count=3).exists(), 40)
            a = Assignment.objects.get(staff=officer)
            # The device's time of the tap, not the time it arrived; the arrival kept beside it.
            assert abs((a.clock_in_at - tapped).total_seconds()) < 5
            assert a.clock_in_received_at >= a.clock_in_at + dt.timedelta(seconds=1)
            expect(page.locator("[data-testid=clock-state]")).not_to_contain_text("waiting to sync")
            expect(page.locator("[data-testid=track-counts]")).to_contain_text("3 uploaded")
            _shoot(page, "duty-en-synced")

            # The same tap again (its answer lost): still one clock-in, at the same time.
            replay = {
                "key": a.clock_in_key,
                "assignment": a.pk,
                "direction": "in",
                "at": a.clock_in_at.isoformat(),
                "createdAt": a.clock_in_at.isoformat(),
                "state": "waiting",
            }
            page.evaluate(REPLAY, replay)
            with page.expect_response(lambda r: "/clock-in/" in r.url) as answer:
                page.click("[data-testid=duty-sync]")
            assert answer.value.status == 200
            page.click("[data-testid=duty-sync]")
            page.wait_for_timeout(500)
            assert AuditEvent.objects.filter(action="duty.clock_in").count() == 1
            assert Assignment.objects.get(pk=a.pk).clock_in_at == a.clock_in_at
            assert Patrol.objects.count() == 1 and Patrol.objects.get().point_count == 3
        finally:
            browser.close()
