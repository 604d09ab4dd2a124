"""卷宗评查: legal staff score closed case files against the checklist; pass mark; participation and
qualification rates, checked against plain SQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import evaluation, figures
from chengguan.enforcement.models import CaseFileEvaluation
from tests.enforcement.conftest import complete_file
from tests.enforcement.test_documents import _go, case_in

D = dt.date


CLOSED_ON = D(2026, 4, 1)


def closed_case(office, closed_on=CLOSED_ON):
    case = complete_file(office, case_in(office, "paid"))
    with clock.pinned(dt.datetime.combine(closed_on, dt.time(10), tzinfo=clock.SHANGHAI)):
        return _go(office, case, "close", actor=office.squad_leader)


def test_default_checklist_totals_100_and_every_item_cites_its_source():
    current = evaluation.checklist()
    assert current.total == Decimal(100)
    assert current.pass_mark == Decimal(80)
    assert all(item.source.startswith("行政处罚法 第") for item in current.items)


def test_score_is_100_minus_deductions_and_the_pass_mark_decides(office):
    good = evaluation.case_file_evaluate(
        actor=office.legal_reviewer, case=closed_case(office), deductions={"evidence": 5, "archive": "2"}
    )
    assert good.score == Decimal("93.0") and good.passed
    assert good.deductions == {"evidence": "5.0", "archive": "2.0"}
    bad = evaluation.case_file_evaluate(
        actor=office.legal_reviewer,
        case=closed_case(office),
        deductions={"notice": 10, "evidence": 10.5},
        notes="未送达事先告知书",
    )
    assert bad.score == Decimal("79.5") and not bad.passed
    assert AuditEvent.objects.filter(action="penalty.case_file_evaluate").count() == 2


def test_refusals_change_nothing(office):
    case = closed_case(office)
    for deductions, field in (
        ({"evidence": 16}, "deductions.evidence"),
        ({"evidence": -1}, "deductions.evidence"),
        ({"evidence": "many"}, "deductions.evidence"),
        ({"colour": 1}, "deductions.colour"),
    ):
        with pytest.raises(ValidationFailed) as bad:
            evaluation.case_file_evaluate(actor=office.legal_reviewer, case=case, deductions=deductions)
        assert field in bad.value.fields
    for not_legal in (office.handler, office.leader):
        with pytest.raises(PermissionDenied):
            evaluation.case_file_evaluate(actor=not_legal, case=case, deductions={})
    with pytest.raises(Conflict) as open_case:
        evaluation.case_file_evaluate(
            actor=office.legal_reviewer, case=case_in(office, "paid"), deductions={}
        )
    assert open_case.value.code == "evaluation.case_not_closed"
    assert not CaseFileEvaluation.objects.exists()
    evaluation.case_file_evaluate(actor=office.legal_reviewer, case=case, deductions={})
    with pytest.raises(Conflict):
        evaluation.case_file_evaluate(actor=office.legal_reviewer, case=case, deductions={})


def test_a_bureau_can_use_its_own_checklist(office, settings, tmp_path):
    own = tmp_path / "list.yaml"
    own.write_text(
        'version: "local-1"\npass_mark: 90\nitems:\n'
        '  - {id: all, title: "案卷齐全", points: 100, source: "本局评查办法 第三条"}\n',
        encoding="utf-8",
    )
    settings.PENALTY_EVALUATION_CHECKLIST = str(own)
    result = evaluation.case_file_evaluate(
        actor=office.legal_reviewer, case=closed_case(office), deductions={"all": 15}
    )
    assert (result.checklist_version, result.score, result.passed) == ("local-1", Decimal("85.0"), False)


def test_participation_and_qualification_rates_agree_with_sql(office):
    cases = [closed_case(office) for _ in range(4)]
    closed_case(office, closed_on=D(2027, 1, 5))  # another year: not counted
    case_in(office, "paid")  # not closed: not counted
    evaluation.case_file_evaluate(actor=office.legal_reviewer, case=cases[0], deductions={})
    evaluation.case_file_evaluate(actor=office.legal_reviewer, case=cases[1], deductions={})
    evaluation.case_file_evaluate(
        actor=office.legal_reviewer, case=cases[2], deductions={"evidence": 15, "facts": 10}
    )

    result = figures.evaluation_figures(bureau=office.bureau, year=2026)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(e.id), SUM(CASE WHEN e.passed THEN 1 ELSE 0 END)"
            " FROM enforcement_penaltycase c LEFT JOIN enforcement_casefileevaluation e ON e.case_id = c.id"
            " WHERE c.bureau_id = %s AND c.state = 'closed' AND c.closed_on >= %s AND c.closed_on < %s",
            [office.bureau.pk, D(2026, 1, 1), D(2027, 1, 1)],
        )
        closed, evaluated, passed = cursor.fetchone()
    assert (result.closed, result.evaluated, result.passed) == (closed, evaluated, passed) == (4, 3, 2)
    assert result.participation_rate == Decimal("75.0")
    assert result.qualification_rate == Decimal("66.7")
    assert figures.evaluation_figures(bureau=office.bureau, year=2025).participation_rate is None
