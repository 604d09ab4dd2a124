"""行政处罚法 第四十二条、第五十五条: every enforcement step an officer takes part in refuses an officer
without a certificate in force on the step's date (409 naming the articles), and changes nothing;
the day the certificate is renewed the same step is accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict
from chengguan.core.models import AuditEvent
from chengguan.enforcement import services
from chengguan.enforcement.documents import services as documents
from chengguan.enforcement.models import PenaltyCase, PenaltyDocument
from chengguan.people import selectors
from chengguan.people.models import Certificate
from chengguan.people.services import certificate_transition
from tests.cases.media import jpeg_upload
from tests.enforcement.conftest import PERSON, filed_case, notified_case

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 10, 20)
YESTERDAY = TODAY - dt.timedelta(days=1)


def _at(day: dt.date):
    return pinned(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI))


def _expire_yesterday(user) -> Certificate:
    cert = Certificate.objects.get(holder=user)
    Certificate.objects.filter(pk=cert.pk).update(valid_to=YESTERDAY)
    cert.refresh_from_db()
    return cert


def _refused(call) -> Conflict:
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        call()
    assert refused.value.code == "penalty.officer_not_certified"
    assert "第四十二条" in refused.value.message and "第五十五条" in refused.value.message
    assert AuditEvent.objects.count() == events
    return refused.value


def test_an_expired_certificate_is_refused_on_evidence_and_decision_and_accepted_once_renewed(
    office, personnel, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    investigating = filed_case(office, D(2026, 10, 1))
    notified = notified_case(office, D(2026, 10, 1), D(2026, 10, 10))
    cert = _expire_yesterday(office.handler2)
    name = selectors.display_name(office.handler2)

    with _at(TODAY):
        refusal = _refused(
            lambda: services.penalty_evidence_add(
                actor=office.handler, case=investigating, upload=jpeg_upload(), description="现场照片"
            )
        )
        assert name in refusal.message and "2026-10-20" in refusal.message
        assert not any(tmp_path.rglob("*.jpg"))  # the file was not stored either

        before = PenaltyCase.objects.filter(pk=notified.pk).values().get()
        assert "decide" not in services.available_actions(notified, office.leader)
        _refused(
            lambda: services.penalty_transition(
                actor=office.leader, case=notified, action="decide", payload={"decision_on": TODAY}
            )
        )
        assert PenaltyCase.objects.filter(pk=notified.pk).values().get() == before

        certificate_transition(
            actor=personnel, certificate=cert, action="renew", payload={"valid_to": D(2031, 10, 19)}
        )
        item = services.penalty_evidence_add(
            actor=office.handler, case=investigating, upload=jpeg_upload(), description="现场照片"
        )
        assert office.handler2 in item.officers.all()
        assert "decide" in services.available_actions(notified, office.leader)
        decided = services.penalty_transition(
            actor=office.leader, case=notified, action="decide", payload={"decision_on": TODAY}
        )
    assert decided.state == "decided"
    assert decided.decision_number.endswith("第0001号")  # the refusal took no number


def test_a_step_dated_before_the_expiry_is_judged_by_the_certificate_then_in_force(office):
    notified = notified_case(office, D(2026, 10, 1), D(2026, 10, 10))
    _expire_yesterday(office.handler2)
    with _at(TODAY):
        decided = services.penalty_transition(
            actor=office.leader, case=notified, action="decide", payload={"decision_on": YESTERDAY}
        )
        assert decided.state == "decided"
        _refused(
            lambda: services.penalty_transition(
                actor=office.handler,
                case=decided,
                action="serve_decision",
                payload={"decision_served_on": TODAY},
            )
        )


def test_serving_the_prior_notice_is_refused(office):
    case = filed_case(office, D(2026, 10, 1))
    case = services.penalty_transition(
        actor=office.handler,
        case=case,
        action="submit_for_review",
        payload={"violated_provisions": "第十四条", "legal_basis": "第三十六条"},
    )
    _expire_yesterday(office.handler)
    with _at(TODAY):
        _refused(
            lambda: services.penalty_transition(
                actor=office.handler, case=case, action="serve_notice", payload={"notice_served_on": TODAY}
            )
        )
    assert PenaltyCase.objects.get(pk=case.pk).state == "case_review"


def test_an_inspection_record_is_refused_and_takes_no_number(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    case = filed_case(office, D(2026, 10, 1))
    _expire_yesterday(office.handler2)
    with _at(TODAY):
        _refused(
            lambda: documents.penalty_document_issue(
                actor=office.handler, case=case, doc_type="inspection_record", issued_on=TODAY
            )
        )
        assert not PenaltyDocument.objects.exists()
        doc = documents.penalty_document_issue(
            actor=office.handler, case=case, doc_type="inspection_record", issued_on=YESTERDAY
        )
    assert doc.number.endswith("第0001号")


def test_the_simple_procedure_on_the_spot_is_refused(office):
    _expire_yesterday(office.handler)
    with _at(TODAY):
        _refused(
            lambda: services.penalty_simple_decide(
                actor=office.handler,
                bureau=office.bureau,
                facts="占道经营",
                legal_basis="第三十六条",
                party=PERSON,
                fine_amount=50,
                officers=[office.handler, office.handler2],
            )
        )
    assert not PenaltyCase.objects.exists()


def test_documents_print_the_number_from_the_registry(office, settings, tmp_path):
    from chengguan.enforcement.documents.content import officer_names

    case = filed_case(office, D(2026, 10, 1))
    number = Certificate.objects.get(holder=office.handler).number
    names = officer_names(case, on=TODAY)
    assert f"（执法证号{number}）" in names[0]


def test_over_the_api_the_refusal_is_a_409_naming_the_articles_and_the_renewal_day_is_accepted(
    office, personnel, settings, tmp_path
):
    from tests.api.conftest import assert_error
    from tests.api.schema_check import SchemaCheckingClient

    settings.MEDIA_ROOT = str(tmp_path)
    investigating = filed_case(office, D(2026, 10, 1))
    notified = notified_case(office, D(2026, 10, 1), D(2026, 10, 10))
    cert = _expire_yesterday(office.handler2)

    def api(user):
        client = SchemaCheckingClient()
        client.force_authenticate(user)
        return client

    def evidence():
        return api(office.handler).post(
            f"/api/v1/penalty-cases/{investigating.pk}/evidence/",
            {"file": jpeg_upload(), "description": "现场照片"},
            format="multipart",
        )

    def decide():
        return api(office.leader).post(
            f"/api/v1/penalty-cases/{notified.pk}/decide/", {"decision_on": TODAY.isoformat()}, format="json"
        )

    with _at(TODAY):
        events = AuditEvent.objects.count()
        for response in (evidence(), decide()):
            body = assert_error(response, 409, "penalty.officer_not_certified")
            assert "第四十二条" in body["message"] and "第五十五条" in body["message"]
        assert AuditEvent.objects.count() == events
        assert PenaltyCase.objects.get(pk=notified.pk).state == notified.state
        certificate_transition(
            actor=personnel, certificate=cert, action="renew", payload={"valid_to": D(2031, 10, 19)}
        )
        assert evidence().status_code == 201
        decided = decide()
    assert decided.status_code == 200 and decided.json()["state"] == "decided"
