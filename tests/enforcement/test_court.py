"""Compulsory enforcement through the court (行政强制法 第五十三条至第五十八条): acceptance and
ruling recorded through services, with the court and police taken from the organisation tree."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import court
from chengguan.enforcement.models import CourtEnforcement
from chengguan.org.models import OrgKind, PartnerType
from tests import factories
from tests.enforcement.test_documents import case_in

D = dt.date


@pytest.fixture
def partners(office):
    def partner(name, partner_type, parent=office.bureau):
        return factories.OrganisationFactory(
            kind=OrgKind.PARTNER,
            partner_type=partner_type,
            parent=parent,
            name=name,
            contact_person="王法官" if partner_type == PartnerType.COURT else "李警官",
            contact_phone="0371-66660000",
        )

    other_bureau = factories.bureau(name="二七区城市管理局", code="410103")
    return {
        "court": partner("中原区人民法院", PartnerType.COURT),
        "police": partner("中原分局林山寨派出所", PartnerType.POLICE),
        "foreign_court": partner("二七区人民法院", PartnerType.COURT, other_bureau),
    }


def test_contacts_come_from_the_bureaus_partner_units(office, partners):
    courts = list(court.partner_contacts(bureau=office.bureau, partner_type=PartnerType.COURT))
    assert courts == [partners["court"]]
    assert courts[0].contact_person == "王法官"
    police = court.partner_contacts(bureau=office.bureau, partner_type=PartnerType.POLICE)
    assert list(police) == [partners["police"]]


def test_acceptance_and_ruling_are_recorded_and_audited(office, partners):
    case = case_in(office, "court_enforcement")
    record = court.court_acceptance_record(
        actor=office.legal_reviewer,
        case=case,
        court=partners["court"],
        police=partners["police"],
        accepted_on=D(2026, 10, 16),
        court_case_number="（2026）豫0102行审123号",
    )
    # Seven working days for the written ruling (第五十七条 + 第六十九条).
    assert court.ruling_due_on(record) == D(2026, 10, 27)
    court.court_ruling_record(actor=office.leader, case=case, ruling="enforce", ruled_on=D(2026, 10, 23))
    record.refresh_from_db()
    assert (record.ruling, record.ruled_on, record.police) == ("enforce", D(2026, 10, 23), partners["police"])
    actions = list(
        AuditEvent.objects.filter(object_id=str(case.pk), action__startswith="penalty.court_").values_list(
            "action", flat=True
        )
    )
    assert actions == ["penalty.court_accept", "penalty.court_ruling"]
    with pytest.raises(Conflict):
        court.court_ruling_record(
            actor=office.leader, case=case, ruling="not_enforce", ruled_on=D(2026, 10, 24)
        )


def test_bad_input_is_refused_field_by_field_and_changes_nothing(office, partners):
    case = case_in(office, "court_enforcement")
    good = {
        "case": case,
        "court": partners["court"],
        "accepted_on": D(2026, 10, 16),
        "court_case_number": "（2026）1号",
    }
    for change, field in (
        ({"court": partners["foreign_court"]}, "court"),
        ({"court": partners["police"]}, "court"),
        ({"court_case_number": " "}, "court_case_number"),
        ({"accepted_on": D(2026, 10, 1)}, "accepted_on"),
    ):
        with pytest.raises(ValidationFailed) as bad:
            court.court_acceptance_record(actor=office.legal_reviewer, **{**good, **change})
        assert field in bad.value.fields
    with pytest.raises(PermissionDenied):
        court.court_acceptance_record(actor=office.handler, **good)
    assert not CourtEnforcement.objects.exists()
    with pytest.raises(Conflict):
        court.court_ruling_record(actor=office.leader, case=case, ruling="enforce", ruled_on=D(2026, 10, 20))


def test_acceptance_needs_an_application_to_the_court(office, partners):
    case = case_in(office, "reminded")
    with pytest.raises(Conflict) as early:
        court.court_acceptance_record(
            actor=office.leader,
            case=case,
            court=partners["court"],
            accepted_on=D(2026, 5, 1),
            court_case_number="1",
        )
    assert early.value.code == "penalty.not_in_court"
