"""The people pages: the registry, a certificate's actions, training with its QR sign-in and the hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.people import services
from chengguan.people.models import Attendance, Certificate
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 7, 1, 14, 0, tzinfo=SHANGHAI)


def _client(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=DEMO_PASSWORD)
    return c


def test_the_registry_and_a_renewal_from_the_page(office, personnel):
    c = _client(personnel)
    page = c.get(reverse("people:certificates"))
    number = Certificate.objects.get(holder=office.handler).number
    assert page.status_code == 200 and number in page.content.decode()
    cert = Certificate.objects.get(holder=office.handler)
    detail = c.get(reverse("people:certificate", args=[cert.pk]))
    assert 'data-testid="form-renew"' in detail.content.decode()
    done = c.post(
        reverse("people:certificate-action", args=[cert.pk, "renew"]), {"renew-valid_to": "2031-01-01"}
    )
    assert done.status_code == 302
    assert Certificate.objects.filter(holder=office.handler, state="valid").get().valid_to == dt.date(
        2031, 1, 1
    )


def test_a_handler_may_not_open_the_registry(office):
    assert _client(office.handler).get(reverse("people:certificates")).status_code == 403


def test_training_page_shows_the_qr_code_and_the_officer_signs_in_from_the_phone(office, personnel):
    with pinned(NOW):
        s = services.training_plan(
            actor=personnel,
            bureau=office.bureau,
            kind="lecture",
            topic="skills",
            title="执法记录仪使用",
            starts_at=NOW,
            hours=2,
        )
        page = _client(personnel).get(reverse("people:training", args=[s.pk]))
        assert page.status_code == 200
        assert 'data-testid="sign-in-qr"' in page.content.decode()
        assert "data:image/svg+xml;base64," in page.content.decode()
        phone = _client(office.handler)
        url = reverse("people:training-sign-in", args=[s.pk, s.sign_in_token])
        assert phone.get(url).status_code == 200
        assert phone.post(url).status_code == 302
        assert phone.post(url).status_code == 409  # twice
        assert Attendance.objects.filter(session=s, staff=office.handler, method="qr").exists()
        hours = _client(office.squad_leader).get(reverse("people:training-hours"))
        assert hours.status_code == 200 and 'data-testid="short-of-hours"' in hours.content.decode()
        plan = _client(office.handler).get(reverse("people:trainings"))
        assert plan.status_code == 200 and "执法记录仪使用" in plan.content.decode()


def test_the_staff_page_and_the_register_in_excel(office, personnel):
    import io

    from openpyxl import load_workbook

    c = _client(office.leader)
    profile = office.handler.profile
    page = c.get(reverse("people:staff", args=[profile.pk]))
    number = Certificate.objects.get(holder=office.handler).number
    assert page.status_code == 200 and number in page.content.decode()
    xlsx = c.get(reverse("people:register") + "?format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[0][6] == "执法证号"
    assert any(r[0] == profile.full_name and r[6] == number for r in rows[1:])
    assert _client(office.handler).get(reverse("people:register")).status_code == 403


def test_the_honours_and_deeds_pages(office, personnel):
    c = _client(personnel)
    for name in (
        "people:programmes",
        "people:programme-new",
        "people:deeds",
        "people:deed-new",
        "people:register",
    ):
        assert c.get(reverse(name)).status_code == 200, name
    assert Client().get(reverse("people-public:deeds")).status_code == 200
