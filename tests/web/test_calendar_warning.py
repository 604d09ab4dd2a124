"""Deadlines in a year without an official holiday table are counted Monday–Friday: the admin's
workbench and every case deadline shown in such a year say so (issue 19 item 22)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.cases.models import Case
from chengguan.core import calendar, clock
from chengguan.core.clock import SHANGHAI
from chengguan.org.roles import RoleCode as R
from chengguan.web.views import calendar_gaps
from tests.cases.conftest import QUIET_MOMENT, _fast_tests, build_district  # noqa: F401  (fixture)
from tests.cases.flow import report

UNKNOWN = max(calendar.known_years()) + 1
KNOWN = max(calendar.known_years())


@pytest.fixture
def district(db):
    return build_district()


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_case_deadline_in_a_year_without_a_table_carries_a_warning(district):
    with clock.pinned(QUIET_MOMENT):
        case = report(district)
    url = reverse("cases:detail", args=[case.number])
    Case.objects.filter(pk=case.pk).update(stage_due_at=dt.datetime(UNKNOWN, 1, 4, 9, tzinfo=SHANGHAI))
    with clock.pinned(dt.datetime(UNKNOWN - 1, 12, 28, 9, tzinfo=SHANGHAI)):
        html = _page(district.users[R.OPERATOR], url)
        listing = _page(district.users[R.OPERATOR], reverse("cases:list"))
    assert 'data-testid="calendar-warning"' in html and f"{UNKNOWN} 年节假日未公布" in html
    assert 'data-testid="calendar-warning"' in listing
    Case.objects.filter(pk=case.pk).update(stage_due_at=dt.datetime(KNOWN, 12, 1, 9, tzinfo=SHANGHAI))
    with clock.pinned(dt.datetime(KNOWN, 11, 28, 9, tzinfo=SHANGHAI)):
        assert 'data-testid="calendar-warning"' not in _page(district.users[R.OPERATOR], url)


def test_the_admin_workbench_warns_from_october_of_the_year_before(district):
    assert calendar_gaps(dt.date(UNKNOWN - 1, 9, 30)) == []
    assert calendar_gaps(dt.date(UNKNOWN - 1, 10, 1)) == [UNKNOWN]
    with clock.pinned(dt.datetime(UNKNOWN - 1, 12, 3, 9, tzinfo=SHANGHAI)):
        admin = _page(district.users[R.ADMIN], reverse("web:home"))
        handler = _page(district.users[R.HANDLER], reverse("web:home"))
    assert 'data-testid="calendar-gaps"' in admin and f"chengguan calendar {UNKNOWN}" in admin
    assert 'data-testid="calendar-gaps"' not in handler
