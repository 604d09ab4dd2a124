"""Scores with the 督察 deduction, a bureau's own rules, inspectors' figures by grid-assignment
history, the API's shape and refusals, the `chengguan stats` command and the drill-down lists."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from chengguan.cases.models import CaseSource
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.duty.services import finding_record
from chengguan.org.roles import RoleCode as R
from chengguan.stats import indicators, rules, scores
from chengguan.stats.models import GridAssignment, IndicatorRuleOverride
from tests import factories
from tests.api.conftest import assert_error
from tests.api.schema_check import SchemaCheckingClient
from tests.cases import flow
from tests.stats.evaluation import EXPECTED, MON, NOW, SEP, at, september

URL = "/api/v1/stats/"


@pytest.fixture
def sept(district):
    return september(district)


def _finding(district, unit, when: dt.datetime, **kwargs):
    return finding_record(
        actor=district.users[R.FORCE_INSPECTOR],
        unit=unit,
        kind="discipline",
        discipline="uniform",
        description="未按规定着装",
        place="建设路",
        observed_at=when,
        **kwargs,
    )


def _unit_key(org) -> str:
    return org.code or str(org.pk)


def test_scores_weigh_the_rates_and_take_five_points_per_discipline_finding(district, sept):
    with pinned(NOW):
        _finding(district, district.squad, MON)
        _finding(
            district, district.squad, dt.datetime(2026, 10, 2, 9, 0, tzinfo=SHANGHAI)
        )  # after the period
    ruleset = rules.default_rules()
    rows = indicators.compute(ruleset, "unit", *SEP, now=NOW)
    ranked = {s.row.key: s for s in scores.score_rows(ruleset, "unit", rows, *SEP)}
    squad, department = ranked[_unit_key(district.squad)], ranked[_unit_key(district.department)]
    # Squad: 6 dispatched, 6 handled, 5 on time, 1 reworked, 1 overdue, 1 extended.
    assert squad.points == pytest.approx(30 + 20 * 5 / 6 + 20 * 5 / 6 + 20 * 5 / 6 + 10 * 5 / 6, abs=0.01)
    assert squad.deductions == {"duty_discipline_finding": 5.0}
    assert squad.score == pytest.approx(squad.points - 5)
    # Department: its one case redispatched to it, neither handled nor on time, and overdue.
    assert (department.points, department.deductions) == (20 + 10, {})
    assert (squad.rank, department.rank) == (1, 2)
    # The bureau counts the findings against any of its units.
    bureau = scores.score_rows(ruleset, "bureau", indicators.compute(ruleset, "bureau", *SEP, now=NOW), *SEP)
    assert bureau[0].deducted == 5


def test_a_bureau_s_own_rules_change_weights_and_deductions_and_name_their_version(district, sept):
    with pinned(NOW):
        _finding(district, district.squad, MON)
    IndicatorRuleOverride.objects.create(
        bureau=district.bureau,
        version="A",
        valid_from=dt.date(2026, 1, 1),
        weights=[{"indicator": "handling_rate", "weight": 100}],
        deductions={"duty_discipline_finding": 10},
        indicators=[{"key": "filed", "name": "立案数", "cohort": "filed", "where": ["public_source"]}],
        created_at=NOW,
    )
    ruleset = rules.rules_for(district.bureau, on=SEP[1])
    assert ruleset.version == f"2026.2+{district.bureau.code}.A"
    assert rules.rules_for(district.bureau, on=dt.date(2025, 12, 31)).version == "2026.2"
    rows = indicators.compute(ruleset, "unit", *SEP, now=NOW)
    squad = next(
        s for s in scores.score_rows(ruleset, "unit", rows, *SEP) if s.row.key == _unit_key(district.squad)
    )
    assert (squad.points, squad.score) == (100.0, 90.0)
    assert indicators.compute(ruleset, "bureau", *SEP, now=NOW)[0].values["filed"] == 1  # the hotline case


def test_an_inspector_s_missed_reports_follow_the_grid_they_held_when_the_case_was_reported(district):
    d = district
    inspector, other = d.users[R.INSPECTOR], d.users["other_inspector"]
    GridAssignment.objects.update(since=dt.datetime(2026, 1, 1, tzinfo=SHANGHAI))
    with pinned(MON):
        flow.drive(d, "filed", grid=0)  # the inspector's own report
        flow.drive(d, "filed", grid=0, role=R.OPERATOR, source=CaseSource.HOTLINE)  # the public's first
        on_time = flow.drive(d, "handled", grid=1)
        late = flow.drive(d, "handled", grid=1)
        at(MON, d, on_time, "verify", R.INSPECTOR)
    at(MON + dt.timedelta(days=3), d, late, "verify", R.INSPECTOR, delay_reason="雨天")
    with pinned(dt.datetime(2026, 9, 20, 9, 0, tzinfo=SHANGHAI)):
        d.grids[0].inspectors.remove(inspector)
        other.grids.add(d.grids[0])  # from the other side of the relation
    with pinned(dt.datetime(2026, 9, 25, 9, 0, tzinfo=SHANGHAI)):
        flow.drive(d, "filed", grid=0, role=R.OPERATOR, source=CaseSource.HOTLINE)
    assert (
        GridAssignment.objects.filter(grid=d.grids[0], inspector=inspector).exclude(until=None).count() == 1
    )
    rows = {r.key: r.values for r in indicators.compute(rules.default_rules(), "staff", *SEP, now=NOW)}
    assert rows["inspector"] == {
        "reports": 3,
        "valid_reports": 3,
        "valid_report_rate": 1.0,
        "verifications": 2,
        "verified_on_time": 1,
        "on_time_verification_rate": 0.5,
        "grid_filed": 4,
        "missed": 1,
        "missed_report_rate": 0.25,
    }
    assert (rows["other_inspector"]["grid_filed"], rows["other_inspector"]["missed_report_rate"]) == (1, 1.0)


def _api(user) -> SchemaCheckingClient:
    client = SchemaCheckingClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_indicators_api_answers_rows_of_keys_names_and_values_with_the_rule_version(district, sept):
    leader = _api(district.users[R.LEADER])
    period = {"from": "2026-09-01", "to": "2026-09-30"}
    with pinned(NOW):
        body = leader.get(URL + "indicators/", {**period, "level": "bureau"}).json()
        grids = leader.get(URL + "indicators/", {**period, "level": "grid"}).json()
        ranked = leader.get(URL + "scores/", {**period, "level": "unit"}).json()
        staff = leader.get(URL + "indicators/", {**period, "level": "staff"}).json()
    assert body["rule_version"] == "2026.2" and body["level"] == "bureau"
    (row,) = body["rows"]
    assert (row["key"], row["name"]) == (district.bureau.code, district.bureau.name)
    assert {k: row["values"][k] for k in EXPECTED} == pytest.approx(EXPECTED)
    assert [r["key"] for r in grids["rows"]] == sorted(g.code for g in district.grids)
    assert [r["rank"] for r in ranked["rows"]] == [1, 2]
    assert ranked["weights"][0] == {"indicator": "handling_rate", "weight": 30.0, "invert": False}
    assert "inspector" in [r["key"] for r in staff["rows"]]


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"from": "2026-13-01"}, 400, "figures.bad_date", "from"),
        ({"from": "2026-09-01", "to": "30/09/2026"}, 400, "figures.bad_date", "to"),
        ({"from": "2026-09-30", "to": "2026-09-01"}, 400, "figures.bad_period", "to"),
        ({"level": "street"}, 400, "validation_failed", "level"),
        ({"bureau": "99999"}, 400, "figures.bad_bureau", "bureau"),
    ],
)
def test_the_api_refuses_bad_parameters_field_by_field(district, params, status, code, field):
    body = assert_error(_api(district.users[R.LEADER]).get(URL + "scores/", params), status, code)
    assert field in body["fields"]


def test_only_the_evaluation_s_readers_get_it(district):
    assert_error(SchemaCheckingClient().get(URL + "indicators/"), 401, "not_authenticated")
    assert_error(_api(district.users[R.HANDLER]).get(URL + "indicators/"), 403, "permission_denied")


def test_the_command_prints_the_same_figures_as_table_json_and_excel(district, sept, capsys, tmp_path):
    args = ["stats", "--from", "2026-09-01", "--to", "2026-09-30", "--level", "unit"]
    with pinned(NOW):
        call_command(*args, "--format", "json")
        printed = json.loads(capsys.readouterr().out)
        call_command(*args)
        table = capsys.readouterr().out.splitlines()
        out = tmp_path / "u.xlsx"
        call_command(*args, "--format", "xlsx", "--output", str(out))
    by_key = {r["key"]: r for r in printed["rows"]}
    squad = by_key[_unit_key(district.squad)]
    assert printed["rule_version"] == "2026.2" and squad["values"]["filed"] == 6 and squad["rank"] == 1
    assert table[0].endswith("规则版本 2026.2") and table[1].split("\t")[:3] == ["编码", "名称", "上报数"]
    sheet = load_workbook(out).active
    assert sheet["B1"].value == "规则版本 2026.2"
    header = [c.value for c in sheet[2]]
    squad_line = next(
        row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == _unit_key(district.squad)
    )
    assert squad_line[header.index("立案数")] == 6


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _count(html: str) -> int:
    return int(re.search(r'data-testid="result-count">共 (\d+) 件', html).group(1))


def test_every_count_links_to_a_list_of_exactly_the_cases_it_counts(district, sept):
    page = _page(district.users[R.LEADER])
    with pinned(NOW):
        html = page.get(
            "/stats/", {"from": "2026-09-01", "to": "2026-09-30", "level": "unit"}
        ).content.decode()
        links = re.findall(r'data-indicator="([a-z_]+)"><a href="([^"]+)">([^<]+)</a>', html)
        assert len(links) > 20
        for key, href, shown in links:
            counted = _count(page.get("/stats/" + href.replace("&amp;", "&")).content.decode())
            if "%" in shown:  # a rate links to its numerator's cases
                continue
            assert counted == int(shown), (key, href)


def test_a_unit_leader_s_figures_and_lists_cover_only_their_unit_s_cases(district, sept):
    leader = factories.staff(district.department, R.SQUAD_LEADER, username="department_head").user
    with pinned(NOW):
        html = _page(leader).get("/stats/", {"from": "2026-09-01", "to": "2026-09-30"}).content.decode()
        filed = re.search(r'data-indicator="filed"><a href="([^"]+)">(\d+)</a>', html)
        listed = _count(_page(leader).get("/stats/" + filed.group(1).replace("&amp;", "&")).content.decode())
    # The one case redispatched to the department, not the bureau's nine.
    assert int(filed.group(2)) == listed == 1


def test_the_page_shows_a_bad_date_on_its_field_and_refuses_those_who_do_not_read_the_evaluation(district):
    bad = _page(district.users[R.LEADER]).get("/stats/", {"from": "2026-13-01"})
    assert bad.status_code == 400 and "日期格式应为 YYYY-MM-DD。" in bad.content.decode()
    elsewhere = _page(district.users[R.LEADER]).get("/stats/", {"bureau": "99999"})
    assert elsewhere.status_code == 400 and "无权查看" in elsewhere.content.decode()
    assert (
        _page(district.users[R.LEADER]).get("/stats/cases/", {"group": "1", "bureau": "99999"}).status_code
        == 400
    )
    assert _page(district.users[R.HANDLER]).get("/stats/").status_code == 403
    assert _page(district.users[R.HANDLER]).get("/stats/cases/").status_code == 403
