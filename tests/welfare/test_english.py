"""The welfare pages in English show no Chinese outside the data (names, places, what people
typed): the check of tests/web/test_english_pages.py on pages with data."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chengguan.org.roles import RoleCode as R
from chengguan.welfare import services
from chengguan.welfare.models import Spot, Vendor
from tests.cases.flow import report
from tests.factories import DEMO_PASSWORD
from tests.web.test_english_pages import data_values, untranslated, visible_text
from tests.welfare.conftest import draw, spot, vendor


def _english(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_welfare_pages_in_english(district):
    d = district
    v = vendor(d, hardship="dibao")
    services.help_record(
        actor=d.users[R.ADMIN],
        vendor=v,
        kind="goods",
        on=v.created_at.date(),
        what="大米",
        quantity="10公斤",
        given_by="建设路中队",
    )
    dr = draw(d, spot(d, pitches=1))
    services.draw_apply(actor=d.users[R.ADMIN], draw=dr, vendor=v)
    case = report(d)
    services.vendor_link_case(actor=d.users[R.ADMIN], vendor=v, case=case)
    drawn = draw(d, Spot.objects.get(), start=dr.term_start.replace(year=2027))
    data = [
        *data_values(),
        *Vendor.objects.values_list("name", flat=True),
        *Vendor.objects.values_list("goods", flat=True),
        *Vendor.objects.values_list("usual_place", flat=True),
        "低保证 第123号",
        "大米",
        "10公斤",
        "建设路中队",
        "建设路夜市",
        dr.term,
        drawn.term,
        case.category.name_zh,
    ]
    data.sort(key=len, reverse=True)
    admin = d.users[R.ADMIN]
    pages = [
        (admin, reverse("welfare:vendors")),
        (admin, reverse("welfare:vendor", args=[v.pk])),
        (admin, reverse("welfare:vendor-new")),
        (admin, reverse("welfare:spots")),
        (admin, reverse("welfare:spot", args=[dr.spot.pk])),
        (admin, reverse("welfare:draw", args=[dr.pk])),
        (admin, reverse("welfare:case-vendors", args=[case.pk])),
        (admin, reverse("welfare-public:draws")),
        (admin, reverse("welfare-public:draw", args=[dr.pk]) + f"?seed={dr.seed}"),
    ]
    problems = {}
    for user, url in pages:
        response = _english(user).get(url)
        assert response.status_code == 200, url
        lines = untranslated(visible_text(response.content.decode()), data)
        if lines:
            problems[url] = lines
    assert not problems, problems
