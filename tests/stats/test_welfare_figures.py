"""The bureau's yearly help figures on the evaluation page and /api/v1/stats/welfare/: read from the
welfare app, equal to a hand count of the help records, per hardship category."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from chengguan.org.roles import RoleCode as R
from chengguan.welfare import services
from tests.welfare.conftest import _pinned, vendor  # noqa: F401  (autouse fixture)

Y = 2026


def _help(d, v, kind, on, **kw):
    return services.help_record(actor=d.users[R.ADMIN], vendor=v, kind=kind, on=on, **kw)


@pytest.fixture
def year_of_help(district):
    """A hand-countable year: 3 vendors (低保, 残疾, none), one erased later, plus last year's help.

    低保 A: goods ×2, referral ×1, follow-up ×1           → 1 vendor, 2 goods, 1 referral, 1 follow-up
    残疾 B: goods ×1, follow-up ×2                         → 1 vendor, 1 goods, 0 referrals, 2 follow-ups
    none C: referral ×1; erased D (was 失业): goods ×1    → 2 vendors, 1 goods, 1 referral, 0
    last year (A): goods ×1                               → not counted
    """
    d = district
    a = vendor(d, hardship="dibao")
    b = vendor(d, hardship="disability")
    c = vendor(d)
    e = vendor(d, hardship="unemployed")
    g1 = _help(d, a, "goods", dt.date(Y, 2, 1), what="大米", quantity="10公斤")
    _help(d, a, "goods", dt.date(Y, 6, 1), what="面粉", quantity="5公斤")
    _help(d, a, "referral", dt.date(Y, 3, 1), referral_to="jobs")
    _help(d, a, "follow_up", dt.date(Y, 4, 1), follow_up_of=g1, outcome="已在市场找到摊位")
    gb = _help(d, b, "goods", dt.date(Y, 1, 10), what="食用油", quantity="2桶")
    _help(d, b, "follow_up", dt.date(Y, 2, 10), follow_up_of=gb, outcome="生活好转")
    _help(d, b, "follow_up", dt.date(Y, 5, 10), follow_up_of=gb, outcome="仍需帮扶")
    _help(d, c, "referral", dt.date(Y, 7, 1), referral_to="civil_affairs")
    _help(d, e, "goods", dt.date(Y, 8, 1), what="大米", quantity="10公斤")
    services.vendor_withdraw_consent(actor=d.users[R.ADMIN], vendor=e)
    _help(d, a, "goods", dt.date(Y - 1, 12, 31), what="大米", quantity="10公斤")
    return d


HAND_COUNT = {
    "dibao": dict(vendors_helped=1, goods=2, referrals=1, follow_ups=1, follow_ups_with_outcome=1),
    "disability": dict(vendors_helped=1, goods=1, referrals=0, follow_ups=2, follow_ups_with_outcome=2),
    "": dict(vendors_helped=2, goods=1, referrals=1, follow_ups=0, follow_ups_with_outcome=0),
}
TOTAL = dict(vendors_helped=4, goods=4, referrals=2, follow_ups=3, follow_ups_with_outcome=3)


def test_the_api_equals_the_hand_count(year_of_help):
    api = APIClient()
    api.force_authenticate(year_of_help.users[R.LEADER])
    body = api.get(f"/api/v1/stats/welfare/?year={Y}").json()
    assert body["total"] == TOTAL
    skip = ("hardship", "label")
    rows = {r["hardship"]: {k: v for k, v in r.items() if k not in skip} for r in body["rows"]}
    assert rows == HAND_COUNT
    assert [r["label"] for r in body["rows"]] == ["低保", "残疾", "无困难类别或已撤回同意"]
    assert (body["registered"], body["hardship"]) == (3, 2)
    # Nothing the year before the help records start.
    assert api.get(f"/api/v1/stats/welfare/?year={Y - 2}").json()["total"]["vendors_helped"] == 0
    assert api.get("/api/v1/stats/welfare/?year=abc").status_code == 400


def test_the_figures_are_for_the_evaluation_readers_only(year_of_help):
    api = APIClient()
    api.force_authenticate(year_of_help.users[R.HANDLER])
    assert api.get("/api/v1/stats/welfare/").status_code == 403
    page = Client()
    page.force_login(year_of_help.users[R.HANDLER])
    assert page.get("/stats/").status_code == 403


def test_the_evaluation_page_shows_the_same_figures(year_of_help):
    page = Client()
    page.force_login(year_of_help.users[R.LEADER])
    html = page.get(f"/stats/?from={Y}-01-01&to={Y}-09-15").content.decode()
    section = html[html.index('data-testid="welfare-figures"') :]
    for code, counts in [*HAND_COUNT.items(), ("total", TOTAL)]:
        row = re.search(rf'data-hardship="{code or "none"}">(.*?)</tr>', section, re.S).group(1)
        shown = dict(re.findall(r'data-figure="(\w+)">(?:<strong>)?(\d+)', row))
        assert shown == {k: str(v) for k, v in counts.items()}, code


def test_readers_who_may_not_see_hardship_get_the_totals_only(year_of_help):
    reader = year_of_help.users[R.SHIFT_LEADER]  # reads the evaluation, not the hardship data
    api = APIClient()
    api.force_authenticate(reader)
    body = api.get(f"/api/v1/stats/welfare/?year={Y}").json()
    assert body["total"] == TOTAL and body["rows"] == [] and body["by_hardship"] is False
    assert body["hardship"] is None and body["registered"] == 3
    page = Client()
    page.force_login(reader)
    html = page.get(f"/stats/?from={Y}-01-01&to={Y}-09-15").content.decode()
    section = html[html.index('data-testid="welfare-figures"') :]
    assert 'data-testid="no-hardship-split"' in section
    assert 'data-hardship="dibao"' not in section and 'data-hardship="total"' in section
    assert "低保" not in section
