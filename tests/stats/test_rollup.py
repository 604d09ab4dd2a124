"""The rollup-backed figures equal the direct count for random periods, levels and histories:
cases filed on random days from late September to early November (National Day's week; month
boundaries: whole months come from the rollup, the days around them from the cases), the rollup
built, then random changes after it (closed, reworked, redispatched, extended, marked spam,
cancelled), with or without the scheduled refresh in between — a read refreshes what changed, so
no figure lags a case change."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengguan.cases.models import Case
from chengguan.cases.spam import case_mark_spam
from chengguan.core import schedule
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.org.roles import RoleCode as R
from chengguan.stats import indicators, rollup, rules
from chengguan.stats.models import CaseRollup, DueRollup, RollupState
from tests.cases import flow
from tests.stats.evaluation import at

START = dt.date(2026, 9, 20)  # filing days START .. START + 44 (to 3 November)
STATES = ["reported", "filed", "dispatched", "in_handling", "handled", "rework", "verified", "closed"]
LATER = ["none", "spam", "close", "rework", "redispatch", "extend", "cancel"]
LATER_AT = dt.datetime(2026, 11, 9, 10, 0, tzinfo=SHANGHAI)

case_history = st.tuples(
    st.integers(0, 44),  # filing day
    st.integers(0, 3),  # grid
    st.sampled_from(STATES),
    st.sampled_from(LATER),  # what happens after the rollup was built
)
period = st.tuples(st.integers(0, 44), st.integers(0, 44)).map(sorted)


def _after(district, case, change: str) -> None:
    """A change made after the rollup was built, where the case's state allows it (weeks later, so
    each step is late and gives its reason)."""
    when = LATER_AT
    if change == "spam":
        with pinned(when):
            case_mark_spam(actor=district.users[R.OPERATOR], case=case, reason="恶意重复举报")
    elif change == "close" and case.state == "verified":
        at(when, district, case, "close", R.OPERATOR, disposition="enforcement", delay_reason="迟办")
    elif change == "rework" and case.state == "handled":
        at(when, district, case, "rework", R.INSPECTOR, reason="仍有残留", delay_reason="复查延误")
    elif change == "redispatch" and case.state == "dispatched":
        unit = district.department.pk
        at(when, district, case, "redispatch", R.DISPATCHER, unit=unit, reason="改派", delay_reason="迟办")
    elif change == "extend" and case.state == "in_handling":
        at(
            when,
            district,
            case,
            "request_extension",
            R.HANDLER,
            amount=2,
            unit="working_days",
            reason="待材料",
        )
        at(when, district, case, "approve_extension", R.DISPATCHER, note="同意")
    elif change == "cancel" and case.state == "filed":
        at(when, district, case, "cancel", R.SHIFT_LEADER, reason="重复录入")


def _rows(ruleset, level, first, last, use_rollup):
    rows = indicators.compute(ruleset, level, first, last, now=LATER_AT, rollup=use_rollup)
    return [(r.key, r.values) for r in rows]


@settings(
    max_examples=8,
    derandomize=True,  # the same examples on every run, as the API fuzzing does
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    histories=st.lists(case_history, min_size=1, max_size=5),
    periods=st.lists(period, min_size=1, max_size=3),
    level=st.sampled_from(["bureau", "subdistrict", "community", "grid", "unit"]),
    scheduled=st.booleans(),
)
def test_the_rollup_equals_the_direct_count(district, histories, periods, level, scheduled):
    ruleset = rules.default_rules()
    CaseRollup.objects.all().delete()
    RollupState.objects.all().delete()
    cases = []
    for day, grid, state, change in histories:
        moment = dt.datetime.combine(START + dt.timedelta(days=day), dt.time(9, 30), SHANGHAI)
        with pinned(moment):
            cases.append((flow.drive(district, state, grid=grid), change))
    rollup.refresh(ruleset)  # the first build
    assert CaseRollup.objects.exists()
    for case, change in cases:
        _after(district, case, change)
    if scheduled:
        rollup.refresh(ruleset)  # the scheduled job ran before the read; otherwise the read refreshes
    for first_day, last_day in periods:
        first, last = START + dt.timedelta(days=first_day), START + dt.timedelta(days=last_day)
        assert _rows(ruleset, level, first, last, True) == _rows(ruleset, level, first, last, False)
    # A whole month and more: the month rows answer October.
    first, last = dt.date(2026, 9, 25), dt.date(2026, 11, 2)
    assert _rows(ruleset, level, first, last, True) == _rows(ruleset, level, first, last, False)


def test_a_read_refreshes_the_days_of_a_changed_case(district):
    """A case closed after the rollup was built counts as closed at the next read, and the rollup
    itself then holds it (the read refreshed its filing day and month)."""
    ruleset = rules.default_rules()
    with pinned(dt.datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI)):
        case = flow.drive(district, "verified")
    rollup.refresh(ruleset)
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    (row,) = indicators.compute(ruleset, "bureau", first, last, now=LATER_AT)
    assert (row.values["filed"], row.values["closed"]) == (1, 0)
    at(LATER_AT, district, case, "close", R.OPERATOR, disposition="service", delay_reason="迟办")
    (row,) = indicators.compute(ruleset, "bureau", first, last, now=LATER_AT)
    assert (row.values["filed"], row.values["closed"]) == (1, 1)
    assert rollup.rolled_up(ruleset, "bureau", [first])[row.group_id]["closed"] == 1


def test_without_a_rollup_or_for_part_of_a_bureau_the_cases_are_counted(district):
    """Never built (a new rule version): counted from the cases. A handler sees only the unit's
    cases: the rollup of whole areas cannot answer for them, the cases they see are counted."""
    ruleset = rules.default_rules()
    with pinned(dt.datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI)):
        flow.drive(district, "closed")
        flow.drive(district, "filed", grid=2)
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    (row,) = indicators.compute(ruleset, "bureau", first, last, now=LATER_AT)
    assert (row.values["filed"], row.values["closed"]) == (2, 1)
    rollup.refresh(ruleset)
    handler = indicators.Scope(actor=district.users[R.HANDLER])
    assert handler.whole_bureaus() is False
    with pinned(dt.datetime(2026, 10, 13, 9, 30, tzinfo=SHANGHAI)):
        flow.drive(district, "filed", grid=3, role=R.OPERATOR, source="hotline")
    seen = indicators.compute(ruleset, "bureau", first, last, scope=handler, now=LATER_AT)
    counted = handler.cases().filter(filed_at__date__gte=first).count()
    assert [r.values["filed"] for r in seen] == [counted]
    (everyone,) = indicators.compute(ruleset, "bureau", first, last, now=LATER_AT)
    assert everyone.values["filed"] == 3


def test_the_scheduled_job_builds_the_rollup_then_follows_the_cases(district):
    with pinned(dt.datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI)):
        case = flow.drive(district, "verified")
    job = schedule.get("stats.rollup")
    version = rules.default_rules().version
    assert job.func(LATER_AT) == {version: 2}  # the first run: every month of both cohorts
    assert RollupState.objects.get(rule_version=version).watermark == Case.objects.get(pk=case.pk).updated_at
    at(LATER_AT, district, case, "close", R.OPERATOR, disposition="service", delay_reason="迟办")
    assert job.func(LATER_AT) == {version: 2}  # its filing and reporting month, recounted
    october = rollup.rolled_up(rules.default_rules(), "bureau", [dt.date(2026, 10, 1)])
    assert october[district.bureau.pk]["closed"] == 1


def test_a_change_recounts_only_its_grid_s_month_and_moves_a_redispatched_case_between_units(district):
    """A redispatch after the rollup was built moves the case from one unit's count to the other's;
    the refresh rewrote the rows of that case's grid only (the other grid's row is the same row)."""
    ruleset = rules.default_rules()
    with pinned(dt.datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI)):
        other = flow.drive(district, "dispatched", grid=1)
        moved = flow.drive(district, "dispatched", grid=0)
    # Last changed well before the other one (beyond the refresh's overlap).
    Case.objects.filter(pk=other.pk).update(updated_at=other.updated_at - dt.timedelta(hours=1))
    rollup.refresh(ruleset)
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    squad, department = moved.handling_unit_id, district.department.pk
    other_grid = CaseRollup.objects.get(cohort="filed", grid_id=district.grids[1].pk)
    assert rollup.rolled_up(ruleset, "unit", [first])[squad]["dispatched"] == 2
    at(
        LATER_AT,
        district,
        moved,
        "redispatch",
        R.DISPATCHER,
        unit=department,
        reason="改派",
        delay_reason="迟办",
    )
    units = {r.group_id: r.values["dispatched"] for r in indicators.compute(ruleset, "unit", first, last)}
    assert units == {squad: 1, department: 1}
    assert {k: v["dispatched"] for k, v in rollup.rolled_up(ruleset, "unit", [first]).items()} == units
    assert CaseRollup.objects.get(cohort="filed", grid_id=district.grids[1].pk).pk == other_grid.pk
    assert not CaseRollup.objects.filter(cohort="filed", grid_id=district.grids[0].pk, handling_unit_id=squad)


def test_cases_past_due_count_by_their_due_day_and_today_s_from_the_cases(district):
    """超期待处置 at the moment of reading: the rollup keeps the open cases by due day; a read adds
    the days before today and counts today's from the cases — so a case falls due as time passes,
    with nothing changed, and leaves the count once it is handled."""
    ruleset = rules.default_rules()
    with pinned(dt.datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI)):
        cases = [flow.drive(district, "in_handling", grid=g) for g in range(3)]
    now = dt.datetime(2026, 11, 9, 15, 0, tzinfo=SHANGHAI)
    hour = dt.timedelta(hours=1)
    # Yesterday; today at 01:00 in Shanghai (the day before in UTC: it must count once, as today's);
    # later today.
    dues = (now - 24 * hour, now.replace(hour=1), now + 2 * hour)
    for case, due in zip(cases, dues, strict=True):
        Case.objects.filter(pk=case.pk).update(handling_due_at=due)
    rollup.refresh(ruleset)
    assert DueRollup.objects.filter(indicator="overdue_open").aggregate(n=Sum("n"))["n"] == 3
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)

    def overdue(level: str, moment: dt.datetime, use_rollup: bool = True) -> dict[int, int]:
        rows = indicators.compute(ruleset, level, first, last, now=moment, rollup=use_rollup)
        return {r.group_id: r.values["overdue_open"] for r in rows}

    assert overdue("bureau", now) == {district.bureau.pk: 2}
    for level in ("grid", "unit", "community"):
        assert overdue(level, now) == overdue(level, now, use_rollup=False)
    assert overdue("bureau", now + 3 * hour) == {district.bureau.pk: 3}  # only the time moved
    at(now, district, cases[0], "handle", R.HANDLER, result="已清理", delay_reason="迟办")
    assert overdue("bureau", now + 3 * hour) == {district.bureau.pk: 2}
    assert overdue("grid", now + 3 * hour) == overdue("grid", now + 3 * hour, use_rollup=False)
