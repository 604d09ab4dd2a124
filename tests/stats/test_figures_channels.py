"""On-time reply rate, dispatch in time, reports this month and spam: each figure against SQL."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from rest_framework.test import APIClient

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.services import case_transition
from chengguan.channels import services as channel_services
from chengguan.core import clock
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.org.roles import RoleCode as R
from chengguan.portal import services
from chengguan.stats import figures
from tests.cases import flow

MON = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI)
SEPTEMBER = clock.period_bounds(dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def _sql(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _bounds() -> list:
    return [connection.ops.adapt_datetimefield_value(b) for b in SEPTEMBER]


def _citizen_case(district, due: dt.datetime = dt.datetime(2026, 9, 21, 18, 0, tzinfo=SHANGHAI)) -> Case:
    case = flow.drive(district, "filed", role=R.CITIZEN, source=CaseSource.CITIZEN)
    Case.objects.filter(pk=case.pk).update(feedback_due_at=due)
    return Case.objects.get(pk=case.pk)


def test_on_time_reply_rate_counts_feedback_and_channel_replies_against_the_due_time(district):
    op = district.users[R.OPERATOR]
    with pinned(MON):
        on_time, late, silent, spam = (_citizen_case(district) for _ in range(4))
        not_yet_due = _citizen_case(district, due=dt.datetime(2026, 9, 29, 18, 0, tzinfo=SHANGHAI))
        services.feedback_record(actor=op, case=on_time, method="phone", content="已告知进度")
        Case.objects.filter(pk=spam.pk).update(is_spam=True)
        order = channel_services.work_order_receive(
            actor=op,
            channel="hotline_12345",
            external_id="GD9",
            content="噪声扰民",
            category="200102",
            address="建设西路1号",
            received_at=MON,
        ).order
    with pinned(dt.datetime(2026, 9, 18, 10, 0, tzinfo=SHANGHAI)):
        channel_services.work_order_reply(actor=op, order=order, reply="已处理")
    with pinned(dt.datetime(2026, 9, 22, 10, 0, tzinfo=SHANGHAI)):
        services.feedback_record(actor=op, case=late, method="sms", content="已处理")
        services.feedback_record(actor=op, case=spam, method="sms", content="已处理")
        fig = figures.on_time_reply_rate(*SEPTEMBER)
    # Due by now: on_time, late, silent and the work order; not_yet_due has not come due unanswered.
    assert (fig.numerator, fig.denominator) == (2, 4)
    assert silent.pk and not_yet_due.pk

    sql_due = _sql(
        """SELECT COUNT(*) FROM cases_case c
           WHERE c.is_spam = %s AND c.source IN ('citizen','hotline','deputy','open311')
           AND c.feedback_due_at >= %s AND c.feedback_due_at < %s AND c.feedback_due_at <= %s""",
        [
            False,
            *_bounds(),
            connection.ops.adapt_datetimefield_value(dt.datetime(2026, 9, 22, 10, 0, tzinfo=SHANGHAI)),
        ],
    )
    sql_on_time = _sql(
        """SELECT COUNT(*) FROM cases_case c
           WHERE c.is_spam = %s AND c.source IN ('citizen','hotline','deputy','open311')
           AND c.feedback_due_at >= %s AND c.feedback_due_at < %s AND (
             (SELECT MIN(f.at) FROM feedback_feedback f WHERE f.case_id = c.id) <= c.feedback_due_at
             OR (SELECT w.replied_at FROM channels_workorder w WHERE w.case_id = c.id)
                <= c.feedback_due_at)""",
        [False, *_bounds()],
    )
    assert (sql_on_time, sql_due) == (fig.numerator, fig.denominator)


def test_spam_counts_in_no_figure(district):
    op = district.users[R.OPERATOR]
    with pinned(MON):
        real = flow.drive(district, "closed", source=CaseSource.HOTLINE, role=R.OPERATOR)
        spam = flow.drive(district, "closed", source=CaseSource.HOTLINE, role=R.OPERATOR)
        for case in (real, spam):
            services.feedback_record(actor=op, case=case, method="phone", content="已告知")
        services.callback_record(actor=op, case=real, rating="satisfied")
        services.callback_record(actor=op, case=spam, rating="dissatisfied")
        before = [f.as_dict() for f in figures.all_figures(*SEPTEMBER)]
        reports_before = figures.reports_between(*SEPTEMBER)
        Case.objects.filter(pk=spam.pk).update(is_spam=True, spam_reason="恶意重复举报")
        after = {f.name: f for f in figures.all_figures(*SEPTEMBER)}
    assert before[1]["rate"] == 0.5
    assert (after["satisfaction_rate"].numerator, after["satisfaction_rate"].denominator) == (1, 1)
    assert after["feedback_rate"].denominator == 1
    assert after["dispatched_in_time"].denominator == 1
    assert figures.reports_between(*SEPTEMBER) == reports_before - 1


def test_dispatch_in_time_and_reports_this_month(district):
    with pinned(MON):
        quick = flow.drive(district, "dispatched", source=CaseSource.HOTLINE, role=R.OPERATOR)
        slow = flow.drive(district, "filed", source=CaseSource.HOTLINE, role=R.OPERATOR)
        flow.drive(district, "dispatched")  # patrol: not a public figure
    with pinned(MON + dt.timedelta(days=3)):
        case_transition(
            actor=district.users[R.DISPATCHER], case=slow, action="dispatch", delay_reason="人员不足"
        )
        this_month = figures.month_to_date()
        fig = figures.dispatched_in_time(*this_month)
        assert figures.reports_between(*this_month) == 2
    assert (fig.numerator, fig.denominator) == (1, 2)
    assert quick.pk
    assert (
        _sql(
            """SELECT COUNT(*) FROM cases_case c WHERE c.source IN ('citizen','hotline','deputy','open311')
           AND c.is_spam = %s AND c.dispatched_at >= %s AND c.dispatched_at < %s AND NOT EXISTS (
             SELECT 1 FROM cases_casedelay d WHERE d.case_id = c.id AND d.stage IN ('reported','filed'))""",
            [False, *_bounds()],
        )
        == fig.numerator
    )


def test_the_figures_api_is_public_and_checks_its_dates(district):
    with pinned(MON):
        flow.drive(district, "filed", source=CaseSource.HOTLINE, role=R.OPERATOR)
        body = APIClient().get("/api/v1/figures/", {"from": "2026-09-01", "to": "2026-09-30"}).json()
        bad = APIClient().get("/api/v1/figures/", {"from": "2026-13-01"})
    assert body["reports"] == 1
    assert [f["name"] for f in body["figures"]] == [
        "feedback_rate",
        "satisfaction_rate",
        "on_time_reply_rate",
        "dispatched_in_time",
    ]
    assert body["figures"][2]["label"] == "按时答复率"
    assert bad.status_code == 400 and "from" in bad.json()["fields"]
