"""The dispatcher's routing-rules page and its "who would get this?" tester (issue 19 item 20)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.taxonomy.models import RoutingRule
from tests import factories
from tests.cases.conftest import QUIET_MOMENT, _fast_tests, build_district  # noqa: F401  (fixture)
from tests.cases.flow import drive


@pytest.fixture
def district(db):
    return build_district()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dispatcher_sees_the_rules_and_the_tester_names_who_the_intake_would_propose(district):
    RoutingRule.objects.create(
        bureau=district.bureau,
        category=district.days_category,
        grid=district.grids[2],
        handler=district.department,
        note="市政设施归市政科",
    )
    client = _client(district.users[R.DISPATCHER])
    page = client.get(reverse("web:routing")).content.decode()
    assert "市政设施归市政科" in page and "网格所属中队" in page
    lon, lat = district.point(2)
    asked = {"category": district.days_category.code, "lon": lon, "lat": lat, "crs": "wgs84"}
    answer = client.get(reverse("web:routing"), asked).content.decode()
    assert 'data-testid="routing-answer"' in answer and "建议派遣给 <strong>市政科</strong>" in answer
    # The same answer the intake gives when the case is filed there.
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.FILED, grid=2, category=district.days_category)
    assert Case.objects.get(pk=case.pk).proposed_unit == district.department
    elsewhere = client.get(reverse("web:routing"), {**asked, "lon": 116.40, "lat": 39.90}).content.decode()
    assert "不在本局辖区" in elsewhere


def test_another_bureaus_rules_are_not_shown(district):
    other = factories.bureau(name="金水区城市管理局", code="410105")
    RoutingRule.objects.create(
        bureau=other, handler=factories.squad(other, name="金水中队"), note="金水区的规则"
    )
    page = _client(district.users[R.DISPATCHER]).get(reverse("web:routing")).content.decode()
    assert "金水区的规则" not in page


@pytest.mark.parametrize("role", [R.HANDLER, R.CITIZEN, R.INSPECTOR])
def test_only_the_dispatch_desk_opens_the_page(district, role):
    assert _client(district.users[role]).get(reverse("web:routing")).status_code == 403
