"""A general-procedure penalty case through the web pages alone, from filing to a case-file evaluation
score, in Debian's Chromium: the evidence register and a document the stage allows, a reconsideration
registered on the case page (before closing: the current rules stop it once the case is closed), and
the legal office choosing the closed file and scoring it item by item. Screenshots of the new pages,
in Chinese and English, go to $SCREENSHOT_DIR when it is set."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.enforcement.models import CaseFileEvaluation, PenaltyCase
from tests.cases.media import jpeg_bytes
from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in, sign_out
from tests.enforcement.test_browser import act, issue

TODAY = dt.datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_penalty_case_goes_from_filing_to_an_evaluation_score_on_the_web(live_server, office):
    base = live_server.url
    with pinned(TODAY), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
            page = context.new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))

            sign_in(page, base, office.handler.username, "/enforcement/propose/")
            page.fill("#id_facts", "在中原路人行道上摆摊经营，经责令改正拒不改正")
            page.check(f"input[name=officers][value='{office.handler.pk}']")
            page.check(f"input[name=officers][value='{office.handler2.pk}']")
            page.fill("#id_party_name", "王小明")
            page.fill("#id_party_id_number", "410102199003071230")
            page.click("[data-testid=submit-propose]")
            case_path = page.url.removeprefix(base)
            sign_out(page)

            sign_in(page, base, office.squad_leader.username, case_path)
            act(page, "approve_filing", "调查取证", {"filed_on": "2026-09-01"})
            issue(page, "立案审批表")
            sign_out(page)

            # 处置人员: an entry of the evidence register, then the preservation notice the stage allows.
            sign_in(page, base, office.handler.username, case_path)
            page.set_input_files(
                "#id_file", {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
            )
            page.fill("#id_description", "现场照片：人行道摆放货架三个")
            page.select_option("#id_method", "photographed")
            page.fill("#id_place", "中原路12号门前")
            page.fill("#id_collected_at", "2026-09-01T16:30")
            page.click("[data-testid=submit-evidence]")
            register = page.locator("[data-testid=evidence-1]")
            expect(register).to_contain_text("中原路12号门前")
            expect(register).to_contain_text("视听资料")
            page.select_option("[data-testid=document-form] select", "preservation_notice")
            page.click("[data-testid=submit-document]")
            expect(page.locator("[data-testid=document-preservation_notice]")).to_be_visible()
            page.click("[data-testid=documents-not-offered] summary")
            expect(page.locator("[data-testid=documents-not-offered]")).to_contain_text("行政处罚决定书")
            shot(page, "case-page-zh")
            act(
                page,
                "submit_for_review",
                "案件审查",
                {
                    "violated_provisions": "《城市市容和环境卫生管理条例》第十四条",
                    "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
                    "fine_amount": "500",
                },
            )
            act(page, "serve_notice", "已事先告知", {"notice_served_on": "2026-09-07"})
            issue(page, "行政处罚事先告知书")
            sign_out(page)

            sign_in(page, base, office.leader.username, case_path)
            act(page, "decide", "已作出决定", {"decision_on": "2026-09-11"})
            issue(page, "行政处罚决定书")
            sign_out(page)

            sign_in(page, base, office.handler.username, case_path)
            act(page, "serve_decision", "执行中", {"decision_served_on": "2026-09-11"})
            sign_out(page)

            # 法制员 registers the party's reconsideration on the case page, and later its outcome.
            sign_in(page, base, office.legal_reviewer.username, case_path)
            page.click("[data-testid=open-review-form]")
            page.select_option("#id_review-kind", "reconsideration")
            page.fill("#id_review-body", "中原区人民政府")
            page.fill("#id_review-applied_on", "2026-09-12")
            page.click("[data-testid=submit-review]")
            reviews = page.locator("[data-testid=reviews]")
            expect(reviews).to_contain_text("中原区人民政府")
            expect(reviews).to_contain_text("审理中")
            opener = page.locator("[data-testid^=open-conclude-]")
            review_pk = opener.get_attribute("data-testid").removeprefix("open-conclude-")
            page.click(f"[data-testid=open-conclude-{review_pk}]")
            page.fill(f"#id_conclude-{review_pk}-concluded_on", "2026-09-14")
            page.select_option(f"#id_conclude-{review_pk}-outcome", "upheld")
            page.click(f"[data-testid=submit-conclude-{review_pk}]")
            expect(reviews).to_contain_text("维持")
            shot(page, "case-reviews-zh")
            sign_out(page)

            sign_in(page, base, office.handler.username, case_path)
            act(page, "record_payment", "已缴纳", {"paid_on": "2026-09-14"})
            sign_out(page)
            sign_in(page, base, office.squad_leader.username, case_path)
            act(page, "close", "已结案")
            sign_out(page)

            # 法制员: choose the closed file for evaluation and score it against the checklist.
            period = "/enforcement/evaluation/?date_from=2026-09-01&date_to=2026-09-30"
            sign_in(page, base, office.legal_reviewer.username, "/enforcement/evaluation/")
            page.goto(base + period)
            case_pk = case_path.strip("/").rsplit("/", 1)[-1]  # no ORM inside Playwright's event loop
            page.check(f"[data-testid=select-{case_pk}]")
            page.click("[data-testid=submit-select]")
            page.click(f"[data-testid=score-{case_pk}]")
            expect(page.locator("[data-testid=item-evidence]")).to_contain_text("证据清单1项")
            page.fill("input[name='deductions.evidence']", "3")
            page.fill("input[name='deductions.archive']", "2")
            page.fill("#id_notes", "未制作结案报告")
            page.click("[data-testid=submit-score]")
            expect(page.locator("[data-testid=evaluation-score]")).to_contain_text("95.0")
            expect(page.locator("[data-testid=evaluation-score]")).to_contain_text("合格")
            shot(page, "evaluation-score-zh")
            page.goto(base + period)
            expect(page.locator("[data-testid=evaluation-total]")).to_contain_text("100.0%")
            shot(page, "evaluation-list-zh")
            if SHOTS:
                context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
                page.reload()
                shot(page, "evaluation-list-en")
                page.goto(f"{base}/enforcement/evaluation/{case_pk}/")
                shot(page, "evaluation-score-en")
                page.goto(base + case_path)
                page.click("[data-testid=documents-not-offered] summary")
                shot(page, "case-page-en")
            assert script_errors == []
        finally:
            browser.close()

    assert PenaltyCase.objects.get().reviews.get().outcome == "upheld"
    record = CaseFileEvaluation.objects.get()
    assert (record.score, record.passed, record.evaluator_name) == (
        95,
        True,
        office.legal_reviewer.profile.full_name,
    )
