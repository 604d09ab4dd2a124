"""The case page: every document kind the stage allows is offered and the others say why not; the
reconsideration and litigation forms call the review services (refusals beside the fields)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from chengguan.core.models import AuditEvent
from chengguan.enforcement.documents import RULES, document_availability
from chengguan.enforcement.models import DocumentType, PenaltyReview
from tests.enforcement.test_documents import case_in

T = DocumentType


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _page(client, user, case) -> str:
    client.force_login(user)
    return client.get(reverse("enforcement:detail", args=[case.pk])).content.decode()


def test_investigation_offers_every_kind_of_its_stage_and_explains_the_rest(office, client):
    case = case_in(office, "investigating")
    page = _page(client, office.handler, case)
    offered = [T.FILING_APPROVAL, T.INSPECTION_RECORD, T.INQUIRY_RECORD, T.RECTIFICATION_ORDER]
    for doc_type in [*offered, T.PRESERVATION_NOTICE]:
        assert f'<option value="{doc_type}">' in page
    assert '<option value="decision">' not in page
    rows = {r.doc_type: r.reason for r in document_availability(case, office.handler)}
    assert set(rows) == {t for t, rule in RULES.items() if rule.procedure == "general"}
    assert "已作出决定" in rows[T.DECISION] and "已事先告知" in rows[T.STATEMENT_RECORD]
    assert 'data-testid="documents-not-offered"' in page and "陈述申辩笔录" in page


def test_a_one_off_kind_already_made_and_a_kind_of_other_signers_say_so(office, client):
    case = case_in(office, "hearing_scheduled", hearing=True)
    rows = {r.doc_type: r.reason for r in document_availability(case, office.handler)}
    assert rows[T.HEARING_RECORD] == "" and rows[T.HEARING_NOTICE] == ""
    client.force_login(office.handler)
    client.post(reverse("enforcement:document-issue", args=[case.pk]), {"doc_type": T.HEARING_NOTICE})
    rows = {r.doc_type: r.reason for r in document_availability(case, office.handler)}
    assert rows[T.HEARING_NOTICE] == "本案已制作（每案一份）"
    filed = case_in(office, "case_review")
    assert document_availability(filed, office.inspector)  # every kind listed, each with its reason
    assert all(r.reason for r in document_availability(filed, office.inspector))


def test_a_reconsideration_is_registered_and_concluded_on_the_page(office, client):
    case = case_in(office, "executing")
    page = _page(client, office.legal_reviewer, case)
    assert 'data-testid="review-form"' in page
    refused = client.post(
        reverse("enforcement:review-record", args=[case.pk]),
        {"review-kind": "appeal", "review-applied_on": "2026-03-20"},
    )
    assert refused.status_code == 400 and not PenaltyReview.objects.exists()
    done = client.post(
        reverse("enforcement:review-record", args=[case.pk]),
        {
            "review-kind": "reconsideration",
            "review-body": "中原区人民政府",
            "review-applied_on": "2026-03-20",
        },
    )
    assert done.status_code == 302
    review = PenaltyReview.objects.get(case=case)
    page = _page(client, office.legal_reviewer, case)
    assert "中原区人民政府" in page and f'data-testid="conclude-form-{review.pk}"' in page
    early = client.post(
        reverse("enforcement:review-conclude", args=[case.pk, review.pk]),
        {f"conclude-{review.pk}-concluded_on": "2026-03-01", f"conclude-{review.pk}-outcome": "upheld"},
    )
    assert early.status_code == 409 and "审结日期不能早于申请日期" in early.content.decode()
    upheld = client.post(
        reverse("enforcement:review-conclude", args=[case.pk, review.pk]),
        {f"conclude-{review.pk}-concluded_on": "2026-05-10", f"conclude-{review.pk}-outcome": "upheld"},
    )
    assert upheld.status_code == 302
    review.refresh_from_db()
    assert (review.outcome, review.concluded_on) == ("upheld", dt.date(2026, 5, 10))
    assert AuditEvent.objects.filter(action="penalty.review_conclude").count() == 1


def test_the_review_form_is_not_offered_before_the_decision_is_served_nor_to_officers(office, client):
    assert 'data-testid="review-form"' not in _page(client, office.legal_reviewer, case_in(office, "decided"))
    assert 'data-testid="review-form"' not in _page(client, office.handler, case_in(office, "executing"))
