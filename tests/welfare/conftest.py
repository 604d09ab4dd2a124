"""The closed-loop district of tests/cases with what the welfare app needs: vendors, a vending spot
and an open pitch draw."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.welfare import services
from tests.cases import conftest as case_fixtures

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests
QUIET_MOMENT = case_fixtures.QUIET_MOMENT

# Valid resident ID numbers (GB 11643 check digits).
_IDS = ("410102199003071230", "11010519491231002X", "440305198805120014")
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _pinned():
    with clock.pinned(QUIET_MOMENT):
        yield


def vendor(d, *, hardship: str = "", role: str = R.ADMIN, **kwargs):
    n = next(_counter)
    lon, lat = d.point(0)
    data = dict(
        name=f"摊贩{n}",
        phone=f"1380000{n:04d}",
        goods="水果",
        usual_place="建设路口",
        lon=lon,
        lat=lat,
        consent=True,
    )
    if hardship:
        data |= dict(hardship=hardship, hardship_evidence="低保证 第123号", sensitive_consent=True)
    data |= kwargs
    return services.vendor_register(actor=d.users[role], bureau=d.bureau, **data)


def spot(d, *, pitches: int = 3, code: str = "BM-01"):
    lon, lat = d.point(1)
    return services.spot_create(
        actor=d.users[R.ADMIN],
        bureau=d.bureau,
        code=code,
        name="建设路夜市",
        kind="convenience",
        lon=lon,
        lat=lat,
        pitches=pitches,
        capacity=pitches,
        opening_hours="18:00-23:00",
        managing_unit=d.squad,
    )


def draw(d, s=None, *, start: dt.date = dt.date(2026, 10, 1)):
    return services.draw_announce(
        actor=d.users[R.ADMIN],
        spot=s or spot(d),
        term=f"{start.year}年第{(start.month - 1) // 3 + 1}季度",
        term_start=start,
        term_end=start + dt.timedelta(days=90),
        applications_close_at=clock.now() + dt.timedelta(days=7),
    )
