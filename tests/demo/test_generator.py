"""Building the `small` demo through the database: what a user of the demo would notice."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from shapely import unary_union
from shapely.geometry import Polygon, shape

from chengguan.core.audit import verify_chain
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.demo.generator import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo
from chengguan.demo.layout import plan_layout
from chengguan.grids import codes
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind, PartnerType, StaffProfile
from chengguan.org.roles import ALL_ROLES, RoleCode
from chengguan.people.models import Certificate
from chengguan.taxonomy.models import Category
from chengguan.taxonomy.routing import propose_handler

User = get_user_model()


class _Undo(Exception):
    pass


def _snapshot_of_build(seed: int) -> dict:
    """Build a demo inside a savepoint, note what it made, and roll it back."""
    seen: dict = {}
    try:
        with transaction.atomic():
            build_demo(seed=seed, size="small", password=DEMO_PASSWORD)
            seen["codes"] = list(Grid.objects.order_by("code").values_list("code", flat=True))
            seen["geometry"] = [g.geometry for g in Grid.objects.order_by("code")]
            seen["names"] = sorted(StaffProfile.objects.values_list("user__username", "full_name"))
            seen["communities"] = sorted(
                Organisation.objects.filter(kind=OrgKind.COMMUNITY).values_list("code", "name")
            )
            raise _Undo
    except _Undo:
        pass
    return seen


def test_small_demo_builds_one_bureau_with_its_units(small_demo):
    assert small_demo.bureaus == 1
    assert small_demo.subdistricts == 2
    assert small_demo.communities == 4
    assert 40 <= small_demo.grids <= 60
    bureau = Organisation.objects.get(kind=OrgKind.BUREAU)
    assert (bureau.name, bureau.code) == ("郑州市中原区城市管理局", "410102")
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrgKind.values)
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {"数字城管监督指挥中心", "法制科", "林山寨中队", "直属中队", "渣土中队"} <= names
    partner_types = set(
        Organisation.objects.filter(kind=OrgKind.PARTNER).values_list("partner_type", flat=True)
    )
    assert {PartnerType.POLICE, PartnerType.COURT, PartnerType.HOUSING, PartnerType.UTILITY} <= partner_types


def test_same_seed_gives_the_same_demo_and_another_seed_another(db):
    first, again, other = _snapshot_of_build(1), _snapshot_of_build(1), _snapshot_of_build(7)
    assert first["codes"] and first == again
    assert other["names"] != first["names"]
    assert other["geometry"] != first["geometry"]


def test_database_grids_match_the_plan(small_demo):
    plan = plan_layout(1, "small")
    assert Grid.objects.count() == plan.cell_count
    first = plan.districts[0].subdistricts[0].communities[0]
    grid = Grid.objects.get(code=f"410102001{first.code}01")
    assert grid.geometry == plan.geojson(first.cells[0])
    assert grid.community.name == first.name


def test_every_demo_account_exists_with_its_role_and_logs_in(small_demo, client):
    # Every role a person can hold has a demo login; the system role is no person's.
    assert {a.role for a in DEMO_ACCOUNTS} == set(ALL_ROLES) - {RoleCode.SYSTEM}
    for account in DEMO_ACCOUNTS:
        profile = StaffProfile.objects.get(user__username=account.username)
        assert set(profile.roles.values_list("code", flat=True)) == {account.role}
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        client.logout()


def test_demo_accounts_sit_in_sensible_units(small_demo):
    unit = dict(StaffProfile.objects.values_list("user__username", "organisation__name"))
    assert unit["inspector"] == unit["operator"] == unit["dispatcher"] == "数字城管监督指挥中心"
    assert unit["handler"] == unit["squad_leader"] == "林山寨中队"
    assert unit["legal_reviewer"] == "法制科"
    assert unit["leader"] == unit["admin"] == "郑州市中原区城市管理局"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_generated_colleagues_cannot_log_in_with_the_demo_password(small_demo):
    colleague = StaffProfile.objects.exclude(user__username__in=[a.username for a in DEMO_ACCOUNTS]).first()
    assert colleague is not None
    assert authenticate(username=colleague.user.username, password=DEMO_PASSWORD) is None


def test_staff_look_real(small_demo):
    # People, not the system account the seeders act as (org.system).
    profiles = list(StaffProfile.objects.exclude(roles__code=RoleCode.SYSTEM))
    assert len(profiles) >= 20
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", p.full_name) for p in profiles)
    assert all(re.fullmatch(r"1[3-9]\d{9}", p.phone) for p in profiles)
    certified = [
        p for p in profiles if p.roles.filter(code__in=[RoleCode.HANDLER, RoleCode.SQUAD_LEADER]).exists()
    ]
    numbers = {c.holder_id: c.number for c in Certificate.objects.all()}
    assert certified and all(re.fullmatch(r"41010223\d{5}", numbers.get(p.user_id, "")) for p in certified)
    assert len({p.full_name for p in profiles}) == len(profiles)


def test_grids_tile_without_gaps_or_overlaps(small_demo):
    polygons = [shape(g) for g in Grid.objects.values_list("geometry", flat=True)]
    union = unary_union(polygons)
    assert isinstance(union, Polygon)
    assert list(union.interiors) == []
    assert union.area == pytest.approx(sum(p.area for p in polygons), rel=1e-9)
    assert all(a == pytest.approx(10_000, rel=0.01) for a in Grid.objects.values_list("area_m2", flat=True))


def test_grid_codes_fit_their_community_and_squad(small_demo):
    for grid in Grid.objects.select_related("community__parent", "community__bureau", "squad", "subdistrict"):
        codes.validate_grid_code(grid.code, community=grid.community)
        assert grid.subdistrict == grid.community.parent
        assert grid.squad.name == f"{grid.subdistrict.short_name.removesuffix('街道')}中队"
        assert 1 <= grid.inspectors.count() <= 2


def test_demo_inspector_patrols_a_few_grids(small_demo):
    inspector = User.objects.get(username="inspector")
    assert 1 <= inspector.grids.count() <= 10


def test_routing_sends_street_order_to_the_grids_squad_and_burst_mains_to_the_water_utility(small_demo):
    grid = Grid.objects.select_related("squad").first()
    vending = Category.objects.get(classification__is_active=True, kind="event", minor_code="0501")
    burst_main = Category.objects.get(classification__is_active=True, kind="event", minor_code="0402")
    assert propose_handler(category=vending, grid=grid) == grid.squad
    assert propose_handler(category=burst_main, grid=grid).name == "中原供水服务中心"


def test_every_row_is_in_an_intact_audit_chain(small_demo):
    report = verify_chain()
    assert report.ok
    assert report.count >= small_demo.grids + small_demo.staff + small_demo.organisations


def test_a_second_build_is_refused(small_demo):
    with pytest.raises(Conflict):
        build_demo(seed=2, size="small", password=DEMO_PASSWORD)
    assert Organisation.objects.filter(kind=OrgKind.BUREAU).count() == 1


def test_a_weak_password_is_refused_before_anything_is_built(db):
    with pytest.raises(ValidationFailed):
        build_demo(seed=1, size="small", password="123456")
    assert not Organisation.objects.exists()
