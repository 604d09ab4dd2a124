"""The rules of the closed loop that the transition table alone does not express."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chengguan.cases import selectors
from chengguan.cases.models import Case, CaseDelay, CaseEvidence, CaseExtension, ExtensionStatus
from chengguan.cases.services import available_actions, case_add_evidence, case_report, case_transition
from chengguan.cases.states import CaseState
from chengguan.core import clock, coords
from chengguan.core.clock import SHANGHAI
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent, NumberSequence
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_upload


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def act(district, case, action, role, **payload) -> Case:
    return case_transition(actor=district.users[role], case=case, action=action, **payload)


def east(lon: float, lat: float, metres: float) -> tuple[float, float]:
    return lon + metres / (111_320 * math.cos(math.radians(lat))), lat


def row(case: Case) -> dict:
    return Case.objects.filter(pk=case.pk).values().get()


# -- verification ---------------------------------------------------------------------------------


def test_the_verifier_must_not_be_the_handler(district):
    both = factories.staff(district.squad, R.HANDLER, R.INSPECTOR, username="both").user
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        case = case_transition(
            actor=both, case=case, action="handle", result="已清理", photos=[jpeg_upload()]
        )
        assert "verify" not in available_actions(case, both)
        assert "verify" in available_actions(case, district.users[R.INSPECTOR])
        before, events = row(case), AuditEvent.objects.count()
        with pytest.raises(PermissionDenied) as err:
            case_transition(actor=both, case=case, action="verify", photo=jpeg_upload())
    assert err.value.code == "case.verifier_is_handler"
    assert row(case) == before and AuditEvent.objects.count() == events


def _handled_at_quiet_moment(district) -> Case:
    with clock.pinned(QUIET_MOMENT):
        return drive(district, CaseState.HANDLED)


def test_a_photo_taken_on_site_after_handling_raises_no_flag(district):
    case = _handled_at_quiet_moment(district)
    with clock.pinned(QUIET_MOMENT + dt.timedelta(hours=1)):
        photo = jpeg_upload(taken_at=QUIET_MOMENT + dt.timedelta(minutes=30), lon=case.lon, lat=case.lat)
        case = act(district, case, "verify", R.INSPECTOR, photo=photo)
    assert case.state == CaseState.VERIFIED
    assert case.verify_flags == []
    item = CaseEvidence.objects.get(case=case, stage="verify")
    assert item.taken_at == QUIET_MOMENT + dt.timedelta(minutes=30)
    assert item.lon == pytest.approx(case.lon, abs=1e-5) and item.lat == pytest.approx(case.lat, abs=1e-5)


def test_a_verification_photo_far_away_or_taken_before_handling_is_flagged_not_blocked(district):
    case = _handled_at_quiet_moment(district)
    far_lon, far_lat = east(case.lon, case.lat, 150)
    with clock.pinned(QUIET_MOMENT + dt.timedelta(hours=1)):
        photo = jpeg_upload(taken_at=QUIET_MOMENT - dt.timedelta(days=1), lon=far_lon, lat=far_lat)
        case = act(district, case, "verify", R.INSPECTOR, photo=photo)
    assert case.state == CaseState.VERIFIED
    assert "taken_before_handling" in case.verify_flags
    assert [f for f in case.verify_flags if f.startswith("far:")] == ["far:150m"]
    assert AuditEvent.objects.filter(action="case.verify").get().after["verify_flags"] == case.verify_flags


def test_at_ninety_metres_the_photo_is_close_enough(district):
    case = _handled_at_quiet_moment(district)
    lon, lat = east(case.lon, case.lat, 90)
    with clock.pinned(QUIET_MOMENT + dt.timedelta(hours=1)):
        case = act(district, case, "verify", R.INSPECTOR, photo=jpeg_upload(), photo_lon=lon, photo_lat=lat)
    assert case.verify_flags == ["no_time"]


def test_a_position_sent_in_gcj02_is_converted_before_the_distance_check(district):
    case = _handled_at_quiet_moment(district)
    lon, lat = coords.from_wgs84(case.lon, case.lat, "gcj02")
    with clock.pinned(QUIET_MOMENT + dt.timedelta(hours=1)):
        photo = jpeg_upload(taken_at=QUIET_MOMENT + dt.timedelta(minutes=5))
        case = act(
            district,
            case,
            "verify",
            R.INSPECTOR,
            photo=photo,
            photo_lon=lon,
            photo_lat=lat,
            photo_crs="gcj02",
        )
    assert case.verify_flags == []


# -- time limits, delays, extensions, suspension ---------------------------------------------------


def test_a_late_action_asks_for_the_reason_and_keeps_it(district):
    with clock.pinned(at(15, 9)):
        case = report(district)
    assert case.stage_due_at == at(15, 10)  # one working hour to file
    with clock.pinned(at(15, 11)):
        before = row(case)
        with pytest.raises(ValidationFailed) as err:
            act(district, case, "file", R.OPERATOR)
        assert err.value.code == "case.delay_reason_required" and "delay_reason" in err.value.fields
        assert row(case) == before and not CaseDelay.objects.exists()
        case = act(district, case, "file", R.OPERATOR, delay_reason="系统故障，延迟受理")
    assert case.state == CaseState.FILED
    delay = CaseDelay.objects.get()
    assert (delay.stage, delay.due_at, delay.acted_at, delay.reason) == (
        CaseState.REPORTED,
        at(15, 10),
        at(15, 11),
        "系统故障，延迟受理",
    )
    assert delay.recorded_by == district.users[R.OPERATOR]
    assert AuditEvent.objects.get(action="case.file").after["delay_reason"] == "系统故障，延迟受理"


def test_a_late_handling_is_marked_late(district):
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.IN_HANDLING)
    assert case.handling_due_at == at(15, 15)  # 09:00–12:00 and 14:00–15:00: four working hours
    with clock.pinned(at(16, 9)):
        case = act(
            district,
            case,
            "handle",
            R.HANDLER,
            result="已拆除",
            photos=[jpeg_upload()],
            delay_reason="业主阻挠",
        )
    assert case.handled_late is True
    assert CaseDelay.objects.get().stage == CaseState.IN_HANDLING


def test_a_returned_case_can_be_dispatched_again_to_another_unit(district):
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.RETURNED)
    assert case.handling_unit is None and case.return_count == 1 and case.reason == "非本单位职责"
    assert case.proposed_unit == district.squad
    with clock.pinned(at(15, 10)):
        case = act(district, case, "dispatch", R.DISPATCHER, unit=district.department.pk)
    assert case.state == CaseState.DISPATCHED and case.handling_unit == district.department
    assert case.handling_due_at == at(15, 16)  # 10:00–12:00, 14:00–16:00
    with pytest.raises(PermissionDenied):
        act(district, case, "accept", R.HANDLER)  # the squad is no longer the handling unit
    case = case_transition(actor=district.users["other_handler"], case=case, action="accept")
    assert case.state == CaseState.IN_HANDLING


def test_rework_restarts_the_handling_clock_and_needs_new_after_photos(district):
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.HANDLED)
    with clock.pinned(at(16, 14)):
        case = act(district, case, "rework", R.INSPECTOR, reason="仍有残留垃圾")
    assert case.state == CaseState.REWORK and case.rework_count == 1
    # Four working hours from Wed 16 Sep 14:00: 14:00–18:00 uses them all.
    assert case.handling_due_at == at(16, 18) and case.stage_due_at == at(16, 18)
    assert case.handling_started_at == at(16, 14)
    with clock.pinned(at(16, 15)), pytest.raises(ValidationFailed) as err:
        act(district, case, "handle", R.HANDLER, result="再次清理")
    assert err.value.code == "case.after_photo_required"
    with clock.pinned(at(16, 15)):
        case = act(district, case, "handle", R.HANDLER, result="再次清理", photos=[jpeg_upload()])
    assert case.state == CaseState.HANDLED


def _in_handling_days_category(district) -> Case:
    # Dispatched Tue 15 Sep 09:00 with 3 working days: 16, 17, 18 Sep → due Fri 18 Sep 18:00.
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.IN_HANDLING, category=district.days_category)
    assert case.handling_due_at == at(18, 18)
    return case


def test_an_approved_extension_moves_the_due_time_by_the_approved_amount(district):
    case = _in_handling_days_category(district)
    with clock.pinned(at(17, 10)):
        case = act(district, case, "request_extension", R.HANDLER, amount=2, reason="需协调产权单位")
        assert case.handling_due_at == at(18, 18)  # a request alone changes nothing
        assert "approve_extension" in available_actions(case, district.users[R.DISPATCHER])
        case = act(district, case, "approve_extension", R.DISPATCHER, note="同意")
    # Two working days after Fri 18 Sep: Sat 19 is a rest day, Sun 20 is a make-up working day (调休)
    # before the National Day holiday, then Mon 21 → due Mon 21 Sep 18:00.
    assert case.handling_due_at == at(21, 18) and case.stage_due_at == at(21, 18)
    ext = CaseExtension.objects.get()
    assert ext.status == ExtensionStatus.APPROVED and ext.decided_by == district.users[R.DISPATCHER]
    assert case.stage_warning_at < case.stage_due_at


def test_a_refused_extension_keeps_the_due_time(district):
    case = _in_handling_days_category(district)
    with clock.pinned(at(17, 10)):
        act(district, case, "request_extension", R.HANDLER, amount=2, reason="需协调产权单位")
        case = act(district, case, "refuse_extension", R.SHIFT_LEADER, reason="理由不充分")
    assert case.handling_due_at == at(18, 18)
    assert CaseExtension.objects.get().status == ExtensionStatus.REFUSED


def test_only_one_extension_may_be_pending(district):
    case = _in_handling_days_category(district)
    with clock.pinned(at(17, 10)):
        act(district, case, "request_extension", R.HANDLER, amount=2, reason="需协调产权单位")
        assert "request_extension" not in available_actions(case, district.users[R.HANDLER])
        events = AuditEvent.objects.count()
        with pytest.raises(Conflict):
            act(district, case, "request_extension", R.SQUAD_LEADER, amount=1, reason="再延一天")
    assert CaseExtension.objects.count() == 1 and AuditEvent.objects.count() == events


def test_deciding_without_a_pending_request_is_a_conflict(district):
    case = _in_handling_days_category(district)
    with pytest.raises(Conflict):
        act(district, case, "approve_extension", R.DISPATCHER)


def test_suspension_pauses_the_clock(district):
    with clock.pinned(at(15, 9)):
        case = drive(district, CaseState.IN_HANDLING)
    assert case.handling_due_at == at(15, 15)
    with clock.pinned(at(15, 10)):
        case = act(district, case, "suspend", R.SHIFT_LEADER, reason="待产权单位确认")
    # A day later, long past the old due time, a suspended case is neither warning nor overdue.
    with clock.pinned(at(16, 10)):
        assert selectors.urgency(case) == "normal"
        assert case.pk in selectors.inbox(district.users[R.SHIFT_LEADER]).values_list("pk", flat=True)
        assert not selectors.inbox(district.users[R.HANDLER]).filter(pk=case.pk).exists()
        case = act(district, case, "resume", R.LEADER)
    # Three working hours were left at 10:00 on the 15th (10–12, 14–15); from 10:00 on the 16th they
    # run 10:00–12:00 and 14:00–15:00 → due Wed 16 Sep 15:00.
    assert case.state == CaseState.IN_HANDLING
    assert case.handling_due_at == at(16, 15) and case.stage_due_at == at(16, 15)
    assert case.suspended_at is None and case.state_before_suspension == ""


# -- closing and merging --------------------------------------------------------------------------


def test_closing_needs_a_721_disposition(district):
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.VERIFIED)
        with pytest.raises(ValidationFailed) as missing:
            act(district, case, "close", R.OPERATOR)
        with pytest.raises(ValidationFailed) as wrong:
            act(district, case, "close", R.OPERATOR, disposition="ignore")
        assert Case.objects.get(pk=case.pk).state == CaseState.VERIFIED
        case = act(district, case, "close", R.OPERATOR, disposition="enforcement")
    assert "disposition" in missing.value.fields and "disposition" in wrong.value.fields
    assert case.state == CaseState.CLOSED and case.disposition == "enforcement"
    assert case.closed_at == QUIET_MOMENT and case.stage_due_at is None
    assert case.penalty_case_ref == ""  # filled when a penalty case is opened from it


def test_merge_needs_another_open_case(district):
    with clock.pinned(QUIET_MOMENT):
        case = report(district)
        cancelled = drive(district, CaseState.CANCELLED)
        target = report(district, description="同一处")
        for bad in (case.pk, cancelled.pk, 999_999):
            with pytest.raises(ValidationFailed) as err:
                act(district, case, "merge", R.OPERATOR, target=bad)
            assert "target" in err.value.fields
        case = act(district, case, "merge", R.OPERATOR, target=target.pk)
    assert case.state == CaseState.MERGED and case.merged_into == target
    assert Case.objects.get(pk=target.pk).state == CaseState.REPORTED


def test_a_case_can_be_evaluated_once(district):
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.CLOSED)
        case = act(district, case, "evaluate", R.LEADER, score=4, comment="及时")
        assert "evaluate" not in available_actions(case, district.users[R.LEADER])
        with pytest.raises(Conflict):
            act(district, case, "evaluate", R.SHIFT_LEADER, score=5)
    assert Case.objects.get(pk=case.pk).evaluation_score == 4


# -- duplicates -----------------------------------------------------------------------------------


def test_duplicate_candidates_are_same_category_open_cases_within_50_m_and_72_h(district):
    lon, lat = district.point(0)
    with clock.pinned(at(15, 9)):
        base = report(district, lon=lon, lat=lat)
        near = report(district, lon=east(lon, lat, 40)[0], lat=lat)
        too_far = report(district, lon=east(lon, lat, 60)[0], lat=lat)
        other_category = report(district, lon=east(lon, lat, 10)[0], lat=lat, category=district.days_category)
        closed = drive(district, CaseState.CANCELLED, lon=east(lon, lat, 5)[0], lat=lat)
    with clock.pinned(at(15, 9) + dt.timedelta(hours=70)):
        later = report(district, lon=east(lon, lat, 20)[0], lat=lat)
    with clock.pinned(at(15, 9) + dt.timedelta(hours=80)):
        much_later = report(district, lon=east(lon, lat, 20)[0], lat=lat)
    found = selectors.duplicate_candidates(base)
    assert [c.pk for c, _ in found] == [later.pk, near.pk]  # nearest first
    assert [round(d) for _, d in found] == [20, 40]
    excluded = {too_far.pk, other_category.pk, closed.pk, much_later.pk, base.pk}
    assert not excluded & {c.pk for c, _ in found}


# -- intake ---------------------------------------------------------------------------------------


def test_a_report_lands_in_its_grid_and_units(district):
    with clock.pinned(QUIET_MOMENT):
        result = case_report(
            actor=district.users[R.CITIZEN],
            source="citizen",
            category="200101",
            description="  小区门口占道经营  ",
            lon=district.point(3)[0],
            lat=district.point(3)[1],
            reporter_phone="138 0013 8000",
            photos=[jpeg_upload()],
        )
    case = result.case
    assert result.created
    assert case.number == "4101022026000001" and case.state == CaseState.REPORTED
    assert (case.grid, case.community, case.subdistrict, case.squad, case.bureau) == (
        district.grids[3],
        district.community,
        district.subdistrict,
        district.squad,
        district.bureau,
    )
    assert case.description == "小区门口占道经营" and case.reporter_phone == "13800138000"
    item = case.evidence.get()
    assert AuditEvent.objects.get(action="case.report").after["evidence_sha256"] == [item.sha256]


def test_gcj02_input_is_stored_as_wgs84_in_the_right_grid(district):
    wgs_lon, wgs_lat = district.point(2)
    gcj_lon, gcj_lat = coords.from_wgs84(wgs_lon, wgs_lat, "gcj02")
    from chengguan.cases.services import distance_m

    assert distance_m(wgs_lon, wgs_lat, gcj_lon, gcj_lat) > 200  # unconverted it would miss the grid
    with clock.pinned(QUIET_MOMENT):
        case = report(district, lon=gcj_lon, lat=gcj_lat, crs="gcj02")
    assert case.lon == pytest.approx(wgs_lon, abs=1e-6) and case.lat == pytest.approx(wgs_lat, abs=1e-6)
    assert case.grid == district.grids[2] and case.input_crs == "gcj02"


def test_a_report_outside_the_jurisdiction_is_refused_with_a_field_error(district):
    with pytest.raises(ValidationFailed) as err:
        report(district, lon=113.70, lat=34.80)
    assert err.value.code == "case.outside_jurisdiction" and "lon" in err.value.fields
    assert not Case.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "   "}, "description"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"category": "209999"}, "category"),
        ({"lon": "東經113"}, "lon"),
        ({"lon": 200}, "lon"),
        ({"lat": None, "lon": None}, "lon"),
        ({"crs": "mercator"}, "crs"),
        ({"source": "rumour"}, "source"),
        ({"idempotency_key": "k" * 65}, "idempotency_key"),
    ],
)
def test_bad_input_gives_field_errors_and_creates_nothing(district, _fast_tests, change, field):
    lon, lat = district.point(0)
    data = {
        "source": "hotline",
        "category": "200101",
        "description": "占道经营",
        "lon": lon,
        "lat": lat,
        "reporter_phone": "13800138000",
        "photos": [jpeg_upload()],
        **change,
    }
    with pytest.raises(ValidationFailed) as err:
        case_report(actor=district.users[R.OPERATOR], **data)
    assert field in err.value.fields
    assert not Case.objects.exists() and not AuditEvent.objects.exists()
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()
    assert not any(p.is_file() for p in _fast_tests.rglob("*"))


def test_a_bad_photo_in_a_report_leaves_no_case_and_no_file(district, _fast_tests):
    lon, lat = district.point(0)
    with pytest.raises(ValidationFailed) as err:
        case_report(
            actor=district.users[R.INSPECTOR],
            source="patrol",
            category="200101",
            description="占道经营",
            lon=lon,
            lat=lat,
            photos=[jpeg_upload(), SimpleUploadedFile("notes.jpg", b"just some text, not a picture")],
        )
    assert err.value.code == "evidence.bad_type"
    assert not Case.objects.exists() and not CaseEvidence.objects.exists()
    assert not any(p.is_file() for p in _fast_tests.rglob("*"))


def test_a_source_needs_the_right_role(district):
    with pytest.raises(PermissionDenied):
        report(district, role=R.CITIZEN, source="patrol")
    assert not Case.objects.exists()


def test_a_retry_with_the_same_key_returns_the_first_case(district):
    with clock.pinned(QUIET_MOMENT):
        first = case_report(
            actor=district.users[R.INSPECTOR],
            source="patrol",
            category="200101",
            description="占道经营",
            lon=district.point(0)[0],
            lat=district.point(0)[1],
            idempotency_key="phone-42",
        )
        again = case_report(
            actor=district.users[R.INSPECTOR],
            source="patrol",
            category="200101",
            description="占道经营（重发）",
            lon=district.point(0)[0],
            lat=district.point(0)[1],
            idempotency_key="phone-42",
        )
        someone_else = case_report(
            actor=district.users["other_inspector"],
            source="patrol",
            category="200101",
            description="占道经营",
            lon=district.point(0)[0],
            lat=district.point(0)[1],
            idempotency_key="phone-42",
        )
    assert first.created and not again.created and again.case.pk == first.case.pk
    assert someone_else.created and someone_else.case.pk != first.case.pk
    assert AuditEvent.objects.filter(action="case.report").count() == 2


def test_evidence_added_later_keeps_its_hash_in_the_audit(district):
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
        item = case_add_evidence(
            actor=district.users[R.HANDLER], case=case, stage="handle", upload=jpeg_upload()
        )
        with pytest.raises(PermissionDenied):
            case_add_evidence(
                actor=district.users[R.CITIZEN], case=case, stage="handle", upload=jpeg_upload()
            )
    event = AuditEvent.objects.filter(action="case.evidence_added").get()
    assert event.after["sha256"] == item.sha256 and len(item.sha256) == 64
    # The photo added before handling counts as the "after" photo.
    with clock.pinned(QUIET_MOMENT):
        case = act(district, case, "handle", R.HANDLER, result="已清理")
    assert case.state == CaseState.HANDLED


def test_each_user_is_offered_only_the_actions_they_may_take(district):
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.DISPATCHED)
    assert sorted(available_actions(case, district.users[R.HANDLER])) == ["accept", "return"]
    assert available_actions(case, district.users["other_handler"]) == []
    assert sorted(available_actions(case, district.users[R.DISPATCHER])) == ["redispatch"]
    assert sorted(available_actions(case, district.users[R.SHIFT_LEADER])) == ["redispatch", "suspend"]
    assert available_actions(case, district.users[R.CITIZEN]) == []


def test_reopen_sends_a_closed_case_back_to_its_unit_with_a_fresh_clock(district):
    """回访复核: a leader reopens a closed case; it goes back to the same unit and its clock restarts."""
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.CLOSED)
    unit = case.handling_unit_id
    later = QUIET_MOMENT + dt.timedelta(days=3)
    with clock.pinned(later):
        case = case_transition(
            actor=district.users[R.LEADER], case=case, action="reopen", reason="回访不满意"
        )
    assert case.state == CaseState.DISPATCHED and case.handling_unit_id == unit
    assert case.closed_at is None and case.disposition == ""
    assert case.dispatched_at == later and case.handling_due_at > later
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="case.reopen").count() == 1
