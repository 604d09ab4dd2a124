"""The certificate registry: issue, annual review, suspension, withdrawal, renewal, the suspension
when an officer leaves the bureau or the account is closed, and the expiry warnings."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.notifications.models import Notification
from chengguan.org import services as org_services
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.people import selectors, services
from chengguan.people.models import Certificate, CertificateReview
from chengguan.people.scheduled import certificates_expiring
from tests import factories

pytestmark = pytest.mark.django_db
D = dt.date


def _at(day: dt.date):
    return pinned(dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI))


@pytest.fixture
def newcomer(office):
    return factories.staff(office.bureau, RoleCode.HANDLER, certified=False).user


def _issue(actor, holder, **kw) -> Certificate:
    args = dict(number=" 41010223001 ", valid_from=D(2026, 1, 1), valid_to=D(2030, 12, 31))
    args.update(kw)
    return services.certificate_issue(actor=actor, holder=holder, issuing_authority="郑州市人民政府", **args)


def test_the_personnel_officer_issues_a_certificate_with_one_audit_event(personnel, newcomer):
    events = AuditEvent.objects.count()
    cert = _issue(personnel, newcomer)
    assert cert.number == "41010223001" and cert.state == "valid"
    assert AuditEvent.objects.count() == events + 1
    assert selectors.certificate_numbers([newcomer], on=D(2026, 6, 1)) == {newcomer.pk: "41010223001"}
    assert selectors.uncertified([newcomer], on=D(2025, 12, 31)) == [newcomer]


def test_others_may_not_issue_and_nothing_changes(office, newcomer):
    with pytest.raises(PermissionDenied) as refused:
        _issue(office.squad_leader, newcomer)
    assert refused.value.code == "certificate.forbidden"
    assert not Certificate.objects.filter(holder=newcomer).exists()


def test_a_number_in_use_and_a_second_current_certificate_are_refused(personnel, newcomer, office):
    taken = Certificate.objects.get(holder=office.handler).number
    with pytest.raises(ValidationFailed) as refused:
        _issue(personnel, newcomer, number=taken.lower())
    assert refused.value.code == "certificate.number_taken"
    _issue(personnel, newcomer)
    with pytest.raises(Conflict) as again:
        _issue(personnel, newcomer, number="41010223002")
    assert again.value.code == "certificate.holder_has_certificate"


def test_annual_review_once_a_year_and_a_failed_review_suspends(personnel, office):
    cert = Certificate.objects.get(holder=office.handler)
    with _at(D(2026, 3, 1)):
        services.certificate_transition(actor=personnel, certificate=cert, action="review_pass")
        with pytest.raises(Conflict) as twice:
            services.certificate_transition(
                actor=personnel, certificate=cert, action="review_fail", payload={"note": "x"}
            )
        assert twice.value.code == "certificate.reviewed"
        cert = services.certificate_transition(
            actor=personnel,
            certificate=cert,
            action="review_fail",
            payload={"note": "考核不合格", "year": 2027},
        )
    assert cert.state == "suspended" and cert.ended_on == D(2026, 3, 1)
    assert list(CertificateReview.objects.values_list("year", "outcome")) == [
        (2027, "failed"),
        (2026, "passed"),
    ]
    assert selectors.uncertified([office.handler], on=D(2026, 3, 1)) == [office.handler]
    assert selectors.uncertified([office.handler], on=D(2026, 2, 28)) == []  # the past stays covered


def test_suspend_reinstate_withdraw(personnel, office):
    cert = Certificate.objects.get(holder=office.handler)
    with _at(D(2026, 5, 1)):
        cert = services.certificate_transition(
            actor=personnel, certificate=cert, action="suspend", payload={"reason": "discipline"}
        )
        assert services.certificate_actions(cert, personnel) == ["reinstate", "withdraw"]
        cert = services.certificate_transition(actor=personnel, certificate=cert, action="reinstate")
        assert cert.ended_on is None and selectors.uncertified([office.handler], on=D(2026, 5, 1)) == []
        cert = services.certificate_transition(
            actor=personnel, certificate=cert, action="withdraw", payload={"note": "调离"}
        )
    assert cert.state == "withdrawn"
    assert selectors.current_certificate(office.handler) is None


def test_renewal_keeps_the_number_and_starts_a_new_row(personnel, office):
    cert = Certificate.objects.get(holder=office.handler)
    with _at(D(2026, 5, 1)):
        services.certificate_transition(
            actor=personnel, certificate=cert, action="renew", payload={"valid_to": D(2031, 4, 30)}
        )
    new = selectors.current_certificate(office.handler)
    assert new.number == cert.number and new.renewed_from_id == cert.pk
    assert (new.valid_from, new.valid_to) == (D(2026, 5, 1), D(2031, 4, 30))
    assert Certificate.objects.get(pk=cert.pk).state == "replaced"


def test_moving_an_officer_to_another_bureau_or_closing_the_account_suspends(office):
    admin = factories.staff(office.bureau, RoleCode.ADMIN).user
    with _at(D(2026, 6, 1)):
        org_services.staff_update(actor=admin, profile=office.handler2.profile, is_active=False)
    cert = Certificate.objects.get(holder=office.handler2)
    assert (cert.state, cert.suspension_reason, cert.ended_on) == ("suspended", "left", D(2026, 6, 1))
    assert AuditEvent.objects.filter(action="certificate.suspend", object_id=str(cert.pk)).count() == 1


def test_expiry_warnings_are_sent_once_to_the_holder_and_the_personnel_officers(personnel, office):
    Certificate.objects.filter(holder=office.handler).update(valid_to=D(2026, 7, 20))
    Certificate.objects.filter(holder=office.handler2).update(valid_to=D(2026, 8, 30))  # not yet
    with _at(D(2026, 7, 1)):
        assert certificates_expiring(dt.datetime(2026, 7, 1, 9, tzinfo=SHANGHAI)) == {"warned": 1}
        assert certificates_expiring(dt.datetime(2026, 7, 1, 9, tzinfo=SHANGHAI)) == {"warned": 0}
        out = StringIO()
        call_command("people", "certificates-expiring", "--dry-run", stdout=out)
    assert "即将到期 2026-07-20" in out.getvalue()
    notes = Notification.objects.filter(message="people.certificate_expiring")
    assert {n.recipient_id for n in notes} == {office.handler.pk, personnel.pk}


def test_the_system_actor_may_warn_only_its_own_bureau(office):
    other = factories.bureau(name="别的局", code="410103")
    with pytest.raises(Conflict):
        services.certificates_warn_expiring(actor=system_actor(other), bureau=office.bureau)
