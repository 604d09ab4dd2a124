"""Volunteers, their hours and the certificate of service hours: a PDF whose QR code leads to the
bureau's own record of it."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from tests.outreach.conftest import new_activity


def test_hours_add_up_on_the_certificate_and_the_link_verifies_it(district, tmp_path):
    admin = district.users[R.ADMIN]
    v = services.volunteer_register(
        actor=admin, bureau=district.bureau, name="刘志愿", phone="13611112222", skills="摄影"
    )
    with pytest.raises(Conflict):
        services.certificate_issue(actor=admin, volunteer=v)
    first, second = new_activity(district), new_activity(district, kind="volunteer_day")
    services.service_hours_record(actor=admin, volunteer=v, activity=first, hours="3")
    services.service_hours_record(actor=admin, volunteer=v, activity=first, hours="4")  # corrected
    services.service_hours_record(actor=admin, volunteer=v, activity=second, hours="2.5")
    with pytest.raises(ValidationFailed):
        services.service_hours_record(actor=admin, volunteer=v, activity=second, hours="25")
    cert = services.certificate_issue(actor=admin, volunteer=v)
    assert cert.total_hours == Decimal("6.5") and cert.activities == 2

    client = Client()
    client.force_login(admin)
    pdf = client.get(reverse("outreach:certificate-pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "志愿服务时长证明" in text and "刘志愿" in text and "6.5 小时" in text and cert.number in text
    assert f"/events/volunteers/verify/{cert.token}/" in text.replace("\n", "")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))

    page = Client().get(reverse("outreach-public:verify", args=[cert.token]))
    assert page.status_code == 200 and "6.5" in page.content.decode() and "刘*" in page.content.decode()
    assert Client().get(reverse("outreach-public:verify", args=["nope"])).status_code == 404


def test_a_volunteer_is_registered_once(district):
    admin = district.users[R.ADMIN]
    services.volunteer_register(actor=admin, bureau=district.bureau, name="刘志愿", phone="13611112222")
    with pytest.raises(Conflict) as refused:
        services.volunteer_register(actor=admin, bureau=district.bureau, name="刘志愿", phone="136 1111 2222")
    assert refused.value.code == "volunteer.duplicate"
