"""The category system through the API, as loaded from the shipped classification."""

from __future__ import annotations

import pytest

from chengguan.org.system import system_actor
from chengguan.taxonomy.loader import load_taxonomy
from chengguan.taxonomy.models import Category
from tests.api.conftest import assert_error


@pytest.fixture
def categories(db):
    load_taxonomy(actor=system_actor())
    return Category.objects.filter(classification__is_active=True, is_active=True)


def _all(api, **params) -> list[dict]:
    rows, page = [], 1
    while True:
        response = api.get("/api/v1/categories/", {**params, "page": page})
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


def test_category_fields(district, categories, client_for):
    rows = _all(client_for(district.handler1), q="暴露垃圾")
    row = next(r for r in rows if r["code"] == "200102")
    assert row["kind"] == "event"
    assert row["kind_name"] == "事件"
    assert row["minor_code"] == "0102"
    assert row["major"] == {"code": "01", "name_zh": "市容环境", "name_en": "City appearance & sanitation"}
    assert row["name_zh"] == "暴露垃圾"
    assert row["name_en"] == "Exposed garbage"
    assert row["time_limit"] == {
        "amount": 4,
        "unit": "working_hours",
        "unit_name": "工作时",
        "label": "4个工作时",
    }
    assert "垃圾" in row["filing_criteria"]
    assert "清除" in row["closing_criteria"]
    assert row["classification"] == "GB/T 30428.2-2013"


def test_category_list_covers_the_active_classification(district, categories, client_for):
    rows = _all(client_for(district.leader))
    assert len(rows) == categories.count()
    assert {r["code"] for r in rows} == set(categories.values_list("code", flat=True))


def test_category_filters(district, categories, client_for):
    api = client_for(district.leader)
    events = _all(api, kind="event")
    assert events and all(r["kind"] == "event" for r in events)
    assert len(events) == categories.filter(kind="event").count()
    street = _all(api, kind="event", major="05")
    assert street and {r["major"]["name_zh"] for r in street} == {"街面秩序"}
    assert [r["code"] for r in _all(api, q="2001")] == sorted(
        categories.filter(code__startswith="2001").values_list("code", flat=True)
    )
    body = assert_error(api.get("/api/v1/categories/", {"kind": "rumour"}), 400, "validation_failed")
    assert list(body["fields"]) == ["kind"]


def test_inactive_category_is_not_listed(district, categories, client_for):
    Category.objects.filter(code="200102").update(is_active=False)
    api = client_for(district.leader)
    assert "200102" not in {r["code"] for r in _all(api, q="2001")}
    assert_error(api.get("/api/v1/categories/200102/"), 404, "taxonomy.unknown_category")


def test_category_detail(district, categories, client_for):
    body = client_for(district.leader).get("/api/v1/categories/200102/").json()
    assert body["name_zh"] == "暴露垃圾"


def test_category_list_query_count(district, categories, client_for, django_assert_max_num_queries):
    api = client_for(district.leader)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/categories/")
    assert len(response.json()["results"]) == 50


def test_categories_need_authentication(district, api):
    assert_error(api.get("/api/v1/categories/"), 401, "not_authenticated")
