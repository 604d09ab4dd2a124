"""Lists sorted by due time put the cases without one last, on SQLite as on PostgreSQL (issue 19
item 17: a shift leader's list "by due time" opened on a page of suspended cases with none)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chengguan.cases.models import Case
from chengguan.core.clock import SHANGHAI
from chengguan.org.roles import RoleCode as R
from tests.cases.flow import report


@pytest.fixture
def mixed(district) -> dict[str, Case]:
    """Five cases: two without a due time (as suspended ones), three with different due times."""
    cases = {name: report(district, description=name) for name in ("none1", "late", "none2", "soon", "far")}
    due = {
        "late": dt.datetime(2026, 9, 1, 9, tzinfo=SHANGHAI),
        "soon": dt.datetime(2026, 9, 20, 9, tzinfo=SHANGHAI),
    }
    due["far"] = dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    for name, case in cases.items():
        Case.objects.filter(pk=case.pk).update(stage_due_at=due.get(name))
    return cases


@pytest.mark.parametrize(
    "ordering,expected",
    [("due", ["late", "soon", "far", "none1", "none2"]), ("-due", ["far", "soon", "late", "none1", "none2"])],
)
def test_the_api_list_by_due_time_puts_cases_without_one_last(client, district, mixed, ordering, expected):
    client.force_login(district.users[R.SHIFT_LEADER])
    body = client.get("/api/v1/cases/", {"ordering": ordering}).json()
    numbers = {c.number: name for name, c in mixed.items()}
    assert [numbers[row["number"]] for row in body["results"]] == expected


def test_the_web_list_by_due_time_starts_with_the_soonest_due(client, district, mixed):
    client.force_login(district.users[R.SHIFT_LEADER])
    page = client.get(reverse("cases:list"), {"ordering": "due"}).content.decode()
    positions = [page.index(mixed[name].number) for name in ("late", "soon", "far", "none1", "none2")]
    assert positions == sorted(positions)
