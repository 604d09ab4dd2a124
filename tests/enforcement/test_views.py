"""The penalty-case pages: who may open them, that each form goes through the services (state and
audit change), that a refusal shows the article and changes nothing, deadline colours at pinned
dates, evidence with its hash, and opening a penalty case from a closed-loop case."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chengguan.cases.models import Case
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.enforcement.documents import services as document_services
from chengguan.enforcement.models import PenaltyCase
from chengguan.enforcement.states import PenaltyState
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.cases.conftest import QUIET_MOMENT, district  # noqa: F401 (fixture)
from tests.cases.flow import drive
from tests.cases.media import jpeg_upload
from tests.enforcement.conftest import PERSON, filed_case, notified_case


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def audit_count(case: PenaltyCase) -> int:
    return AuditEvent.objects.filter(object_type="enforcement.penaltycase", object_id=str(case.pk)).count()


def at(day: dt.date):
    return pinned(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI))


PARTY_POST = {
    "party_kind": "person",
    "party_name": "李四",
    "party_id_number": PERSON["id_number"],
    "party_address": "中原路1号",
}


@pytest.mark.parametrize(
    ("page", "role", "status"),
    [
        ("enforcement:penalties", "handler", 200),
        ("enforcement:penalties", "legal_reviewer", 200),
        ("enforcement:penalties", "inspector", 403),
        ("enforcement:penalty-deadlines", "leader", 200),
        ("enforcement:penalty-deadlines", "inspector", 403),
        ("enforcement:propose", "handler", 200),
        ("enforcement:propose", "legal_reviewer", 403),
        ("enforcement:simple", "squad_leader", 200),
        ("enforcement:simple", "leader", 403),
    ],
)
def test_pages_open_only_to_the_roles_that_handle_penalty_cases(office, as_user, page, role, status):
    assert as_user(getattr(office, role)).get(reverse(page)).status_code == status


def test_navigation_shows_penalty_pages_to_handlers_not_to_inspectors(office, as_user):
    assert "本周期限" in as_user(office.handler).get(reverse("web:home")).content.decode()
    assert "本周期限" not in as_user(office.inspector).get(reverse("web:home")).content.decode()


def test_propose_form_creates_a_case_awaiting_approval(office, as_user):
    client = as_user(office.handler)
    post = {"facts": "店外经营", "officers": [office.handler.pk, office.handler2.pk], **PARTY_POST}
    response = client.post(reverse("enforcement:propose"), post)
    case = PenaltyCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "enforcement:detail", args=[case.pk]
    )
    assert case.state == PenaltyState.PROPOSED and case.officers.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "李*" in page and "李四" not in page  # the party is masked
    assert "410102********1230" in page and PERSON["id_number"] not in page


def test_propose_with_a_bad_id_number_says_so_and_creates_nothing(office, as_user):
    post = {"facts": "店外经营", "officers": [office.handler.pk, office.handler2.pk], **PARTY_POST}
    post["party_id_number"] = "410102199003071231"
    response = as_user(office.handler).post(reverse("enforcement:propose"), post)
    assert response.status_code == 400
    assert "公民身份号码无效" in response.content.decode()
    assert not PenaltyCase.objects.exists()


def test_case_page_offers_only_my_actions_and_approval_numbers_the_case(office, as_user):
    day = dt.date(2026, 9, 14)
    case = filed_case(office, day)
    case.refresh_from_db()
    page = as_user(office.handler).get(reverse("enforcement:detail", args=[case.pk])).content.decode()
    assert 'data-testid="action-submit_for_review"' in page
    assert 'data-testid="action-decide"' not in page  # a leader's action
    assert "《行政处罚法》第60条" in page  # the 90-day period with its article
    assert "占道经营" in page


def test_deciding_before_the_required_legal_review_is_refused_with_the_article(office, as_user):
    day = dt.date(2026, 9, 14)
    case = notified_case(office, day, day + dt.timedelta(days=1), review_required=True)
    before = audit_count(case)
    with at(dt.date(2026, 9, 25)):
        response = as_user(office.leader).post(
            reverse("enforcement:act", args=[case.pk, "decide"]), {"decide-decision_on": "2026-09-25"}
        )
    assert response.status_code == 409
    assert "第五十八条" in response.content.decode()
    case.refresh_from_db()
    assert case.state == PenaltyState.NOTIFIED and audit_count(case) == before


def test_a_missing_required_field_is_shown_beside_the_field(office, as_user):
    case = filed_case(office, dt.date(2026, 9, 14))
    response = as_user(office.handler).post(
        reverse("enforcement:act", args=[case.pk, "submit_for_review"]), {}
    )
    assert response.status_code == 400
    assert 'data-testid="error-legal_basis"' in response.content.decode()


def test_simple_procedure_form_refuses_201_yuan_for_a_person(office, as_user):
    post = {
        "facts": "乱扔垃圾",
        "violated_provisions": "某条例第六条",
        "legal_basis": "某条例第十条",
        "fine_amount": "201",
        **PARTY_POST,
    }
    response = as_user(office.handler).post(reverse("enforcement:simple"), post)
    assert response.status_code == 400
    assert "不得超过200元" in response.content.decode()
    assert not PenaltyCase.objects.exists()
    post["fine_amount"] = "200"
    response = as_user(office.handler).post(reverse("enforcement:simple"), post)
    case = PenaltyCase.objects.get()
    assert response.status_code == 302 and case.number.startswith("中原城管罚简字")


def test_list_colours_cases_whose_decision_deadline_nears_or_passed(office, as_user):
    near = filed_case(office, dt.date(2026, 6, 1))  # 90 days end 2026-08-30 (Sun) → 08-31
    later = filed_case(office, dt.date(2026, 8, 3))
    client = as_user(office.leader)
    with at(dt.date(2026, 8, 29)):
        page = client.get(reverse("enforcement:penalties")).content.decode()
        assert f'class="row-warning" data-pk="{near.pk}"' in page
        assert f'class="row-normal" data-pk="{later.pk}"' in page
    with at(dt.date(2026, 9, 1)):
        page = client.get(reverse("enforcement:penalties"), {"urgency": "overdue"}).content.decode()
        assert f'data-pk="{near.pk}"' in page and f'data-pk="{later.pk}"' not in page
        assert "共 1 件" in page


def test_deadlines_week_lists_the_hearing_request_with_its_article(office, as_user):
    # Notice served Monday 2026-09-14: the fifth working day is Sunday 2026-09-20, a make-up working
    # day (调休) before National Day, so the period ends within this week.
    notified_case(office, dt.date(2026, 9, 10), dt.date(2026, 9, 14), hearing_offered=True)
    with at(dt.date(2026, 9, 15)):
        page = as_user(office.handler).get(reverse("enforcement:penalty-deadlines")).content.decode()
    assert "当事人要求听证期限" in page and "《行政处罚法》第64条第1项、第85条" in page
    assert "2026-09-20" in page


def test_evidence_upload_records_the_hash_and_serves_the_file(office, as_user):
    case = filed_case(office, dt.date(2026, 9, 14))
    upload = jpeg_upload()
    data = upload.read()
    upload.seek(0)
    client = as_user(office.handler)
    response = client.post(
        reverse("enforcement:evidence", args=[case.pk]), {"file": upload, "description": "现场照片"}
    )
    assert response.status_code == 302
    page = client.get(reverse("enforcement:detail", args=[case.pk])).content.decode()
    digest = hashlib.sha256(data).hexdigest()
    assert digest in page and "现场照片" in page
    served = client.get(reverse("enforcement:evidence-file", args=[case.pk, 1]))
    assert b"".join(served.streaming_content) == data


def test_evidence_needs_two_officers(office, as_user):
    case = filed_case(office, dt.date(2026, 9, 14))
    case.officers.remove(office.handler2)
    response = as_user(office.handler).post(
        reverse("enforcement:evidence", args=[case.pk]), {"file": jpeg_upload(), "description": "现场照片"}
    )
    assert response.status_code == 409 and "第四十二条" in response.content.decode()


def _closed_with_enforcement(district) -> Case:  # noqa: F811
    case = drive(district, CaseState.VERIFIED)
    case_transition(actor=district.users[R.OPERATOR], case=case, action="close", disposition="enforcement")
    return Case.objects.get(pk=case.pk)


def test_a_case_closed_for_enforcement_opens_a_penalty_case(district, as_user):  # noqa: F811
    with pinned(QUIET_MOMENT):
        origin = _closed_with_enforcement(district)
    partner = factories.staff(district.squad, R.HANDLER).user
    client = as_user(district.users[R.HANDLER])
    page = client.get(reverse("cases:detail", args=[origin.number])).content.decode()
    assert 'data-testid="open-penalty"' in page
    form = client.get(reverse("enforcement:from-case", args=[origin.number])).content.decode()
    assert origin.description in form  # facts carried over
    post = {"facts": origin.description, "officers": [district.users[R.HANDLER].pk, partner.pk], **PARTY_POST}
    response = client.post(reverse("enforcement:from-case", args=[origin.number]), post)
    penalty = PenaltyCase.objects.get()
    assert response.status_code == 302 and penalty.origin_case_id == origin.pk
    origin.refresh_from_db()
    assert origin.penalty_case_ref == str(penalty)
    page = client.get(reverse("cases:detail", args=[origin.number])).content.decode()
    assert 'data-testid="penalty-link"' in page and 'data-testid="open-penalty"' not in page
    again = client.post(reverse("enforcement:from-case", args=[origin.number]), post)
    assert again.status_code == 409 and PenaltyCase.objects.count() == 1


def test_list_page_costs_the_same_queries_for_2_or_12_cases(office, as_user):
    client = as_user(office.leader)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("enforcement:penalties")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        filed_case(office, dt.date(2026, 9, 1))
    few = queries()
    for _ in range(10):
        filed_case(office, dt.date(2026, 9, 1))
    assert queries() == few


def test_a_document_is_issued_from_the_case_page_and_downloads_as_pdf(office, as_user):
    case = filed_case(office, dt.date(2026, 9, 14))
    client = as_user(office.handler)
    page = client.get(reverse("enforcement:detail", args=[case.pk])).content.decode()
    assert '<option value="inquiry_record">询问笔录</option>' in page
    response = client.post(
        reverse("enforcement:document-issue", args=[case.pk]), {"doc_type": "inquiry_record"}
    )
    assert response.status_code == 302
    document = case.documents.get()
    pdf = client.get(reverse("enforcement:document-file", args=[case.pk, document.pk, "pdf"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    refused = client.post(reverse("enforcement:document-issue", args=[case.pk]), {"doc_type": "reminder"})
    assert refused.status_code == 409 and case.documents.count() == 1


def test_case_page_costs_the_same_queries_with_one_or_four_documents(office, as_user):
    case = filed_case(office, dt.date(2026, 9, 1))
    client = as_user(office.leader)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("enforcement:detail", args=[case.pk])).status_code == 200
        return len(ctx.captured_queries)

    document_services.penalty_document_issue(actor=office.handler, case=case, doc_type="inquiry_record")
    few = queries()
    for _ in range(3):
        document_services.penalty_document_issue(actor=office.handler, case=case, doc_type="inquiry_record")
    assert queries() == few


@pytest.mark.parametrize("officers", [["99999999999999999999"], ["1", "-99999999999999999999"]])
def test_an_officer_id_no_row_can_have_is_a_field_error(office, client, officers):
    """Issue #11: `officers=99999999999999999999` on the proposal page answered 500 on SQLite."""
    client.force_login(office.handler)
    post = {"facts": "占道经营", "party_kind": "person", "party_name": "张三", "officers": officers}
    response = client.post(reverse("enforcement:propose"), post)
    assert response.status_code == 400
    assert "officers" in response.context["form"].errors
