"""/api/v1/campaigns/: campaigns (created, moved by the lead unit's leader, with figures), tasks,
operations (the 第四十三条 refusal as a 400) and the weekly report's data."""

from __future__ import annotations

from chengguan.campaigns.models import CampaignKind
from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from tests.cases import conftest as case_fixtures

AT = case_fixtures.QUIET_MOMENT


def test_a_campaign_through_the_api(world, client):
    w, d = world, world.d
    client.force_login(d.users[R.SQUAD_LEADER])
    body = {
        "name": "油烟专项整治",
        "kind": CampaignKind.objects.get(bureau=d.bureau).pk,
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-30",
        "lead_unit": d.squad.pk,
        "whole_district": True,
        "categories": [d.hours_category.code],
        "goals": [{"name": "发现问题", "metric": "found", "target": "5"}],
        "partners": [{"organisation": w.market.pk, "contact_name": "王科长"}],
    }
    with clock.pinned(AT):
        created = client.post("/api/v1/campaigns/campaigns/", body, content_type="application/json")
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert created.json()["available_actions"] == ["start", "postpone", "cancel"]
        started = client.post(f"/api/v1/campaigns/campaigns/{pk}/start/", {}, content_type="application/json")
        assert started.json()["state"] == "under_way"
        again = client.post(f"/api/v1/campaigns/campaigns/{pk}/start/", {}, content_type="application/json")
        assert again.status_code == 409 and again.json()["code"] == "campaign.invalid_transition"
        night = client.post(
            "/api/v1/campaigns/operations/",
            {
                "campaign": pk,
                "kind": "enforcement",
                "starts_at": "2026-09-16T23:00:00+08:00",
                "ends_at": "2026-09-16T23:50:00+08:00",
                "place": "建设路",
            },
            content_type="application/json",
        )
        assert night.status_code == 400 and night.json()["code"] == "campaign_operation.night_or_holiday"
        report = client.get(f"/api/v1/campaigns/reports/{pk}/").json()
        detail = client.get(f"/api/v1/campaigns/campaigns/{pk}/").json()
    assert report["figures"]["total"] == detail["figures"]["total"]
    assert report["pdf"].endswith("/weekly.pdf")
    # The handler is no leader of the lead unit: the machine refuses them.
    client.force_login(d.users[R.HANDLER])
    refused = client.post(
        f"/api/v1/campaigns/campaigns/{pk}/begin_closing/", {}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_bureau_edits_its_list_of_kinds_and_a_partner_lands_on_its_tasks(world, client):
    client.force_login(world.users[R.ADMIN])
    assert client.post("/campaigns/kinds/", {"name": "渣土车"}).status_code == 302
    assert set(CampaignKind.objects.values_list("name", flat=True)) == {"占道经营", "渣土车"}
    client.force_login(world.police_contact)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/campaigns/tasks/"


def test_an_operation_opens_a_penalty_case_that_counts_for_the_campaign(world, client):
    from chengguan.campaigns import selectors
    from tests.campaigns.conftest import started

    w, d = world, world.d
    client.force_login(d.users[R.HANDLER])
    with clock.pinned(AT):
        campaign = started(w)
        op = client.post(
            "/api/v1/campaigns/operations/",
            {
                "campaign": campaign.pk,
                "kind": "inspection",
                "starts_at": "2026-09-15T09:00:00+08:00",
                "ends_at": "2026-09-15T11:00:00+08:00",
                "place": "建设路",
                "participants": [{"name": "李四", "department": w.police.pk, "cert_no": "J1"}],
            },
            content_type="application/json",
        ).json()
        opened = client.post(
            f"/api/v1/campaigns/operations/{op['id']}/penalties/",
            {
                "facts": "占道经营拒不改正",
                "parties": [{"kind": "person", "name": "张三", "id_number": "410102199003071230"}],
                "officers": [d.users[R.HANDLER].pk, d.users[R.SQUAD_LEADER].pk],
            },
            content_type="application/json",
        )
    assert opened.status_code == 201, opened.content
    assert opened.json()["state"] == "proposed"
    assert selectors.campaign_figures(campaign).total.penalties == 1
    assert op["participants"][0]["cert_no"] == "J1"
