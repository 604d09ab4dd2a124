"""A small district for the ledger tests: one bureau, one sub-district with two communities, a squad
and a 4×2 block of 100 m grids, plus a user for each role that touches the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation
from chengguan.org.roles import RoleCode
from tests import factories

LON0, LAT0 = 113.62, 34.75


@dataclass
class District:
    bureau: Organisation
    subdistrict: Organisation
    communities: list[Organisation]
    squad: Organisation
    grids: list[Grid]
    users: dict[str, User] = field(default_factory=dict)

    def point(self, index: int = 0, dx: float = 0.5, dy: float = 0.5) -> tuple[float, float]:
        """A WGS-84 point inside grid `index` (dx, dy: fraction of the cell)."""
        col, row = index % 4, index // 4
        return LON0 + (col + dx) * factories.CELL_DLON, LAT0 + (row + dy) * factories.CELL_DLAT

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return LON0, LAT0, LON0 + 4 * factories.CELL_DLON, LAT0 + 2 * factories.CELL_DLAT


@pytest.fixture
def district(db) -> District:
    return build_district()


def build_district() -> District:
    bureau = factories.bureau(short_name="")
    sub = factories.subdistrict(bureau, code="001", name="建设路街道")
    c1 = factories.community(sub, code="001", name="百花社区")
    c2 = factories.community(sub, code="002", name="棉纺社区")
    squad = factories.squad(bureau, name="第一中队")
    grids = []
    for index in range(8):
        col, row = index % 4, index // 4
        comm = c1 if col < 2 else c2
        lon = LON0 + col * factories.CELL_DLON
        lat = LAT0 + row * factories.CELL_DLAT
        grids.append(factories.grid(comm, index + 1, factories.square(lon, lat), squad_org=squad))
    d = District(bureau, sub, [c1, c2], squad, grids)
    for role, unit in (
        (RoleCode.ADMIN, bureau),
        (RoleCode.LEADER, bureau),
        (RoleCode.SQUAD_LEADER, squad),
        (RoleCode.INSPECTOR, squad),
        (RoleCode.CITIZEN, bureau),
    ):
        d.users[role] = factories.staff(unit, role, username=f"m_{role}").user
    return d


def merchant_fields(rng, d: District, index: int = 0, **over) -> dict:
    from chengguan.merchants import data

    btype = data.business_type(rng)
    street = rng.choice(data.STREETS)
    lon, lat = d.point(index, rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
    fields = {
        "name": data.shop_name(rng, btype, street),
        "credit_code": data.credit_code(rng),
        "operator_name": data.person(rng),
        "id_number": "",
        "phone": data.mobile(rng),
        "business_type": btype,
        "address": data.address(rng, street),
        "lon": lon,
        "lat": lat,
        "frontage_m": "8.5",
        "status": "open",
    }
    fields.update(over)
    return fields
