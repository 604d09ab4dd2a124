"""Photos of an activity on the portal: only those the organiser marked publishable, and only once
the activity was held; an unpublished photo is never public (page nor file), and taking one back
off the portal is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.core.errors import PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from tests.cases.media import jpeg_upload


def _add(d, activity, caption, publishable):
    with clock.pinned(activity.starts_at):
        return services.activity_photo_add(
            actor=d.users[R.ADMIN],
            activity=activity,
            upload=jpeg_upload(),
            caption=caption,
            publishable=publishable,
        )


def _hold(d, activity):
    with clock.pinned(activity.ends_at):
        return services.activity_transition(
            actor=d.users[R.ADMIN], activity=activity, action="hold", summary="30 名孩子参加。"
        )


def _public(activity) -> str:
    return Client().get(reverse("outreach-public:activity", args=[activity.pk])).content.decode()


def _public_file(photo) -> int:
    return Client().get(reverse("outreach-public:photo", args=[photo.pk])).status_code


def test_only_publishable_photos_of_a_held_activity_are_public(district, activity):
    shown = _add(district, activity, "孩子们在分拣垃圾", True)
    hidden = _add(district, activity, "未征得同意的合影", False)
    # Not held yet: nothing is public, not even the publishable one.
    assert "public-photos" not in _public(activity) and _public_file(shown) == 404
    _hold(district, activity)
    page = _public(activity)
    assert reverse("outreach-public:photo", args=[shown.pk]) in page and "孩子们在分拣垃圾" in page
    assert reverse("outreach-public:photo", args=[hidden.pk]) not in page and "未征得同意的合影" not in page
    assert _public_file(shown) == 200 and _public_file(hidden) == 404
    # The organiser still sees both on the staff page, each marked.
    staff = Client()
    staff.force_login(district.users[R.ADMIN])
    own = staff.get(reverse("outreach:activity", args=[activity.pk])).content.decode()
    assert f'data-photo="{shown.pk}" data-publishable="1"' in own
    assert f'data-photo="{hidden.pk}" data-publishable="0"' in own


def test_publishing_and_taking_back_a_photo_from_the_staff_page(district, activity):
    photo = _add(district, activity, "合影", False)
    _hold(district, activity)
    staff = Client()
    staff.force_login(district.users[R.ADMIN])
    url = reverse("outreach:photo-publish", args=[photo.pk])
    assert staff.post(url, {"publishable": "1"}).status_code == 302
    assert _public_file(photo) == 200 and "合影" in _public(activity)
    assert staff.post(url, {"publishable": "0"}).status_code == 302
    assert _public_file(photo) == 404 and "public-photos" not in _public(activity)
    changes = [e.after for e in AuditEvent.objects.filter(action="activity.photo_publish").order_by("id")]
    assert changes == [{"publishable": True}, {"publishable": False}]


@pytest.mark.parametrize("role", [R.HANDLER, R.INSPECTOR])
def test_only_organisers_publish_photos(district, activity, role):
    photo = _add(district, activity, "合影", False)
    _hold(district, activity)
    with pytest.raises(PermissionDenied):
        services.activity_photo_publish(actor=district.users[role], photo=photo, publishable=True)
    assert _public_file(photo) == 404


def test_the_api_uploads_a_publishable_photo_and_takes_it_back(district, activity):
    api = APIClient()
    api.force_authenticate(district.users[R.ADMIN])
    with clock.pinned(activity.starts_at):
        made = api.post(
            f"/api/v1/outreach/activities/{activity.pk}/photos/",
            {"file": jpeg_upload(), "caption": "合影", "publishable": "true"},
            format="multipart",
        )
    assert made.status_code == 201 and made.json()["publishable"] is True
    _hold(district, activity)
    pk = made.json()["id"]
    assert Client().get(reverse("outreach-public:photo", args=[pk])).status_code == 200
    back = api.post(
        f"/api/v1/outreach/activities/{activity.pk}/photo-publish/",
        {"photo": pk, "publishable": False},
        format="json",
    )
    assert back.status_code == 200 and back.json()["publishable"] is False
    assert Client().get(reverse("outreach-public:photo", args=[pk])).status_code == 404
