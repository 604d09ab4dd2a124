"""The campaign pages in a real browser: a partner department's contact signs in, lands on their
tasks and reports progress; the lead unit's leader sees the campaign page in Chinese and English.
With CAMPAIGN_SHOT_DIR set, each page is also saved as a screenshot to look at."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from chengguan.campaigns import services
from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from tests.campaigns.conftest import build_world, started
from tests.cases.conftest import build_district
from tests.factories import DEMO_PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS


def _shot(page, name: str) -> None:
    target = os.environ.get("CAMPAIGN_SHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{target}/{name}.png", full_page=True)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click(".login-card button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_partner_contact_reports_and_the_leader_sees_the_campaign(live_server):
    d = build_district()
    w = build_world(d)
    lead = d.users[R.SQUAD_LEADER]
    campaign = started(w)
    phase = services.task_add(actor=lead, campaign=campaign, kind="phase", title="集中整治阶段")
    task = services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="派警力维护夜市秩序",
        parent=phase,
        assignee=w.police,
        target=20,
        due_on=clock.today() + dt.timedelta(days=10),
    )
    services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="每日巡查",
        parent=phase,
        assignee=d.squad,
        due_on=clock.today() - dt.timedelta(days=1),
    )
    op = services.operation_record(
        actor=lead,
        campaign=campaign,
        kind="inspection",
        starts_at=clock.now() - dt.timedelta(hours=3),
        ends_at=clock.now() - dt.timedelta(hours=1),
        place="建设路夜市",
        participants=[{"name": "李四", "department": w.police, "cert_no": "J410102"}],
        findings="占道经营 3 处",
    )
    services.operation_file_problem(
        actor=d.users[R.INSPECTOR],
        operation=op,
        source="patrol",
        category=d.hours_category,
        description="夜市摊点占道",
        lon=d.point(0)[0],
        lat=d.point(0)[1],
    )
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
            _sign_in(page, base, "police_contact")
            expect(page).to_have_url(f"{base}/campaigns/tasks/")
            expect(page.get_by_test_id("my-tasks")).to_contain_text("派警力维护夜市秩序")
            expect(page.get_by_test_id("my-tasks")).not_to_contain_text("每日巡查")
            _shot(page, "partner-tasks")
            page.click(f"[data-testid=task-{task.pk}]")
            page.fill("textarea[name=text]", "出动警力 6 人，清理摊点 8 处")
            page.fill("input[name=figure]", "8")
            page.click("[data-testid=submit-report]")
            expect(page.get_by_test_id("report")).to_contain_text("清理摊点 8 处")
            _shot(page, "partner-task")

            leader = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
            _sign_in(leader, base, lead.username)
            leader.goto(f"{base}/campaigns/{campaign.pk}/")
            expect(leader.get_by_test_id("fig-found")).to_have_text("1")
            _shot(leader, "campaign-zh")
            leader.goto(f"{base}/campaigns/operations/{op.pk}/")
            _shot(leader, "operation-zh")
            leader.goto(f"{base}/campaigns/new/")
            _shot(leader, "new-zh")
            # The plan after creation: raise a target, add a partner department with its contact.
            leader.goto(f"{base}/campaigns/{campaign.pk}/")
            leader.click("[data-testid=edit]")
            leader.fill("input[name=goal_0_target]", "15")
            leader.select_option("select[name=partner_2]", str(w.court.pk))
            leader.fill("input[name=partner_2_contact]", "孙法官")
            _shot(leader, "edit-zh")
            leader.click("[data-testid=submit]")
            expect(leader).to_have_url(f"{base}/campaigns/{campaign.pk}/")
            expect(leader.get_by_test_id("goals")).to_contain_text("15")
            expect(leader.locator("dl.facts")).to_contain_text("孙法官")
            leader.goto(f"{base}/stats/?from=2026-09-01&to={clock.today().isoformat()}")
            expect(leader.get_by_test_id("campaigns-found")).to_have_text("1")
            _shot(leader, "stats-zh")
            leader.goto(f"{base}/campaigns/")
            leader.click("form.lang-switch button[value=en]")
            leader.goto(f"{base}/campaigns/{campaign.pk}/")
            expect(leader.locator("html")).to_have_attribute("lang", "en")
            _shot(leader, "campaign-en")
            leader.goto(f"{base}/campaigns/{campaign.pk}/edit/")
            _shot(leader, "edit-en")
            leader.goto(f"{base}/stats/?from=2026-09-01&to={clock.today().isoformat()}")
            _shot(leader, "stats-en")
            leader.goto(f"{base}/campaigns/")
            _shot(leader, "list-en")

            public = browser.new_context(locale="zh-CN", viewport={"width": 414, "height": 900}).new_page()
            public.goto(f"{base}/")
            expect(public.get_by_test_id("link-news")).to_be_visible()
            _shot(public, "portal-zh")
            public.click("[data-testid=link-news]")
            expect(public).to_have_url(f"{base}/news/")
            public.goto(f"{base}/")
            public.click("form.lang-switch button[value=en]")
            expect(public.get_by_test_id("link-news")).to_contain_text("Special action news")
            _shot(public, "portal-en")
        finally:
            browser.close()
