"""The demo's special actions: one closed with its summary on the portal, one under way, one planned,
with joint operations and the cases they filed (through the services, so the figures add up)."""

from __future__ import annotations

from chengguan.campaigns import selectors
from chengguan.campaigns.models import Campaign, CampaignCase, Operation, SupportRequest, Task
from chengguan.demo.campaigns import seed_campaigns
from chengguan.org.models import Organisation, OrgKind


def test_the_demo_has_three_campaigns_of_the_year(small_demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("pk").first()
    summary = seed_campaigns(bureau, seed=1)
    states = dict(Campaign.objects.values_list("state", "name"))
    assert set(states) == {"closed", "under_way", "planned"}
    closed = Campaign.objects.get(state="closed")
    assert closed.summary and closed.summary_published_at
    assert SupportRequest.objects.filter(operation__campaign=closed).exists()
    running = Campaign.objects.get(state="under_way")
    assert Operation.objects.filter(campaign=running).exists()
    assert summary.operations == Operation.objects.count()
    assert CampaignCase.objects.filter(campaign=running).count() >= 2
    assert (
        selectors.campaign_figures(running).total.found
        == CampaignCase.objects.filter(campaign=running).count()
    )
    # The demo's partner contact (at the police) has a task of the running campaign.
    from django.contrib.auth import get_user_model

    contact = get_user_model().objects.get(username="partner_contact")
    assert Task.objects.filter(pk__in=selectors.tasks_visible_to(contact)).exists()
    assert "刘志强" not in selectors.public_summary_text(closed)
    assert "13903710001" not in selectors.public_summary_text(closed)
