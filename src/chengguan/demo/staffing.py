"""Who works where in a demo bureau: a roster of generated staff, as plain data.

Counts are per bureau and per size. A district bureau gets about 190 generated colleagues plus the 12
named demo accounts: leaders, the command centre (intake, shift leaders, dispatchers and one grid
inspector per ~60 grids), a leader and five officers in every squad, legal reviewers, departmental
staff, liaison officers in sub-district offices, some communities and the partner agencies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chengguan.demo import units as U
from chengguan.demo.names import People
from chengguan.org.models import Organisation
from chengguan.org.roles import RoleCode

if TYPE_CHECKING:
    from chengguan.demo.generator import BureauUnits

PARTY_SHARE = 0.4
LEADER_TITLES = ("局长", "政委", "副局长", "副局长", "副局长")


@dataclass(frozen=True)
class Staffing:
    leaders: int
    centre: tuple[tuple[str, int], ...]  # (role, count) in the command centre
    cells_per_inspector: int
    squad_officers: int  # besides the squad leader
    legal: int
    department_staff: int  # in each other department (the first one in 办公室 is the admin)
    subdistrict_staff: int
    community_every: int  # one community worker in every n-th community; 0: none
    partner_staff: int


_FULL = Staffing(
    leaders=3,
    centre=((RoleCode.SHIFT_LEADER, 2), (RoleCode.OPERATOR, 6), (RoleCode.DISPATCHER, 3)),
    cells_per_inspector=60,
    squad_officers=5,
    legal=3,
    department_staff=2,
    subdistrict_staff=2,
    community_every=4,
    partner_staff=1,
)
STAFFING = {
    "small": Staffing(
        leaders=1,
        centre=((RoleCode.OPERATOR, 1),),
        cells_per_inspector=24,
        squad_officers=1,
        legal=1,
        department_staff=0,
        subdistrict_staff=0,
        community_every=0,
        partner_staff=0,
    ),
    "district": _FULL,
    "city": _FULL,
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    organisation: Organisation
    roles: tuple[str, ...]
    full_name: str
    cert_no: str | None
    phone: str
    party_member: bool
    title: str


def allocate(weights: list[int], total: int) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), at least one each if possible."""
    if not weights:
        return []
    floor = 1 if total >= len(weights) else 0
    rest = total - floor * len(weights)
    whole = sum(weights) or 1
    exact = [rest * w / whole for w in weights]
    shares = [floor + math.floor(x) for x in exact]
    leftover = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - math.floor(exact[k])), k))
    for k in order[:leftover]:
        shares[k] += 1
    return shares


def plan_staff(units: BureauUnits, people: People, *, size: str) -> list[StaffSpec]:
    """The generated staff of one bureau (the named demo accounts are added separately)."""
    staffing = STAFFING[size]
    spec = units.plan.spec
    roster: list[StaffSpec] = []

    def add(org: Organisation, role: str, title: str, *, certified: bool) -> None:
        roster.append(
            StaffSpec(
                username=f"{spec.slug}{len(roster) + 1:04d}",
                organisation=org,
                roles=(str(role),),
                full_name=people.full_name(),
                cert_no=people.cert_no(spec.county_code) if certified else None,
                phone=people.mobile(),
                party_member=people.rng.random() < PARTY_SHARE,
                title=title,
            )
        )

    for k in range(staffing.leaders):
        add(units.bureau, RoleCode.LEADER, LEADER_TITLES[k % len(LEADER_TITLES)], certified=True)
    centre = units.departments[U.COMMAND_CENTRE]
    for role, count in staffing.centre:
        for _ in range(count):
            add(centre, role, RoleCode(role).label, certified=False)
    cells = units.plan.cell_count
    for _ in range(max(2, round(cells / staffing.cells_per_inspector))):
        add(centre, RoleCode.INSPECTOR, "城管监督员", certified=False)
    for squad in units.squads.values():
        add(squad, RoleCode.SQUAD_LEADER, "中队长", certified=True)
        for _ in range(staffing.squad_officers):
            add(squad, RoleCode.HANDLER, "执法队员", certified=True)
    for _ in range(staffing.legal):
        add(units.departments[U.LEGAL], RoleCode.LEGAL_REVIEWER, "法制员", certified=True)
    for name, org in units.departments.items():
        if name in (U.COMMAND_CENTRE, U.LEGAL):
            continue
        for k in range(staffing.department_staff):
            if name == U.OFFICE and k == 0:
                add(org, RoleCode.ADMIN, "系统管理员", certified=False)
            else:
                add(org, RoleCode.HANDLER, "科员", certified=name in U.ENFORCING_DEPARTMENTS)
    for org in units.subdistricts.values():
        for _ in range(staffing.subdistrict_staff):
            add(org, RoleCode.HANDLER, "城管办工作人员", certified=False)
    if staffing.community_every:
        for org in list(units.communities.values())[:: staffing.community_every]:
            add(org, RoleCode.HANDLER, "社区网格员", certified=False)
    for org in units.partners.values():
        for _ in range(staffing.partner_staff):
            add(org, RoleCode.HANDLER, "联络员", certified=False)
    return roster
