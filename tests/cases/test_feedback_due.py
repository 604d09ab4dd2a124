"""Feedback due times: counted in working days on the China calendar, stamped at intake."""

from __future__ import annotations

import datetime as dt

from chengguan.cases import feedback_due
from chengguan.cases.models import Case, CaseSource
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases import flow

# The last working day before the 2026 National Day holiday (1–7 October; Saturday 10 October is
# a make-up working day).
EVE = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)


def test_five_working_days_run_past_the_national_day_holiday_and_count_the_make_up_saturday():
    due = feedback_due.feedback_due_for(CaseSource.CITIZEN, EVE)
    # 8, 9, 10 (make-up Saturday), 12, 13 October; the end of that office day.
    assert due == dt.datetime(2026, 10, 13, 18, 0, tzinfo=SHANGHAI)
    assert feedback_due.feedback_due_for(CaseSource.HOTLINE, EVE) == due


def test_a_report_made_during_the_holiday_starts_counting_after_it():
    during = dt.datetime(2026, 10, 3, 21, 0, tzinfo=SHANGHAI)
    # The holiday days are not counted: the same five working days as a report on its eve.
    assert feedback_due.feedback_due_for(CaseSource.CITIZEN, during) == dt.datetime(
        2026, 10, 13, 18, 0, tzinfo=SHANGHAI
    )


def test_nobody_waits_for_an_answer_to_a_patrol_report():
    assert feedback_due.feedback_due_for(CaseSource.PATROL, EVE) is None


def test_the_rule_is_configurable_and_cites_its_source(settings):
    assert "上海市城市管理行政执法条例" in feedback_due.rules()[CaseSource.CITIZEN].article
    assert "济南市12345" in feedback_due.rules()[CaseSource.HOTLINE].article
    settings.CHENGGUAN_FEEDBACK_DUE = {"citizen": {"days": 3, "working_days": True, "article": "本局规定"}}
    # 8, 9 and the make-up Saturday 10 October.
    assert feedback_due.feedback_due_for(CaseSource.CITIZEN, EVE) == dt.datetime(
        2026, 10, 10, 18, 0, tzinfo=SHANGHAI
    )
    settings.CHENGGUAN_FEEDBACK_DUE = {"citizen": {"days": 3, "working_days": False}}
    # Three calendar days end on a holiday (3 October) and roll to the next working day.
    assert feedback_due.feedback_due_for(CaseSource.CITIZEN, EVE) == dt.datetime(
        2026, 10, 8, 18, 0, tzinfo=SHANGHAI
    )


def test_intake_stamps_the_due_time_in_the_same_transaction(district):
    with pinned(EVE):
        case = flow.report(district, role=R.CITIZEN, source=CaseSource.CITIZEN)
    assert Case.objects.get(pk=case.pk).feedback_due_at == dt.datetime(2026, 10, 13, 18, 0, tzinfo=SHANGHAI)
    report = AuditEvent.objects.get(action="case.report", object_id=str(case.pk))
    assert (
        AuditEvent.objects.filter(object_id=str(case.pk)).count() == 1
        and report.after["number"] == case.number
    )


def test_patrol_cases_get_no_due_time(district):
    with pinned(EVE):
        case = flow.report(district)
    assert Case.objects.get(pk=case.pk).feedback_due_at is None
