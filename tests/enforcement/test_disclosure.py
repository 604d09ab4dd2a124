"""行政执法公示 (行政处罚法 第四十八条): a served decision is published with natural persons masked;
a decision revoked, changed or confirmed unlawful is withdrawn within three working days; the effects
of reconsideration and litigation on the case; the loss-rate figure; the public pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import disclosure, figures, services
from chengguan.enforcement.models import PenaltyDisclosure
from tests.enforcement.conftest import COMPANY, PERSON, VIOLATED, filed_case
from tests.enforcement.test_documents import BASIS, _go, simple_case

D = dt.date


def served_case(office, *, parties=(PERSON,)):
    """A decision served on 2026-03-12; the case is executing."""
    case = filed_case(office, D(2026, 3, 2), parties=parties)
    case = _go(
        office, case, "submit_for_review", violated_provisions=VIOLATED, legal_basis=BASIS, fine_amount="1000"
    )
    case = _go(office, case, "serve_notice", notice_served_on=D(2026, 3, 3))
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 3, 11))
    return _go(office, case, "serve_decision", decision_served_on=D(2026, 3, 12))


REVIEW_DECIDED_ON = D(2026, 9, 30)


def concluded(office, case, outcome: str, *, on=REVIEW_DECIDED_ON, fine_amount=None):
    review = services.penalty_review_record(
        actor=office.legal_reviewer,
        case=case,
        kind="reconsideration",
        applied_on=D(2026, 4, 20),
        body="区人民政府",
    )
    return services.penalty_review_conclude(
        actor=office.legal_reviewer, review=review, concluded_on=on, outcome=outcome, fine_amount=fine_amount
    )


def test_serving_a_decision_publishes_it_with_the_person_masked(office):
    case = served_case(office, parties=(PERSON, COMPANY))
    item = case.disclosure
    assert item.decision_number == case.decision_number
    assert item.party_display == "张某某、中原餐饮有限公司"
    assert item.published_on == D(2026, 3, 12)
    assert item.penalty == "罚款人民币1,000.00元"
    assert AuditEvent.objects.filter(action="penalty.disclosure_publish", object_id=str(case.pk)).count() == 1


def test_names_and_numbers_typed_into_the_facts_are_scrubbed(office):
    case = filed_case(office, D(2026, 3, 2))
    case.facts = "张三丰（410102199003071230，电话13812345678）在中原路占道经营"
    case.save(update_fields=["facts"])
    case = _go(
        office, case, "submit_for_review", violated_provisions=VIOLATED, legal_basis=BASIS, fine_amount="1000"
    )
    case = _go(office, case, "serve_notice", notice_served_on=D(2026, 3, 3))
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 3, 11))
    case = _go(office, case, "serve_decision", decision_served_on=D(2026, 3, 12))
    assert case.disclosure.facts == "张某某（410102********1230，电话138****5678）在中原路占道经营"


def test_simple_procedure_decisions_are_not_published(office):
    case = simple_case(office)
    assert not PenaltyDisclosure.objects.filter(case=case).exists()
    with pytest.raises(Conflict):
        disclosure.disclosure_publish(actor=office.leader, case=case)


def test_revoked_decision_ends_the_case_and_must_be_withdrawn_within_three_working_days(office):
    case = served_case(office)
    concluded(office, case, "revoked")
    case.refresh_from_db()
    assert case.state == "terminated"
    assert "撤销" in case.reason
    item = case.disclosure
    # 30 Sept 2026 → National Day holiday 1–7 Oct; 8, 9 and the make-up working Saturday 10 Oct.
    assert item.withdrawal_due_on == D(2026, 10, 10)
    assert not item.is_withdrawn
    assert list(disclosure.overdue_withdrawals(today=D(2026, 10, 10))) == []
    assert list(disclosure.overdue_withdrawals(today=D(2026, 10, 11))) == [item]

    with pytest.raises(PermissionDenied):
        disclosure.disclosure_withdraw(actor=office.handler, disclosure=item)
    disclosure.disclosure_withdraw(actor=office.legal_reviewer, disclosure=item, on=D(2026, 10, 9))
    item.refresh_from_db()
    assert item.withdrawn_on == D(2026, 10, 9) and "撤销" in item.withdrawal_reason
    assert list(disclosure.overdue_withdrawals(today=D(2026, 10, 11))) == []
    with pytest.raises(Conflict):
        disclosure.disclosure_withdraw(actor=office.legal_reviewer, disclosure=item)


def test_changed_decision_changes_the_fine_and_unlawful_is_noted(office):
    changed = served_case(office)
    concluded(office, changed, "changed", fine_amount="600")
    changed.refresh_from_db()
    assert changed.fine_amount == Decimal("600.00") and changed.state == "executing"
    assert "变更为600.00元" in changed.reason
    assert changed.disclosure.withdrawal_due_on is not None

    unlawful = served_case(office)
    concluded(office, unlawful, "unlawful", on=D(2026, 5, 20))
    unlawful.refresh_from_db()
    assert "确认违法" in unlawful.reason and unlawful.fine_amount == Decimal("1000.00")
    assert unlawful.disclosure.withdrawal_due_on == D(2026, 5, 25)

    upheld = served_case(office)
    concluded(office, upheld, "upheld")
    upheld.refresh_from_db()
    assert upheld.disclosure.withdrawal_due_on is None and upheld.reason == ""


def test_a_new_fine_is_only_taken_with_the_changed_outcome(office):
    case = served_case(office)
    review = services.penalty_review_record(
        actor=office.legal_reviewer, case=case, kind="litigation", applied_on=D(2026, 4, 20)
    )
    with pytest.raises(ValidationFailed) as bad:
        services.penalty_review_conclude(
            actor=office.legal_reviewer,
            review=review,
            concluded_on=D(2026, 6, 1),
            outcome="upheld",
            fine_amount="5",
        )
    assert "fine_amount" in bad.value.fields
    review.refresh_from_db()
    assert review.outcome == "" and review.concluded_on is None


def test_loss_rate_counts_revoked_changed_and_unlawful_over_concluded(office):
    for outcome in ("upheld", "upheld", "revoked", "unlawful"):
        concluded(office, served_case(office), outcome)
    services.penalty_review_record(
        actor=office.legal_reviewer, case=served_case(office), kind="litigation", applied_on=D(2026, 5, 6)
    )
    result = figures.review_figures(bureau=office.bureau, year=2026)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN r.outcome IN ('revoked','changed','unlawful') THEN 1 ELSE 0 END)"
            " FROM enforcement_penaltyreview r JOIN enforcement_penaltycase c ON c.id = r.case_id"
            " WHERE c.bureau_id = %s AND r.concluded_on IS NOT NULL",
            [office.bureau.pk],
        )
        n, lost = cursor.fetchone()
    assert (result.applied, result.concluded, result.lost) == (5, n, lost) == (5, 4, 2)
    assert result.loss_rate == Decimal("50.0")


def test_public_pages_show_the_masked_decision_and_only_the_reason_once_withdrawn(office, client):
    case = served_case(office)
    item = case.disclosure
    listing = client.get("/publicity/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert case.decision_number in html and "张某某" in html
    detail = client.get(f"/publicity/{item.pk}/").content.decode()
    assert BASIS in detail and "张某某" in detail
    for secret in (PERSON["name"], PERSON["id_number"], PERSON["address"]):
        assert secret not in html and secret not in detail

    concluded(office, case, "revoked")
    disclosure.disclosure_withdraw(actor=office.leader, disclosure=item)
    withdrawn = client.get(f"/publicity/{item.pk}/").content.decode()
    assert "已撤回" in withdrawn and "撤销" in withdrawn
    assert BASIS not in withdrawn and "罚款人民币" not in withdrawn
    assert client.get("/publicity/999999/").status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_reads_the_publication_in_a_browser(office, live_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

    case = served_case(office, parties=(PERSON,))
    served_case(office, parties=(COMPANY,))
    revoked = served_case(office, parties=(PERSON,))
    concluded(office, revoked, "revoked")
    disclosure.disclosure_withdraw(actor=office.leader, disclosure=revoked.disclosure)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860}).new_page()
            page.goto(f"{live_server.url}/publicity/")
            expect(page.get_by_test_id("publicity-item")).to_have_count(3)
            listing = page.get_by_test_id("publicity-list")
            expect(listing).to_contain_text("张某某")
            expect(listing).to_contain_text(COMPANY["name"])
            expect(listing).to_contain_text("已撤回")
            page.screenshot(path=str(tmp_path / "publicity_list.png"), full_page=True)

            page.get_by_text(case.decision_number).click()
            expect(page.get_by_test_id("publicity-party")).to_have_text("张某某")
            expect(page.get_by_test_id("publicity-detail")).to_contain_text(BASIS)
            assert PERSON["id_number"] not in page.content()
            page.screenshot(path=str(tmp_path / "publicity_detail.png"), full_page=True)

            page.go_back()
            page.get_by_text(revoked.decision_number).click()
            expect(page.get_by_test_id("publicity-withdrawn")).to_contain_text("撤销")
            expect(page.get_by_test_id("publicity-detail")).to_have_count(0)
            page.screenshot(path=str(tmp_path / "publicity_withdrawn.png"), full_page=True)
        finally:
            browser.close()


def test_the_public_page_masks_numbers_in_snapshots_taken_before_the_masking(office, client):
    """Issue 11 item 7: publicity pages mask on output too, old snapshots included."""
    item = served_case(office).disclosure
    PenaltyDisclosure.objects.filter(pk=item.pk).update(
        facts="当事人（身份证41010219900307123X，电话13812345678）"
    )
    detail = client.get(f"/publicity/{item.pk}/").content.decode()
    assert "41010219900307123X" not in detail and "13812345678" not in detail
    assert "410102********123X" in detail and "138****5678" in detail
