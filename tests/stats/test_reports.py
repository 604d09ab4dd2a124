"""Published evaluation reports: frozen figures with their rule and weights versions, versions kept
on republishing, the frozen drill-down, and the refusals."""

from __future__ import annotations

import pytest

from chengguan.core.clock import pinned
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.stats import indicators, reports, rules, scores
from chengguan.stats.models import PublishedReport
from tests.stats.evaluation import EXPECTED, NOW, SEP, at, september

SPAN = SEP


def publish(district, period="2026-09", role=R.LEADER):
    with pinned(NOW):
        return reports.publish(actor=district.users[role], bureau=district.bureau, period=period)


def test_parse_period():
    p = reports.parse_period("2026-11")
    assert (p.kind, p.label, str(p.first), str(p.last)) == ("monthly", "2026-11", "2026-11-01", "2026-11-30")
    p = reports.parse_period("2026-q4")
    assert (p.kind, p.label, str(p.first), str(p.last)) == (
        "quarterly",
        "2026-Q4",
        "2026-10-01",
        "2026-12-31",
    )
    p = reports.parse_period("2026-02")
    assert (p.kind, str(p.last)) == ("monthly", "2026-02-28")
    assert reports.parse_period("2026").kind == "annual"
    for bad in ("2026-13", "2026-Q5", "26", ""):
        with pytest.raises(ValidationFailed):
            reports.parse_period(bad)


def test_publishing_freezes_the_computed_figures_with_the_versions(district):
    september(district)
    report = publish(district)
    assert (report.version, report.rule_version, report.weights_version) == (1, "2026.2", "2026.2")
    assert report.published_by == district.users[R.LEADER]
    bureau_row = reports.level_rows(report, "bureau")[0]
    for key, expected in EXPECTED.items():
        assert bureau_row["values"][key] == pytest.approx(expected), key
    # Each level's frozen rows are the live computation's at the moment of publishing.
    ruleset = rules.rules_for(district.bureau)
    scope = indicators.Scope(bureau=district.bureau)
    with pinned(NOW):
        for level in reports.LEVELS:
            live = indicators.compute(ruleset, level, *SPAN, scope=scope)
            ranked = scores.score_rows(ruleset, level, live, *SPAN, scope=scope)
            assert [reports._row(s) for s in ranked] == reports.level_rows(report, level)
    event = AuditEvent.objects.get(action="stats.report_publish")
    assert event.after["version"] == 1 and event.after["rule_version"] == "2026.2"


def test_refiguring_the_frozen_rows_changes_nothing(district):
    """The rates, points and ranks an appeal refigures follow the rules of indicators and scores."""
    september(district)
    report = publish(district)
    import copy

    assert reports.refigure(copy.deepcopy(report.data))["levels"] == report.data["levels"]


def test_the_frozen_drilldown_lists_exactly_what_each_count_counted(district):
    september(district)
    report = publish(district)
    for level in reports.LEVELS:
        for row in reports.level_rows(report, level):
            for key in report.data["case_counts"]:
                assert reports.counted(report, level, row["id"], key).count() == row["values"][key], (
                    level,
                    key,
                )


def test_republishing_makes_a_new_version_and_keeps_the_old_one(district):
    cases = september(district)
    first = publish(district)
    frozen = first.data
    # A case changes state after publishing: the old version does not move, the new one counts it.
    at(NOW, district, cases["redispatched"], "accept", "other_handler")
    at(NOW, district, cases["redispatched"], "handle", "other_handler", result="已处理", delay_reason="迟了")
    second = publish(district)
    first.refresh_from_db()
    assert first.data == frozen
    assert second.version == 2
    assert reports.level_rows(second, "bureau")[0]["values"]["handled"] == EXPECTED["handled"] + 1
    assert reports.level_rows(first, "bureau")[0]["values"]["handled"] == EXPECTED["handled"]
    assert list(reports.versions_of(first).order_by("version").values_list("version", flat=True)) == [1, 2]


@pytest.mark.parametrize("role", [R.SQUAD_LEADER, R.SHIFT_LEADER, R.HANDLER, R.OPERATOR, R.CITY_LEADER])
def test_only_the_leadership_publishes(district, role):
    with pytest.raises(PermissionDenied) as refused:
        publish(district, role=role)
    assert refused.value.code == "report.forbidden"
    assert not PublishedReport.objects.exists()


def test_a_period_not_yet_begun_is_refused(district):
    with pytest.raises(ValidationFailed) as refused:
        publish(district, period="2027-01")
    assert refused.value.code == "report.not_started"
