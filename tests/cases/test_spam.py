"""恶意/无效举报: who may mark a case, what the mark does to the case at each stage, that a refused mark
changes nothing, and the same through the case page, the API (documented in the schema) and the list
filter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.cases.models import Case
from chengguan.cases.spam import case_mark_spam, case_unmark_spam
from chengguan.cases.states import CaseState
from chengguan.core.clock import pinned
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.api.schema_check import SchemaCheckingClient
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report
from tests.factories import DEMO_PASSWORD


def events(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def api(user) -> APIClient:
    client = SchemaCheckingClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _quiet():
    with pinned(QUIET_MOMENT):
        yield


def test_a_shift_leader_marking_a_new_report_cancels_it_through_the_cancel_action(district):
    case = report(district)
    done = case_mark_spam(actor=district.users[R.SHIFT_LEADER], case=case, reason="内容与城管无关的骚扰信息")
    stored = Case.objects.get(pk=case.pk)
    assert done.state == stored.state == CaseState.CANCELLED
    assert stored.is_spam and stored.spam_reason == "内容与城管无关的骚扰信息"
    assert stored.closed_at is not None
    assert events(case)[-2:] == ["case.spam_marked", "case.cancel"]


def test_a_filed_case_is_cancelled_too(district):
    case = drive(district, CaseState.FILED)
    case_mark_spam(actor=district.users[R.SHIFT_LEADER], case=case, reason="虚假信息")
    assert Case.objects.get(pk=case.pk).state == CaseState.CANCELLED


def test_an_operator_may_flag_but_only_a_shift_leader_may_cancel(district):
    """The transition table lets only shift leaders cancel; an operator's mark flags the report."""
    case = report(district)
    case_mark_spam(actor=district.users[R.OPERATOR], case=case, reason="重复恶意举报")
    stored = Case.objects.get(pk=case.pk)
    assert stored.is_spam and stored.state == CaseState.REPORTED
    assert events(case)[-1] == "case.spam_marked"


@pytest.mark.parametrize("state", [CaseState.DISPATCHED, CaseState.HANDLED, CaseState.CLOSED])
def test_a_later_case_is_only_flagged(district, state):
    case = drive(district, state)
    before = len(events(case))
    case_mark_spam(actor=district.users[R.SHIFT_LEADER], case=case, reason="举报人虚构事实")
    stored = Case.objects.get(pk=case.pk)
    assert stored.is_spam and stored.state == state
    assert len(events(case)) == before + 1


@pytest.mark.parametrize("role", [R.HANDLER, R.INSPECTOR, R.DISPATCHER, R.LEADER, R.CITIZEN])
def test_other_roles_may_not_mark_and_nothing_changes(district, role):
    case = report(district)
    before = events(case)
    with pytest.raises(PermissionDenied) as caught:
        case_mark_spam(actor=district.users[role], case=case, reason="无效")
    assert caught.value.code == "case.spam_forbidden"
    stored = Case.objects.get(pk=case.pk)
    assert not stored.is_spam and stored.state == CaseState.REPORTED
    assert events(case) == before


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_a_reason_is_required_and_bounded(district, reason):
    case = report(district)
    with pytest.raises(ValidationFailed) as caught:
        case_mark_spam(actor=district.users[R.SHIFT_LEADER], case=case, reason=reason)
    assert "reason" in caught.value.fields
    assert not Case.objects.get(pk=case.pk).is_spam


def test_marking_twice_is_a_conflict_and_unmarking_restores_the_figures_but_not_the_state(district):
    case = report(district)
    leader = district.users[R.SHIFT_LEADER]
    case_mark_spam(actor=leader, case=case, reason="骚扰")
    with pytest.raises(Conflict):
        case_mark_spam(actor=leader, case=case, reason="骚扰")
    case_unmark_spam(actor=district.users[R.OPERATOR], case=case, reason="经回访核实为真实诉求")
    stored = Case.objects.get(pk=case.pk)
    assert not stored.is_spam and stored.spam_reason == ""
    assert stored.state == CaseState.CANCELLED
    assert events(case)[-1] == "case.spam_unmarked"
    with pytest.raises(Conflict):
        case_unmark_spam(actor=leader, case=case, reason="再次撤销")


# -- the case page ----------------------------------------------------------------------------------


def test_the_case_page_offers_the_mark_to_operators_and_marks_with_a_reason(district, client):
    case = report(district)
    client.login(username=district.users[R.HANDLER].username, password=DEMO_PASSWORD)
    assert 'data-testid="action-spam"' not in client.get(reverse("cases:detail", args=[case.number])).text
    client.login(username=district.users[R.SHIFT_LEADER].username, password=DEMO_PASSWORD)
    page = client.get(reverse("cases:detail", args=[case.number])).text
    assert 'data-testid="action-spam"' in page and "案件将同时作废" in page

    url = reverse("cases:spam", args=[case.number])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and 'data-testid="error-reason"' in refused.text
    assert not Case.objects.get(pk=case.pk).is_spam

    done = client.post(url, {"reason": "恶意骚扰"}, follow=True)
    assert "已标记为恶意/无效举报，案件已作废。" in done.text
    assert 'data-testid="spam-chip"' in done.text and "恶意骚扰" in done.text
    assert 'data-testid="action-unspam"' in done.text


def test_a_handler_posting_the_mark_gets_the_refusal_and_nothing_changes(district, client):
    case = drive(district, CaseState.DISPATCHED)
    client.login(username=district.users[R.HANDLER].username, password=DEMO_PASSWORD)
    response = client.post(reverse("cases:spam", args=[case.number]), {"reason": "无效"})
    assert response.status_code == 403
    assert not Case.objects.get(pk=case.pk).is_spam


def test_the_list_filters_spam(district, client):
    spam_case = report(district, description="骚扰信息")
    kept = report(district, description="真实诉求", grid=1)
    case_mark_spam(actor=district.users[R.OPERATOR], case=spam_case, reason="骚扰")
    client.login(username=district.users[R.OPERATOR].username, password=DEMO_PASSWORD)
    marked = client.get(reverse("cases:list"), {"is_spam": "true"}).text
    assert spam_case.number in marked and kept.number not in marked
    clean = client.get(reverse("cases:list"), {"is_spam": "false"}).text
    assert kept.number in clean and spam_case.number not in clean


# -- the API ----------------------------------------------------------------------------------------


def test_api_spam_and_unspam(district):
    case = report(district)
    operator = api(district.users[R.OPERATOR])
    missing = operator.post(f"/api/v1/cases/{case.pk}/spam/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]

    done = operator.post(f"/api/v1/cases/{case.pk}/spam/", {"reason": "骚扰"}, format="json")
    assert done.status_code == 200 and done.json()["is_spam"] is True
    again = operator.post(f"/api/v1/cases/{case.pk}/spam/", {"reason": "骚扰"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "case.already_spam"

    listed = operator.get("/api/v1/cases/", {"is_spam": "true"}).json()
    assert [row["number"] for row in listed["results"]] == [case.number]

    forbidden = api(district.users[R.HANDLER]).post(
        f"/api/v1/cases/{case.pk}/unspam/", {"reason": "误判"}, format="json"
    )
    assert forbidden.status_code == 403
    assert Case.objects.get(pk=case.pk).is_spam

    undone = operator.post(f"/api/v1/cases/{case.pk}/unspam/", {"reason": "误判"}, format="json")
    assert undone.status_code == 200 and undone.json()["is_spam"] is False


def test_the_schema_documents_spam_unspam_and_the_filter(district):
    schema = api(district.users[R.LEADER]).get("/api/v1/schema/", {"format": "json"}).json()
    for name in ("spam", "unspam"):
        operation = schema["paths"][f"/api/v1/cases/{{id}}/{name}/"]["post"]
        assert operation["operationId"] == f"cases_{name}"
        assert {"200", "400", "403", "409"} <= set(operation["responses"])
    list_params = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert "is_spam" in list_params
