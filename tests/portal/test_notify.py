"""A citizen who left a phone number hears when the case is filed, dispatched and closed."""

from __future__ import annotations

import json

from chengguan.cases.models import CaseSource
from chengguan.messaging.models import OutboundMessage
from chengguan.org.models import StaffProfile
from chengguan.org.roles import RoleCode as R
from tests.cases import flow


def _sent(path) -> list[dict]:
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def test_a_citizen_is_told_of_filing_dispatch_and_closing_with_the_number_and_no_staff_names(
    district, sms_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = flow.drive(
            district, "closed", role=R.CITIZEN, source=CaseSource.CITIZEN, reporter_phone="13812345678"
        )
    sent = _sent(sms_file)
    assert [m["phone"] for m in sent] == ["13812345678"] * 3
    bodies = [m["body"] for m in sent]
    assert "已立案" in bodies[0] and "已派遣至建设路中队" in bodies[1] and "已办结" in bodies[2]
    assert all(case.number in body for body in bodies)
    staff_names = set(StaffProfile.objects.values_list("full_name", flat=True)) | {
        u.username for u in district.users.values()
    }
    assert not any(name and name in body for name in staff_names for body in bodies)


def test_hotline_and_deputy_cases_are_notified_too(district, sms_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flow.drive(
            district, "filed", role=R.OPERATOR, source=CaseSource.HOTLINE, reporter_phone="13912345678"
        )
        flow.drive(district, "filed", role=R.DEPUTY, source=CaseSource.DEPUTY, reporter_phone="13712345678")
    assert sorted(m["phone"] for m in _sent(sms_file)) == ["13712345678", "13912345678"]


def test_no_message_without_a_phone_for_patrol_cases_or_for_spam(
    district, sms_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flow.drive(district, "dispatched", role=R.CITIZEN, source=CaseSource.CITIZEN)
        flow.drive(district, "dispatched")  # an inspector's own report
        spam = flow.report(district, role=R.CITIZEN, source=CaseSource.CITIZEN, reporter_phone="13612345678")
        spam.is_spam = True
        spam.save(update_fields=["is_spam"])
        flow.drive(district, "filed", case=spam)
    assert _sent(sms_file) == []
    assert not OutboundMessage.objects.exists()
