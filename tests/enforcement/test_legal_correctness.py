"""The penalty procedure's legal refusals (issue 19, items 1–5): each refused step is a 409 naming the
article and changes nothing (no audit event, the state as it was), is not offered where the rule
already refuses it, and the lawful path goes through — on the kernel and over the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import casefile, periods, services
from chengguan.enforcement.models import PenaltyCase, PenaltyEvidence, PenaltySettings
from chengguan.enforcement.states import FIELDS, PENALTY_MACHINE
from tests.enforcement.conftest import complete_file, filed_case, notified_case
from tests.enforcement.test_api import BASE, act, api, at

D = dt.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _go(office, case, action, actor=None, **payload) -> PenaltyCase:
    return services.penalty_transition(
        actor=actor or office.handler, case=case, action=action, payload=payload
    )


def _unchanged(case: PenaltyCase, state: str, events: int) -> None:
    """A refusal wrote nothing: the case is in its state and the audit trail as long as before."""
    assert PenaltyCase.objects.get(pk=case.pk).state == state
    assert AuditEvent.objects.count() == events


def _refused(call, code: str, *words: str) -> Conflict:
    with pytest.raises(Conflict) as refused:
        call()
    assert refused.value.code == code
    for word in words:
        assert word in refused.value.message
    return refused.value


# ---------------------------------------------------------------- 1. the statement period


def test_the_statement_period_runs_three_working_days_across_national_day(office):
    # Served Wed 30 Sep 2026: 1–7 Oct are the holiday, Thu 8, Fri 9 and the make-up Saturday 10 Oct
    # are the three working days (a Monday–Friday count would have ended on 5 Oct, inside the holiday).
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 30))
    assert case.statement_due_on == D(2026, 10, 10)
    due = {d.period_id: d for d in case.deadlines.all()}[periods.STATEMENT_PERIOD_ID]
    assert (due.due_on, due.article) == (D(2026, 10, 10), "APL Art.44 + Art.45 + Art.85")
    events = AuditEvent.objects.count()
    refusal = _refused(
        lambda: _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 10, 10)),
        "penalty.statement_period_open",
        "2026-10-10",
        "第四十四条、第四十五条",
    )
    assert refusal.status == 409
    _unchanged(case, "notified", events)
    # Not offered on the last day of the period; offered, and allowed, the working day after.
    with at(D(2026, 10, 10)):
        assert "decide" not in services.available_actions(case, office.leader)
    with at(D(2026, 10, 12)):
        assert "decide" in services.available_actions(case, office.leader)
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 10, 12))
    assert case.state == "decided"


def test_a_recorded_waiver_ends_the_period_early_over_the_api(office):
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 30))
    events = AuditEvent.objects.count()
    refused = act(office.leader, case.pk, "decide", {"decision_on": "2026-10-08"}, D(2026, 10, 8))
    assert refused.status_code == 409 and refused.json()["code"] == "penalty.statement_period_open"
    assert "第四十五条" in refused.json()["message"]
    _unchanged(case, "notified", events)
    with at(D(2026, 10, 8)):
        offered = [
            a["action"] for a in api(office.leader).get(f"{BASE}{case.pk}/").json()["available_actions"]
        ]
    assert "decide" not in offered

    waived = act(office.handler, case.pk, "record_statement", {"statement_kind": "waived"}, D(2026, 10, 8))
    assert waived.status_code == 200, waived.json()
    assert waived.json()["statement_kind"] == "waived" and waived.json()["statement_on"] == "2026-10-08"
    # Recorded once: a second statement is refused and, like any refusal, changes nothing.
    events = AuditEvent.objects.count()
    again = act(office.handler, case.pk, "record_statement", {"statement_kind": "stated"}, D(2026, 10, 8))
    assert again.status_code == 409 and again.json()["code"] == "penalty.statement_already_recorded"
    assert AuditEvent.objects.count() == events
    decided = act(office.leader, case.pk, "decide", {"decision_on": "2026-10-08"}, D(2026, 10, 8))
    assert decided.status_code == 200 and decided.json()["state"] == "decided"


def test_the_period_is_the_bureaus_setting_and_a_served_notice_keeps_its_own(office):
    assert periods.statement_period(office.bureau).days == 3
    early = notified_case(office, D(2026, 3, 2), D(2026, 3, 9))  # Mon: 3 working days → Thu 12
    assert early.statement_due_on == D(2026, 3, 12)
    with pytest.raises(PermissionDenied):
        services.penalty_settings_update(
            actor=office.handler, bureau=office.bureau, statement_days=5, statement_rule="某省规定第十条"
        )
    with pytest.raises(ValidationFailed) as bad:
        services.penalty_settings_update(
            actor=office.leader, bureau=office.bureau, statement_days=0, statement_rule=""
        )
    assert set(bad.value.fields) == {"statement_days", "statement_rule"}
    assert not PenaltySettings.objects.exists()

    services.penalty_settings_update(
        actor=office.leader,
        bureau=office.bureau,
        statement_days=5,
        statement_rule="《某省行政处罚程序规定》第三十条：五个工作日",
    )
    assert periods.statement_period(office.bureau).days == 5
    assert AuditEvent.objects.filter(action="penalty.settings_update").count() == 1
    later = notified_case(office, D(2026, 3, 2), D(2026, 3, 9))
    assert later.statement_due_on == D(2026, 3, 16)  # five working days: Mon 16
    early.refresh_from_db()
    assert early.statement_due_on == D(2026, 3, 12)  # served under the old setting
    message = _refused(
        lambda: _go(office, later, "decide", actor=office.leader, decision_on=D(2026, 3, 16)),
        "penalty.statement_period_open",
    ).message
    assert "《某省行政处罚程序规定》第三十条" in message  # the rule the period follows


def test_a_hearing_case_keeps_article_64s_five_days(office):
    # Served Fri 18 Sep: the hearing's five working days run to Thu 24 Sep (Sun 20 Sep is worked),
    # longer than the three of the statement period, so the notice names one period for both.
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=True)
    assert case.statement_due_on == D(2026, 9, 24)
    _go(office, case, "record_statement", statement_kind="waived", statement_on=D(2026, 9, 21))
    # A waived statement does not shorten the hearing's period.
    _refused(
        lambda: _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 9, 24)),
        "penalty.hearing_period_open",
        "第六十四条",
    )


def test_the_notice_date_hint_no_longer_cites_article_64_for_the_statement():
    hint = str(FIELDS["notice_served_on"].help)
    assert "陈述、申辩期限" in hint and "第四十四条、第四十五条" in hint
    assert hint.index("第六十四条") > hint.index("听证申请期限")


# ---------------------------------------------------------------- 2. legal review once


def test_legal_review_is_given_once(office):
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 2), review_required=True)
    case = _go(office, case, "legal_review_pass", actor=office.legal_reviewer, opinion="事实清楚，证据确凿")
    events = AuditEvent.objects.count()
    assert "legal_review_pass" not in services.available_actions(case, office.legal_reviewer)
    _refused(
        lambda: _go(office, case, "legal_review_pass", actor=office.legal_reviewer, opinion="同意"),
        "penalty.legal_review_already_passed",
        "第五十八条",
    )
    refused = act(office.legal_reviewer, case.pk, "legal_review_pass", {"opinion": "同意"})
    assert refused.status_code == 409 and "第五十八条" in refused.json()["message"]
    _unchanged(case, "notified", events)
    passes = AuditEvent.objects.filter(action="penalty.legal_review_pass", object_id=str(case.pk))
    assert passes.count() == 1
    # Sent back for more investigation, the review is given again on the new file.
    case = _go(office, case, "legal_review_return", actor=office.legal_reviewer, reason="证据不足")
    assert case.legal_review_passed_on is None


# ---------------------------------------------------------------- 3. closing checks the file


def _paid(office) -> PenaltyCase:
    case = notified_case(office, D(2026, 3, 2), D(2026, 3, 3))
    case = _go(office, case, "decide", actor=office.leader, decision_on=D(2026, 3, 11))
    case = _go(office, case, "serve_decision", decision_served_on=D(2026, 3, 12))
    return _go(office, case, "record_payment", paid_on=D(2026, 3, 20))


def test_a_general_case_is_not_closed_without_its_required_file(office, as_user):
    case = _paid(office)
    assert casefile.missing_for_closing(case) == [
        "立案审批表",
        "两名以上执法人员收集的证据（第四十二条、第五十五条）",
        "行政处罚事先告知书",
        "行政处罚决定书",
    ]
    events = AuditEvent.objects.count()
    _refused(
        lambda: _go(office, case, "close", actor=office.squad_leader),
        "penalty.case_file_incomplete",
        "立案审批表",
        "行政处罚决定书",
        "第四十七条",
    )
    refused = act(office.squad_leader, case.pk, "close")
    assert refused.status_code == 409 and "两名以上执法人员" in refused.json()["message"]
    _unchanged(case, "paid", events)
    # The page offers no 结案 and says what is missing.
    page = as_user(office.squad_leader).get(f"/enforcement/{case.pk}/").content.decode()
    assert 'data-testid="action-close"' not in page
    assert 'data-testid="file-missing"' in page and "行政处罚事先告知书" in page

    complete_file(office, case)
    assert "close" in services.available_actions(case, office.squad_leader)
    closed = act(office.squad_leader, case.pk, "close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_evidence_by_one_officer_does_not_complete_the_file(office):
    case = _paid(office)
    # An entry from before the register's two-officer check (migrated from the audit trail).
    now = timezone.now()
    entry = PenaltyEvidence.objects.create(
        case=case,
        no=1,
        title="现场照片",
        kind="audiovisual",
        collected_at=now,
        file="x.jpg",
        sha256="0" * 64,
        recorded_at=now,
    )
    entry.officers.set([office.handler])
    assert "两名以上执法人员收集的证据（第四十二条、第五十五条）" in casefile.missing_for_closing(case)


def test_only_required_items_block_closing(office, settings, tmp_path):
    # A bureau's checklist that marks nothing required closes on the items alone lowering the score.
    path = tmp_path / "checklist.yaml"
    path.write_text(
        'version: "t"\npass_mark: 80\nitems:\n  - {id: filing, title: "立案", points: 100, source: "x"}\n',
        encoding="utf-8",
    )
    settings.PENALTY_EVALUATION_CHECKLIST = str(path)
    assert casefile.missing_for_closing(_paid(office)) == []
    other = tmp_path / "unchecked.yaml"
    other.write_text(
        'version: "u"\npass_mark: 80\nitems:\n'
        '  - {id: facts, required: true, title: "事实", points: 100, source: "x"}\n',
        encoding="utf-8",
    )
    settings.PENALTY_EVALUATION_CHECKLIST = str(other)
    with pytest.raises(ValueError, match="no check for the required items"):
        casefile.missing_for_closing(_paid(office))


# ---------------------------------------------------------------- 4. the hearing request


def test_a_hearing_request_is_not_offered_outside_the_hearing_scope(office):
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=False)
    with at(D(2026, 9, 21)):
        assert "request_hearing" not in services.available_actions(case, office.handler)
        offered = [
            a["action"] for a in api(office.handler).get(f"{BASE}{case.pk}/").json()["available_actions"]
        ]
    assert "request_hearing" not in offered
    events = AuditEvent.objects.count()
    refused = act(
        office.handler, case.pk, "request_hearing", {"hearing_requested_on": "2026-09-21"}, D(2026, 9, 21)
    )
    assert refused.status_code == 409 and refused.json()["code"] == "penalty.hearing_not_applicable"
    assert "第六十三条" in refused.json()["message"]
    _unchanged(case, "notified", events)

    heard = notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=True)
    with at(D(2026, 9, 21)):
        assert "request_hearing" in services.available_actions(heard, office.handler)
    asked = act(
        office.handler, heard.pk, "request_hearing", {"hearing_requested_on": "2026-09-21"}, D(2026, 9, 21)
    )
    assert asked.status_code == 200 and asked.json()["state"] == "hearing_requested"


def test_after_a_hearing_the_review_is_given_again(office):
    case = notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=True, review_required=True)
    _go(office, case, "legal_review_pass", actor=office.legal_reviewer, opinion="同意")
    case = _go(office, case, "request_hearing", hearing_requested_on=D(2026, 9, 21))
    case = _go(office, case, "schedule_hearing", hearing_on=D(2026, 10, 13), hearing_notice_on=D(2026, 9, 22))
    case = _go(office, case, "hold_hearing")
    assert case.legal_review_passed_on is None
    assert "legal_review_pass" in PENALTY_MACHINE.available_actions(case, office.legal_reviewer)


# ---------------------------------------------------------------- 5. reviews after closing


def _closed(office) -> PenaltyCase:
    """A case whose decision was served on Thu 12 Mar 2026, paid and closed."""
    case = complete_file(office, _paid(office))
    return _go(office, case, "close", actor=office.squad_leader)


def test_a_closed_case_takes_a_reconsideration_inside_60_days_and_stays_closed(office, as_user):
    case = _closed(office)
    # 行政复议法 第二十条: 60 days from 12 Mar → Mon 11 May 2026.
    windows = periods.review_windows(case.decision_served_on)
    assert windows == {"reconsideration": D(2026, 5, 11), "litigation": D(2026, 9, 14)}
    events = AuditEvent.objects.count()
    late = api(office.legal_reviewer).post(
        f"{BASE}{case.pk}/reviews/", {"kind": "reconsideration", "applied_on": "2026-05-12"}, format="json"
    )
    assert late.status_code == 409 and late.json()["code"] == "penalty.review_window_passed"
    assert "第二十条" in late.json()["message"] and "2026-05-11" in late.json()["message"]
    _unchanged(case, "closed", events)
    assert not case.reviews.exists()

    recorded = api(office.legal_reviewer).post(
        f"{BASE}{case.pk}/reviews/",
        {"kind": "reconsideration", "applied_on": "2026-05-11", "body": "区人民政府"},
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    detail = api(office.leader).get(f"{BASE}{case.pk}/").json()
    assert detail["state"] == "closed" and detail["under_review"] is True
    page = as_user(office.leader).get(f"/enforcement/{case.pk}/").content.decode()
    assert 'data-testid="under-review"' in page

    # Revoked: the case stays closed, the decision's publication must be withdrawn (第四十八条).
    services.penalty_review_conclude(
        actor=office.legal_reviewer,
        review=case.reviews.get(),
        concluded_on=D(2026, 7, 1),
        outcome="revoked",
    )
    case.refresh_from_db()
    assert case.state == "closed" and "撤销" in case.reason
    assert case.disclosure.withdrawal_due_on is not None
    assert api(office.leader).get(f"{BASE}{case.pk}/").json()["under_review"] is False


def test_a_closed_case_takes_a_suit_inside_six_months_or_15_days_after_reconsideration(office):
    case = _closed(office)
    # 行政诉讼法 第四十六条: six months from 12 Mar → 12 Sep (a Saturday) → Mon 14 Sep 2026.
    events = AuditEvent.objects.count()
    _refused(
        lambda: services.penalty_review_record(
            actor=office.legal_reviewer, case=case, kind="litigation", applied_on=D(2026, 9, 15)
        ),
        "penalty.review_window_passed",
        "第四十六条",
    )
    _unchanged(case, "closed", events)
    review = services.penalty_review_record(
        actor=office.legal_reviewer, case=case, kind="reconsideration", applied_on=D(2026, 5, 6)
    )
    services.penalty_review_conclude(
        actor=office.legal_reviewer,
        review=review,
        concluded_on=D(2026, 9, 10),
        outcome="changed",
        fine_amount="500",
    )
    case.refresh_from_db()
    assert case.state == "closed" and case.fine_amount == 500
    # 第四十五条: 15 days from the reconsideration decision (10 Sep) → Fri 25 Sep, 中秋节, so Mon 28
    # Sep: later than 14 Sep.
    assert periods.review_windows(case.decision_served_on, D(2026, 9, 10))["litigation"] == D(2026, 9, 28)
    suit = services.penalty_review_record(
        actor=office.legal_reviewer, case=case, kind="litigation", applied_on=D(2026, 9, 28)
    )
    assert suit.pk and PenaltyCase.objects.get(pk=case.pk).state == "closed"


def test_a_terminated_case_takes_no_review(office):
    case = filed_case(office, D(2026, 3, 2))
    case = _go(office, case, "terminate", actor=office.leader, reason="违法事实不能成立")
    _refused(
        lambda: services.penalty_review_record(
            actor=office.legal_reviewer, case=case, kind="reconsideration", applied_on=D(2026, 3, 10)
        ),
        "penalty.review_not_allowed",
    )
