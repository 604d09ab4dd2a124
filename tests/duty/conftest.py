"""A small bureau for the duty tests: a squad with its leader, a shift leader and four officers, a
bureau leader, a 督察 officer, and a second bureau's admin as the outsider."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from chengguan.core.clock import SHANGHAI
from chengguan.duty import services
from chengguan.duty.models import DayKind
from chengguan.org.models import Organisation
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests import factories


@dataclass
class Force:
    bureau: Organisation
    squad: Organisation
    other_squad: Organisation
    users: dict[str, User] = field(default_factory=dict)
    officers: list[User] = field(default_factory=list)

    @property
    def system(self) -> User:
        return system_actor(self.bureau)


def build_force() -> Force:
    bureau = factories.bureau()
    squad = factories.squad(bureau, name="第一中队")
    other = factories.squad(bureau, name="第二中队")
    f = Force(bureau, squad, other)
    for name, unit, role in (
        ("admin", bureau, R.ADMIN),
        ("leader", bureau, R.LEADER),
        ("squad_leader", squad, R.SQUAD_LEADER),
        ("other_squad_leader", other, R.SQUAD_LEADER),
        ("shift_leader", squad, R.SHIFT_LEADER),
        ("handler", squad, R.HANDLER),
        ("force_inspector", bureau, R.FORCE_INSPECTOR),
        ("citizen", bureau, R.CITIZEN),
    ):
        f.users[name] = factories.staff(unit, role, username=f"d_{name}", full_name=f"{name}").user
    f.officers = [
        factories.staff(squad, R.HANDLER, username=f"d_officer{i}", full_name=f"队员{i}").user
        for i in range(4)
    ]
    outsider_bureau = factories.bureau(name="金水区城市管理局", code="410105")
    f.users["other_bureau_admin"] = factories.staff(outsider_bureau, R.ADMIN, username="d_outsider").user
    return f


@pytest.fixture
def force(db) -> Force:
    return build_force()


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


def pattern(force: Force, unit=None) -> None:
    """A 24-hour shift with the three posts on every kind of day, plus day and night squad shifts on
    working days and a holiday pattern of its own (two 24-hour officers)."""
    unit = unit or force.squad
    actor = force.system
    for kind in (DayKind.WORKDAY, DayKind.REST, DayKind.MAKEUP):
        services.template_add(
            actor=actor,
            unit=unit,
            day_kind=kind,
            name="24小时班",
            starts=dt.time(8),
            hours=24,
            leaders=1,
            chiefs=1,
            officers=1,
        )
    services.template_add(
        actor=actor,
        unit=unit,
        day_kind=DayKind.HOLIDAY,
        name="节假日班",
        starts=dt.time(8),
        hours=24,
        leaders=1,
        chiefs=1,
        officers=2,
    )
