"""The reporter's phone: masked on the case page for everyone, shown in full only to operators and
shift leaders after a POST that writes `case.reporter_phone_viewed` to the audit trail (without the
number); others never get it, from the page or the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState
from chengguan.core.clock import pinned
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.api.schema_check import SchemaCheckingClient
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report
from tests.factories import DEMO_PASSWORD

PHONE = "13800138000"
MASKED = "138****8000"


def phone_views(case: Case) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="case.reporter_phone_viewed"
        )
    )


@pytest.fixture
def hotline_case(district) -> Case:
    with pinned(QUIET_MOMENT):
        case = report(district, role=R.OPERATOR, reporter_name="王女士", reporter_phone=PHONE)
        return drive(district, CaseState.DISPATCHED, case=case)


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    return client


@pytest.mark.parametrize("role", [R.OPERATOR, R.SHIFT_LEADER])
def test_intake_staff_see_the_full_number_after_an_audited_click(district, client, hotline_case, role):
    user = district.users[role]
    page = login(client, user).get(reverse("cases:detail", args=[hotline_case.number])).text
    assert MASKED in page and PHONE not in page
    assert 'data-testid="reveal-phone"' in page
    assert phone_views(hotline_case) == []

    shown = client.post(reverse("cases:reporter-phone", args=[hotline_case.number]))
    assert shown.status_code == 200
    assert PHONE in shown.text and 'data-testid="phone-audited"' in shown.text
    (event,) = phone_views(hotline_case)
    assert event.actor_id == user.pk
    assert PHONE not in str(event.after) and PHONE not in str(event.before)
    # The view is kept in the audit trail, not shown as a step of the case's handling.
    assert "reporter_phone_viewed" not in shown.text


@pytest.mark.parametrize("role", [R.HANDLER, R.DISPATCHER, R.INSPECTOR, R.LEADER, R.SQUAD_LEADER])
def test_other_staff_never_see_the_number(district, client, hotline_case, role):
    login(client, district.users[role])
    page = client.get(reverse("cases:detail", args=[hotline_case.number])).text
    assert MASKED in page and PHONE not in page
    assert 'data-testid="reveal-phone"' not in page
    refused = client.post(reverse("cases:reporter-phone", args=[hotline_case.number]))
    assert refused.status_code == 403 and PHONE not in refused.text
    assert phone_views(hotline_case) == []


def test_a_get_does_not_reveal(district, client, hotline_case):
    login(client, district.users[R.OPERATOR])
    response = client.get(reverse("cases:reporter-phone", args=[hotline_case.number]))
    assert response.status_code == 405
    assert phone_views(hotline_case) == []


def test_no_button_when_no_phone_was_given(district, client):
    with pinned(QUIET_MOMENT):
        case = report(district)
    page = login(client, district.users[R.OPERATOR]).get(reverse("cases:detail", args=[case.number])).text
    assert 'data-testid="reveal-phone"' not in page


def test_the_api_endpoint_matches_the_page(district, hotline_case):
    url = f"/api/v1/cases/{hotline_case.pk}/reporter-phone/"
    operator = SchemaCheckingClient()
    operator.force_authenticate(district.users[R.OPERATOR])
    assert operator.post(url).json() == {"reporter_phone": PHONE}
    assert len(phone_views(hotline_case)) == 1

    handler = SchemaCheckingClient()
    handler.force_authenticate(district.users[R.HANDLER])
    refused = handler.post(url)
    assert refused.status_code == 403 and refused.json()["code"] == "case.phone_forbidden"
    assert len(phone_views(hotline_case)) == 1
