"""A city installation: a city-level bureau above the district bureaus, and its 市级领导 who reads
every bureau of the city and writes none (issue 12 item 6)."""

from __future__ import annotations

import pytest
from django.test import Client

from chengguan.cases import selectors as case_selectors
from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.org import selectors as org_selectors
from chengguan.org import services as org_services
from chengguan.org.models import OrgKind
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests import factories
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import report

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests


@pytest.fixture
def city(district):
    """The district's bureau and a second one below 郑州市城市管理局; a third bureau stays outside."""
    second = factories.bureau_with_a_grid("二七区城市管理局", "410103", 113.60, 34.70)
    outside = factories.bureau_with_a_grid("开封市鼓楼区城市管理局", "410204", 113.50, 34.60)
    top = factories.city_above(district.bureau, second)
    leader = factories.staff(top, R.CITY_LEADER, username="zz_city_leader").user
    with clock.pinned(QUIET_MOMENT):
        cases = {
            "first": report(district, grid=0),
            "second": report(district, role=R.OPERATOR, source="hotline", lon=113.6005, lat=34.7005),
            "outside": report(district, role=R.OPERATOR, source="hotline", lon=113.5005, lat=34.6005),
        }
    return top, leader, second, outside, cases


def test_the_city_leader_reads_every_bureau_of_the_city_and_no_other(district, city):
    _top, leader, second, outside, cases = city
    assert cases["second"].bureau == second and cases["outside"].bureau == outside
    seen = set(case_selectors.cases_visible_to(leader).values_list("pk", flat=True))
    assert seen == {cases["first"].pk, cases["second"].pk}
    client = Client()
    client.force_login(leader)
    listed = client.get("/api/v1/cases/").json()["results"]
    assert {row["number"] for row in listed} == {cases["first"].number, cases["second"].number}
    assert client.get(f"/api/v1/cases/{cases['outside'].pk}/").status_code == 404
    bureaus = set(org_selectors.overseen_bureaus(leader).values_list("pk", flat=True))
    assert bureaus == {district.bureau.pk, second.pk}
    units = org_selectors.visible_organisations(leader)
    assert units.filter(bureau=outside).count() == 0 and units.filter(bureau=second).exists()


def test_a_bureau_leader_below_the_city_still_sees_only_their_bureau(district, city):
    _top, _leader, _second, _outside, cases = city
    seen = set(case_selectors.cases_visible_to(district.users[R.LEADER]).values_list("pk", flat=True))
    assert seen == {cases["first"].pk}


def test_the_city_leader_takes_no_step_on_a_case(district, city):
    _top, leader, _second, _outside, cases = city
    client = Client()
    client.force_login(leader)
    case = cases["first"]
    response = client.post(f"/api/v1/cases/{case.pk}/file/", {}, content_type="application/json")
    assert response.status_code in (403, 404)
    case.refresh_from_db()
    assert case.state == "reported"
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["available_actions"] == []


def test_a_city_is_a_root_and_holds_bureaus(db):
    installation = system_actor()
    top = org_services.organisation_create(actor=installation, kind=OrgKind.CITY, name="洛阳市城市管理局")
    assert top.bureau is None and top.path == f"/{top.pk}/"
    bureau = org_services.organisation_create(
        actor=installation, kind=OrgKind.BUREAU, name="涧西区城市管理局", parent=top, code="410305"
    )
    assert bureau.bureau == bureau and bureau.path == f"/{top.pk}/{bureau.pk}/"
    with pytest.raises(ValidationFailed) as refused:
        org_services.organisation_create(actor=installation, kind=OrgKind.CITY, name="错", parent=bureau)
    assert "parent" in refused.value.fields
    squad = factories.squad(bureau)
    with pytest.raises(ValidationFailed):
        org_services.organisation_create(actor=installation, kind=OrgKind.BUREAU, name="错", parent=squad)
    assert Case.objects.count() == 0


def test_the_city_leader_compares_the_bureaus_of_the_city(district, city):
    _top, leader, second, _outside, _cases = city
    client = Client()
    client.force_login(leader)
    day = QUIET_MOMENT.astimezone(clock.SHANGHAI).date().isoformat()
    body = client.get(f"/api/v1/figures/bureaus/?from={day}&to={day}").json()
    lines = {line["bureau"]["id"]: line for line in body["bureaus"]}
    assert set(lines) == {district.bureau.pk, second.pk}  # not the bureau outside the city
    assert lines[second.pk]["reports"] == 1 and lines[second.pk]["open_cases"] == 1
    assert lines[district.bureau.pk]["open_cases"] == 1
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/figures/bureaus/?start={day}&end={day}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "二七区城市管理局" in text and "开封市鼓楼区城市管理局" not in text
    assert "Comparison of bureaus" in text
    bad = client.get(f"/figures/bureaus/?start={day}&end=2000-01-01")
    assert bad.status_code == 200 and "The end date cannot be before the start date." in bad.content.decode()


def test_only_a_city_leader_compares_bureaus(district, city):
    client = Client()
    client.force_login(district.users[R.LEADER])
    assert client.get("/api/v1/figures/bureaus/").status_code == 403
    assert client.get("/figures/bureaus/").status_code == 403
