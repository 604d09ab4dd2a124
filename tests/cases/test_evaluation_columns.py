"""The steps record on the case what the evaluation counts of them (who filed it, who dispatched it
first, redispatches, approved extensions, late waits), and migration cases 0008 fills the same
columns of the cases that were there before it from their audit trail, delays and extensions."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from chengguan.cases.models import Case
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.org.roles import RoleCode as R
from tests.cases import flow
from tests.stats.evaluation import at

MON = dt.datetime(2026, 9, 14, 9, 30, tzinfo=SHANGHAI)
COLUMNS = (
    "filed_by_id",
    "first_dispatcher_id",
    "redispatch_count",
    "extension_count",
    "filed_late",
    "dispatched_late",
    "verified_late",
)
backfill = importlib.import_module("chengguan.cases.migrations.0008_case_evaluation_columns").from_the_record


def _history(district) -> dict[str, Case]:
    d, c, hours = district, {}, dt.timedelta(hours=1)
    for name in ("late_steps", "returned", "on_time", "extended", "reported_only"):
        with pinned(MON):
            c[name] = flow.report(d)
    # Filed and dispatched after their limits, redispatched twice, fed back, verified weeks late.
    case = c["late_steps"]
    at(MON + 5 * hours, d, case, "file", R.SHIFT_LEADER, delay_reason="系统故障")
    case = at(MON + 30 * hours, d, case, "dispatch", R.DISPATCHER, delay_reason="人手不足")
    first_unit = case.handling_unit_id
    for unit in (d.department.pk, first_unit):
        case = at(MON + 31 * hours, d, case, "redispatch", R.DISPATCHER, unit=unit, reason="改派")
    at(MON + 32 * hours, d, case, "accept", R.HANDLER)
    at(MON + 33 * hours, d, case, "handle", R.HANDLER, result="已清理", delay_reason="迟办")
    at(MON + 800 * hours, d, case, "verify", R.INSPECTOR, passed=True, delay_reason="复查延误")
    # Returned by the unit and dispatched again by another dispatcher: the first one is kept.
    case = c["returned"]
    at(MON, d, case, "file", R.OPERATOR)
    at(MON, d, case, "dispatch", R.DISPATCHER)
    at(MON, d, case, "return", R.HANDLER, reason="非本单位职责")
    at(MON, d, case, "dispatch", R.SHIFT_LEADER, unit=d.department.pk)
    at(MON, d, c["on_time"], "file", R.OPERATOR)
    case = c["extended"]
    at(MON, d, case, "file", R.OPERATOR)
    at(MON, d, case, "dispatch", R.DISPATCHER)
    at(MON, d, case, "accept", R.HANDLER)
    for _ in range(2):
        at(MON, d, case, "request_extension", R.HANDLER, amount=1, unit="working_days", reason="待材料")
        at(MON, d, case, "approve_extension", R.DISPATCHER, note="同意")
    at(MON, d, case, "request_extension", R.HANDLER, amount=1, unit="working_days", reason="待材料")
    at(MON, d, case, "refuse_extension", R.DISPATCHER, reason="不同意")
    return {k: Case.objects.get(pk=v.pk) for k, v in c.items()}


def _columns(case: Case) -> dict:
    return {name: getattr(case, name) for name in COLUMNS}


@pytest.mark.django_db
def test_the_steps_record_what_the_evaluation_counts(district):
    c, users = _history(district), district.users
    assert _columns(c["late_steps"]) == {
        "filed_by_id": users[R.SHIFT_LEADER].pk,
        "first_dispatcher_id": users[R.DISPATCHER].pk,
        "redispatch_count": 2,
        "extension_count": 0,
        "filed_late": True,
        "dispatched_late": True,
        "verified_late": True,
    }
    returned = _columns(c["returned"])
    assert returned["first_dispatcher_id"] == users[R.DISPATCHER].pk
    assert returned["redispatch_count"] == 0 and c["returned"].return_count == 1
    assert c["extended"].extension_count == 2  # the refused request does not count
    assert _columns(c["on_time"]) == {
        "filed_by_id": users[R.OPERATOR].pk,
        "first_dispatcher_id": None,
        "redispatch_count": 0,
        "extension_count": 0,
        "filed_late": False,
        "dispatched_late": False,
        "verified_late": False,
    }
    assert _columns(c["reported_only"])["filed_by_id"] is None


@pytest.mark.django_db
def test_the_migration_fills_the_columns_from_the_record(district):
    cases = _history(district)
    recorded = {case.pk: _columns(case) for case in cases.values()}
    Case.objects.update(
        filed_by=None,
        first_dispatcher=None,
        redispatch_count=0,
        extension_count=0,
        filed_late=False,
        dispatched_late=False,
        verified_late=False,
    )
    backfill(apps, SimpleNamespace(connection=connection))
    assert {case.pk: _columns(case) for case in Case.objects.filter(pk__in=recorded)} == recorded
