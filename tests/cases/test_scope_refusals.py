"""Out of scope means "not found", for every write (issue 11, defects 3 and 9).

A handler of another unit added files (处置后 and 核查 included) to cases it could not even read
(`POST /api/v1/cases/{id}/evidence/` → 201); a stage's files now come only from those who act on
that stage. And a caller who cannot see a case got a 409 naming its state, or "没有登记反映人电话"
where another case answered 403: every unseen case now answers the same 404.
"""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chengguan.cases.models import CaseEvidence, EvidenceStage
from chengguan.cases.states import CaseState
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_upload

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _add(user, case, stage: str):
    return _api(user).post(
        f"/api/v1/cases/{case.pk}/evidence/", {"file": jpeg_upload(), "stage": stage}, format="multipart"
    )


@pytest.mark.parametrize("stage", EvidenceStage.values)
def test_a_handler_of_another_unit_cannot_add_evidence_of_any_stage(district, stage):
    case = drive(district, CaseState.DISPATCHED)
    before = (CaseEvidence.objects.count(), AuditEvent.objects.count())
    response = _add(district.users["other_handler"], case, stage)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "case.not_found"
    assert (CaseEvidence.objects.count(), AuditEvent.objects.count()) == before


def test_each_stage_takes_files_from_who_acts_on_it(district):
    case = drive(district, CaseState.IN_HANDLING)
    handler, inspector, dispatcher = (district.users[r] for r in (R.HANDLER, R.INSPECTOR, R.DISPATCHER))
    assert _add(handler, case, EvidenceStage.HANDLE).status_code == 201
    assert _add(inspector, case, EvidenceStage.REPORT).status_code == 201
    assert _add(dispatcher, case, EvidenceStage.OTHER).status_code == 201
    before = CaseEvidence.objects.count()
    for user, stage in (
        (inspector, EvidenceStage.HANDLE),
        (dispatcher, EvidenceStage.HANDLE),
        (handler, EvidenceStage.VERIFY),
    ):
        refused = _add(user, case, stage)
        assert refused.status_code == 403, (user, stage, refused.content)
    assert CaseEvidence.objects.count() == before


def test_the_web_page_refuses_the_same(district, client):
    case = drive(district, CaseState.DISPATCHED)
    client.force_login(district.users["other_handler"])
    response = client.post(f"/cases/{case.number}/evidence/add/", {"file": jpeg_upload(), "stage": "handle"})
    assert response.status_code == 404
    assert not CaseEvidence.objects.exclude(stage=EvidenceStage.REPORT).exists()


def test_an_unseen_case_answers_the_same_whatever_its_state(district):
    outsider = _api(district.users["other_handler"])
    answers = set()
    for state in (CaseState.DISPATCHED, CaseState.CLOSED, CaseState.REPORTED, CaseState.SUSPENDED):
        case = drive(district, state)
        for action in ("accept", "handle", "close", "file"):
            response = outsider.post(f"/api/v1/cases/{case.pk}/{action}/", {}, format="json")
            answers.add((response.status_code, response.content))
    [(status, body)] = answers  # one answer for every state and action
    assert status == 404 and "当前状态" not in body.decode()


def test_the_reporter_phone_of_an_unseen_case_answers_like_any_unseen_case(district):
    with_phone = report(district, role=R.OPERATOR, reporter_phone="13812345678")
    without = report(district, role=R.OPERATOR)
    drive(district, CaseState.DISPATCHED, case=with_phone)
    drive(district, CaseState.DISPATCHED, case=without)
    outsider = _api(district.users["other_handler"])
    a = outsider.post(f"/api/v1/cases/{with_phone.pk}/reporter-phone/")
    b = outsider.post(f"/api/v1/cases/{without.pk}/reporter-phone/")
    c = outsider.post("/api/v1/cases/99999999/reporter-phone/")
    assert a.status_code == b.status_code == c.status_code == 404
    assert a.json() == b.json() == c.json()
    # Someone who sees the case but may not look is refused before being told whether there is a number.
    handler = _api(district.users[R.HANDLER])
    assert handler.post(f"/api/v1/cases/{with_phone.pk}/reporter-phone/").status_code == 403
    assert handler.post(f"/api/v1/cases/{without.pk}/reporter-phone/").status_code == 403
