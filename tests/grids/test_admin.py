"""The grid admin: search by code, filter by unit, and saves that go through the services."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from chengguan.core.audit import history
from chengguan.grids.index import current_version
from chengguan.grids.models import Grid
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, district):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def form_data(grid: Grid, **changes) -> dict:
    data = {
        "code": grid.code,
        "name": grid.name,
        "community": grid.community_id,
        "squad": grid.squad_id or "",
        "geometry": json.dumps(grid.geometry),
        "_save": "保存",
    }
    data.update(changes)
    return data


def test_changelist_searches_by_code_and_filters_by_community(admin_client, district):
    target = district.cells[(5, 0)]
    url = reverse("admin:grids_grid_changelist")
    found = admin_client.get(url, {"q": target.code})
    assert found.status_code == 200
    assert target.code in found.content.decode()
    assert district.cells[(0, 0)].code not in found.content.decode()

    filtered = admin_client.get(url, {"community__id__exact": district.communities[2].pk})
    page = filtered.content.decode()
    assert filtered.status_code == 200
    assert target.code in page
    assert district.cells[(0, 0)].code not in page
    assert "汝河社区" in page  # the filter sidebar lists the communities in use


def test_saving_in_the_admin_is_audited_and_rebuilds_the_index(admin_client, district):
    grid = district.cells[(0, 0)]
    version = current_version()
    url = reverse("admin:grids_grid_change", args=[grid.pk])
    response = admin_client.post(url, form_data(grid, name="后台改名"))
    assert response.status_code == 302
    assert Grid.objects.get(pk=grid.pk).name == "后台改名"
    event = history(grid).last()
    assert event.action == "grid.update"
    assert event.actor.username == "root"
    assert current_version() == version + 1


def test_admin_shows_the_domain_error_on_the_form(admin_client, district):
    grid = district.cells[(0, 0)]
    url = reverse("admin:grids_grid_change", args=[grid.pk])
    response = admin_client.post(url, form_data(grid, code="41010200200101"))
    assert response.status_code == 200
    assert "grid.code_mismatch" in response.content.decode()
    assert Grid.objects.get(pk=grid.pk).code == grid.code


def test_grids_cannot_be_deleted_from_the_admin(admin_client, district):
    grid = district.cells[(0, 0)]
    response = admin_client.post(reverse("admin:grids_grid_delete", args=[grid.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Grid.objects.filter(pk=grid.pk).exists()


def test_adding_in_the_admin_creates_the_grid_through_the_service(admin_client, district):
    template = district.cells[(0, 0)]
    geometry = {
        "type": "Polygon",
        "coordinates": [[[x, y + 0.01] for x, y in template.geometry["coordinates"][0]]],
    }
    data = form_data(template, code="41010200100190", name="新增网格", geometry=json.dumps(geometry))
    response = admin_client.post(reverse("admin:grids_grid_add"), data)
    assert response.status_code == 302
    created = Grid.objects.get(code="41010200100190")
    assert created.subdistrict == district.subdistricts[0]
    assert created.area_m2 > 9_000
    assert history(created).get().action == "grid.create"
