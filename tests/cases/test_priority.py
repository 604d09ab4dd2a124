"""A case's priority (紧急 / 一般): set at intake on the page, the API and Open311, then shown on the
case page, the lists and the exports, and filterable wherever cases are filtered."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chengguan.cases.models import Case, Priority
from chengguan.core.clock import pinned
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.api.schema_check import SchemaCheckingClient
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import report
from tests.portal.conftest import api_key  # noqa: F401  (fixture)

OPEN311 = "/open311/v2"


def _api(user) -> APIClient:
    client = SchemaCheckingClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _intake(district, **extra) -> dict:
    lon, lat = district.point(0)
    return {
        "category": district.hours_category.code,
        "description": "井盖缺失，行人有坠落危险",
        "lon": lon,
        "lat": lat,
        "source": "patrol",
        **extra,
    }


def test_the_report_page_sets_priority_and_the_case_page_shows_it(district, client):
    client.force_login(district.users[R.INSPECTOR])
    lon, lat = district.point(0)
    with pinned(QUIET_MOMENT):
        page = client.get(reverse("cases:report"))
        assert 'name="priority"' in page.content.decode()
        response = client.post(
            reverse("cases:report"),
            {
                "source": "patrol",
                "category": district.days_category.code,
                "description": "井盖缺失",
                "lon": lon,
                "lat": lat,
                "priority": "urgent",
                "idempotency_key": page.context["form"].initial["idempotency_key"],
            },
        )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.priority == Priority.URGENT
    assert AuditEvent.objects.get(action="case.report").after["priority"] == "urgent"
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="urgent-chip"' in detail
    assert "紧急程度：紧急" in detail


def test_a_report_without_priority_is_normal_everywhere(district):
    case = report(district)
    assert case.priority == Priority.NORMAL


def test_the_api_takes_priority_refuses_others_and_filters_by_it(district):
    api = _api(district.users[R.INSPECTOR])
    with pinned(QUIET_MOMENT):
        urgent = api.post("/api/v1/cases/", _intake(district, priority="urgent"), format="json")
        normal = api.post("/api/v1/cases/", _intake(district), format="json")
        wrong = api.post("/api/v1/cases/", _intake(district, priority="high"), format="json")
    assert urgent.status_code == 201 and urgent.json()["priority"] == "urgent"
    assert urgent.json()["priority_name"] == "紧急"
    assert normal.json()["priority"] == "normal"
    assert wrong.status_code == 400 and "priority" in wrong.json()["fields"]
    assert Case.objects.count() == 2

    staff = _api(district.users[R.OPERATOR])
    listed = staff.get("/api/v1/cases/", {"priority": "urgent"}).json()["results"]
    assert [row["number"] for row in listed] == [urgent.json()["number"]]
    rows = list(
        csv.reader(
            io.StringIO(b"".join(staff.get("/api/v1/cases/export.csv").streaming_content).decode("utf-8-sig"))
        )
    )
    column = rows[0].index("紧急程度")
    assert sorted(row[column] for row in rows[1:]) == ["一般", "紧急"]


def test_the_web_list_filters_by_priority_and_marks_urgent_rows(district, client):
    urgent = report(district, priority=Priority.URGENT)
    normal = report(district, grid=1)
    client.force_login(district.users[R.OPERATOR])
    page = client.get(reverse("cases:list"), {"priority": "urgent"}).content.decode()
    assert urgent.number in page and normal.number not in page
    assert 'data-testid="urgent-chip"' in page
    everything = client.get(reverse("cases:list")).content.decode()
    assert urgent.number in everything and normal.number in everything


def test_open311_publishes_priority_as_a_service_attribute_and_takes_it(client, district, api_key):  # noqa: F811
    definition = client.get(f"{OPEN311}/services/{district.days_category.code}.json").json()
    [attribute] = definition["attributes"]
    assert attribute["code"] == "priority" and attribute["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attribute["values"]] == ["urgent", "normal"]
    xml = ET.fromstring(client.get(f"{OPEN311}/services/{district.days_category.code}.xml").content)
    assert xml.find("attributes/attribute/code").text == "priority"

    lon, lat = district.point(0)
    post = {
        "api_key": api_key,
        "service_code": district.days_category.code,
        "lat": str(lat),
        "long": str(lon),
        "description": "井盖缺失",
    }
    answer = client.post(f"{OPEN311}/requests.json", {**post, "attribute[priority]": "urgent"})
    assert answer.status_code == 200, answer.content
    assert Case.objects.get(number=answer.json()[0]["service_request_id"]).priority == Priority.URGENT
    refused = client.post(f"{OPEN311}/requests.json", {**post, "attribute[priority]": "soon"})
    assert refused.status_code == 400 and "priority" in refused.json()[0]["description"]
    assert Case.objects.count() == 1


def test_the_report_page_and_the_filter_bar_render_priority_from_the_model(district, client):
    """Neither template names the field: the report form's intake attributes and the filter bar's
    come from `INTAKE_ATTRIBUTES`, with the model field's label and choices."""
    client.force_login(district.users[R.OPERATOR])
    page = client.get(reverse("cases:report")).content.decode()
    assert "紧急程度" in page
    assert 'type="radio" name="priority" value="urgent"' in page
    assert 'type="radio" name="priority" value="normal"' in page and "checked" in page

    bar = client.get(reverse("cases:list"), {"priority": "urgent"}).content.decode()
    select = bar[bar.index('data-testid="filter-priority"') :].split("</select>")[0]
    assert '<option value="urgent" selected>紧急</option>' in select
    assert '<option value="normal">一般</option>' in select

    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    english = client.get(reverse("cases:list")).content.decode()
    assert "<span>Priority</span>" in english and ">Urgent</option>" in english
