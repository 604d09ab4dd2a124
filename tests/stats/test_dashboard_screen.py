"""The staff dashboard's figures and their drill-down lists, and the command centre's wall screen on
its revocable device token (read-only, its bureau only, refused once revoked)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client

from chengguan.cases.models import Case, CaseState
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import PermissionDenied
from chengguan.org import devices
from chengguan.org.models import DevicePurpose
from chengguan.org.roles import RoleCode as R
from chengguan.stats import dashboard, screen, selectors
from tests import factories
from tests.stats.evaluation import MON, NOW, september

PERIOD = {"from": "2026-09-01", "to": "2026-09-30", "level": "unit"}


@pytest.fixture
def sept(district):
    return september(district)


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _data(html: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _listed(client: Client, link: str) -> int:
    html = client.get(unescape(link)).content.decode()
    return int(re.search(r'data-testid="result-count">共 (\d+) 件', html).group(1))


def test_every_figure_of_the_dashboard_links_to_a_list_of_exactly_the_cases_it_counts(district, sept):
    page = _page(district.users[R.LEADER])
    with pinned(NOW):
        answer = page.get("/stats/dashboard/", PERIOD)
        assert answer.status_code == 200
        data = _data(answer.content.decode())
        tiles = {t["key"]: t for t in data["tiles"]}
        # The tiles are the bureau's indicators (the hand-counted September of tests/stats).
        assert tiles["reported"]["value"] == 14 and tiles["filed"]["value"] == 9
        figures = [(t["value"], t["link"]) for t in data["tiles"] if not t["rate"]]
        for kind in ("week", "month"):
            for point in data["trends"][kind]["points"]:
                figures += [(point["values"][k], point["links"][k]) for k in ("reported", "filed", "closed")]
        figures += [(s["count"], s["link"]) for s in data["split721"]]
        figures += [(s["count"], s["link"]) for s in data["sources"] + data["categories"]]
        figures += [(r["filed"], r["link"]) for r in data["ranking"]]
        figures += [(g["value"], g["link"]) for g in data["heat"]["grids"].values()]
        assert len(figures) > 25
        for shown, link in figures:
            assert link and _listed(page, link) == shown, link
    weeks = data["trends"]["week"]["points"]
    assert [p["first"] for p in weeks][:2] == ["2026-09-01", "2026-09-07"] and weeks[-1][
        "last"
    ] == "2026-09-30"
    assert sum(p["values"]["filed"] for p in weeks) == tiles["filed"]["value"]
    assert [p["label"] for p in data["trends"]["month"]["points"]] == ["2026-09"]
    sources = {s["name"]: s["count"] for s in data["sources"]}
    assert sources["12345热线"] == 1 and sum(sources.values()) == 14


def test_each_week_of_the_trend_equals_the_indicators_over_that_week(district, sept):
    leader = district.users[R.LEADER]
    with pinned(NOW):
        data = dashboard.dashboard(
            leader,
            first=dt.date(2026, 9, 1),
            last=dt.date(2026, 9, 30),
            level="unit",
            bureau=None,
            metric="filed",
        )
        for point in data["trends"]["week"]["points"]:
            week = selectors.evaluation(
                leader, first=dt.date.fromisoformat(point["first"]), last=dt.date.fromisoformat(point["last"])
            )
            values = week["rows"][0].values if week["rows"] else {}
            for key, value in point["values"].items():
                assert value == values.get(key, 0 if key != "handling_rate" else None), (point["label"], key)


def test_a_source_bar_s_list_says_what_it_was_narrowed_to(district, sept):
    page = _page(district.users[R.LEADER])
    with pinned(NOW):
        data = _data(page.get("/stats/dashboard/", PERIOD).content.decode())
        hotline = next(s for s in data["sources"] if s["name"] == "12345热线")
        html = page.get(hotline["link"]).content.decode()
    assert "来源：12345热线" in html and 'data-testid="result-count">共 1 件' in html


def test_the_dashboard_is_for_the_evaluation_s_readers_only(district):
    citizen = district.users[R.CITIZEN]
    assert _page(citizen).get("/stats/dashboard/").status_code == 403
    assert _page(district.users[R.HANDLER]).get("/stats/dashboard/").status_code == 403
    assert Client().get("/stats/dashboard/").status_code == 302  # to the sign-in page
    bad = _page(district.users[R.LEADER]).get("/stats/dashboard/", {"from": "2026-09-30", "to": "2026-09-01"})
    assert bad.status_code == 400 and "不能早于起始日" in bad.content.decode()


# -- the wall screen ---------------------------------------------------------------------------------


def _read(key: str, what: str = "data") -> tuple[int, dict]:
    answer = Client().get(f"/stats/screen/{what}.json", HTTP_AUTHORIZATION=f"Device {key}")
    return answer.status_code, json.loads(answer.content)


def test_the_screen_reads_today_s_counts_and_the_open_cases_of_its_bureau_with_its_token(district, sept):
    _row, key = screen.issue_screen_token(actor=district.users[R.ADMIN], bureau=district.bureau, name="大屏")
    evening = MON.replace(hour=20)
    with pinned(evening):
        status, data = _read(key)
        day = selectors.evaluation(district.users[R.LEADER], first=MON.date(), last=MON.date())["rows"][0]
    start = dt.datetime.combine(MON.date(), dt.time.min, tzinfo=SHANGHAI)
    closed_today = Case.objects.filter(
        state=CaseState.CLOSED,
        is_spam=False,
        closed_at__gte=start,
        closed_at__lt=start + dt.timedelta(days=1),
    ).count()
    assert status == 200 and data["bureau"] == district.bureau.name
    assert data["today"] == {
        "reported": day.values["reported"],
        "filed": day.values["filed"],
        "closed": closed_today,
    }
    assert data["today"]["reported"] > 0 and closed_today > 0
    open_now = selectors.open_cases(district.bureau)
    with pinned(NOW):
        status, data = _read(key)
    assert data["open"] == open_now.count() > 0
    assert data["overdue"] == selectors.overdue(open_now, NOW).count()
    assert sum(g["open"] for g in data["grids"].values()) == open_now.exclude(grid=None).count()
    status, outlines = _read(key, "outlines")
    assert status == 200 and {f["properties"]["id"] for f in outlines["features"]} == {
        g.pk for g in district.grids
    }


def test_a_screen_token_of_another_bureau_sees_only_that_bureau(district, sept):
    other = factories.bureau(name="二七区城市管理局", code="410103")
    other_admin = factories.staff(other, R.ADMIN, username="other_admin").user
    _row, key = screen.issue_screen_token(actor=other_admin, bureau=other, name="二七区大屏")
    with pinned(NOW):
        status, data = _read(key)
    assert status == 200 and data["bureau"] == "二七区城市管理局"
    assert data["open"] == data["overdue"] == 0 and data["grids"] == {} and data["ranking"]["rows"] == []
    assert _read(key, "outlines")[1]["features"] == []
    # An administrator issues screens for their own bureau only; a leader issues none.
    with pytest.raises(PermissionDenied):
        screen.issue_screen_token(actor=other_admin, bureau=district.bureau, name="越权")
    with pytest.raises(PermissionDenied):
        screen.issue_screen_token(actor=district.users[R.LEADER], bureau=district.bureau, name="大屏")


def test_a_revoked_or_missing_screen_token_is_refused_and_a_screen_token_opens_no_api(district):
    row, key = screen.issue_screen_token(actor=district.users[R.ADMIN], bureau=district.bureau, name="大屏")
    assert row.purpose == DevicePurpose.SCREEN and row.user == district.users[R.ADMIN]
    assert _read(key)[0] == 200
    # Read-only and not a person: the API's device sign-in refuses the screen's key.
    api = Client().get("/api/v1/stats/indicators/", HTTP_AUTHORIZATION=f"Device {key}")
    assert api.status_code == 401
    # A phone's token is not a screen's.
    _phone, phone_key = devices.issue(user=district.users[R.LEADER], name="手机")
    assert _read(phone_key)[0] == 401
    missing = Client().get("/stats/screen/data.json")
    assert missing.status_code == 401 and missing["WWW-Authenticate"] == "Device"
    devices.revoke(actor=district.users[R.ADMIN], row=row)
    status, body = _read(key)
    assert status == 401 and body["code"] == "auth.screen_token_invalid"
    assert _read(key, "outlines")[0] == 401
    # The page itself is a shell with no figures: it loads without a key and asks for one.
    shell = Client().get("/stats/screen/")
    assert shell.status_code == 200 and "screen-config" in shell.content.decode()


def test_the_command_issues_a_screen_token_and_prints_the_address_with_the_key_in_its_fragment(
    district, capsys
):
    call_command(
        "screen_token", "--bureau", district.bureau.code, "--by", R.ADMIN, "--base-url", "https://cg.example"
    )
    url = capsys.readouterr().out.splitlines()[-1]
    assert url.startswith("https://cg.example/stats/screen/#key=")
    assert _read(url.split("#key=")[1])[0] == 200
