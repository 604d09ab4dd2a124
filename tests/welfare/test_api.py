"""/api/v1/welfare/: the register masked, hardship only for the helpers, spots, draws and help."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chengguan.org.roles import RoleCode as R
from tests.welfare.conftest import draw, spot, vendor


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.parametrize("role, sees", [(R.HANDLER, False), (R.SQUAD_LEADER, True)])
def test_vendors_are_masked_and_hardship_is_for_the_helpers(district, role, sees):
    vendor(district, hardship="disability", id_number="410102199003071230")
    body = _api(district.users[role]).get("/api/v1/welfare/vendors/").json()
    row = body["results"][0] if "results" in body else body[0]
    assert row["id_number"] == "410102********1230"
    assert (row["hardship"] == "disability") is sees
    assert (row["hardship_evidence"] is None) is not sees


def test_a_vendor_is_registered_and_a_bad_id_is_a_field_error(district):
    api = _api(district.users[R.HANDLER])
    lon, lat = district.point(0)
    bad = api.post(
        "/api/v1/welfare/vendors/", {"name": "李四", "id_number": "123", "consent": True}, format="json"
    )
    assert bad.status_code == 400 and "id_number" in bad.json()["fields"]
    ok = api.post(
        "/api/v1/welfare/vendors/", {"name": "李四", "consent": True, "lon": lon, "lat": lat}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["grid"]


def test_a_draw_through_the_api(district):
    d = district
    dr = draw(d, spot(d, pitches=1))
    api = _api(d.users[R.ADMIN])
    for _ in range(2):
        v = vendor(d)
        assert (
            api.post(
                f"/api/v1/welfare/allocations/{dr.pk}/apply/", {"vendor": v.pk}, format="json"
            ).status_code
            == 201
        )
    assert api.get(f"/api/v1/welfare/allocations/{dr.pk}/").json()["seed"] == ""
    assert api.post(f"/api/v1/welfare/allocations/{dr.pk}/close/", {}, format="json").status_code == 200
    drawn = api.post(f"/api/v1/welfare/allocations/{dr.pk}/draw/", {}, format="json").json()
    assert drawn["seed"] and sorted(a["outcome"] for a in drawn["applications"]) == ["pitch", "waiting"]
    handler = _api(d.users[R.HANDLER]).post(
        f"/api/v1/welfare/allocations/{dr.pk}/vacate/", {"pitch": 1}, format="json"
    )
    assert handler.status_code == 403


def test_help_records_and_filters(district):
    d = district
    v = vendor(d)
    api = _api(d.users[R.HANDLER])
    made = api.post(
        "/api/v1/welfare/help/",
        {"vendor": v.pk, "kind": "goods", "on": "2026-09-14", "what": "面粉", "quantity": "5袋"},
        format="json",
    )
    assert made.status_code == 201
    assert api.get("/api/v1/welfare/help/", {"vendor": 2**63}).status_code == 400
    assert len(api.get("/api/v1/welfare/help/", {"year": 2026}).json()["results"]) == 1
