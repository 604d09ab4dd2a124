"""岗位评价 of the command centre's posts, counted by hand: the operators' (受理员, 值班长) filings —
on time by the 立案 limit across National Day, accurate unless later marked spam or cancelled — and
the dispatcher's dispatches — on time, accurate unless redispatched or returned — through
`compute`, the API (`level=operator|dispatcher`) and `chengguan stats`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from chengguan.cases.models import Case
from chengguan.cases.spam import case_mark_spam
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.org.roles import RoleCode as R
from chengguan.stats import indicators, rules, scores
from tests.cases import flow
from tests.stats.evaluation import MON, at
from tests.stats.test_scores_and_api import URL, _api

FIRST, LAST = dt.date(2026, 9, 1), dt.date(2026, 10, 31)
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
# Half an hour before the end of the last working day before National Day: the hour of the 立案
# limit runs on after the holiday week.
EVE = dt.datetime(2026, 9, 30, 17, 30, tzinfo=SHANGHAI)


def _reported(district, moment: dt.datetime, **kwargs) -> Case:
    with pinned(moment):
        return flow.report(district, **kwargs)


def _history(district) -> dict[str, Case]:
    d, c = district, {}
    minutes = dt.timedelta(minutes=10)
    for name in ("accurate", "late_spam", "cancelled", "late_dispatch", "returned"):
        c[name] = _reported(d, MON)
    at(MON + minutes, d, c["accurate"], "file", R.OPERATOR)
    at(MON + 2 * minutes, d, c["accurate"], "dispatch", R.DISPATCHER)
    # Filed after the hour of the limit, later found to be a malicious report.
    at(MON + dt.timedelta(hours=4), d, c["late_spam"], "file", R.OPERATOR, delay_reason="系统故障")
    with pinned(NOW):
        case_mark_spam(actor=d.users[R.OPERATOR], case=c["late_spam"], reason="恶意重复举报")
    at(MON + minutes, d, c["cancelled"], "file", R.SHIFT_LEADER)
    at(MON + 2 * minutes, d, c["cancelled"], "cancel", R.SHIFT_LEADER, reason="重复录入")
    at(MON + minutes, d, c["late_dispatch"], "file", R.OPERATOR)
    at(MON + dt.timedelta(hours=3), d, c["late_dispatch"], "dispatch", R.DISPATCHER, delay_reason="人手不足")
    unit = d.department.pk
    later = MON + dt.timedelta(hours=4)
    at(later, d, c["late_dispatch"], "redispatch", R.DISPATCHER, unit=unit, reason="非本单位职责")
    at(MON + minutes, d, c["returned"], "file", R.OPERATOR)
    at(MON + 2 * minutes, d, c["returned"], "dispatch", R.DISPATCHER)
    at(MON + 3 * minutes, d, c["returned"], "return", R.HANDLER, reason="非本单位职责")
    at(MON + 4 * minutes, d, c["returned"], "dispatch", R.DISPATCHER, unit=unit)
    # Across the holiday: due on the first working day after it; one filed just before, one after.
    for name in ("holiday_on_time", "holiday_late"):
        c[name] = _reported(d, EVE)
    due = c["holiday_on_time"].stage_due_at
    assert due.astimezone(SHANGHAI).date() == dt.date(2026, 10, 8)
    at(due - minutes, d, c["holiday_on_time"], "file", R.OPERATOR)
    at(due + minutes, d, c["holiday_late"], "file", R.OPERATOR, delay_reason="节后积压")
    return c


# By hand, filed 1 September – 31 October:
#   operator: accurate, late_spam, late_dispatch, returned, holiday ×2 = 6 filings; on time: all but
#     late_spam and holiday_late = 4; accurate: all but late_spam = 5.
#   shift leader: cancelled = 1 filing, on time, not accurate.
#   dispatcher (spam and cancelled are out of the cohort): accurate, late_dispatch, returned = 3;
#     on time: accurate and returned (both dispatches in time) = 2; accurate: only `accurate` = 1.
OPERATOR = {"filings": 6, "filed_on_time": 4, "on_time_filing_rate": 4 / 6, "filed_accurately": 5}
SHIFT_LEADER = {"filings": 1, "filed_on_time": 1, "filed_accurately": 0, "filing_accuracy_rate": 0.0}
DISPATCHER = {
    "dispatches": 3,
    "dispatched_on_time": 2,
    "on_time_dispatch_rate": 2 / 3,
    "accurate_dispatches": 1,
    "accurate_dispatch_rate": 1 / 3,
}


@pytest.fixture
def history(district):
    return _history(district)


def _by_login(level: str) -> dict[str, dict]:
    rows = indicators.compute(rules.default_rules(), level, FIRST, LAST, now=NOW)
    return {r.key: r.values for r in rows}


def test_operators_and_dispatchers_are_counted_by_hand(district, history):
    operators, dispatchers = _by_login("operator"), _by_login("dispatcher")
    assert set(operators) == {district.users[R.OPERATOR].username, district.users[R.SHIFT_LEADER].username}
    operator = operators[district.users[R.OPERATOR].username]
    assert {k: operator[k] for k in OPERATOR} == pytest.approx(OPERATOR)
    assert operator["filing_accuracy_rate"] == pytest.approx(5 / 6)
    leader = operators[district.users[R.SHIFT_LEADER].username]
    assert {k: leader[k] for k in SHIFT_LEADER} == SHIFT_LEADER
    (login,) = dispatchers
    assert login == district.users[R.DISPATCHER].username
    assert dispatchers[login] == pytest.approx(DISPATCHER)


def test_a_post_s_figure_lists_the_cases_it_counts_and_scores_by_its_own_weights(district, history):
    ruleset = rules.default_rules()
    dispatcher = district.users[R.DISPATCHER]
    scope = indicators.Scope()
    listed = indicators.counted_cases(
        ruleset, "dispatcher", dispatcher.pk, "accurate_dispatch_rate", FIRST, LAST, scope=scope, now=NOW
    )
    assert list(listed) == [history["accurate"]]
    rows = indicators.compute(ruleset, "dispatcher", FIRST, LAST, now=NOW)
    (scored,) = scores.score_rows(ruleset, "dispatcher", rows, FIRST, LAST)
    assert scored.points == pytest.approx(round(50 * 2 / 3 + 50 * 1 / 3, 2))


def test_the_api_and_the_command_answer_the_posts_levels(district, history, capsys):
    leader = _api(district.users[R.LEADER])
    period = {"from": FIRST.isoformat(), "to": LAST.isoformat()}
    with pinned(NOW):
        body = leader.get(URL + "indicators/", {**period, "level": "dispatcher"}).json()
        ranked = leader.get(URL + "scores/", {**period, "level": "operator"}).json()
        call_command(
            "stats", "--from", period["from"], "--to", period["to"], "--level", "operator", "--format", "json"
        )
    (row,) = body["rows"]
    assert body["level"] == "dispatcher" and row["key"] == district.users[R.DISPATCHER].username
    assert row["values"] == pytest.approx(DISPATCHER)
    assert [r["key"] for r in ranked["rows"]] == [
        district.users[R.OPERATOR].username,  # 2/3 on time, 5/6 accurate: 75 points
        district.users[R.SHIFT_LEADER].username,  # on time, not accurate: 50 points
    ]
    printed = json.loads(capsys.readouterr().out)
    operator = next(r for r in printed["rows"] if r["key"] == district.users[R.OPERATOR].username)
    assert operator["values"]["filings"] == 6 and operator["score"] == 75.0
