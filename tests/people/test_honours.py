"""Honours and deeds: a nomination carries the nominee's record without retyping; the quota holds;
only approved, published deeds with recorded consent reach the public page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, PermissionDenied
from chengguan.people import selectors, services
from chengguan.people.models import DeedPhoto
from tests.cases.media import jpeg_upload

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)


@pytest.fixture
def programme(office, personnel):
    return services.programme_create(
        actor=personnel,
        bureau=office.bureau,
        name="文明执法标兵",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        quota=1,
        criteria="全年无投诉，培训学时达标",
    )


def _deed(personnel, office, **kw):
    args = dict(
        title="送走失母女回家",
        what="巡查中遇到走失的母女，队员护送二人回家。",
        happened_on=dt.date(2026, 5, 3),
        place="建设路",
        people=[office.handler],
        witnesses="商户王某",
        media_reports=[{"outlet": "郑州晚报", "date": "2026-05-05", "link": "https://example.org/a"}],
        consent=True,
    )
    args.update(kw)
    return services.deed_record(actor=personnel, bureau=office.bureau, **args)


def test_a_nomination_carries_the_record_without_retyping(office, personnel, programme):
    s = services.training_plan(
        actor=personnel, bureau=office.bureau, kind="lecture", topic="law", title="讲座",
        starts_at=dt.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI), hours=4,
    )  # fmt: skip
    services.training_attendance_record(actor=personnel, session=s, staff=[office.handler])
    with pinned(NOW):
        services.training_transition(actor=personnel, session=s, action="hold")
    deed = _deed(personnel, office)
    services.deed_transition(actor=personnel, deed=deed, action="submit")
    services.deed_transition(actor=office.leader, deed=deed, action="approve")
    with pinned(NOW):
        n = services.nomination_submit(
            actor=office.squad_leader, programme=programme, nominee=office.handler, reason="执法规范"
        )
    assert n.record["name"] == selectors.display_name(office.handler)
    assert n.record["training_hours"] == {"2026": "4.0"}
    assert n.record["deeds"] == [{"title": "送走失母女回家", "on": "2026-05-03"}]
    assert n.record["certificate"]
    assert n.record["cases_handled"] == 0  # this fixture's officer handled no closed-loop case
    assert n.nominating_unit == office.handler.profile.organisation


def test_review_approval_within_the_quota_and_publication(office, personnel, programme):
    with pinned(NOW):
        first = services.nomination_submit(
            actor=office.squad_leader, programme=programme, nominee=office.handler, reason="执法规范"
        )
        second = services.nomination_submit(
            actor=office.squad_leader, programme=programme, nominee=office.handler2, reason="热情服务"
        )
        with pytest.raises(Conflict):  # nominated once
            services.nomination_submit(
                actor=office.squad_leader, programme=programme, nominee=office.handler, reason="再推"
            )
        for n in (first, second):
            services.nomination_transition(actor=personnel, nomination=n, action="review")
        with pytest.raises(PermissionDenied):
            services.nomination_transition(actor=personnel, nomination=first, action="approve")
        services.nomination_transition(actor=office.leader, nomination=first, action="approve")
        with pytest.raises(Conflict) as full:
            services.nomination_transition(actor=office.leader, nomination=second, action="approve")
        assert full.value.code == "people.quota_full"
        services.nomination_transition(actor=personnel, nomination=first, action="publish")
    assert [n.programme.name for n in selectors.honours_of(user=office.handler)] == ["文明执法标兵"]


def test_only_published_deeds_with_consent_reach_the_public_page(office, personnel, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    public = _deed(personnel, office, title="与持刀男子搏斗", photos=[jpeg_upload()])
    draft = _deed(personnel, office, title="抓获偷车贼")
    no_consent = _deed(personnel, office, title="仁义城管", consent=False)
    for d in (public, no_consent):
        services.deed_transition(actor=personnel, deed=d, action="submit")
        services.deed_transition(actor=office.leader, deed=d, action="approve")
    services.deed_transition(actor=personnel, deed=public, action="publish")
    with pytest.raises(Conflict) as refused:
        services.deed_transition(actor=personnel, deed=no_consent, action="publish")
    assert refused.value.code == "people.no_consent"
    page = Client().get(reverse("people-public:deeds")).content.decode()
    assert "与持刀男子搏斗" in page and "抓获偷车贼" not in page and "仁义城管" not in page
    photo = DeedPhoto.objects.get(deed=public)
    assert Client().get(reverse("people-public:photo", args=[photo.pk])).status_code == 200
    services.deed_consent_record(actor=personnel, deed=public, consent=False, note="本人要求撤下")
    assert "与持刀男子搏斗" not in Client().get(reverse("people-public:deeds")).content.decode()
    assert Client().get(reverse("people-public:photo", args=[photo.pk])).status_code == 404
    assert draft.state == "draft"


def test_a_unit_s_history_of_honours_lists_what_it_and_its_members_won(office, personnel, programme):
    from chengguan.org.roles import RoleCode
    from tests import factories
    from tests.factories import DEMO_PASSWORD

    squad = office.handler.profile.organisation
    other = factories.squad(office.bureau, name="二中队")
    outsider = factories.staff(other, RoleCode.HANDLER).user
    top_ten = services.programme_create(
        actor=personnel, bureau=office.bureau, name="十佳中队", level="unit",
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31), quota=10,
    )  # fmt: skip
    with pinned(NOW):
        won = services.nomination_submit(
            actor=office.leader, programme=top_ten, nominee_unit=squad, reason="管理有序"
        )
        lost = services.nomination_submit(
            actor=office.leader, programme=top_ten, nominee_unit=other, reason="进步大"
        )
        person = services.nomination_submit(
            actor=office.squad_leader, programme=programme, nominee=office.handler, reason="执法规范"
        )
        for n in (won, person):
            services.nomination_transition(actor=personnel, nomination=n, action="review")
            services.nomination_transition(actor=office.leader, nomination=n, action="approve")
        services.nomination_transition(
            actor=personnel, nomination=lost, action="reject", payload={"note": "名次靠后"}
        )
    assert outsider  # a member of the other squad, honoured nowhere
    c = Client()
    assert c.login(username=personnel.username, password=DEMO_PASSWORD)
    listing = c.get(reverse("people:units")).content.decode()
    assert "一中队" in listing and "二中队" in listing
    page = c.get(reverse("people:unit", args=[squad.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    section = html.split('data-testid="unit-honours"')[1].split("</table>")[0]
    assert "十佳中队" in section
    members = html.split('data-testid="member-honours"')[1].split("</table>")[0]
    assert "文明执法标兵" in members and selectors.display_name(office.handler) in members
    other_page = c.get(reverse("people:unit", args=[other.pk])).content.decode()
    assert "十佳中队" not in other_page.split('data-testid="unit-honours"')[1].split("</table>")[0]
    assert "文明执法标兵" not in other_page
    rows = {u.pk: (w, m) for u, w, m in selectors.honour_units(personnel)}
    assert rows[squad.pk] == (1, 1) and rows[other.pk] == (0, 0)
    staff_page = c.get(reverse("people:staff", args=[office.handler.profile.pk])).content.decode()
    assert reverse("people:unit", args=[squad.pk]) in staff_page
