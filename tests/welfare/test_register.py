"""The vendor register: consent, masking, the sensitive hardship data (PIPL 第二十九条), erasure on
withdrawal, and the 721 offer on the case page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.taxonomy.models import Category
from chengguan.welfare import selectors, services
from chengguan.welfare.models import HelpRecord, Vendor, VendorStatus
from tests.cases.flow import report
from tests.welfare.conftest import draw, vendor

HELPERS = {R.ADMIN, R.LEADER, R.SQUAD_LEADER}


def _vending_category(d) -> Category:
    base = d.hours_category
    return Category.objects.create(
        classification=base.classification,
        major=base.major,
        kind=base.kind,
        code="200501",
        minor_code="0501",
        name_zh="无照经营游商（占道经营）",
        time_limit_amount=4,
        time_limit_unit="working_hours",
    )


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_bad_id_number_is_refused_on_its_field_and_nothing_is_kept(district):
    with pytest.raises(ValidationFailed) as e:
        vendor(district, id_number="410102199003071231")
    assert e.value.code == "vendor.invalid" and "id_number" in e.value.fields
    assert not Vendor.objects.exists()


def test_registering_needs_consent_and_hardship_needs_the_separate_one(district):
    with pytest.raises(ValidationFailed) as e:
        vendor(district, consent=False)
    assert e.value.code == "vendor.no_consent"
    with pytest.raises(ValidationFailed) as e:
        vendor(district, hardship="disability", sensitive_consent=False)
    assert e.value.code == "vendor.no_sensitive_consent"
    assert not Vendor.objects.exists()


@pytest.mark.parametrize("role", [R.HANDLER, R.INSPECTOR, R.SHIFT_LEADER])
def test_roles_without_the_permission_cannot_record_hardship(district, role):
    with pytest.raises(PermissionDenied):
        vendor(district, hardship="dibao", role=role)
    assert not Vendor.objects.exists()


def test_the_audit_trail_holds_no_personal_data_in_clear(district):
    v = vendor(district, hardship="disability", id_number="410102199003071230", name="张秀英")
    services.vendor_withdraw_consent(actor=district.users[R.ADMIN], vendor=v, sensitive_only=True)
    payloads = json.dumps(list(AuditEvent.objects.values("before", "after")), ensure_ascii=False)
    for secret in ("410102199003071230", v.phone, "张秀英", "disability", "残疾", "低保证"):
        assert secret not in payloads
    assert "410102********1230" in payloads


@pytest.mark.parametrize("role", [R.HANDLER, R.INSPECTOR, R.OPERATOR, R.LEADER, R.SQUAD_LEADER])
def test_hardship_is_shown_only_to_the_roles_that_need_it(district, role):
    v = vendor(district, hardship="disability", id_number="410102199003071230")
    page = _client(district.users[role]).get(f"/welfare/vendors/{v.pk}/").content.decode()
    listing = _client(district.users[role]).get("/welfare/").content.decode()
    shown = "低保证 第123号" in page or "残疾" in page or "残疾" in listing
    assert shown == (role in HELPERS)
    assert "410102199003071230" not in page and "410102********1230" in page
    assert v.phone not in listing


def test_withdrawing_consent_erases_the_person_and_keeps_an_anonymous_stub(district):
    d = district
    v = vendor(d, hardship="dibao", id_number="410102199003071230", photo=None)
    services.help_record(
        actor=d.users[R.ADMIN],
        vendor=v,
        kind="goods",
        on=d.bureau and v.created_at.date(),
        what="大米",
        quantity="10公斤",
        given_by="张队",
    )
    services.vendor_withdraw_consent(actor=d.users[R.HANDLER], vendor=v)
    v.refresh_from_db()
    assert v.status == VendorStatus.ERASED
    assert (v.name, v.id_number, v.phone, v.hardship, v.hardship_evidence, v.usual_place) == ("",) * 6
    assert v.lon is None and v.consent_at is None
    record = HelpRecord.objects.get(vendor=v)
    assert (record.what, record.quantity, record.given_by) == ("大米", "10公斤", "")
    assert selectors.help_figures(d.bureau.pk, v.created_at.year)["vendors_helped"] == 1
    assert v not in selectors.vendors_for_picker(d.users[R.ADMIN], "摊贩")


def test_a_hardship_vendors_first_vending_case_offers_help_and_a_pitch(district):
    d = district
    category = _vending_category(d)
    v = vendor(d, hardship="dibao")
    dr = draw(d)
    case = report(d, category=category, description="流动摊贩占道经营")
    services.vendor_link_case(actor=d.users[R.OPERATOR], vendor=v, case=case)
    section = _client(d.users[R.OPERATOR]).get(f"/welfare/case/{case.pk}/").content.decode()
    assert 'data-testid="offer-721"' in section and 'data-testid="offer-pitch"' in section
    assert "低保" not in section  # the operator is offered the help, not told the category
    leader = _client(d.users[R.SQUAD_LEADER]).get(f"/welfare/case/{case.pk}/").content.decode()
    assert "低保" in leader
    # the offer's button applies for the pitch
    _client(d.users[R.OPERATOR]).post(f"/welfare/case/{case.pk}/apply/{v.pk}/", {"draw": dr.pk})
    assert dr.applications.filter(vendor=v, priority=True).exists()
    # a second vending case is no longer the first: no offer
    later = report(d, category=category, description="又一次占道经营")
    services.vendor_link_case(actor=d.users[R.OPERATOR], vendor=v, case=later)
    again = _client(d.users[R.OPERATOR]).get(f"/welfare/case/{later.pk}/").content.decode()
    assert "offer-721" not in again


def test_no_offer_for_a_vendor_without_hardship_or_another_kind_of_case(district):
    d = district
    category = _vending_category(d)
    plain = vendor(d)
    poor = vendor(d, hardship="elderly")
    vending = report(d, category=category)
    other = report(d)
    services.vendor_link_case(actor=d.users[R.OPERATOR], vendor=plain, case=vending)
    services.vendor_link_case(actor=d.users[R.OPERATOR], vendor=poor, case=other)
    assert selectors.offers_for(vending) == [] and selectors.offers_for(other) == []


def test_the_case_page_includes_the_section(district):
    case = report(district)
    page = _client(district.users[R.OPERATOR]).get(f"/cases/{case.number}/").content.decode()
    assert f"/welfare/case/{case.pk}/" in page
