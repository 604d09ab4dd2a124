"""Appeals (申诉/核减) against a published report: an approved one takes exactly that case out of a
new version and is audited; a rejected or withdrawn one changes nothing; who may do what."""

from __future__ import annotations

import copy

import pytest

from chengguan.core.clock import pinned
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.stats import appeals, reports
from chengguan.stats.models import Appeal, AppealState, PublishedReport
from tests.stats.evaluation import NOW, september


@pytest.fixture
def published(district):
    cases = september(district)
    with pinned(NOW):
        report = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
    return cases, report


def _file(district, report, case, who=R.SQUAD_LEADER, reason="该处违建属规划部门职责，不应计入本中队"):
    with pinned(NOW):
        return appeals.file(actor=district.users[who], report=report, case_id=case.pk, reason=reason)


def test_an_approved_appeal_takes_exactly_that_case_out_of_a_new_version(district, published):
    cases, report = published
    case = cases["holiday_late"]  # counted against the squad: dispatched, handled, late
    before = copy.deepcopy(report.data)
    appeal = _file(district, report, case)
    assert AuditEvent.objects.filter(action="stats.appeal_file").count() == 1
    with pinned(NOW):
        appeal = appeals.decide(actor=district.users[R.LEADER], appeal=appeal, action="approve", note="属实")
    assert appeal.state == AppealState.APPROVED
    new = appeal.result
    assert (new.version, new.derived_from_id, new.excluded_cases) == (2, report.pk, [case.pk])
    report.refresh_from_db()
    assert report.data == before  # the appealed version stays as it was
    # Every count the case was in, at every level it was counted under, is one less; nothing else.
    member = reports.membership_of(report, case.pk)
    counted_in = {k for bit, k in enumerate(report.data["case_counts"]) if member[0] >> bit & 1}
    assert {"filed", "dispatched", "handled"} <= counted_in and "handled_on_time" not in counted_in
    groups = {
        "bureau": district.bureau.pk,
        "subdistrict": member[1],
        "community": member[2],
        "unit": member[3],
    }
    for level in reports.LEVELS:
        old = {r["id"]: r for r in reports.level_rows(report, level)}
        for row in reports.level_rows(new, level):
            for key in report.data["case_counts"]:
                expected = old[row["id"]]["values"][key] - (row["id"] == groups[level] and key in counted_in)
                assert row["values"][key] == expected, (level, row["key"], key)
    squad_old = next(r for r in reports.level_rows(report, "unit") if r["id"] == district.squad.pk)
    squad_new = next(r for r in reports.level_rows(new, "unit") if r["id"] == district.squad.pk)
    d = squad_old["values"]
    assert squad_new["values"]["on_time_handling_rate"] == pytest.approx(
        d["handled_on_time"] / (d["dispatched"] - 1)
    )
    assert squad_new["score"] > squad_old["score"]
    # The frozen drill-down of the new version no longer lists it; the old one still does.
    assert not reports.counted(new, "unit", district.squad.pk, "filed").filter(case=case).exists()
    assert reports.counted(report, "unit", district.squad.pk, "filed").filter(case=case).exists()
    event = AuditEvent.objects.get(action="stats.appeal.approve")
    assert event.after["state"] == "approved" and event.after["result"] == new.pk
    # Republishing the period keeps the case out.
    with pinned(NOW):
        third = reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
    assert third.excluded_cases == [case.pk]
    assert reports.level_rows(third, "unit") == reports.level_rows(new, "unit")


def test_a_rejected_appeal_changes_nothing(district, published):
    cases, report = published
    appeal = _file(district, report, cases["holiday_late"])
    with pinned(NOW):
        appeal = appeals.decide(
            actor=district.users[R.ADMIN], appeal=appeal, action="reject", note="理由不成立"
        )
    assert appeal.state == AppealState.REJECTED and appeal.result is None
    assert PublishedReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="stats.appeal.reject").count() == 1


def test_a_rejection_needs_a_note(district, published):
    cases, report = published
    appeal = _file(district, report, cases["holiday_late"])
    with pytest.raises(ValidationFailed):
        appeals.decide(actor=district.users[R.LEADER], appeal=appeal, action="reject")


def test_the_filer_may_withdraw_and_nobody_else(district, published):
    cases, report = published
    appeal = _file(district, report, cases["holiday_late"])
    with pytest.raises(PermissionDenied):
        appeals.decide(actor=district.users[R.HANDLER], appeal=appeal, action="withdraw")
    appeal = appeals.decide(actor=district.users[R.SQUAD_LEADER], appeal=appeal, action="withdraw")
    assert appeal.state == AppealState.WITHDRAWN


@pytest.mark.parametrize("role", [R.SQUAD_LEADER, R.HANDLER, R.SHIFT_LEADER, R.CITY_LEADER, R.OPERATOR])
def test_only_the_evaluator_decides(district, published, role):
    cases, report = published
    appeal = _file(district, report, cases["holiday_late"])
    with pytest.raises(PermissionDenied):
        appeals.decide(actor=district.users[role], appeal=appeal, action="approve")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.PENDING and PublishedReport.objects.count() == 1


def test_only_the_unit_counted_appeals(district, published):
    cases, report = published
    # The department's handler cannot appeal the squad's case; the leadership does not file appeals.
    for who in ("other_handler", R.LEADER, R.SHIFT_LEADER):
        with pytest.raises(PermissionDenied) as refused:
            _file(district, report, cases["holiday_late"], who=who)
        assert refused.value.code == "appeal.forbidden"
    # The redispatched case counts against the department now: its handler may appeal it.
    assert _file(district, report, cases["redispatched"], who="other_handler").unit == district.department
    assert Appeal.objects.count() == 1


def test_a_case_not_counted_a_duplicate_and_a_superseded_version_are_refused(district, published):
    cases, report = published
    with pytest.raises(Conflict) as refused:
        _file(district, report, cases["august"])
    assert refused.value.code == "appeal.not_counted"
    _file(district, report, cases["holiday_late"])
    with pytest.raises(Conflict) as refused:
        _file(district, report, cases["holiday_late"])
    assert refused.value.code == "appeal.duplicate"
    with pinned(NOW):
        reports.publish(actor=district.users[R.LEADER], bureau=district.bureau, period="2026-09")
    with pytest.raises(Conflict) as refused:
        _file(district, report, cases["closed_service"])
    assert refused.value.code == "appeal.superseded"
    with pytest.raises(ValidationFailed):
        newest = reports.versions_of(report).order_by("-version").first()
        _file(district, newest, cases["closed_service"], reason="  ")
