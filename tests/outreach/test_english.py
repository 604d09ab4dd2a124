"""The outreach pages in English show no Chinese outside the data (titles, places, names, what
people typed): the check of tests/web/test_english_pages.py on pages with data."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from tests.factories import DEMO_PASSWORD
from tests.outreach.conftest import QUIET_MOMENT, new_activity, new_broadcast
from tests.web.test_english_pages import data_values, untranslated, visible_text


def _english(user=None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=DEMO_PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_outreach_pages_in_english(district):
    d, admin = district, district.users[R.ADMIN]
    activity = new_activity(d)
    broadcast = new_broadcast(d)
    with clock.pinned(QUIET_MOMENT):
        services.registration_submit(
            activity=activity,
            name="王小明",
            phone="13912340001",
            birth_date=QUIET_MOMENT.date().replace(year=2016),
            guardian_name="王大明",
            guardian_phone="13700001111",
            guardian_consent=True,
        )
        v = services.volunteer_register(
            actor=admin, bureau=d.bureau, name="刘志愿", phone="13611112222", skills="摄影"
        )
        services.service_hours_record(actor=admin, volunteer=v, activity=activity, hours="3")
        cert = services.certificate_issue(actor=admin, volunteer=v)
        services.highlight_add(
            actor=admin,
            broadcast=broadcast,
            nickname="郑州老李",
            text="点赞",
            reply="谢谢",
            said_at=QUIET_MOMENT,
        )
        services.media_report_record(
            actor=admin,
            bureau=d.bureau,
            outlet="大河报",
            headline="城管开放日",
            published_on=QUIET_MOMENT.date(),
            tone="positive",
            activities=[activity],
        )
        data = [
            *data_values(),
            activity.title,
            activity.plan,
            activity.place,
            broadcast.title,
            broadcast.place,
            "王**",
            "刘志愿",
            "刘*",
            "摄影",
            "郑州老李",
            "点赞",
            "谢谢",
            "大河报",
            "城管开放日",
        ]
        data.sort(key=len, reverse=True)
        staff = _english(admin)
        public = _english()
        pages = {
            reverse("outreach:activities"): staff,
            reverse("outreach:activity", args=[activity.pk]): staff,
            reverse("outreach:activity-new"): staff,
            reverse("outreach:volunteers"): staff,
            reverse("outreach:volunteer", args=[v.pk]): staff,
            reverse("outreach:broadcasts"): staff,
            reverse("outreach:broadcast", args=[broadcast.pk]): staff,
            reverse("outreach:broadcast-new"): staff,
            reverse("outreach:media") + f"?year={QUIET_MOMENT.year}": staff,
            reverse("outreach-public:activities"): public,
            reverse("outreach-public:activity", args=[activity.pk]): public,
            reverse("outreach-public:live"): public,
            reverse("outreach-public:verify", args=[cert.token]): public,
        }
        problems = {}
        for url, client in pages.items():
            response = client.get(url)
            assert response.status_code == 200, url
            left = untranslated(visible_text(response.content.decode()), data)
            if left:
                problems[url] = left
    assert not problems, problems
