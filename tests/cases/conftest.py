"""A tiny district for the closed-loop tests: one sub-district, one community, four 100 m grids, the
command centre, one squad that handles the grids, one other department, and a user for each role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from chengguan.core.clock import SHANGHAI
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.taxonomy.models import Category, CategoryKind, Classification, MajorCategory, RoutingRule
from tests import factories
from tests.cases import media

LON0, LAT0 = 113.62, 34.75
# A working Tuesday morning: nothing in the district is late yet.
QUIET_MOMENT = dt.datetime(2026, 9, 15, 9, 0, tzinfo=SHANGHAI)


def cell_lon(col: float) -> float:
    return LON0 + col * factories.CELL_DLON


def cell_lat(row: float) -> float:
    return LAT0 + row * factories.CELL_DLAT


@dataclass
class District:
    bureau: Organisation
    subdistrict: Organisation
    community: Organisation
    centre: Organisation
    squad: Organisation
    department: Organisation
    grids: list[Grid]
    hours_category: Category  # 4 working hours
    days_category: Category  # 3 working days
    users: dict[str, User] = field(default_factory=dict)

    def point(self, index: int = 0) -> tuple[float, float]:
        """The WGS-84 centre of grid `index`."""
        g = self.grids[index]
        return g.centroid_lon, g.centroid_lat


def _categories() -> tuple[Category, Category]:
    classification = Classification.objects.create(code="TEST-1", name="测试分类", is_active=True)
    major = MajorCategory.objects.create(
        classification=classification, kind=CategoryKind.EVENT, code="01", name_zh="市容环境"
    )
    hours = Category.objects.create(
        classification=classification,
        major=major,
        kind=CategoryKind.EVENT,
        code="200101",
        minor_code="0101",
        name_zh="私搭乱建",
        time_limit_amount=4,
        time_limit_unit="working_hours",
        filing_criteria="现场可见的违法建设。",
    )
    days = Category.objects.create(
        classification=classification,
        major=major,
        kind=CategoryKind.EVENT,
        code="200102",
        minor_code="0102",
        name_zh="暴露垃圾",
        time_limit_amount=3,
        time_limit_unit="working_days",
    )
    return hours, days


@pytest.fixture
def district(db) -> District:
    return build_district()


def build_district() -> District:
    """The district of these tests (also the world of the case machine's matrix adapter)."""
    bureau = factories.bureau()
    sub = factories.subdistrict(bureau, code="001", name="建设路街道")
    comm = factories.community(sub, code="001", name="棉纺社区")
    centre = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=bureau, name="数字化城管指挥中心")
    squad = factories.squad(bureau, name="建设路中队")
    department = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=bureau, name="市政科")
    cells = [(0, 0), (1, 0), (0, 1), (1, 1)]  # 2 × 2 cells of 100 m, grid codes ...01 to ...04
    grids = [
        factories.grid(comm, seq, factories.square(cell_lon(col), cell_lat(row)), squad)
        for seq, (col, row) in enumerate(cells, start=1)
    ]
    hours, days = _categories()
    RoutingRule.objects.create(handler=squad, use_grid_squad=True, note="网格所属中队")
    d = District(bureau, sub, comm, centre, squad, department, grids, hours, days)
    where = {
        RoleCode.INSPECTOR: centre,
        RoleCode.OPERATOR: centre,
        RoleCode.SHIFT_LEADER: centre,
        RoleCode.DISPATCHER: centre,
        RoleCode.HANDLER: squad,
        RoleCode.SQUAD_LEADER: squad,
        RoleCode.LEGAL_REVIEWER: bureau,
        RoleCode.LEADER: bureau,
        RoleCode.ADMIN: bureau,
        RoleCode.DEPUTY: comm,
        RoleCode.CITIZEN: comm,
        RoleCode.MERCHANT: comm,
    }
    for role in RoleCode.values:  # the roles of later apps sit at the bureau
        where.setdefault(role, bureau)
    for role, org in where.items():
        if role == RoleCode.SYSTEM:
            d.users[role] = system_actor(bureau)  # the bureau's own account (org.system), not a person
        else:
            d.users[role] = factories.staff(org, role, username=role).user
    d.users["other_handler"] = factories.staff(department, RoleCode.HANDLER, username="other_handler").user
    d.users["other_inspector"] = factories.staff(centre, RoleCode.INSPECTOR, username="other_inspector").user
    d.users["other_citizen"] = factories.staff(comm, RoleCode.CITIZEN, username="other_citizen").user
    for g in grids[:3]:
        g.inspectors.add(d.users[RoleCode.INSPECTOR])
    grids[3].inspectors.add(d.users["other_inspector"])
    return d


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    """Evidence files go to a temporary MEDIA_ROOT (the suite-wide conftest sets the fast hasher)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def jpeg():
    """Valid JPEG uploads (optionally with EXIF time and GPS)."""
    return media.jpeg_upload
