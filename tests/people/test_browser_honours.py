"""The honours pages in Chromium, in Chinese and English: a nomination's record with the 督察 findings
and the evaluation score, a unit's history of honours, and a published deed corrected from its page
going back for approval. PEOPLE_SHOTS=DIR keeps a screenshot of each page there."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.core.clock import pinned
from chengguan.duty.services import finding_record
from chengguan.org.roles import RoleCode as R
from chengguan.people import services
from tests.cases.conftest import build_district
from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.stats.evaluation import MON, NOW, SEP, september

SHOTS = os.environ.get("PEOPLE_SHOTS")


@pytest.fixture
def honoured(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    d = build_district()
    september(d)
    inspector, personnel, leader = d.users[R.INSPECTOR], d.users[R.PERSONNEL], d.users[R.LEADER]
    with pinned(MON):
        finding_record(
            actor=d.users[R.FORCE_INSPECTOR], unit=d.centre, person=inspector, kind="discipline",
            discipline="uniform", description="未按规定着装", place="建设路", observed_at=MON,
        )  # fmt: skip
    with pinned(NOW):
        person = services.programme_create(
            actor=personnel,
            bureau=d.bureau,
            name="文明执法标兵",
            period_start=SEP[0],
            period_end=SEP[1],
            quota=3,
        )
        unit = services.programme_create(
            actor=personnel, bureau=d.bureau, name="十佳中队", level="unit",
            period_start=SEP[0], period_end=SEP[1], quota=10,
        )  # fmt: skip
        nomination = services.nomination_submit(
            actor=leader, programme=person, nominee=inspector, reason="巡查发现问题多，上报及时"
        )
        honours = [
            services.nomination_submit(actor=leader, programme=unit, nominee_unit=d.squad, reason="管理有序"),
            services.nomination_submit(
                actor=leader, programme=person, nominee=d.users[R.HANDLER], reason="执法规范"
            ),
        ]
        for n in honours:
            services.nomination_transition(actor=personnel, nomination=n, action="review")
            services.nomination_transition(actor=leader, nomination=n, action="approve")
        deed = services.deed_record(
            actor=personnel, bureau=d.bureau, title="护送走失母女回家",
            what="巡查中遇到走失的母女，队员护送二人回家。",
            happened_on=dt.date(2026, 9, 3), place="建设路", people=[d.users[R.HANDLER]], consent=True,
            media_reports=[{"outlet": "郑州晚报", "date": "2026-09-05", "link": "https://example.org/a"}],
        )  # fmt: skip
        services.deed_transition(actor=personnel, deed=deed, action="submit")
        services.deed_transition(actor=leader, deed=deed, action="approve")
        services.deed_transition(actor=personnel, deed=deed, action="publish")
    return d, nomination, deed, person


def _shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_the_record_the_unit_page_and_a_deed_corrected(live_server, honoured):
    d, nomination, deed, programme = honoured
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(page, base, d.users[R.PERSONNEL].username, f"/people/nominations/{nomination.pk}/")
            expect(page.locator("[data-testid=record-findings]")).to_contain_text("风纪问题")
            expect(page.locator("[data-testid=record-findings]")).to_contain_text("着装不规范")
            expect(page.locator("[data-testid=record-score]")).to_contain_text(
                str(nomination.record["scores"]["score"])
            )
            _shoot(page, "people-nomination-zh")

            page.goto(f"{base}/people/honours/units/{d.squad.pk}/")
            expect(page.locator("[data-testid=unit-honours]")).to_contain_text("十佳中队")
            expect(page.locator("[data-testid=member-honours]")).to_contain_text("文明执法标兵")
            _shoot(page, "people-unit-zh")

            page.goto(f"{base}/people/honours/{programme.pk}/edit/")
            _shoot(page, "people-programme-edit-zh")

            page.goto(f"{base}/people/deeds/{deed.pk}/")
            page.click("[data-testid=deed-edit]")
            expect(page.locator("[data-testid=notice]")).to_be_visible()
            _shoot(page, "people-deed-edit-zh")
            page.fill("#id_what", "巡查中遇到走失的母女，队员护送二人回家，并联系了家属。")
            page.click("[data-testid=submit]")
            expect(page.locator("[data-testid=state]")).to_have_text("待审核")

            page.goto(f"{base}/people/nominations/{nomination.pk}/")
            page.click(".lang-switch button[value=en]")
            page.wait_for_load_state()
            expect(page.locator("[data-testid=record-findings]")).to_contain_text("Discipline")
            expect(page.locator("[data-testid=record-score]")).to_contain_text("ranked")
            _shoot(page, "people-nomination-en")
            page.goto(f"{base}/people/honours/units/{d.squad.pk}/")
            expect(page.locator("h2").first).to_have_text("Unit honours")
            _shoot(page, "people-unit-en")
            page.goto(f"{base}/people/deeds/{deed.pk}/edit/")
            _shoot(page, "people-deed-edit-en")
            page.goto(f"{base}/people/honours/{programme.pk}/edit/")
            _shoot(page, "people-programme-edit-en")
            assert errors == []
        finally:
            browser.close()
