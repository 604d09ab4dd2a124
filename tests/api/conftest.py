"""A small district for the API tests, and clients that authenticate the way API users do."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.org.models import Organisation, OrgKind, PartnerType, StaffProfile
from chengguan.org.roles import RoleCode
from tests.api.schema_check import SchemaCheckingClient
from tests.cases.conftest import QUIET_MOMENT
from tests.factories import (
    CELL_DLAT,
    CELL_DLON,
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


@dataclass
class District:
    bureau: Organisation
    other_bureau: Organisation
    sub1: Organisation
    sub2: Organisation
    com1: Organisation
    com2: Organisation
    squad1: Organisation
    squad2: Organisation
    partner: Organisation
    handler1: StaffProfile
    handler2: StaffProfile
    leader: StaffProfile
    admin: StaffProfile
    outsider: StaffProfile
    grids: dict


def cell(col: int, row: int) -> dict:
    """The 100 m cell `col` east and `row` north of the district's south-west corner."""
    return square(LON0 + col * CELL_DLON, LAT0 + row * CELL_DLAT)


@pytest.fixture
def district(db) -> District:
    """Two sub-districts with one community each, two squads and a partner agency.

    Grids form a 4×2 block: columns 0–1 belong to community 1 / squad 1, columns 2–3 to
    community 2 / squad 2; the sequence number is `row * 2 + col_in_community + 1`.
    """
    b = bureau()
    other = bureau(name="外区城市管理局", code="410103")
    sub1 = subdistrict(b, code="001", name="一号街道办事处")
    sub2 = subdistrict(b, code="002", name="二号街道办事处")
    com1 = community(sub1, code="001", name="甲社区")
    com2 = community(sub2, code="001", name="乙社区")
    sq1 = squad(b, name="第一执法中队")
    sq2 = squad(b, name="第二执法中队")
    partner = OrganisationFactory(
        kind=OrgKind.PARTNER, partner_type=PartnerType.POLICE, parent=b, name="区公安分局"
    )
    grids = {}
    for row in range(2):
        for col in range(4):
            com, sq = (com1, sq1) if col < 2 else (com2, sq2)
            g = grid(com, row * 2 + col % 2 + 1, cell(col, row), squad_org=sq)
            grids[(col, row)] = g
    return District(
        bureau=b,
        other_bureau=other,
        sub1=sub1,
        sub2=sub2,
        com1=com1,
        com2=com2,
        squad1=sq1,
        squad2=sq2,
        partner=partner,
        handler1=staff(sq1, RoleCode.HANDLER, username="handler1", full_name="张一", phone="13800000001"),
        handler2=staff(sq2, RoleCode.HANDLER, username="handler2", full_name="李二", phone="13800000002"),
        leader=staff(b, RoleCode.LEADER, username="leader", full_name="王领导", phone="13800000003"),
        admin=staff(b, RoleCode.ADMIN, username="admin", full_name="赵管理", phone="13800000004"),
        outsider=staff(
            other, RoleCode.LEADER, username="outsider", full_name="外区领导", phone="13900000005"
        ),
        grids=grids,
    )


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """An API client that sends `Authorization: Token …` for the given staff member."""

    def make(profile: StaffProfile) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=profile.user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def as_user():
    """An API client that authenticates with the user's token, as API clients do, and checks every
    response against the published schema."""

    def make(user) -> APIClient:
        client = SchemaCheckingClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def quiet():
    """A quiet working moment (Tuesday 09:00) for the closed-loop API tests."""
    with clock.pinned(QUIET_MOMENT):
        yield QUIET_MOMENT


def assert_error(response, status: int, code: str) -> dict:
    """The response is an API error of the one shape, with this status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body
