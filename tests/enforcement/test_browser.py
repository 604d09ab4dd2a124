"""One general-procedure penalty case from proposal to closing with payment, through the web pages in
Debian's Chromium: a handler proposes it with two officers, the squad leader approves filing, the
handler uploads evidence, submits it for review and serves the prior notice, the leader decides, the
handler serves the decision and records the payment, and the squad leader closes the case."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.enforcement.models import PenaltyCase
from tests.cases.media import jpeg_bytes
from tests.cases.test_browser import CHROMIUM, CHROMIUM_ARGS, sign_in, sign_out

TODAY = dt.datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)


def act(page: Page, action: str, state: str, fields: dict[str, str] | None = None) -> None:
    """Open an action's form on the case page, fill it, submit, and see the case reach `state`."""
    page.click(f"[data-testid=action-{action}]")
    for name, value in (fields or {}).items():
        page.fill(f"#id_{action}-{name}", value)
    page.click(f"[data-testid=submit-{action}]")
    expect(page.locator("[data-testid=penalty-state]")).to_have_text(state)


def issue(page: Page, label: str) -> None:
    """Issue one document from the case page's document form (the file closing asks for)."""
    page.select_option("[data-testid=document-form] select", label=label)
    page.click("[data-testid=submit-document]")
    expect(page.locator("[data-testid=documents]")).to_contain_text(label)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_penalty_case_goes_from_proposal_to_closing_with_payment(live_server, office):
    base = live_server.url
    with pinned(TODAY), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))

            # 处置人员 proposes the case from the list page with two officers.
            sign_in(page, base, office.handler.username, "/enforcement/")
            page.click("[data-testid=start-propose]")
            page.fill("#id_facts", "在中原路人行道上摆摊经营，经责令改正拒不改正")
            page.check(f"input[name=officers][value='{office.handler.pk}']")
            page.check(f"input[name=officers][value='{office.handler2.pk}']")
            page.fill("#id_party_name", "王小明")
            page.fill("#id_party_id_number", "410102199003071230")
            page.click("[data-testid=submit-propose]")
            expect(page.locator("[data-testid=penalty-state]")).to_have_text("立案审批中")
            case_url = page.url
            expect(page.locator("[data-testid=parties]")).to_contain_text("王**")
            sign_out(page)

            # 中队长 approves filing: the case gets its number.
            sign_in(page, base, office.squad_leader.username, case_url.removeprefix(base))
            act(page, "approve_filing", "调查取证", {"filed_on": "2026-09-01"})
            expect(page.locator("[data-testid=penalty-number]")).to_contain_text(
                "中原城管罚立字〔2026〕第0001号"
            )
            expect(page.locator("[data-testid=deadlines]")).to_contain_text("《行政处罚法》第60条")
            issue(page, "立案审批表")
            sign_out(page)

            # 处置人员: evidence, submission with the legal basis and fine, prior notice.
            sign_in(page, base, office.handler.username, case_url.removeprefix(base))
            page.set_input_files(
                "#id_file", {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
            )
            page.fill("#id_description", "现场照片：人行道摆放货架三个")
            page.click("[data-testid=submit-evidence]")
            expect(page.locator("[data-testid=evidence]")).to_contain_text("现场照片")
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

            # 领导 decides.
            sign_in(page, base, office.leader.username, case_url.removeprefix(base))
            act(page, "decide", "已作出决定", {"decision_on": "2026-09-11"})
            issue(page, "行政处罚决定书")
            sign_out(page)

            # 处置人员 serves the decision and records the payment.
            sign_in(page, base, office.handler.username, case_url.removeprefix(base))
            act(page, "serve_decision", "执行中", {"decision_served_on": "2026-09-11"})
            expect(page.locator("[data-testid=deadlines]")).to_contain_text("缴纳罚款期限")
            act(page, "record_payment", "已缴纳", {"paid_on": "2026-09-14"})
            sign_out(page)

            # 中队长 closes it.
            sign_in(page, base, office.squad_leader.username, case_url.removeprefix(base))
            act(page, "close", "已结案")
            timeline = page.locator("[data-testid=timeline]")
            for step in ("提出立案", "批准立案", "上传证据", "作出处罚决定", "登记缴款", "结案"):
                expect(timeline).to_contain_text(step)
            expect(page.locator("[data-testid=no-actions]")).to_be_visible()
            assert script_errors == []
        finally:
            browser.close()

    case = PenaltyCase.objects.get()
    assert case.state == "closed" and case.paid_on == dt.date(2026, 9, 14)
    assert case.decision_number == "中原城管罚决字〔2026〕第0001号"
