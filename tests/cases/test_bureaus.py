"""Many bureaus on one installation (issue 12 item 6): each bureau's own time limits and routing
rules, over the installation's defaults, decide its cases; one bureau's rules never touch another's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from chengguan.cases import services as case_services
from chengguan.cases.models import BureauStageLimit
from chengguan.cases.services import case_transition
from chengguan.core import calendar as cn_calendar
from chengguan.core import clock, deadlines
from chengguan.core.clock import SHANGHAI
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org import calendar_days
from chengguan.org.calendar_days import BureauCalendarMiddleware
from chengguan.org.models import BureauCalendarDay, OrgKind
from chengguan.org.roles import RoleCode as R
from chengguan.taxonomy import services as taxonomy_services
from chengguan.taxonomy.models import RoutingRule
from chengguan.taxonomy.selectors import time_limit_for
from tests import factories
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import report

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests


@pytest.fixture
def second(district):
    """二七区: its own grid, desk staff, a 市政科 and an admin who sets the bureau's own rules."""
    bureau = factories.bureau_with_a_grid("二七区城市管理局", "410103", 113.60, 34.70)
    works = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=bureau, name="二七市政科")
    users = {
        role: factories.staff(bureau, role, username=f"b2_{role}").user
        for role in (R.OPERATOR, R.DISPATCHER, R.ADMIN)
    }
    return bureau, works, users


def _file_and_dispatch(case, operator, dispatcher):
    case = case_transition(actor=operator, case=case, action="file")
    return case_transition(actor=dispatcher, case=case, action="dispatch")


def test_two_bureaus_give_the_same_report_their_own_due_time_and_unit(district, second):
    bureau, works, users = second
    category = district.hours_category
    taxonomy_services.routing_rule_create(actor=users[R.ADMIN], handler=works, category=category)
    taxonomy_services.bureau_time_limit_set(
        actor=users[R.ADMIN], bureau=bureau, category=category, amount=3, unit="working_days"
    )
    with clock.pinned(QUIET_MOMENT):
        ours = report(district, role=R.OPERATOR, source="hotline")
        theirs = report(district, role=R.OPERATOR, source="hotline", lon=113.6005, lat=34.7005)
        ours = _file_and_dispatch(ours, district.users[R.OPERATOR], district.users[R.DISPATCHER])
        theirs = _file_and_dispatch(theirs, users[R.OPERATOR], users[R.DISPATCHER])
    assert theirs.bureau == bureau and ours.bureau == district.bureau
    # Routing: the first bureau's grid-squad default; the second bureau's own rule.
    assert ours.handling_unit == district.squad
    assert theirs.handling_unit == works
    # Time limits: the category's hours in the first bureau; three working days in the second.
    assert (ours.handling_limit_amount, ours.handling_limit_unit) == (
        category.time_limit_amount,
        category.time_limit_unit,
    )
    assert (theirs.handling_limit_amount, theirs.handling_limit_unit) == (3, "working_days")
    assert theirs.handling_due_at != ours.handling_due_at
    default = (category.time_limit_amount, category.time_limit_unit)
    assert time_limit_for(category, district.bureau.pk) == default


def test_a_bureau_admin_sets_rules_and_limits_for_their_own_bureau_only(district, second):
    bureau, works, users = second
    category = district.hours_category
    with pytest.raises(ValidationFailed) as refused:
        taxonomy_services.bureau_time_limit_set(
            actor=users[R.ADMIN], bureau=district.bureau, category=category, amount=1, unit="working_days"
        )
    assert "bureau" in refused.value.fields
    with pytest.raises(ValidationFailed):
        taxonomy_services.routing_rule_create(
            actor=users[R.ADMIN], handler=works, category=category, bureau=district.bureau
        )
    rule = taxonomy_services.routing_rule_create(actor=users[R.ADMIN], handler=works, category=category)
    assert rule.bureau == bureau  # an area-less rule of a bureau stays inside it
    assert RoutingRule.objects.filter(bureau=district.bureau).count() == 0
    assert time_limit_for(category, district.bureau.pk)[0] == category.time_limit_amount


# --- a bureau's own holidays and desk-stage limits ---------------------------------------------

LOCAL_HOLIDAY = dt.date(2026, 9, 16)  # a Wednesday, worked everywhere else


def _dispatched_with_one_day(district, users, **where):
    with clock.pinned(QUIET_MOMENT):
        case = report(district, role=R.OPERATOR, source="hotline", **where)
        return _file_and_dispatch(case, users[R.OPERATOR], users[R.DISPATCHER])


def test_a_bureaus_own_day_off_moves_its_deadlines_and_no_one_elses(district, second):
    bureau, works, users = second
    category = district.hours_category
    taxonomy_services.routing_rule_create(actor=users[R.ADMIN], handler=works, category=category)
    for admin, who in ((users[R.ADMIN], bureau), (district.users[R.ADMIN], district.bureau)):
        taxonomy_services.bureau_time_limit_set(
            actor=admin, bureau=who, category=category, amount=1, unit="working_days"
        )
    theirs = {"lon": 113.6005, "lat": 34.7005}
    before = _dispatched_with_one_day(district, users, **theirs)
    calendar_days.calendar_day_set(
        actor=users[R.ADMIN],
        bureau=bureau,
        date=LOCAL_HOLIDAY,
        works=False,
        name="建区纪念日",
        source="区政府办公室通知（测试）",
    )
    after = _dispatched_with_one_day(district, users, **theirs)
    ours = _dispatched_with_one_day(district, district.users)

    local = lambda moment: moment.astimezone(SHANGHAI).date()  # noqa: E731
    assert local(before.handling_due_at) == LOCAL_HOLIDAY
    assert local(after.handling_due_at) == LOCAL_HOLIDAY + dt.timedelta(days=1)
    assert local(ours.handling_due_at) == LOCAL_HOLIDAY  # the other bureau works that day
    # Outside any bureau the installation's table is in force.
    assert cn_calendar.is_working_day(LOCAL_HOLIDAY)
    with cn_calendar.for_bureau(bureau.pk):
        assert not cn_calendar.is_working_day(LOCAL_HOLIDAY)
        assert cn_calendar.holiday_name(LOCAL_HOLIDAY) == "建区纪念日"


def test_a_bureaus_make_up_working_day_counts_as_worked(district, second):
    bureau, _works, users = second
    saturday = dt.date(2026, 9, 12)
    calendar_days.calendar_day_set(
        actor=users[R.ADMIN], bureau=bureau, date=saturday, works=True, name="调休上班", source="区政府通知"
    )
    with cn_calendar.for_bureau(bureau.pk):
        assert cn_calendar.next_working_day(dt.date(2026, 9, 11)) == saturday
    with cn_calendar.for_bureau(district.bureau.pk):
        assert cn_calendar.next_working_day(dt.date(2026, 9, 11)) == dt.date(2026, 9, 14)


def test_only_the_bureaus_admin_sets_its_days_with_a_named_source(district, second):
    bureau, _works, users = second
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        calendar_days.calendar_day_set(
            actor=district.users[R.ADMIN],
            bureau=bureau,
            date=LOCAL_HOLIDAY,
            works=False,
            name="x",
            source="y",
        )
    with pytest.raises(ValidationFailed) as refused:
        calendar_days.calendar_day_set(
            actor=users[R.ADMIN], bureau=bureau, date=LOCAL_HOLIDAY, works=False, name="节日", source=" "
        )
    assert refused.value.code == "calendar_day.source_required" and "source" in refused.value.fields
    assert not BureauCalendarDay.objects.exists() and AuditEvent.objects.count() == events

    calendar_days.calendar_day_set(
        actor=users[R.ADMIN], bureau=bureau, date=LOCAL_HOLIDAY, works=False, name="节日", source="通知"
    )
    calendar_days.calendar_day_remove(actor=users[R.ADMIN], bureau=bureau, date=LOCAL_HOLIDAY)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))[-2:]
    assert actions == ["org.calendar_day_set", "org.calendar_day_remove"]
    with cn_calendar.for_bureau(bureau.pk):
        assert cn_calendar.is_working_day(LOCAL_HOLIDAY)  # the removal is counted at once


def test_a_bureaus_own_filing_limit_gives_its_reports_their_own_filing_due_time(district, second):
    bureau, _works, users = second
    row = case_services.stage_limit_set(
        actor=users[R.ADMIN],
        bureau=bureau,
        stage="reported",
        amount=3,
        unit="working_hours",
        source="二七区规定",
    )
    assert row.amount == 3
    with clock.pinned(QUIET_MOMENT):
        theirs = report(district, role=R.OPERATOR, source="hotline", lon=113.6005, lat=34.7005)
        ours = report(district, role=R.OPERATOR, source="hotline")
    assert ours.stage_due_at == deadlines.add_working_hours(QUIET_MOMENT, 1)
    assert theirs.stage_due_at == deadlines.add_working_hours(QUIET_MOMENT, 3)


def test_stage_limits_are_checked_and_scoped_to_the_bureau(district, second):
    bureau, _works, users = second
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        case_services.stage_limit_set(
            actor=users[R.ADMIN], bureau=bureau, stage="dispatched", amount=0, unit="weeks", source=""
        )
    assert refused.value.code == "case.invalid_stage_limit"
    assert set(refused.value.fields) == {"stage", "amount", "unit", "source"}
    with pytest.raises(PermissionDenied):
        case_services.stage_limit_set(
            actor=users[R.ADMIN],
            bureau=district.bureau,
            stage="filed",
            amount=2,
            unit="working_hours",
            source="x",
        )
    assert not BureauStageLimit.objects.exists() and AuditEvent.objects.count() == events


def test_a_staff_members_pages_count_their_own_bureaus_days(district, second, rf):
    bureau, _works, users = second
    seen = []

    def page(request):
        seen.append(cn_calendar.current_bureau_days())
        return HttpResponse()

    for user in (users[R.OPERATOR], AnonymousUser()):
        request = rf.get("/")
        request.user = user
        BureauCalendarMiddleware(page)(request)
    assert seen[0].bureau_id == bureau.pk and seen[1] is None
    assert cn_calendar.current_bureau_days() is None  # nothing leaks past the request


def test_a_bureau_admin_sets_a_stage_limit_and_a_local_day_in_the_admin(district, second, client):
    bureau, _works, users = second
    type(users[R.ADMIN]).objects.filter(pk=users[R.ADMIN].pk).update(is_staff=True)  # the admin site's door
    client.force_login(type(users[R.ADMIN]).objects.get(pk=users[R.ADMIN].pk))
    added = client.post(
        "/admin/cases/bureaustagelimit/add/",
        {"bureau": bureau.pk, "stage": "filed", "amount": 2, "unit": "working_hours", "source": "二七区规定"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert BureauStageLimit.objects.get(bureau=bureau).amount == 2
    refused = client.post(
        "/admin/cases/bureaustagelimit/add/",
        {"bureau": district.bureau.pk, "stage": "filed", "amount": 2, "unit": "working_hours", "source": "x"},
    )
    assert refused.status_code == 200 and BureauStageLimit.objects.count() == 1  # not their bureau
    day = client.post(
        "/admin/org/bureaucalendarday/add/",
        {
            "bureau": bureau.pk,
            "date": "2026-09-16",
            "works": "",
            "name": "建区纪念日",
            "source": "区政府通知",
        },
    )
    assert day.status_code == 302, day.content.decode()[:2000]
    with cn_calendar.for_bureau(bureau.pk):
        assert not cn_calendar.is_working_day(LOCAL_HOLIDAY)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"case.stage_limit_set", "org.calendar_day_set"} <= actions
