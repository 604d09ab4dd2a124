"""My tasks in Chromium, offline: the inspector's 核查 and 核实 tasks and the handler's tasks are
cached with their photos and open with no network; a verification queued offline while a colleague
sends the case back shows the 409 with the case's new state and keeps its data; a handling queued
offline is taken exactly once however often the phone resends it; the grid of a report is found on
the device from the cached outlines. Screenshots of the task pages at 390 px (FIELD_SHOTS=dir)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.cases import services as case_services
from chengguan.cases.models import Case, CaseEvidence, CaseSource, IntakeCheckSetting
from chengguan.cases.states import CaseState
from chengguan.core.models import AuditEvent
from chengguan.field.models import FieldAction
from chengguan.org.roles import RoleCode
from tests import factories
from tests.cases.conftest import build_district
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_bytes, jpeg_upload
from tests.factories import DEMO_PASSWORD
from tests.field.test_offline_browser import FORGET_ANSWERS
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

R = RoleCode
# What the queue keeps of its steps (a function: the page's CSP forbids eval).
QUEUED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("chengguan-field");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => resolve(all.result.map((i) => ({
      state: i.state, action: i.action, fields: i.fields || {},
      photos: i.photos.map((p) => ({ blob: Boolean(p.blob), sha256: p.sha256 })),
    })));
    all.onerror = () => reject(all.error);
  };
})"""


@pytest.fixture
def live_district(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_district()


def _browser_context(p, district, *, lang="zh-CN", grid=0):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    lon, lat = district.point(grid)
    context = browser.new_context(
        locale=lang,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 9},
        permissions=["geolocation"],
    )
    return browser, context


def _sign_in(page, base, username):
    page.goto(f"{base}/field/")
    page.fill("#signin-form [name=username]", username)
    page.fill("#signin-form [name=password]", DEMO_PASSWORD)
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#report")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _reload_offline(page, context):
    context.set_offline(True)
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")


@pytest.mark.browser
def test_a_verification_queued_offline_while_the_case_moved_on_shows_the_409_and_keeps_its_data(
    live_server, live_district, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    case = drive(live_district, CaseState.HANDLED)
    colleague = factories.staff(live_district.centre, R.INSPECTOR, username="inspector2").user
    live_district.grids[0].inspectors.add(colleague)
    with sync_playwright() as p:
        browser, context = _browser_context(p, live_district)
        try:
            page = context.new_page()
            _sign_in(page, live_server.url, "inspector")
            page.click("[data-tab=tasks]")
            task = page.locator("[data-testid=task]", has_text=case.number)
            expect(task.locator("[data-testid=task-photos] img")).to_have_count(
                1, timeout=20000
            )  # the after photo

            # Offline, the page opens from the service worker and the task is there with its photos.
            _reload_offline(page, context)
            page.click("[data-tab=tasks]")
            expect(page.locator("[data-testid=tasks-note]")).to_contain_text("离线查看")
            expect(task.locator("[data-testid=task-photos] img")).to_have_count(1)
            task.locator("[data-testid=task-open]").click()
            task.locator("[data-testid=verify-photo]").set_input_files(
                files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
            )
            task.locator("[data-testid=step-submit]").click()
            expect(page.locator("[data-testid=toast]")).to_be_visible()
            expect(task.locator("[data-testid=task-queued]")).to_contain_text("核查通过")
            # Meanwhile a colleague sends the case back for rework.
            case_services.case_transition(actor=colleague, case=case, action="rework", reason="未清理干净")

            context.set_offline(False)
            page.click("[data-tab=queue]")
            refused = page.locator("li.item.refused")
            expect(refused).to_have_count(1, timeout=20000)
            expect(refused.locator("[data-testid=reason]")).to_contain_text("不能执行")
            expect(refused.locator("[data-testid=case-state]")).to_contain_text(str(CaseState.REWORK.label))
            if os.environ.get("FIELD_SHOTS"):
                page.screenshot(path=f"{os.environ['FIELD_SHOTS']}/field-queue-409-zh-hans.png")
            page.click("[data-testid=sync-now]")
            page.wait_for_timeout(500)
            expect(page.locator("li.item.refused")).to_have_count(1)
            kept = page.evaluate(QUEUED)
            assert kept == [
                {
                    "state": "refused",
                    "action": "verify",
                    "fields": {},
                    "photos": [{"blob": True, "sha256": kept[0]["photos"][0]["sha256"]}],
                }
            ]
            assert Case.objects.get(pk=case.pk).state == CaseState.REWORK
            assert not CaseEvidence.objects.filter(case=case, stage="verify").exists()
            assert FieldAction.objects.count() == 0
        finally:
            browser.close()


@pytest.mark.browser
def test_an_accept_and_handling_queued_offline_are_taken_exactly_once(
    live_server, live_district, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    case = drive(live_district, CaseState.DISPATCHED)
    with sync_playwright() as p:
        browser, context = _browser_context(p, live_district)
        try:
            page = context.new_page()
            _sign_in(page, live_server.url, "handler")
            page.click("[data-tab=tasks]")
            task = page.locator("[data-testid=task]", has_text=case.number)
            expect(task).to_have_count(1, timeout=20000)

            _reload_offline(page, context)
            page.click("[data-tab=tasks]")
            task.locator("[data-testid=task-open]").click()
            task.locator("[data-testid=accept]").click()
            expect(task.locator("[data-testid=task-queued]")).to_contain_text("签收")
            # On site with no signal: the handling is queued right after the acceptance.
            task.locator("[data-testid=task-open]").click()
            task.locator("[data-testid=handle-result]").fill("已清理完毕，路面冲洗干净")
            task.locator("[data-testid=handle-photo]").set_input_files(
                files=[
                    {"name": "done.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(color=(20, 160, 90))}
                ]
            )
            task.locator("[data-testid=step-submit]").click()
            expect(task.locator("[data-testid=task-queued]")).to_contain_text("处置反馈")
            assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED

            context.set_offline(False)
            page.click("[data-tab=queue]")
            expect(page.locator("[data-testid=state]", has_text="已发送")).to_have_count(2, timeout=20000)
            expect(page.locator("[data-testid=case-state]").first).to_contain_text(
                str(CaseState.HANDLED.label)
            )

            # Two more attempts, the second after "losing" the answer: the resend is answered, not redone.
            page.click("[data-testid=sync-now]")
            page.evaluate(FORGET_ANSWERS)
            answers = []
            page.on(
                "response",
                lambda r: (
                    answers.append(r.status)
                    if "/api/v1/field/tasks/" in r.url and r.request.method == "POST"
                    else None
                ),
            )
            page.click("[data-testid=sync-now]")
            expect(page.locator("[data-testid=state]", has_text="已发送")).to_have_count(2, timeout=20000)
            for _ in range(100):
                if len(answers) >= 2:
                    break
                page.wait_for_timeout(100)
            assert answers == [200, 200]  # each resent, each answered with its first result
            page.click("[data-testid=sync-now]")
            page.wait_for_timeout(500)
            saved = Case.objects.get(pk=case.pk)
            assert saved.state == CaseState.HANDLED and saved.result == "已清理完毕，路面冲洗干净"
            assert AuditEvent.objects.filter(action="case.accept").count() == 1
            assert AuditEvent.objects.filter(action="case.handle").count() == 1
            assert FieldAction.objects.count() == 2
            assert CaseEvidence.objects.filter(case=case, stage="handle").count() == 1
        finally:
            browser.close()


@pytest.mark.browser
def test_the_grid_of_a_report_is_found_on_the_device_offline(live_server, live_district, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    grid = live_district.grids[1]
    with sync_playwright() as p:
        browser, context = _browser_context(p, live_district, grid=1)
        try:
            page = context.new_page()
            _sign_in(page, live_server.url, "inspector")
            page.click("[data-tab=me]")
            expect(page.locator("#me .grids")).to_contain_text(re.compile(r"已缓存 [1-9]\d* 个网格轮廓"))

            _reload_offline(page, context)
            page.fill("[data-testid=category-search]", "垃圾")
            page.locator("[data-testid=category-results] button").first.click()
            page.click("[data-action=locate]")
            expect(page.locator("[data-testid=where-grid]")).to_have_text(f"网格 {grid.code}（本机计算）")
            page.fill("[data-testid=description]", "路口暴露垃圾")
            page.click("[data-testid=submit]")
            page.click("[data-tab=queue]")
            expect(page.locator("li.item .facts").first).to_contain_text(f"网格 {grid.code}")

            context.set_offline(False)
            expect(page.locator("[data-testid=state]", has_text="已发送")).to_have_count(1, timeout=20000)
            assert Case.objects.get().grid_id == grid.pk  # the server computed its own, the same
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_task_pages_at_390_px(live_server, live_district, monkeypatch, lang):
    """The inspector's tasks (a 核实 of a citizen's report and a 核查) and a handler's, in both languages."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    IntakeCheckSetting.objects.create(bureau=live_district.bureau, check_public_reports=True)
    public = report(
        live_district,
        role=R.OPERATOR,
        source=CaseSource.CITIZEN,
        description="小区门口占道经营",
        photos=[jpeg_upload(color=(200, 140, 40))],
    )
    Case.objects.filter(pk=public.pk).update(reporter_name="李小红", reporter_phone="13912345678")
    handled = drive(live_district, CaseState.HANDLED)
    shots = os.environ.get("FIELD_SHOTS")
    with sync_playwright() as p:
        browser, context = _browser_context(p, live_district)
        context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        try:
            page = context.new_page()
            _sign_in(page, live_server.url, "inspector")
            page.click("[data-tab=tasks]")
            expect(page.locator("[data-testid=task]")).to_have_count(2, timeout=20000)
            expect(page.locator("[data-testid=task]", has_text=handled.number).locator("img")).to_have_count(
                1
            )
            check = page.locator("[data-testid=task]", has_text=public.number)
            expect(check.locator("[data-testid=reporter]")).not_to_contain_text("13912345678")
            check.locator("[data-testid=task-open]").click()
            expect(check.locator("[data-testid=finding]")).to_be_visible()
            if shots:
                page.screenshot(path=f"{shots}/field-tasks-inspector-{lang}.png", full_page=True)
            page.click("[data-tab=report]")
            page.click("[data-action=locate]")
            expect(page.locator("[data-testid=where-grid]")).not_to_be_empty()
            if shots:
                page.screenshot(path=f"{shots}/field-report-grid-{lang}.png")
        finally:
            browser.close()


def _big_jpeg(*, taken_at, lon, lat) -> bytes:
    """A phone-sized photo (noise, so it stays over 1 MB) with EXIF time and GPS."""
    import io

    from PIL import Image

    from chengguan.core.clock import SHANGHAI
    from tests.cases.media import _dms

    image = Image.effect_noise((2400, 1800), 90).convert("RGB")
    exif = Image.Exif()
    stamp = taken_at.astimezone(SHANGHAI).strftime("%Y:%m:%d %H:%M:%S")
    exif[306] = stamp
    exif.get_ifd(0x8769)[36867] = stamp
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", _dms(lat), "E", _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


@pytest.mark.browser
def test_a_large_photo_is_compressed_on_the_device_and_keeps_its_exif(
    live_server, live_district, monkeypatch
):
    import datetime as dt
    import hashlib

    from PIL import Image

    from chengguan.field.models import FieldReport

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    lon, lat = live_district.point(0)
    taken = dt.datetime.now(dt.UTC).replace(microsecond=0)
    original = _big_jpeg(taken_at=taken, lon=lon, lat=lat)
    assert len(original) > 1024 * 1024
    with sync_playwright() as p:
        browser, context = _browser_context(p, live_district)
        try:
            page = context.new_page()
            _sign_in(page, live_server.url, "inspector")
            page.fill("[data-testid=category-search]", "垃圾")
            page.locator("[data-testid=category-results] button").first.click()
            page.set_input_files(
                "[data-testid=photo-input]",
                files=[{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": original}],
            )
            expect(page.locator("[data-testid=photos] img")).to_have_count(1, timeout=20000)
            page.click("[data-action=locate]")
            expect(page.locator("[data-testid=where-grid]")).not_to_be_empty()
            page.fill("[data-testid=description]", "人行道暴露垃圾")
            page.click("[data-testid=submit]")
            page.click("[data-tab=queue]")
            expect(page.locator("[data-testid=state]", has_text="已发送")).to_have_count(1, timeout=30000)
        finally:
            browser.close()
    item = CaseEvidence.objects.get()
    stored = item.file.read()
    assert item.size == len(stored) < len(original)
    assert item.sha256 == hashlib.sha256(stored).hexdigest()  # the hash of the bytes sent, checked
    import io

    assert max(Image.open(io.BytesIO(stored)).size) == 1600
    assert item.taken_at == taken and abs(item.lon - lon) < 1e-5 and abs(item.lat - lat) < 1e-5
    flags = FieldReport.objects.get().exif_flags
    assert flags == [f"{item.pk}:exif_from_device"]
