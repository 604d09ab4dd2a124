"""Training: hours per officer across a year boundary, the short-of-hours list, sign-in by QR token and
by list, exam scores, materials."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.people import selectors, services

pytestmark = pytest.mark.django_db


def at(y, m, d, h=9, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SHANGHAI)


def _session(personnel, bureau, starts_at, hours, kind="lecture"):
    return services.training_plan(
        actor=personnel,
        bureau=bureau,
        kind=kind,
        topic="law",
        title="《行政处罚法》专题讲座",
        lecturer="李教授",
        lecturer_org="郑州大学法学院",
        starts_at=starts_at,
        hours=hours,
    )


@pytest.fixture
def year_of_training(office, personnel):
    b = office.bureau
    s1 = _session(personnel, b, at(2025, 12, 31, 23, 30), 3)  # counts in 2025
    s2 = _session(personnel, b, at(2026, 1, 1, 0, 10), 2)  # counts in 2026
    s3 = _session(personnel, b, at(2026, 3, 10), 4)
    s4 = _session(personnel, b, at(2026, 4, 1), 8)  # cancelled after the list was taken
    s5 = _session(personnel, b, at(2026, 5, 1), 6)  # never confirmed as held
    record = services.training_attendance_record
    record(actor=personnel, session=s1, staff=[office.handler, office.handler2])
    record(actor=personnel, session=s2, staff=[office.handler])
    record(actor=personnel, session=s3, staff=[office.handler, office.squad_leader, office.handler])
    record(actor=personnel, session=s4, staff=[office.handler2])
    record(actor=personnel, session=s5, staff=[office.handler])
    with pinned(at(2026, 6, 1)):
        for s in (s1, s2, s3):
            services.training_transition(actor=personnel, session=s, action="hold")
        services.training_transition(actor=personnel, session=s4, action="cancel", payload={"note": "停电"})
    return [s1, s2, s3, s4, s5]


def test_hours_per_officer_equal_a_hand_count_across_the_year_boundary(office, year_of_training):
    assert selectors.hours_by_officer(office.bureau, 2025) == {office.handler.pk: 3, office.handler2.pk: 3}
    assert selectors.hours_by_officer(office.bureau, 2026) == {
        office.handler.pk: 6,
        office.squad_leader.pk: 4,
    }


def test_the_short_of_hours_list_for_the_squad_leader(office, personnel, year_of_training):
    services.people_settings_update(actor=personnel, bureau=office.bureau, training_hours_required="5")
    rows = selectors.short_of_hours(office.squad_leader, year=2026, today=dt.date(2026, 6, 1))
    # The squad's officers (the bureau's staff are not the squad leader's); handler has 6 ≥ 5.
    assert [(r.profile.user, r.hours, r.short_by) for r in rows] == sorted(
        [
            (office.handler2, Decimal(0), Decimal(5)),
            (office.inspector, Decimal(0), Decimal(5)),
            (office.squad_leader, Decimal(4), Decimal(1)),
        ],
        key=lambda t: (t[1], t[0].profile.full_name),
    )
    everyone = {
        r.profile.user for r in selectors.short_of_hours(office.leader, year=2026, today=dt.date(2026, 6, 1))
    }
    assert {office.leader, office.legal_reviewer, personnel} <= everyone
    assert office.handler not in everyone


def test_the_default_requirement_is_sixty_hours(office):
    assert selectors.required_hours(office.bureau) == Decimal(60)


def test_sign_in_by_the_qr_token_on_the_day(office, personnel):
    s = _session(personnel, office.bureau, at(2026, 7, 1, 14), 2)
    with pinned(at(2026, 7, 1, 12, 30)):
        with pytest.raises(Conflict) as early:
            services.training_sign_in(actor=office.handler, session=s, token=s.sign_in_token)
        assert early.value.code == "people.sign_in_closed"
    with pinned(at(2026, 7, 1, 13, 30)):
        with pytest.raises(Conflict) as bad:
            services.training_sign_in(actor=office.handler, session=s, token="guess")
        assert bad.value.code == "people.bad_sign_in"
        row = services.training_sign_in(actor=office.handler, session=s, token=s.sign_in_token)
        assert (row.method, row.hours) == ("qr", Decimal(2))
        with pytest.raises(Conflict) as twice:
            services.training_sign_in(actor=office.handler, session=s, token=s.sign_in_token)
        assert twice.value.code == "people.already_signed_in"
    with pinned(at(2026, 7, 2, 8)), pytest.raises(Conflict):
        services.training_sign_in(actor=office.handler2, session=s, token=s.sign_in_token)


def test_only_the_personnel_office_plans_and_takes_the_list(office, personnel):
    with pytest.raises(PermissionDenied):
        _session(office.squad_leader, office.bureau, at(2026, 7, 1), 2)
    s = _session(personnel, office.bureau, at(2026, 7, 1), 2)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.training_attendance_record(actor=office.handler, session=s, staff=[office.handler])
    assert AuditEvent.objects.count() == events and not s.attendances.exists()


def test_exam_scores_and_materials(office, personnel, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    exam = _session(personnel, office.bureau, at(2026, 7, 1), 1, kind="exam")
    services.training_attendance_record(
        actor=personnel, session=exam, staff=[office.handler, office.handler2]
    )
    assert (
        services.training_scores_record(
            actor=personnel, session=exam, scores={office.handler.pk: "92.5", office.handler2.pk: 78}
        )
        == 2
    )
    assert sorted(exam.attendances.values_list("score", flat=True)) == [Decimal("78.0"), Decimal("92.5")]
    with pytest.raises(ValidationFailed):
        services.training_scores_record(actor=personnel, session=exam, scores={office.handler.pk: 101})
    pdf = SimpleUploadedFile("讲义.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    material = services.training_material_add(actor=personnel, session=exam, upload=pdf)
    assert material.title == "讲义.pdf" and material.file.name.endswith(".pdf")
    with pytest.raises(ValidationFailed):
        services.training_material_add(
            actor=personnel, session=exam, upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00")
        )


def test_the_monthly_plan_lists_the_sessions_still_to_hold(office, personnel):
    past = _session(personnel, office.bureau, at(2026, 7, 2), 2)
    later = _session(personnel, office.bureau, at(2026, 7, 20), 2)
    _session(personnel, office.bureau, at(2026, 8, 1), 2)
    plan = selectors.monthly_plan(personnel, month=dt.date(2026, 7, 1), now=at(2026, 7, 10))
    assert plan["sessions"] == [past, later] and plan["to_hold"] == [later]
