"""Editing a programme's terms while no nomination is decided, and a deed — an approved one goes back
for approval and off the public page — from the service, the pages and PATCH, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.people import services
from chengguan.people.models import HonourProgramme
from tests.api.conftest import assert_error
from tests.api.schema_check import SchemaCheckingClient
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)


def _api(user) -> SchemaCheckingClient:
    client = SchemaCheckingClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _client(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=DEMO_PASSWORD)
    return c


@pytest.fixture
def programme(office, personnel):
    return services.programme_create(
        actor=personnel,
        bureau=office.bureau,
        name="文明执法标兵",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        quota=1,
    )


def _deed(office, personnel, **kw):
    args = dict(
        title="桥上劝下轻生女子",
        what="队员在桥上劝下一名轻生女子。",
        happened_on=dt.date(2026, 6, 2),
        place="金水河桥",
        people=[office.handler],
        media_reports=[{"outlet": "河南日报", "date": "2026-06-04", "link": "https://example.org/b"}],
        consent=True,
    )
    args.update(kw)
    return services.deed_record(actor=personnel, bureau=office.bureau, **args)


def _published(office, personnel, deed):
    services.deed_transition(actor=personnel, deed=deed, action="submit")
    services.deed_transition(actor=office.leader, deed=deed, action="approve", payload={"note": "同意"})
    services.deed_transition(actor=personnel, deed=deed, action="publish")
    deed.refresh_from_db()
    return deed


def test_a_programme_s_terms_change_until_a_nomination_is_decided(office, personnel, programme):
    with pinned(NOW):
        n = services.nomination_submit(
            actor=office.squad_leader, programme=programme, nominee=office.handler, reason="执法规范"
        )
        with pytest.raises(PermissionDenied):
            services.programme_update(actor=office.squad_leader, programme=programme, quota=3)
        with pytest.raises(ValidationFailed) as bad:
            services.programme_update(actor=personnel, programme=programme, level="unit")
        assert set(bad.value.fields) == {"level"}
        with pytest.raises(ValidationFailed) as bad:
            services.programme_update(actor=personnel, programme=programme, period_end=dt.date(2025, 1, 1))
        assert set(bad.value.fields) == {"period_end"}

        changed = services.programme_update(
            actor=personnel,
            programme=programme,
            name="2026年度文明执法标兵",
            quota=3,
            period_start=dt.date(2025, 7, 1),
            criteria="全年无有效投诉",
        )
    assert (changed.name, changed.quota, changed.criteria) == ("2026年度文明执法标兵", 3, "全年无有效投诉")
    event = AuditEvent.objects.filter(action="honour.programme_update").get()
    assert event.before["quota"] == 1 and event.after["quota"] == 3
    n.refresh_from_db()  # the open nomination's record covers the new period
    assert set(n.record["training_hours"]) == {"2025", "2026"}
    assert event.after["records_regathered"] == [n.pk]

    with pinned(NOW):
        services.nomination_transition(actor=personnel, nomination=n, action="review")
        services.nomination_transition(actor=office.leader, nomination=n, action="approve")
        events = AuditEvent.objects.count()
        with pytest.raises(Conflict) as refused:
            services.programme_update(actor=personnel, programme=programme, quota=5)
    assert refused.value.code == "people.programme_decided"
    assert HonourProgramme.objects.get(pk=programme.pk).quota == 3 and AuditEvent.objects.count() == events


def test_programme_edit_page_and_patch(office, personnel, programme):
    page = _client(personnel)
    form = page.get(reverse("people:programme-edit", args=[programme.pk]))
    assert form.status_code == 200 and "文明执法标兵" in form.content.decode()
    assert (
        _client(office.squad_leader).get(reverse("people:programme-edit", args=[programme.pk])).status_code
        == 403
    )
    done = page.post(
        reverse("people:programme-edit", args=[programme.pk]),
        {"name": "文明执法标兵", "period_start": "2026-01-01", "period_end": "2026-12-31", "quota": "2",
         "criteria": "培训学时达标"},
    )  # fmt: skip
    assert done.status_code == 302
    assert HonourProgramme.objects.get(pk=programme.pk).quota == 2
    assert (
        'data-testid="programme-edit"'
        in page.get(reverse("people:programme", args=[programme.pk])).content.decode()
    )

    api = _api(personnel)
    url = f"/api/v1/people/honours/{programme.pk}/"
    patched = api.patch(url, {"quota": 4, "criteria": "全年无投诉"}, format="json")
    assert patched.status_code == 200 and patched.json()["quota"] == 4
    assert_error(api.patch(url, {"quota": 0}, format="json"), 400, "validation_failed")
    assert_error(_api(office.squad_leader).patch(url, {"quota": 9}, format="json"), 403, "people.forbidden")
    with pinned(NOW):
        n = services.nomination_submit(
            actor=office.squad_leader, programme=programme, nominee=office.handler, reason="执法规范"
        )
        services.nomination_transition(
            actor=personnel, nomination=n, action="reject", payload={"note": "材料不足"}
        )
    assert_error(api.patch(url, {"quota": 5}, format="json"), 409, "people.programme_decided")
    assert (
        'data-testid="programme-edit"'
        not in page.get(reverse("people:programme", args=[programme.pk])).content.decode()
    )


def test_editing_a_draft_keeps_it_a_draft_and_changing_the_people_clears_the_consent(office, personnel):
    deed = _deed(office, personnel)
    edited = services.deed_update(
        actor=personnel, deed=deed, what="队员在桥上耐心劝导四十分钟，劝下轻生女子。"
    )
    assert edited.state == "draft" and edited.consent
    edited = services.deed_update(actor=personnel, deed=deed, people=[office.handler, office.handler2])
    assert set(edited.people.all()) == {office.handler, office.handler2} and not edited.consent
    with pytest.raises(PermissionDenied):
        services.deed_update(actor=office.handler, deed=deed, title="改")
    with pytest.raises(ValidationFailed) as bad:
        services.deed_update(actor=personnel, deed=deed, title=" ", people=[])
    assert set(bad.value.fields) == {"title", "people"}
    assert AuditEvent.objects.filter(action="deed.update").count() == 2


def test_editing_a_published_deed_sends_it_back_for_approval_and_off_the_public_page(
    office, personnel, settings
):
    deed = _published(office, personnel, _deed(office, personnel))
    assert "桥上劝下轻生女子" in Client().get(reverse("people-public:deeds")).content.decode()
    page = _client(personnel)
    form = page.get(reverse("people:deed-edit", args=[deed.pk])).content.decode()
    assert 'data-testid="notice"' in form and "河南日报" in form
    done = page.post(
        reverse("people:deed-edit", args=[deed.pk]),
        {"title": "桥上劝下轻生女子", "what": "队员在桥上劝下一名轻生女子，并联系其家属。",
         "happened_on": "2026-06-02", "place": "金水河桥", "people": [office.handler.pk], "witnesses": "",
         "media_outlet": "河南日报",
         "media_date": "2026-06-04", "media_link": "https://example.org/b"},
    )  # fmt: skip
    assert done.status_code == 302
    deed.refresh_from_db()
    assert (deed.state, deed.published_on, deed.consent) == ("submitted", None, True)
    assert "并联系其家属" in deed.what
    assert "桥上劝下轻生女子" not in Client().get(reverse("people-public:deeds")).content.decode()
    event = AuditEvent.objects.filter(action="deed.update").get()
    assert (event.before["state"], event.after["state"]) == ("published", "submitted")

    # Approved and published again, it is back; a PATCH sends it back once more.
    services.deed_transition(actor=office.leader, deed=deed, action="approve")
    services.deed_transition(actor=personnel, deed=deed, action="publish")
    api = _api(personnel)
    patched = api.patch(
        f"/api/v1/people/deeds/{deed.pk}/",
        {"media_reports": [{"outlet": "郑州晚报", "date": "2026-06-05", "link": ""}]},
        format="json",
    )
    assert patched.status_code == 200
    body = patched.json()
    assert body["state"] == "submitted" and body["media_reports"][0]["outlet"] == "郑州晚报"
    assert_error(
        api.patch(
            f"/api/v1/people/deeds/{deed.pk}/",
            {"media_reports": [{"outlet": "报", "date": "x"}]},
            format="json",
        ),
        400,
        "validation_failed",
    )
    assert_error(
        _api(office.handler).patch(f"/api/v1/people/deeds/{deed.pk}/", {"title": "改"}, format="json"),
        404,
        "not_found",
    )
