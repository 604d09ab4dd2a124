"""The in-browser uploader of a live session's recording: a ~20 MB file goes up in 8 MB chunks, the
connection breaks after the first chunk, the page is reloaded, the same file is picked again and the
upload carries on from the server's offset (surviving one more dropped chunk on the way); the stored
recording's SHA-256, shown on the page, equals the file's. With OUTREACH_SHOT_DIR set, the page is
saved as screenshots to look at."""

from __future__ import annotations

import hashlib
import os

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.org.roles import RoleCode as R
from chengguan.outreach.models import Recording, RecordingState
from chengguan.outreach.services import sha256_of_stored
from tests.cases.conftest import build_district
from tests.factories import DEMO_PASSWORD
from tests.outreach.conftest import new_broadcast
from tests.outreach.test_browser import _shot
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

MB = 1024 * 1024
SIZE = 20 * MB + 12345  # three chunks: 8 MB, 8 MB and the rest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_broken_upload_resumes_after_a_reload_and_the_hash_matches(
    live_server, settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is read between page steps
    settings.MEDIA_ROOT = str(tmp_path / "media")
    d = build_district()
    b = new_broadcast(d)
    video = tmp_path / "直播录像-夜市.mp4"
    video.write_bytes(os.urandom(SIZE))
    expected = hashlib.sha256(video.read_bytes()).hexdigest()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", d.users[R.SQUAD_LEADER].username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click(".login-card button[type=submit]")
        page.goto(f"{base}/outreach/broadcasts/{b.pk}/")
        uploader = page.locator("[data-testid=recording-upload]")

        # The first chunk goes through, then the network is gone for every chunk.
        sent = []

        def first_then_offline(route):
            sent.append(route.request.url)
            route.continue_() if len(sent) == 1 else route.abort("internetdisconnected")

        page.route("**/chunks/", first_then_offline)
        page.set_input_files("#recording-file", str(video))
        page.click("[data-testid=upload-start]")
        expect(uploader).to_have_attribute("data-state", "interrupted", timeout=30_000)
        expect(page.locator("[data-testid=upload-status]")).to_contain_text("上传中断")
        _shot(page, "staff-broadcast-upload-interrupted-zh")
        rec = Recording.objects.get(broadcast=b)
        assert (rec.state, rec.received, rec.parts) == (RecordingState.UPLOADING, 8 * MB, 1)
        assert len(sent) == 5  # the first chunk, then the second tried once and retried three times
        page.unroute("**/chunks/")

        # Reload: the page forgets everything; the server knows how far it got.
        page.reload()
        dropped = []

        def drop_one(route):
            if not dropped:
                dropped.append(route.request.url)
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/chunks/", drop_one)
        page.set_input_files("#recording-file", str(video))
        page.click("[data-testid=upload-start]")
        expect(uploader).to_have_attribute("data-state", "done", timeout=60_000)
        expect(page.locator("[data-testid=upload-sha256]")).to_have_text(expected)
        assert page.locator("[data-testid=upload-progress]").evaluate("e => e.value === e.max")
        _shot(page, "staff-broadcast-upload-done-zh")
        page.reload()
        expect(page.locator("[data-testid=recordings]")).to_contain_text(expected)
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page.reload()
        _shot(page, "staff-broadcast-upload-en")
        browser.close()

    (rec,) = Recording.objects.filter(broadcast=b)  # resumed, not started again
    assert rec.state == RecordingState.STORED and rec.received == rec.size == SIZE
    assert rec.sha256 == expected == sha256_of_stored(rec.file.name)
    assert dropped
