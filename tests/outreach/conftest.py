"""The closed-loop district of tests/cases with an activity open for registration and a live
session, the outreach organisers being the district's admin and squad leader."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from tests.cases import conftest as case_fixtures

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests
QUIET_MOMENT = case_fixtures.QUIET_MOMENT


def new_activity(d, *, quota: int = 30, state: str = "open", kind: str = "big_hand"):
    start = QUIET_MOMENT + dt.timedelta(days=10)
    with clock.pinned(QUIET_MOMENT):
        activity = services.activity_create(
            actor=d.users[R.ADMIN],
            bureau=d.bureau,
            kind=kind,
            title="大手拉小手 · 垃圾分类小卫士",
            plan="上午参观指挥中心，下午在棉纺社区开展垃圾分类宣传。",
            place="数字化城管指挥中心",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            quota=quota,
            registration_closes_at=start - dt.timedelta(days=2),
        )
        if state != "planned":
            activity = services.activity_transition(
                actor=d.users[R.ADMIN], activity=activity, action="publish"
            )
    return activity


def new_broadcast(d, *, live: bool = True):
    with clock.pinned(QUIET_MOMENT):
        b = services.broadcast_schedule(
            actor=d.users[R.ADMIN],
            bureau=d.bureau,
            title="直播执法 · 夜市占道经营整治",
            platform="douyin",
            stream_url="https://live.douyin.com/123456",
            starts_at=QUIET_MOMENT + dt.timedelta(hours=10),
            ends_at=QUIET_MOMENT + dt.timedelta(hours=12),
            place="建设路夜市",
            officers=[d.users[R.HANDLER], d.users[R.SQUAD_LEADER]],
        )
        if live:
            b = services.broadcast_transition(actor=d.users[R.ADMIN], broadcast=b, action="go_live")
    return b


@pytest.fixture
def activity(district):
    return new_activity(district)


@pytest.fixture
def broadcast(district):
    return new_broadcast(district)
