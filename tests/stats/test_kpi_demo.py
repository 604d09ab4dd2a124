"""`chengguan kpi` on a small demo year equals counts made directly in SQL (issue 4, "Done when")."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from chengguan.channels.models import WorkOrder
from chengguan.core import clock
from chengguan.core.audit import verify_chain
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.demo.cases_year import generate_case_year
from chengguan.demo.feedback import seed_feedback
from chengguan.demo.generator import DEMO_PASSWORD, build_demo
from chengguan.feedback.models import Callback, Feedback
from chengguan.org.models import Role
from chengguan.org.roles import RoleCode

END = dt.datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
FIRST, LAST = dt.date(2025, 11, 25), dt.date(2026, 11, 25)
PUBLIC = "('citizen','hotline','deputy','open311')"


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    """A small demo year with its feedback, in a transaction rolled back after the module."""
    outer = transaction.atomic()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer.__enter__()
        try:
            for code, name in RoleCode.choices:
                Role.objects.get_or_create(code=code, defaults={"name": name})
            build_demo(seed=3, size="small", password=DEMO_PASSWORD)
            generate_case_year(seed=3, size="small", count=200, end=END)
            with pinned(END):
                summary = seed_feedback(seed=3)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _one(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_the_demo_feedback_looks_like_the_bureaus_year(demo_year, db):
    assert demo_year.feedback == Feedback.objects.count() > 0
    assert demo_year.callbacks == Callback.objects.count() > 0
    assert demo_year.work_orders == WorkOrder.objects.count() > 0
    assert (
        not Feedback.objects.filter(at__gt=END).exists() and not Callback.objects.filter(at__gt=END).exists()
    )
    assert AuditEvent.objects.filter(action="case.feedback").count() == Feedback.objects.count()
    assert verify_chain().ok
    with pinned(END):
        assert seed_feedback(seed=3).feedback == 0  # a second run adds nothing


def test_kpi_json_equals_counts_made_in_sql(demo_year, db, capsys):
    with pinned(END):
        call_command("kpi", "--from", FIRST.isoformat(), "--to", LAST.isoformat(), "--json")
    printed = json.loads(capsys.readouterr().out)
    got = {f["name"]: (f["numerator"], f["denominator"]) for f in printed["figures"]}
    start, end = clock.period_bounds(FIRST, LAST)
    adapt = connection.ops.adapt_datetimefield_value
    b = [adapt(start), adapt(end)]
    public = f"c.source IN {PUBLIC} AND c.is_spam = %s"

    reports = _one(
        f"SELECT COUNT(*) FROM cases_case c WHERE {public} AND c.reported_at >= %s AND c.reported_at < %s",
        [False, *b],
    )
    closed = (
        f"FROM cases_case c WHERE {public} AND c.state = 'closed' AND c.closed_at >= %s AND c.closed_at < %s"
    )
    fed = _one(
        f"SELECT COUNT(*) {closed} AND EXISTS (SELECT 1 FROM feedback_feedback f WHERE f.case_id = c.id)",
        [False, *b],
    )
    all_closed = _one(f"SELECT COUNT(*) {closed}", [False, *b])
    latest = """FROM feedback_callback cb JOIN cases_case c ON c.id = cb.case_id
        WHERE c.is_spam = %s AND cb.at >= %s AND cb.at < %s AND NOT EXISTS (
          SELECT 1 FROM feedback_callback later WHERE later.case_id = cb.case_id
          AND (later.at > cb.at OR (later.at = cb.at AND later.id > cb.id)))"""
    rated = _one(f"SELECT COUNT(*) {latest}", [False, *b])
    content = _one(f"SELECT COUNT(*) {latest} AND cb.rating IN ('satisfied','basically')", [False, *b])
    due_in = f"FROM cases_case c WHERE {public} AND c.feedback_due_at >= %s AND c.feedback_due_at < %s"
    first_fb = "(SELECT MIN(f.at) FROM feedback_feedback f WHERE f.case_id = c.id)"
    reply = "(SELECT w.replied_at FROM channels_workorder w WHERE w.case_id = c.id)"
    answered = f"{first_fb} IS NOT NULL OR {reply} IS NOT NULL"
    due = _one(
        f"SELECT COUNT(*) {due_in} AND (c.feedback_due_at <= %s OR {answered})",
        [False, *b, adapt(END)],
    )
    on_time = _one(
        f"SELECT COUNT(*) {due_in} AND ({first_fb} <= c.feedback_due_at OR {reply} <= c.feedback_due_at)",
        [False, *b],
    )
    disp = f"FROM cases_case c WHERE {public} AND c.dispatched_at >= %s AND c.dispatched_at < %s"
    dispatched = _one(f"SELECT COUNT(*) {disp}", [False, *b])
    in_time = _one(
        f"SELECT COUNT(*) {disp} AND NOT EXISTS (SELECT 1 FROM cases_casedelay d WHERE d.case_id = c.id"
        " AND d.stage IN ('reported','filed'))",
        [False, *b],
    )

    assert printed["reports"] == reports > 0
    assert got["feedback_rate"] == (fed, all_closed) and all_closed > 0
    assert got["satisfaction_rate"] == (content, rated) and rated > 0
    assert got["on_time_reply_rate"] == (on_time, due) and due > 0
    assert got["dispatched_in_time"] == (in_time, dispatched) and dispatched > 0
    # The demo follows the bureau's published year: everyone told, nearly everyone satisfied.
    assert fed == all_closed
    assert content / rated > 0.97
    assert on_time / due > 0.9
