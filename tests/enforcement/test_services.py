"""The general procedure's refusals (409 with the article), the simple procedure's thresholds, parties,
numbering, the full path to closing, and the surcharge."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import records, selectors, services
from chengguan.enforcement.models import PenaltyCase
from tests import factories
from tests.cases.media import jpeg_upload
from tests.enforcement.conftest import COMPANY, PERSON, complete_file, filed_case, notified_case

D = dt.date


def _go(office, case, action, actor=None, **payload):
    return services.penalty_transition(
        actor=actor or office.handler, case=case, action=action, payload=payload
    )


# ---------------------------------------------------------------- filing, parties, numbers


def test_filing_issues_gapless_numbers_in_the_bureau_style(office):
    first = filed_case(office, D(2026, 3, 2))
    second = filed_case(office, D(2026, 3, 3))
    assert first.number == "中原城管罚立字〔2026〕第0001号"
    assert second.number == "中原城管罚立字〔2026〕第0002号"


def test_party_ids_are_validated_and_masked(office):
    case = filed_case(office, D(2026, 3, 2), parties=[PERSON, COMPANY])
    person, company = case.parties.all()
    assert person.masked_name == "张**"
    assert person.masked_id == "410102********1230"
    assert company.masked_name == "中原餐饮有限公司"
    with pytest.raises(ValidationFailed) as bad_id:
        filed_case(office, D(2026, 3, 2), parties=[{**PERSON, "id_number": "410102199003071231"}])
    assert bad_id.value.code == "penalty.bad_id_number"
    with pytest.raises(ValidationFailed) as bad_code:
        filed_case(office, D(2026, 3, 2), parties=[{**COMPANY, "credit_code": "91410102MA1234567A"}])
    assert bad_code.value.code == "penalty.bad_credit_code"


def test_filing_needs_two_officers(office):
    case = services.penalty_case_propose(
        actor=office.handler,
        bureau=office.bureau,
        facts="占道经营",
        parties=[PERSON],
        officers=[office.handler],
    )
    with pytest.raises(Conflict) as refused:
        _go(office, case, "approve_filing", actor=office.squad_leader)
    assert refused.value.status == 409
    assert "第四十二条" in refused.value.message
    case.refresh_from_db()
    assert case.number is None and case.state == "proposed"


@pytest.mark.parametrize("role", ["handler", "inspector", "legal_reviewer"])
def test_only_chiefs_approve_filing_and_a_refusal_changes_nothing(office, role):
    case = services.penalty_case_propose(
        actor=office.handler,
        bureau=office.bureau,
        facts="占道经营",
        parties=[PERSON],
        officers=[office.handler, office.handler2],
    )
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        _go(office, case, "approve_filing", actor=getattr(office, role))
    case.refresh_from_db()
    assert case.state == "proposed"
    assert AuditEvent.objects.count() == events


def test_each_transition_writes_one_audit_event(office):
    case = filed_case(office, D(2026, 3, 2))
    before = AuditEvent.objects.filter(action__startswith="penalty.").count()
    _go(office, case, "submit_for_review", violated_provisions="条例第十四条", legal_basis="条例第三十六条")
    assert AuditEvent.objects.filter(action__startswith="penalty.").count() == before + 1


# ---------------------------------------------------------------- the decision's refusals


def test_no_decision_before_a_required_legal_review(office):
    case = notified_case(office, D(2026, 3, 2), D(2026, 3, 10), review_required=True)
    with pytest.raises(Conflict) as refused:
        _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 3, 20))
    assert refused.value.code == "penalty.legal_review_missing"
    assert "第五十八条" in refused.value.message
    assert PenaltyCase.objects.get(pk=case.pk).state == "notified"
    _go(office, case, "legal_review_pass", actor=office.legal_reviewer, opinion="事实清楚，证据确凿")
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 3, 20))
    assert case.state == "decided"
    assert case.decision_number == "中原城管罚决字〔2026〕第0001号"


def test_no_decision_while_the_hearing_request_period_runs(office):
    # Notice served Fri Sep 18: the 5 working days run to Thu Sep 24 (Sun Sep 20 is worked).
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=True)
    with pytest.raises(Conflict) as refused:
        _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 9, 24))
    assert refused.value.code == "penalty.hearing_period_open"
    assert "2026-09-24" in refused.value.message and "第六十四条" in refused.value.message
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 9, 25))
    assert case.state == "decided"


def test_a_requested_hearing_must_be_held_and_then_reviewed_before_deciding(office):
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=True)
    with pytest.raises(Conflict) as late:
        _go(office, case, "request_hearing", hearing_requested_on=D(2026, 9, 25))
    assert late.value.code == "penalty.hearing_request_late"
    case = _go(office, case, "request_hearing", hearing_requested_on=D(2026, 9, 21))
    with pytest.raises(Conflict):
        _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 10, 20))
    # Hearing Tue Oct 13: notice due by Mon Sep 28 (7 working days back across National Day).
    with pytest.raises(Conflict) as short_notice:
        _go(office, case, "schedule_hearing", hearing_on=D(2026, 10, 13), hearing_notice_on=D(2026, 9, 29))
    assert short_notice.value.code == "penalty.hearing_notice_late"
    case = _go(office, case, "schedule_hearing", hearing_on=D(2026, 10, 13), hearing_notice_on=D(2026, 9, 28))
    case = _go(office, case, "hold_hearing")
    with pytest.raises(Conflict) as unreviewed:
        _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 10, 20))
    assert unreviewed.value.code == "penalty.legal_review_missing"


def test_no_decision_after_90_days_without_a_recorded_reason(office):
    # Filed Fri Jul 3: day 90 is Oct 1, National Day, so the period ends Thu Oct 8.
    case = notified_case(office, D(2026, 7, 3), D(2026, 9, 1))
    with pytest.raises(Conflict) as refused:
        _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 10, 9))
    assert refused.value.code == "penalty.decision_overdue"
    assert "第六十条" in refused.value.message
    case = _go(
        office,
        case,
        "decide",
        actor=office.leader,
        decision_on=D(2026, 10, 9),
        overdue_reason="案情复杂，经集体讨论",
    )
    assert case.decision_overdue_reason == "案情复杂，经集体讨论"


def test_deciding_on_the_last_day_needs_no_reason(office):
    case = notified_case(office, D(2026, 7, 3), D(2026, 9, 1))
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 10, 8))
    assert case.state == "decided" and case.decision_overdue_reason == ""


def test_a_wrong_state_is_a_409(office):
    case = filed_case(office, D(2026, 3, 2))
    with pytest.raises(Conflict) as refused:
        _go(office, case, "decide", actor=office.leader)
    assert refused.value.code == "penalty.invalid_transition"


# ---------------------------------------------------------------- execution to closing


def test_unpaid_case_goes_through_reminder_and_court_to_closing(office):
    case = notified_case(office, D(2025, 6, 2), D(2025, 6, 20))
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2025, 8, 15))
    case = _go(office, case, "serve_decision", decision_served_on=D(2025, 8, 20))
    # Payment: Aug 20 + 15 = Thu Sep 4. Litigation: Aug 20 + 6 months = Fri Feb 20, 2026, Spring
    # Festival → Tue Feb 24, the end of the review periods.
    # Court window: Feb 24 + 3 months = Sun May 24 → Mon May 25.
    due = {d.period_id: d.due_on for d in case.deadlines.all()}
    assert due["apl_fine_payment"] == D(2025, 9, 4)
    assert case.review_periods_end_on == D(2026, 2, 24)
    assert due["acl_court_application_window"] == D(2026, 5, 25)
    with pytest.raises(Conflict) as early:
        _go(office, case, "serve_reminder", reminder_served_on=D(2025, 9, 4))
    assert early.value.code == "penalty.reminder_too_early"
    # Reminder served Tue Feb 10, 2026: the 10 working days end Mon Mar 2.
    case = _go(office, case, "serve_reminder", reminder_served_on=D(2026, 2, 10))
    with pytest.raises(Conflict) as waiting:
        _go(office, case, "apply_court", actor=office.squad_leader, court_applied_on=D(2026, 3, 2))
    assert waiting.value.code == "penalty.court_too_early"
    with pytest.raises(Conflict) as too_late:
        _go(office, case, "apply_court", actor=office.squad_leader, court_applied_on=D(2026, 5, 26))
    assert too_late.value.code == "penalty.court_window_passed"
    case = _go(office, case, "apply_court", actor=office.squad_leader, court_applied_on=D(2026, 3, 3))
    complete_file(office, case)
    case = _go(office, case, "close", actor=office.squad_leader)
    assert case.state == "closed"
    out = StringIO()
    call_command("legal_periods", "--case", case.number, stdout=out)
    printed = {d["period_id"]: d for d in json.loads(out.getvalue())["deadlines"]}
    assert printed["acl_court_application_window"]["due_on"] == "2026-05-25"
    assert printed["acl_court_application_window"]["met_on"] == "2026-03-03"
    assert printed["acl_reminder_before_court_application"]["due_on"] == "2026-03-02"
    assert printed["apl_decision_deadline"]["article"] == "APL Art.60"


def test_suspend_and_resume_return_to_the_same_stage(office):
    case = filed_case(office, D(2026, 3, 2))
    case = _go(office, case, "suspend", actor=office.leader, reason="当事人下落不明")
    assert case.state == "suspended"
    case = _go(office, case, "resume", actor=office.leader)
    assert case.state == "investigating"


# ---------------------------------------------------------------- simple procedure


def _simple(office, party, fine, **kw):
    return services.penalty_simple_decide(
        actor=office.handler,
        bureau=office.bureau,
        facts="乱扔垃圾",
        legal_basis="《城市市容和环境卫生管理条例》第三十四条",
        party=party,
        fine_amount=fine,
        officers=[office.handler, office.handler2],
        decided_on=D(2026, 5, 6),
        **kw,
    )


def test_simple_procedure_thresholds(office):
    assert _simple(office, PERSON, 200).state == "executing"
    assert _simple(office, COMPANY, 3000).fine_amount == Decimal("3000.00")
    with pytest.raises(ValidationFailed) as person:
        _simple(office, PERSON, 201)
    assert person.value.code == "penalty.simple_over_limit" and "第五十一条" in person.value.message
    with pytest.raises(ValidationFailed) as company:
        _simple(office, COMPANY, 3001)
    assert company.value.code == "penalty.simple_over_limit"
    assert PenaltyCase.objects.count() == 2


def test_on_the_spot_collection_only_up_to_100_yuan(office):
    paid = _simple(office, PERSON, 100, collected_on_spot=True)
    assert paid.state == "paid" and paid.number == "中原城管罚简字〔2026〕第0001号"
    with pytest.raises(ValidationFailed) as refused:
        _simple(office, PERSON, 101, collected_on_spot=True)
    assert refused.value.code == "penalty.on_spot_over_limit" and "第六十八条" in refused.value.message


# ---------------------------------------------------------------- surcharge


def test_surcharge_is_capped_at_the_fine(office):
    case = _simple(office, COMPANY, 1000)
    # Served May 6: payment due May 21. 40 days late = Jun 30; 40 × 30 = 1,200 → capped at 1,000.
    assert selectors.surcharge_on(case, D(2026, 6, 30)) == Decimal("1000.00")
    # 20 days late (Jun 10): 20 × 30 = 600.
    assert selectors.surcharge_on(case, D(2026, 6, 10)) == Decimal("600.00")


def test_days_under_review_bear_no_surcharge(office):
    case = _simple(office, COMPANY, 1000)
    review = services.penalty_review_record(
        actor=office.legal_reviewer,
        case=case,
        kind="reconsideration",
        applied_on=D(2026, 6, 1),
        body="区政府",
    )
    services.penalty_review_conclude(
        actor=office.legal_reviewer, review=review, concluded_on=D(2026, 6, 10), outcome="upheld"
    )
    # 40 days after May 21, of which Jun 1–10 (10 days) under review: 30 × 30 = 900.
    assert selectors.surcharge_on(case, D(2026, 6, 30)) == Decimal("900.00")


# ---------------------------------------------------------------- added with the pages and the API


def test_decision_waits_out_the_statement_and_hearing_period_across_the_spring_festival(office):
    # Notice served Wed Feb 11: five working days are 12, 13, Sat 14 (worked), then Feb 24, 25.
    case = notified_case(office, D(2026, 2, 2), D(2026, 2, 11), hearing_offered=True)
    with pytest.raises(Conflict) as early:
        _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 2, 25))
    assert early.value.code == "penalty.hearing_period_open" and "2026-02-25" in early.value.message
    with pytest.raises(Conflict) as late:
        _go(office, case, "request_hearing", hearing_requested_on=D(2026, 2, 26))
    assert late.value.code == "penalty.hearing_request_late"
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 2, 26))
    assert case.state == "decided"


def test_a_warning_is_closed_when_decided_and_a_simple_fine_is_paid_then_closed(office):
    warning = _simple(office, PERSON, 0)
    assert warning.state == "closed" and warning.closed_on == D(2026, 5, 6)
    assert list(warning.deadlines.values_list("period_id", flat=True)) == [
        "arl_application_period",
        "all_direct_suit",
        "acl_court_application_window",
    ]
    fine = _simple(office, PERSON, 150)
    assert selectors.available_actions(fine, office.handler) == ["record_payment", "serve_reminder"]
    fine = _go(office, fine, "record_payment", paid_on=D(2026, 5, 12))
    fine = _go(office, fine, "close", actor=office.squad_leader)
    assert fine.state == "closed"
    with pytest.raises(Conflict):  # the general procedure's steps do not apply to it
        _go(office, _simple(office, PERSON, 80), "submit_for_review", legal_basis="x")


def test_officers_must_belong_to_the_bureau(office):
    stranger = factories.staff(factories.bureau(name="别的局", code="410103"), "handler").user
    with pytest.raises(ValidationFailed) as refused:
        services.penalty_case_propose(
            actor=office.handler,
            bureau=office.bureau,
            facts="x",
            parties=[PERSON],
            officers=[office.handler, stranger],
        )
    assert refused.value.fields == {"officers": ["执法人员须为本机关人员。"]}
    assert not PenaltyCase.objects.exists()


def test_evidence_is_refused_once_the_investigation_has_ended(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 2))
    with pytest.raises(Conflict) as refused:
        services.penalty_evidence_add(
            actor=office.handler, case=case, upload=jpeg_upload(), description="照片"
        )
    assert refused.value.code == "penalty.invalid_transition"
    assert not AuditEvent.objects.filter(action="penalty.evidence_add").exists()


@pytest.mark.parametrize("short_name", ["中原城管局", "中原城管", ""])
def test_penalty_numbers_start_with_the_bureaus_abbreviation(db, short_name):
    bureau = factories.bureau(name="中原区城市管理局", short_name=short_name)
    assert records.document_prefix(bureau, "决") == "中原城管罚决字"


def test_the_prefix_setting_is_only_the_default_of_a_bureau_without_a_short_name(db, settings):
    settings.PENALTY_DOCUMENT_PREFIX = "郑州城管"
    zhongyuan = factories.bureau(name="中原区城市管理局", short_name="中原城管局")
    jinshui = factories.bureau(name="金水区城市管理局", code="410105", short_name="金水城管局")
    unnamed = factories.bureau(name="某区城市管理局", code="410199", short_name="")
    assert records.document_prefix(zhongyuan, "决") == "中原城管罚决字"
    assert records.document_prefix(jinshui, "决") == "金水城管罚决字"
    assert records.document_prefix(unnamed, "决") == "郑州城管罚决字"
