"""Activities and the public's registration: quota, closing time, the guardian of a child under 14,
the same person twice, the one limiter; check-in and photos by the organisers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.limits import RateLimited
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from chengguan.outreach.models import Activity, Registration
from tests.cases.media import jpeg_upload
from tests.outreach.conftest import QUIET_MOMENT, new_activity

ADULT_ID = "410102199003071230"  # born 1990-03-07
CHILD_ID = "410102201603071234"  # born 2016-03-07: ten on the day of the activity


def register(activity, n: int = 0, **kwargs):
    data = {"name": f"王小明{n}", "phone": f"1391234{n:04d}", "birth_date": dt.date(1990, 1, 1)}
    data.update(kwargs)
    with clock.pinned(QUIET_MOMENT):
        return services.registration_submit(activity=activity, client_address="10.1.1.1", **data)


def _written() -> tuple[int, int]:
    return Registration.objects.count(), AuditEvent.objects.count()


def test_registration_beyond_the_quota_is_refused_and_writes_nothing(district):
    activity = new_activity(district, quota=2)
    register(activity, 1)
    register(activity, 2)
    before = _written()
    with pytest.raises(Conflict) as refused:
        register(activity, 3)
    assert refused.value.code == "activity.full"
    assert refused.value.message == "报名人数已满，感谢关注。"
    assert _written() == before


def test_registration_after_the_closing_time_is_refused_and_writes_nothing(activity):
    before = _written()
    late = activity.registration_closes_at + dt.timedelta(minutes=1)
    with clock.pinned(late), pytest.raises(Conflict) as refused:
        services.registration_submit(activity=activity, name="李四", phone="13912345678", id_number=ADULT_ID)
    assert refused.value.code == "activity.registration_closed"
    assert "报名已截止" in refused.value.message
    assert _written() == before


def test_the_same_person_twice_is_one_registration(district):
    activity = new_activity(district, quota=1)
    first, created = register(activity, id_number=ADULT_ID)
    again, created_again = register(activity, name="王小明", phone="13800000000", id_number=ADULT_ID)
    assert created and not created_again
    assert again.pk == first.pk
    assert Registration.objects.filter(activity=activity).count() == 1
    assert AuditEvent.objects.filter(action="activity.register").count() == 1


def test_a_child_under_14_needs_a_guardian_who_consents(activity):
    before = _written()
    with pytest.raises(ValidationFailed) as refused:
        register(activity, id_number=CHILD_ID)
    assert refused.value.code == "activity.guardian_consent"
    assert set(refused.value.fields) == {"guardian_name", "guardian_phone", "guardian_consent"}
    assert _written() == before
    row, created = register(
        activity,
        id_number=CHILD_ID,
        guardian_name="王大明",
        guardian_phone="13700001111",
        guardian_consent=True,
    )
    assert created and row.is_minor and row.guardian_consent_at is not None
    assert row.birth_date == dt.date(2016, 3, 7)
    # Personal data stay out of the audit trail.
    event = AuditEvent.objects.get(action="activity.register")
    assert "王小明" not in str(event.after) and CHILD_ID not in str(event.after)


def test_a_child_by_birth_date_alone_needs_the_guardian_too(activity):
    with pytest.raises(ValidationFailed) as refused:
        register(activity, birth_date=dt.date(2015, 1, 1))
    assert refused.value.code == "activity.guardian_consent"
    # Fourteen on the day of the activity: registers on their own.
    row, _created = register(activity, birth_date=dt.date(2012, 9, 1))
    assert not row.is_minor


def test_a_bad_id_number_is_a_field_error(activity):
    with pytest.raises(ValidationFailed) as refused:
        register(activity, id_number="410102199003071231")
    assert refused.value.fields == {"id_number": ["公民身份号码无效（GB 11643）。"]}


def test_a_planned_activity_takes_no_registration(district):
    planned = new_activity(district, state="planned")
    with pytest.raises(Exception) as refused:
        register(planned)
    assert refused.value.code == "activity.not_found"


def test_registrations_go_through_the_one_limiter(activity, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"signup_ip": (2, 3600)}
    register(activity, 1)
    register(activity, 2)
    with pytest.raises(RateLimited):
        register(activity, 3)
    assert Registration.objects.count() == 2


@pytest.mark.parametrize("role", [R.HANDLER, R.INSPECTOR, R.OPERATOR, R.CITIZEN])
def test_only_the_organisers_plan_activities(district, role):
    before = (Activity.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied) as refused:
        services.activity_create(
            actor=district.users[role],
            bureau=district.bureau,
            kind="open_day",
            title="开放日",
            plan="参观",
            place="局机关",
            starts_at=QUIET_MOMENT,
            ends_at=QUIET_MOMENT,
            quota=5,
            registration_closes_at=QUIET_MOMENT,
        )
    assert refused.value.code == "activity.forbidden"
    assert (Activity.objects.count(), AuditEvent.objects.count()) == before


def test_check_in_photos_and_summary(district, activity):
    row, _ = register(activity, 1)
    admin = district.users[R.ADMIN]
    with clock.pinned(activity.starts_at):
        checked = services.registration_check_in(actor=admin, registration=row)
        services.registration_check_in(actor=admin, registration=row)
        photo = services.activity_photo_add(
            actor=admin, activity=activity, upload=jpeg_upload(), caption="合影"
        )
        held = services.activity_transition(
            actor=admin, activity=activity, action="hold", summary="30 名孩子参加。"
        )
    assert checked.checked_in_at == activity.starts_at
    assert AuditEvent.objects.filter(action="activity.check_in").count() == 1
    assert len(photo.sha256) == 64
    assert held.state == "held" and held.summary == "30 名孩子参加。"


# -- the portal -------------------------------------------------------------------------------------


def _post(activity, **data):
    body = {"name": "赵六", "phone": "13912340000", "birth_date": "1988-05-01", **data}
    with clock.pinned(QUIET_MOMENT):
        return Client(REMOTE_ADDR="10.9.9.9").post(
            reverse("outreach-public:activity", args=[activity.pk]), body
        )


def test_the_public_page_registers_and_says_so(activity):
    with clock.pinned(QUIET_MOMENT):
        page = Client().get(reverse("outreach-public:activity", args=[activity.pk]))
    assert page.status_code == 200 and "registration-form" in page.content.decode()
    assert "剩余名额 30 / 30" in page.content.decode()
    done = _post(activity)
    assert done.status_code == 200
    assert "报名成功" in done.content.decode()
    again = _post(activity)
    assert "您已报名" in again.content.decode()
    assert Registration.objects.count() == 1


def test_the_public_page_refuses_a_full_activity_with_its_code(district):
    activity = new_activity(district, quota=1)
    _post(activity)
    full = _post(activity, name="钱七", phone="13912349999")
    assert full.status_code == 409
    html = full.content.decode()
    assert 'data-code="activity.full"' in html and "报名人数已满" in html
    assert Registration.objects.count() == 1


def test_the_public_page_refuses_a_registration_after_the_closing_time(activity):
    url = reverse("outreach-public:activity", args=[activity.pk])
    body = {"name": "赵六", "phone": "13912340000", "birth_date": "1988-05-01"}
    with clock.pinned(activity.registration_closes_at + dt.timedelta(minutes=1)):
        page = Client().get(url).content.decode()
        late = Client(REMOTE_ADDR="10.9.9.9").post(url, body)
    assert 'data-testid="closed"' in page and "registration-form" not in page
    html = late.content.decode()
    assert late.status_code == 409
    assert 'data-code="activity.registration_closed"' in html and "报名已截止" in html
    assert Registration.objects.count() == 0


def test_the_public_page_of_a_planned_activity_is_not_found(district):
    planned = new_activity(district, state="planned")
    assert Client().get(reverse("outreach-public:activity", args=[planned.pk])).status_code == 404
    assert _post(planned).status_code == 404


def test_the_staff_page_masks_the_registrants(district, activity):
    register(activity, 1)
    client = Client()
    client.force_login(district.users[R.SQUAD_LEADER])
    html = client.get(reverse("outreach:activity", args=[activity.pk])).content.decode()
    assert "13912340001" not in html and "139****0001" in html
    assert client.get(reverse("outreach:activities")).status_code == 200
