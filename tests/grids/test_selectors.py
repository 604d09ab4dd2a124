"""Which grids a member of staff sees, and grids in a map box."""

from __future__ import annotations

from chengguan.grids.models import Grid
from chengguan.grids.selectors import grids_in_bbox, grids_visible_to
from chengguan.grids.services import grid_update
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests import factories


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_leader_and_admin_see_every_grid_of_their_bureau(district):
    other = factories.bureau(name="二七区城市管理局", code="410103")
    for role in (RoleCode.LEADER, RoleCode.ADMIN):
        actor = factories.staff(district.bureau, role).user
        assert codes(grids_visible_to(actor)) == codes(Grid.objects.all())
        outsider = factories.staff(other, role).user
        assert not grids_visible_to(outsider).exists()


def test_command_centre_sees_every_grid_of_its_bureau_to_route_cases(district):
    other = factories.bureau(name="二七区城市管理局", code="410103")
    centre = factories.OrganisationFactory(kind="department", parent=district.bureau, name="指挥中心")
    for role in (RoleCode.OPERATOR, RoleCode.DISPATCHER, RoleCode.SHIFT_LEADER):
        assert codes(grids_visible_to(factories.staff(centre, role).user)) == codes(Grid.objects.all())
        assert not grids_visible_to(factories.staff(other, role).user).exists()


def test_squad_staff_see_the_grids_of_their_squad(district):
    actor = factories.staff(district.squad, RoleCode.SQUAD_LEADER).user
    assert codes(grids_visible_to(actor)) == codes(Grid.objects.filter(squad=district.squad))
    assert grids_visible_to(actor).count() == 16


def test_subdistrict_and_community_staff_see_their_unit(district):
    sub_staff = factories.staff(district.subdistricts[1], RoleCode.HANDLER).user
    assert codes(grids_visible_to(sub_staff)) == codes(
        Grid.objects.filter(subdistrict=district.subdistricts[1])
    )
    comm_staff = factories.staff(district.communities[1], RoleCode.HANDLER).user
    assert codes(grids_visible_to(comm_staff)) == codes(
        Grid.objects.filter(community=district.communities[1])
    )
    assert grids_visible_to(comm_staff).count() == 8


def test_inspector_also_sees_assigned_grids_elsewhere(district):
    inspector = factories.staff(district.communities[0], RoleCode.INSPECTOR).user
    far = district.cells[(5, 3)]
    grid_update(actor=system_actor(), grid=far, inspectors=[inspector])
    visible = codes(grids_visible_to(inspector))
    assert far.code in visible
    assert visible == codes(Grid.objects.filter(community=district.communities[0])) | {far.code}


def test_public_and_anonymous_users_see_no_grids(district):
    from django.contrib.auth.models import AnonymousUser

    citizen = factories.staff(district.communities[0], RoleCode.CITIZEN).user
    assert not grids_visible_to(citizen).exists()
    assert not grids_visible_to(AnonymousUser()).exists()


def test_bbox_returns_grids_overlapping_the_box(district):
    xs, ys = district.xs, district.ys
    # A box inside the two westernmost columns of the bottom row, touching nothing else.
    inner = grids_in_bbox(xs[0] + 1e-6, ys[0] + 1e-6, xs[2] - 1e-6, ys[1] - 1e-6)
    assert codes(inner) == {district.cells[(0, 0)].code, district.cells[(1, 0)].code}
    assert grids_in_bbox(xs[0], ys[0], xs[-1], ys[-1]).count() == len(district.cells)
    assert not grids_in_bbox(100.0, 20.0, 100.1, 20.1).exists()
