"""A campaign changed after it was planned: its goals (add, change, remove), target area, target
categories, participating units and partner departments with their contacts — by its planners
(campaigns.edit), audited, and refused once the campaign is closed or cancelled. Through the
service, the page and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chengguan.campaigns import services
from chengguan.campaigns.models import Campaign
from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.campaigns.conftest import new_campaign, started
from tests.cases import conftest as case_fixtures
from tests.cases.flow import report

AT = case_fixtures.QUIET_MOMENT


def _updates(campaign) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action="campaign.update", object_id=str(campaign.pk)).order_by("pk")
    )


def _goals(campaign) -> list[tuple]:
    return [(g.name, g.metric, g.target) for g in Campaign.objects.get(pk=campaign.pk).goals.all()]


def _partners(campaign) -> dict:
    return {p.organisation.name: (p.contact_name, p.contact_phone) for p in campaign.partners.all()}


def test_the_lead_unit_changes_goals_area_categories_and_partners_and_it_is_audited(world):
    w, d = world, world.d
    lead = d.users[R.SQUAD_LEADER]
    with clock.pinned(AT):
        campaign = started(w)
        found, put_right = campaign.goals.all()
        # A case in grid 4, outside the campaign's grids 1–3 and of another category.
        outside = report(d, grid=3, category=d.days_category)
        assert services.campaign_attach_cases(actor=lead, campaign=campaign) == 0
        services.campaign_update(
            actor=lead,
            campaign=campaign,
            whole_district=True,
            categories=[d.hours_category, d.days_category],
            units=[d.department, d.centre],
            goals=[
                {"id": found.pk, "name": "发现问题", "metric": "found", "target": 15},
                {"name": "立案处罚", "metric": "penalties", "target": 2, "unit_label": "件"},
            ],
            partners=[
                {"organisation": w.police, "contact_name": "赵警官", "contact_phone": "13900002222"},
                {"organisation": w.court, "contact_name": "孙法官"},
            ],
        )
        # The wider area and categories now take in the case of grid 4.
        assert services.campaign_attach_cases(actor=lead, campaign=campaign) == 1
    campaign.refresh_from_db()
    assert campaign.whole_district
    assert set(campaign.categories.all()) == {d.hours_category, d.days_category}
    assert set(campaign.units.all()) == {d.department, d.centre}
    assert _goals(campaign) == [
        ("发现问题", "found", Decimal("15.00")),
        ("立案处罚", "penalties", Decimal("2.00")),
    ]
    assert not campaign.goals.filter(pk=put_right.pk).exists()
    assert _partners(campaign) == {"公安分局": ("赵警官", "13900002222"), "区人民法院": ("孙法官", "")}
    assert campaign.case_links.filter(case=outside).exists()
    (event,) = _updates(campaign)
    assert event.actor_id == lead.pk
    assert event.before["whole_district"] is False and event.after["whole_district"] is True
    assert [p[1] for p in event.before["partners"]] == ["李警官", "王科长"]
    assert [p[1] for p in event.after["partners"]] == ["赵警官", "孙法官"]
    assert "name" not in event.after  # only what changed is recorded
    # The same values again: no change, no event.
    with clock.pinned(AT):
        services.campaign_update(actor=lead, campaign=campaign, whole_district=True)
    assert len(_updates(campaign)) == 1


def test_only_the_campaign_s_planners_edit_it(world):
    w, d = world, world.d
    with clock.pinned(AT):
        campaign = new_campaign(w)
        for who in (d.users[R.HANDLER], d.users[R.INSPECTOR], w.police_contact):
            with pytest.raises(PermissionDenied):
                services.campaign_update(actor=who, campaign=campaign, whole_district=True)
        # The bureau's leader and its office may; so may the lead unit's squad leader.
        for who in (d.users[R.LEADER], d.users[R.ADMIN], d.users[R.SQUAD_LEADER]):
            services.campaign_update(
                actor=who,
                campaign=campaign,
                goals=[{"name": f"发现问题 {who.username}", "metric": "found", "target": 3}],
            )
    assert len(_updates(campaign)) == 3
    assert _goals(campaign) == [("发现问题 squad_leader", "found", Decimal("3.00"))]


def test_a_closed_or_cancelled_campaign_is_not_changed(world):
    w, d = world, world.d
    lead = d.users[R.SQUAD_LEADER]
    with clock.pinned(AT):
        running = started(w)
        services.campaign_transition(actor=lead, campaign=running, action="begin_closing")
        # While the summary is written the plan may still be put right.
        services.campaign_update(actor=lead, campaign=running, whole_district=True)
        services.campaign_transition(actor=lead, campaign=running, action="close", summary="完成。")
        planned = new_campaign(w, name="渣土车专项整治")
        services.campaign_transition(actor=lead, campaign=planned, action="cancel", reason="并入市级行动")
        for campaign in (running, planned):
            with pytest.raises(Conflict) as exc:
                services.campaign_update(
                    actor=lead, campaign=campaign, goals=[{"name": "x", "metric": "found", "target": 1}]
                )
            assert exc.value.code == "campaign.closed"
    assert len(_updates(running)) == 1 and not _updates(planned)
    assert len(_goals(running)) == 2


def test_a_unit_or_partner_with_tasks_stays_and_bad_rows_are_refused_field_by_field(world):
    w, d = world, world.d
    lead = d.users[R.SQUAD_LEADER]
    with clock.pinned(AT):
        campaign = started(w)
        phase = services.task_add(actor=lead, campaign=campaign, kind="phase", title="集中整治")
        for assignee in (w.police, d.department):
            services.task_add(
                actor=lead,
                campaign=campaign,
                kind="task",
                title=f"任务 {assignee.name}",
                parent=phase,
                assignee=assignee,
                due_on=dt.date(2026, 9, 30),
            )
        with pytest.raises(ValidationFailed) as exc:
            services.campaign_update(
                actor=lead,
                campaign=campaign,
                units=[],
                partners=[{"organisation": w.market, "contact_name": "王科长"}],
            )
        assert "市政科" in exc.value.fields["units"][0]
        assert "公安分局" in exc.value.fields["partners"][0]
        with pytest.raises(ValidationFailed) as exc:
            services.campaign_update(
                actor=lead,
                campaign=campaign,
                whole_district=False,
                grids=[],
                goals=[{"name": "整改", "metric": "put_right", "target": 0}],
                partners=[{"organisation": d.squad, "contact_name": "某人"}],
            )
        # (the police still has its task, so leaving it out is refused as well)
        assert set(exc.value.fields) == {"grids", "goals.0", "partners.0", "partners"}
    assert not _updates(campaign)
    assert len(_goals(campaign)) == 2 and set(_partners(campaign)) == {"公安分局", "市场监管局"}


def test_the_edit_page_changes_goals_and_partners(world, client):
    w, d = world, world.d
    with clock.pinned(AT):
        campaign = started(w)
        client.force_login(d.users[R.SQUAD_LEADER])
        detail = client.get(f"/campaigns/{campaign.pk}/").content.decode()
        assert f'href="/campaigns/{campaign.pk}/edit/"' in detail
        page = client.get(f"/campaigns/{campaign.pk}/edit/")
        form = page.context["form"]
        body = {k: v for k, v in form.initial.items() if v not in (None, "", False)}
        body.update(
            {
                "goal_0_target": "12",
                "goal_1_remove": "on",
                "goal_2_name": "罚款",
                "goal_2_metric": "fines",
                "goal_2_target": "5000",
                "partner_1_remove": "on",
                "partner_2": str(w.court.pk),
                "partner_2_contact": "孙法官",
            }
        )
        saved = client.post(f"/campaigns/{campaign.pk}/edit/", body)
        assert saved.status_code == 302, saved.content.decode()[:2000]
        # A handler reaches neither the page nor the button.
        client.force_login(d.users[R.HANDLER])
        assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 403
        assert "/edit/" not in client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert _goals(campaign) == [
        ("发现问题", "found", Decimal("12.00")),
        ("罚款", "fines", Decimal("5000.00")),
    ]
    assert _partners(campaign) == {"公安分局": ("李警官", "13900001111"), "区人民法院": ("孙法官", "")}
    assert set(campaign.grids.all()) == set(d.grids[:3])  # untouched fields stay
    assert len(_updates(campaign)) == 1


def test_the_edit_page_shows_a_refusal_and_is_gone_once_closed(world, client):
    w, d = world, world.d
    lead = d.users[R.SQUAD_LEADER]
    with clock.pinned(AT):
        campaign = started(w)
        client.force_login(lead)
        refused = client.post(f"/campaigns/{campaign.pk}/edit/", {"grids": ""})
        assert refused.status_code == 400
        assert "请选择行动区域" in refused.content.decode()
        services.campaign_transition(actor=lead, campaign=campaign, action="begin_closing")
        services.campaign_transition(actor=lead, campaign=campaign, action="close", summary="完成。")
        assert client.get(f"/campaigns/{campaign.pk}/edit/").status_code == 403
        assert "/edit/" not in client.get(f"/campaigns/{campaign.pk}/").content.decode()


def test_patch_through_the_api(world, client):
    w, d = world, world.d
    lead = d.users[R.SQUAD_LEADER]
    with clock.pinned(AT):
        campaign = started(w)
        found, _put_right = campaign.goals.all()
        url = f"/api/v1/campaigns/campaigns/{campaign.pk}/"
        client.force_login(lead)
        changed = client.patch(
            url,
            {
                "streets": [d.subdistrict.pk],
                "categories": [d.days_category.code],
                "goals": [{"id": found.pk, "name": "发现问题", "metric": "found", "target": "20"}],
                "partners": [
                    {"organisation": w.market.pk, "contact_name": "王科长", "contact_phone": "0371"}
                ],
            },
            content_type="application/json",
        )
        assert changed.status_code == 200, changed.content
        body = changed.json()
        assert body["streets"] == [d.subdistrict.pk] and body["grids"] == [g.pk for g in d.grids[:3]]
        assert [(g["id"], g["target"]) for g in body["goals"]] == [(found.pk, "20.00")]
        assert [(p["name"], p["contact_phone"]) for p in body["partners"]] == [("市场监管局", "0371")]
        client.force_login(d.users[R.HANDLER])
        assert client.patch(url, {"whole_district": True}, content_type="application/json").status_code == 403
        client.force_login(lead)
        services.campaign_transition(actor=lead, campaign=campaign, action="begin_closing")
        services.campaign_transition(actor=lead, campaign=campaign, action="close", summary="完成。")
        closed = client.patch(url, {"whole_district": True}, content_type="application/json")
        assert closed.status_code == 409 and closed.json()["code"] == "campaign.closed"
