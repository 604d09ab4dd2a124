"""The demo's public side: eight activities with volunteers, six live sessions with about 50,000
cumulative viewers, and the media's reports of them."""

from __future__ import annotations

from django.db.models import Sum

from chengguan.demo.outreach import seed_outreach
from chengguan.org.models import Organisation, OrgKind
from chengguan.outreach.models import Activity, Broadcast, MediaReport, ServiceHours


def test_the_demo_has_eight_activities_and_six_live_sessions(small_demo):
    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("pk").first()
    assert Activity.objects.filter(bureau=bureau).count() == 8
    assert Activity.objects.filter(state="held").exists() and Activity.objects.filter(state="open").exists()
    assert ServiceHours.objects.exists()
    assert Broadcast.objects.filter(bureau=bureau).count() == 6
    viewers = Broadcast.objects.aggregate(n=Sum("cumulative_viewers"))["n"]
    assert viewers == 50_000
    assert MediaReport.objects.exists()
    assert small_demo.seconds["outreach"] < 30
    # A second run finds the demo seeded and adds nothing.
    assert seed_outreach(bureau, seed=1).activities == 0
