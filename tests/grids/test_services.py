"""Grid writes: validation, permission, audit trail and the index version."""

from __future__ import annotations

import pytest

from chengguan.core.audit import history, verify_chain
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.grids.geometry import geometry_digest
from chengguan.grids.index import current_version
from chengguan.grids.models import Grid
from chengguan.grids.services import grid_create, grid_update
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests import factories
from tests.factories import square


def new_grid_args(district, **overrides):
    comm = district.communities[0]
    args = {
        "code": "41010200100150",
        "community": comm,
        "geometry": square(district.xs[0], district.ys[-1]),
        "name": "北侧新网格",
    }
    args.update(overrides)
    return args


def test_create_fills_area_bbox_and_subdistrict_and_writes_one_audit_event(district):
    events, version = AuditEvent.objects.count(), current_version()
    inspector = factories.staff(district.communities[0], RoleCode.INSPECTOR).user
    grid = grid_create(
        actor=system_actor(), inspectors=[inspector], squad=district.squad, **new_grid_args(district)
    )
    assert grid.subdistrict == district.subdistricts[0]
    assert grid.area_m2 == pytest.approx(10_000, rel=0.01)
    assert grid.min_lat == pytest.approx(district.ys[-1])
    assert list(grid.inspectors.all()) == [inspector]
    assert AuditEvent.objects.count() == events + 1
    event = history(grid).get()
    assert event.action == "grid.create"
    assert event.after["code"] == "41010200100150"
    assert event.after["inspectors"] == [inspector.username]
    assert event.after["geometry_sha256"] == geometry_digest(grid.geometry)
    assert "coordinates" not in str(event.after)
    assert current_version() == version + 1
    assert verify_chain().ok


def test_create_reports_every_problem_at_once_and_saves_nothing(district):
    count, events = Grid.objects.count(), AuditEvent.objects.count()
    open_ring = {"type": "Polygon", "coordinates": [square(113.7, 34.8)["coordinates"][0][:-1]]}
    with pytest.raises(ValidationFailed) as err:
        grid_create(
            actor=system_actor(), **new_grid_args(district, code="41010200200150", geometry=open_ring)
        )
    assert err.value.code == "grid.code_mismatch"
    assert set(err.value.fields) == {"code", "geometry"}
    assert Grid.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_code_already_used_is_refused(district):
    taken = district.cells[(0, 0)].code
    with pytest.raises(ValidationFailed) as err:
        grid_create(actor=system_actor(), **new_grid_args(district, code=taken))
    assert err.value.code == "grid.code_taken"


def test_squad_must_be_a_squad(district):
    with pytest.raises(ValidationFailed) as err:
        grid_create(actor=system_actor(), squad=district.subdistricts[0], **new_grid_args(district))
    assert err.value.code == "grid.not_a_squad"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (RoleCode.ADMIN, True),
        (RoleCode.LEADER, False),
        (RoleCode.INSPECTOR, False),
        (RoleCode.DISPATCHER, False),
    ],
)
def test_only_admins_maintain_grids(district, role, allowed):
    actor = factories.staff(district.bureau, role).user
    count, events = Grid.objects.count(), AuditEvent.objects.count()
    if allowed:
        grid = grid_create(actor=actor, **new_grid_args(district))
        assert history(grid).get().actor == actor
    else:
        with pytest.raises(PermissionDenied):
            grid_create(actor=actor, **new_grid_args(district))
        with pytest.raises(PermissionDenied):
            grid_update(actor=actor, grid=district.cells[(0, 0)], name="改名")
        assert Grid.objects.count() == count
        assert AuditEvent.objects.count() == events
        assert Grid.objects.get(pk=district.cells[(0, 0)].pk).name == "网格 0-0"


def test_admin_of_another_bureau_cannot_touch_our_grids(district):
    other = factories.bureau(name="二七区城市管理局", code="410103")
    outsider = factories.staff(other, RoleCode.ADMIN).user
    with pytest.raises(PermissionDenied) as err:
        grid_update(actor=outsider, grid=district.cells[(0, 0)], name="改名")
    assert err.value.code == "grid.other_bureau"


def test_update_audits_only_the_changed_fields(district):
    grid = district.cells[(1, 1)]
    version = current_version()
    updated = grid_update(actor=system_actor(), grid=grid, name="新名称", squad=None)
    assert updated.name == "新名称"
    assert Grid.objects.get(pk=grid.pk).squad is None
    event = history(grid).last()
    assert event.action == "grid.update"
    assert event.before == {"name": "网格 1-1", "squad_id": district.squad.pk}
    assert event.after == {"name": "新名称", "squad_id": None}
    assert current_version() == version + 1


def test_update_with_the_same_values_writes_nothing(district):
    grid = district.cells[(2, 2)]
    events, version = AuditEvent.objects.count(), current_version()
    grid_update(
        actor=system_actor(), grid=grid, name=grid.name, geometry=grid.geometry, community=grid.community
    )
    assert AuditEvent.objects.count() == events
    assert current_version() == version


def test_moving_a_grid_to_another_community_needs_a_matching_code(district):
    grid = district.cells[(0, 0)]
    target = district.communities[2]
    with pytest.raises(ValidationFailed) as err:
        grid_update(actor=system_actor(), grid=grid, community=target)
    assert err.value.code == "grid.code_mismatch"
    moved = grid_update(actor=system_actor(), grid=grid, community=target, code="41010200200199")
    assert moved.subdistrict == district.subdistricts[1]
    assert history(grid).last().after["community_id"] == target.pk


def test_geometry_change_is_audited_as_a_hash_and_recomputes_area(district):
    grid = district.cells[(0, 0)]
    bigger = square(district.xs[0], district.ys[0] - 2 * factories.CELL_DLAT, cols=1, rows=2)
    updated = grid_update(actor=system_actor(), grid=grid, geometry=bigger)
    assert updated.area_m2 == pytest.approx(20_000, rel=0.01)
    event = history(grid).last()
    assert set(event.after) == {"geometry_sha256", "area_m2"}
    assert event.after["geometry_sha256"] == geometry_digest(Grid.objects.get(pk=grid.pk).geometry)


def test_unknown_fields_cannot_be_updated(district):
    with pytest.raises(ValidationFailed) as err:
        grid_update(actor=system_actor(), grid=district.cells[(0, 0)], area_m2=1)
    assert err.value.code == "grid.field_not_editable"
