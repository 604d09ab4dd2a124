"""The demo's welfare: 300 vendors, 12 vending spots with their draws made, a year of help."""

from __future__ import annotations

from chengguan.demo.welfare import seed_welfare
from chengguan.org.models import Organisation, OrgKind
from chengguan.welfare import selectors
from chengguan.welfare.models import Application, Draw, HelpRecord, Spot, Vendor


def test_the_demo_has_vendors_spots_draws_and_a_year_of_help(small_demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("pk").first()
    summary = seed_welfare(bureau, seed=1)
    assert Vendor.objects.count() == 300 and Spot.objects.count() == 12
    assert Draw.objects.filter(state="drawn").count() == 12 and Draw.objects.filter(state="open").count() == 3
    assert (
        Application.objects.filter(outcome="pitch").exists()
        and Application.objects.filter(outcome="waiting").exists()
    )
    for draw in Draw.objects.filter(state="drawn"):
        assert selectors.rerun(draw, draw.seed)["matches_published"]
    assert HelpRecord.objects.count() >= 300
    assert summary.seconds < 60, summary.seconds
