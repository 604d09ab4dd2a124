"""/api/v1/people/: the lists in the caller's scope, the QR sign-in from the phone and a machine action,
every answer checked against the published schema."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.people import services
from chengguan.people.models import Certificate
from tests.api.schema_check import SchemaCheckingClient

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 7, 1, 14, 0, tzinfo=SHANGHAI)


def _api(user) -> SchemaCheckingClient:
    client = SchemaCheckingClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_lists_sign_in_and_an_action(office, personnel):
    with pinned(NOW):
        s = services.training_plan(
            actor=personnel,
            bureau=office.bureau,
            kind="lecture",
            topic="law",
            title="讲座",
            starts_at=NOW,
            hours=2,
        )
        phone = _api(office.handler)
        assert (
            phone.post(f"/api/v1/people/trainings/{s.pk}/sign-in/", {"token": "x"}, format="json").status_code
            == 409
        )
        signed = phone.post(
            f"/api/v1/people/trainings/{s.pk}/sign-in/", {"token": s.sign_in_token}, format="json"
        )
        assert signed.status_code == 201 and signed.json()["method"] == "qr"
        assert [a["staff"] for a in phone.get("/api/v1/people/attendances/").json()["results"]] == [
            office.handler.pk
        ]
        assert (
            phone.get("/api/v1/people/certificates/").json()["results"] == []
        )  # the registry is not a handler's
        keeper = _api(personnel)
        certs = keeper.get("/api/v1/people/certificates/").json()["results"]
        assert {c["holder"] for c in certs} >= {office.handler.pk, office.handler2.pk}
        cert = Certificate.objects.get(holder=office.handler)
        done = keeper.post(
            f"/api/v1/people/certificates/{cert.pk}/suspend/", {"reason": "discipline"}, format="json"
        )
        assert done.status_code == 200 and done.json()["state"] == "suspended"
        for path in ("trainings", "honours", "nominations", "deeds"):
            assert keeper.get(f"/api/v1/people/{path}/").status_code == 200
