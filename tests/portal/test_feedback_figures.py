"""Feedback and callback records, and the figures computed from them, checked against plain SQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection

from chengguan.cases.models import Case, CaseSource
from chengguan.core import clock
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.feedback.models import Callback, Feedback
from chengguan.org.roles import RoleCode as R
from chengguan.portal import services
from chengguan.stats import figures
from tests.cases import flow

DAY = dt.datetime(2026, 9, 15, 9, 0, tzinfo=SHANGHAI)


def _closed(district, source=CaseSource.HOTLINE, role=R.OPERATOR) -> Case:
    return flow.drive(district, "closed", source=source, role=role)


def test_feedback_is_recorded_with_an_audit_event(district):
    case = flow.drive(district, "filed", source=CaseSource.HOTLINE, role=R.OPERATOR)
    events = AuditEvent.objects.count()
    item = services.feedback_record(
        actor=district.users[R.OPERATOR], case=case, method="phone", content="已告知市民正在处理"
    )
    assert Feedback.objects.get() == item
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-id").first().action == "case.feedback"


def test_only_staff_of_the_bureau_record_feedback_and_nothing_changes_on_denial(district):
    case = flow.drive(district, "filed", source=CaseSource.HOTLINE, role=R.OPERATOR)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.feedback_record(actor=district.users[R.CITIZEN], case=case, method="sms", content="x")
    assert Feedback.objects.count() == 0 and AuditEvent.objects.count() == events


def test_a_callback_needs_a_closed_case(district):
    open_case = flow.drive(district, "dispatched", source=CaseSource.HOTLINE, role=R.OPERATOR)
    with pytest.raises(Conflict):
        services.callback_record(actor=district.users[R.OPERATOR], case=open_case, rating="satisfied")
    closed = _closed(district)
    services.callback_record(
        actor=district.users[R.OPERATOR], case=closed, rating="dissatisfied", comment="慢"
    )
    assert Callback.objects.get().get_rating_display() == "不满意"


def _sql_count(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_figures_match_counts_made_in_sql(district, capsys):
    op = district.users[R.OPERATOR]
    with pinned(DAY):
        cases = [_closed(district) for _ in range(4)]
        cases.append(_closed(district, source=CaseSource.PATROL, role=R.INSPECTOR))  # not a public channel
        services.feedback_record(actor=op, case=cases[0], method="sms", content="已处理完毕")
        services.feedback_record(actor=op, case=cases[0], method="phone", content="再次电话告知")
        services.feedback_record(actor=op, case=cases[1], method="in_person", content="当面告知")
        services.feedback_record(actor=op, case=cases[4], method="phone", content="监督员案件")
        services.callback_record(actor=op, case=cases[0], rating="dissatisfied")
        services.callback_record(actor=op, case=cases[0], rating="basically")  # the later answer counts
        services.callback_record(actor=op, case=cases[1], rating="satisfied")
        services.callback_record(actor=op, case=cases[2], rating="dissatisfied")
    start, end = clock.period_bounds(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    adapt = connection.ops.adapt_datetimefield_value
    bounds = [adapt(start), adapt(end)]

    closed_sql = (
        "SELECT COUNT(*) FROM cases_case c WHERE c.source IN ('citizen','hotline','deputy','open311') "
        "AND c.state = 'closed' AND c.closed_at >= %s AND c.closed_at < %s"
    )
    fed_sql = closed_sql + " AND EXISTS (SELECT 1 FROM feedback_feedback f WHERE f.case_id = c.id)"
    latest = (
        "FROM feedback_callback cb WHERE cb.at >= %s AND cb.at < %s AND NOT EXISTS ("
        "SELECT 1 FROM feedback_callback later WHERE later.case_id = cb.case_id AND "
        "(later.at > cb.at OR (later.at = cb.at AND later.id > cb.id)))"
    )
    rated = _sql_count("SELECT COUNT(*) " + latest, bounds)
    content = _sql_count("SELECT COUNT(*) " + latest + " AND cb.rating IN ('satisfied','basically')", bounds)

    feedback = figures.feedback_rate(start, end)
    satisfaction = figures.satisfaction_rate(start, end)
    assert (feedback.numerator, feedback.denominator) == (
        _sql_count(fed_sql, bounds),
        _sql_count(closed_sql, bounds),
    )
    assert (satisfaction.numerator, satisfaction.denominator) == (content, rated)
    # And what those counts are, so the SQL itself is checked against the story above.
    assert (feedback.numerator, feedback.denominator) == (2, 4)
    assert (satisfaction.numerator, satisfaction.denominator) == (2, 3)

    call_command("kpi", "--from", "2026-09-01", "--to", "2026-09-30", "--json")
    printed = {f["name"]: f for f in json.loads(capsys.readouterr().out)["figures"]}
    assert printed["feedback_rate"]["rate"] == pytest.approx(0.5)
    assert printed["satisfaction_rate"]["rate"] == pytest.approx(2 / 3)

    call_command("kpi", "--from", "2026-10-01", "--to", "2026-10-31")
    table = capsys.readouterr().out
    assert "反馈率\t0/0\t—" in table and "满意率\t0/0\t—" in table
