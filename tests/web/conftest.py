"""A small district for the web page tests: one bureau, two sub-districts, staff in each role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind, PartnerType, StaffProfile
from chengguan.org.roles import RoleCode
from tests.factories import (
    CELL_DLAT,
    CELL_DLON,
    DEMO_PASSWORD,
    OrganisationFactory,
    bureau,
    community,
    grid,
    squad,
    square,
    staff,
    subdistrict,
)

LON0, LAT0 = 113.62, 34.75
PASSWORD = DEMO_PASSWORD


@dataclass
class WebDistrict:
    bureau: Organisation
    sub1: Organisation
    sub2: Organisation
    com1: Organisation
    com2: Organisation
    squad1: Organisation
    partner: Organisation
    inspector: StaffProfile
    handler: StaffProfile
    colleague: StaffProfile
    squad_leader: StaffProfile
    leader: StaffProfile
    admin: StaffProfile
    citizen: StaffProfile
    grids: list[Grid]


def cell(col: int, row: int) -> dict:
    return square(LON0 + col * CELL_DLON, LAT0 + row * CELL_DLAT)


@pytest.fixture
def web_district(db) -> WebDistrict:
    """Grids form a 4×2 block: columns 0–1 in community 1 (sub-district 1, squad 1), 2–3 in community 2
    (sub-district 2). The inspector is assigned the first two grids of community 1."""
    b = bureau()
    sub1 = subdistrict(b, code="001", name="林山寨街道办事处")
    sub2 = subdistrict(b, code="002", name="建设路街道办事处")
    com1 = community(sub1, code="001", name="百花社区")
    com2 = community(sub2, code="001", name="桐柏社区")
    squad1 = squad(b, name="第一执法中队")
    partner = OrganisationFactory(
        kind=OrgKind.PARTNER, partner_type=PartnerType.POLICE, parent=b, name="中原分局"
    )
    grids = []
    for col in range(4):
        for row in range(2):
            com = com1 if col < 2 else com2
            seq = row * 2 + (col % 2) + 1
            grids.append(grid(com, seq, cell(col, row), squad_org=squad1 if col < 2 else None))
    inspector = staff(
        squad1, RoleCode.INSPECTOR, username="inspector", full_name="张巡查", phone="13812345678"
    )
    for g in grids[:2]:
        g.inspectors.add(inspector.user)
    handler = staff(com1, RoleCode.HANDLER, username="handler", full_name="李处置", phone="13987654321")
    colleague = staff(com1, RoleCode.HANDLER, username="colleague", full_name="王同事", phone="13700001111")
    squad_leader = staff(squad1, RoleCode.SQUAD_LEADER, username="squad_leader", full_name="赵中队")
    leader = staff(b, RoleCode.LEADER, username="leader", full_name="刘局长", phone="13600002222")
    admin = staff(b, RoleCode.ADMIN, username="admin", full_name="陈管理")
    admin.user.is_staff = True
    admin.user.save(update_fields=["is_staff"])
    citizen = staff(b, RoleCode.CITIZEN, username="citizen", full_name="孙市民")
    return WebDistrict(
        bureau=b,
        sub1=sub1,
        sub2=sub2,
        com1=com1,
        com2=com2,
        squad1=squad1,
        partner=partner,
        inspector=inspector,
        handler=handler,
        colleague=colleague,
        squad_leader=squad_leader,
        leader=leader,
        admin=admin,
        citizen=citizen,
        grids=grids,
    )


@pytest.fixture
def login(client):
    """Sign the test client in as `username` (through the real login form's backend)."""

    def _login(username: str):
        assert client.login(username=username, password=PASSWORD)
        return client

    return _login
