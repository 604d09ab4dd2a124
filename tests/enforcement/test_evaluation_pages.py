"""The legal office's 卷宗评查 pages: choose closed files of a unit and period, score one item by item
(the reviewer named, not their login), send it back, the officers correct it, score it again, and the
participation and qualified rates per unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chengguan.core.models import AuditEvent
from chengguan.enforcement import evaluation, figures, selectors
from chengguan.enforcement.models import CaseFileEvaluation
from chengguan.org.models import StaffProfile
from tests.enforcement.test_evaluation import closed_case

LIST = reverse("enforcement:evaluations")
PERIOD = "?date_from=2026-01-01&date_to=2026-12-31"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_only_the_legal_office_and_leaders_see_the_pages(office, client):
    client.force_login(office.handler)
    assert client.get(LIST).status_code == 403
    client.force_login(office.leader)
    assert client.get(LIST).status_code == 200
    client.force_login(office.legal_reviewer)
    assert client.get(LIST).status_code == 200


def test_choose_score_return_correct_and_score_again_on_the_pages(office, client):
    first, second, third = (closed_case(office) for _ in range(3))
    client.force_login(office.legal_reviewer)
    page = client.get(LIST + PERIOD).content.decode()
    assert f'data-testid="select-{first.pk}"' in page and "一中队" in page
    chosen = client.post(LIST + PERIOD, {"case": [first.pk, second.pk]})
    assert chosen.status_code == 302
    assert set(CaseFileEvaluation.objects.values_list("case", flat=True)) == {first.pk, second.pk}

    score_url = reverse("enforcement:evaluation-score", args=[first.pk])
    form = client.get(score_url).content.decode()
    assert 'name="deductions.evidence"' in form and "证据清单1项" in form  # the file's findings beside
    bad = client.post(score_url, {"deductions.evidence": "16"})
    assert bad.status_code == 400 and "0到15分之间" in bad.content.decode()
    assert CaseFileEvaluation.objects.get(case=first).score is None
    done = client.post(score_url, {"deductions.evidence": "15", "deductions.notice": "10", "notes": "无证据"})
    assert done.status_code == 302
    record = CaseFileEvaluation.objects.get(case=first)
    name = StaffProfile.objects.get(user=office.legal_reviewer).full_name
    assert (record.score, record.passed, record.evaluator_name) == (Decimal("75.0"), False, name)
    assert name in client.get(score_url).content.decode()
    assert office.legal_reviewer.username not in client.get(LIST + PERIOD).content.decode()

    client.post(reverse("enforcement:evaluation-return", args=[first.pk]), {"reason": "补充证据清单"})
    record.refresh_from_db()
    assert record.state == "returned"
    refused = client.post(score_url, {"deductions.evidence": "0"})
    assert refused.status_code == 409

    client.force_login(office.handler)
    case_page = client.get(reverse("enforcement:detail", args=[first.pk])).content.decode()
    assert "补充证据清单" in case_page and 'data-testid="correction-form"' in case_page
    empty = client.post(reverse("enforcement:evaluation-correct", args=[first.pk]), {"note": ""})
    assert empty.status_code == 400
    client.post(reverse("enforcement:evaluation-correct", args=[first.pk]), {"note": "已补充现场照片"})
    record.refresh_from_db()
    assert record.state == "corrected"

    client.force_login(office.legal_reviewer)
    client.post(score_url, {"deductions.evidence": "2"})
    record.refresh_from_db()
    assert (record.state, record.score, record.passed) == ("scored", Decimal("98.0"), True)
    actions = list(AuditEvent.objects.filter(object_id=str(first.pk)).values_list("action", flat=True))
    assert actions[-5:] == [
        "penalty.case_file_select",
        "penalty.case_file_evaluate",
        "penalty.case_file_return",
        "penalty.case_file_correct",
        "penalty.case_file_evaluate",
    ]
    rates = client.get(LIST + PERIOD).content.decode()
    assert third.number in rates
    # 3 closed, 1 scored and passing: 参评率 33.3%, 合格率 100.0%.
    assert "33.3%" in rates and "100.0%" in rates


def test_rates_per_unit_count_each_case_once_per_unit(office):
    cases = [closed_case(office) for _ in range(3)]
    evaluation.case_file_evaluate(actor=office.legal_reviewer, case=cases[0], deductions={})
    evaluation.case_file_evaluate(
        actor=office.legal_reviewer, case=cases[1], deductions={"evidence": 15, "facts": 10}
    )
    evaluation.case_file_select(actor=office.legal_reviewer, cases=[cases[2]])  # chosen, not scored
    closed = selectors.closed_files(
        office.legal_reviewer, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    (unit,) = figures.evaluation_figures_by_unit(closed)
    assert (unit.unit_name, unit.closed, unit.evaluated, unit.passed) == ("一中队", 3, 2, 1)
    assert unit.participation_rate == Decimal("66.7") and unit.qualification_rate == Decimal("50.0")
    earlier = selectors.closed_files(
        office.legal_reviewer, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    assert figures.evaluation_totals(earlier).participation_rate is None


def test_the_api_scores_a_file_and_reads_the_evaluation(office):
    from tests.enforcement.test_api import api

    case = closed_case(office)
    url = f"/api/v1/penalty-cases/{case.pk}/evaluation/"
    assert api(office.legal_reviewer).get(url).status_code == 404
    assert api(office.handler).post(url, {"deductions": {}}, format="json").status_code == 403
    bad = api(office.legal_reviewer).post(url, {"deductions": {"evidence": "20"}}, format="json")
    assert bad.status_code == 400 and "deductions.evidence" in bad.json()["fields"]
    scored = api(office.legal_reviewer).post(
        url, {"deductions": {"evidence": 5}, "notes": "照片不清"}, format="json"
    )
    assert scored.status_code == 201
    body = api(office.handler).get(url).json()
    assert (body["score"], body["passed"], body["deductions"]) == ("95.0", True, {"evidence": "5.0"})
    assert body["evaluator_name"] == StaffProfile.objects.get(user=office.legal_reviewer).full_name


def test_the_list_costs_the_same_queries_for_2_or_8_files(office, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office.legal_reviewer)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST + PERIOD).status_code == 200
        return len(queries)

    for _ in range(2):
        evaluation.case_file_select(actor=office.legal_reviewer, cases=[closed_case(office)])
    few = cost()
    for _ in range(6):
        closed_case(office)
    assert cost() == few
