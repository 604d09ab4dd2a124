"""The day rollup equals the direct count for random periods, levels and histories, including cases
that change after the rollup was built (closed, reworked, redispatched, marked spam)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chengguan.cases.spam import case_mark_spam
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.org.roles import RoleCode as R
from chengguan.stats import indicators, rollup, rules
from tests.cases import flow
from tests.stats.evaluation import at

STATES = ["reported", "filed", "dispatched", "in_handling", "handled", "rework", "verified", "closed"]
LATER = ["none", "spam", "close", "rework", "redispatch"]

case_history = st.tuples(
    st.integers(0, 29),  # filing day in September
    st.integers(0, 3),  # grid
    st.sampled_from(STATES),
    st.sampled_from(LATER),  # what happens after the rollup
)
period = st.tuples(st.integers(0, 29), st.integers(0, 29)).map(sorted)


def _after(district, case, change: str, when: dt.datetime) -> None:
    """A change made after the rollup was built, where the case's state allows it (weeks later, so
    each step is late and gives its reason)."""
    if change == "spam":
        with pinned(when):
            case_mark_spam(actor=district.users[R.OPERATOR], case=case, reason="恶意重复举报")
    elif change == "close" and case.state == "verified":
        at(when, district, case, "close", R.OPERATOR, disposition="enforcement", delay_reason="迟办")
    elif change == "rework" and case.state == "handled":
        at(when, district, case, "rework", R.INSPECTOR, reason="仍有残留", delay_reason="复查延误")
    elif change == "redispatch" and case.state == "dispatched":
        at(
            when,
            district,
            case,
            "redispatch",
            R.DISPATCHER,
            unit=district.department.pk,
            reason="改派",
            delay_reason="迟办",
        )


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
)
def test_the_rollup_equals_the_direct_count(district, histories, periods, level):
    ruleset = rules.default_rules()
    cases = []
    for day, grid, state, change in histories:
        moment = dt.datetime(2026, 9, 1, 9, 30, tzinfo=SHANGHAI) + dt.timedelta(days=day)
        with pinned(moment):
            cases.append((flow.drive(district, state, grid=grid), change))
    rollup.rebuild([dt.date(2026, 9, 1) + dt.timedelta(days=d) for d in range(30)], ruleset)
    since = timezone.now()
    later = dt.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI)
    for case, change in cases:
        _after(district, case, change, later)
    rollup.refresh(since, ruleset)
    keys = [i.key for i in rollup.rolled(ruleset)]
    for first_day, last_day in periods:
        first, last = dt.date(2026, 9, 1 + first_day), dt.date(2026, 9, 1 + last_day)
        direct = {
            r.group_id: {k: r.values[k] for k in keys}
            for r in indicators.compute(ruleset, level, first, last, now=later)
            if any(r.values[k] for k in keys)
        }
        summed = {
            gid: c for gid, c in rollup.rolled_up(ruleset, level, first, last).items() if any(c.values())
        }
        assert summed == direct
