"""The bureau's special-action figures (专项行动) over a period, read from the campaigns app: one
definition, the campaign's own rollup from its linked cases (`campaigns.selectors.results_of`), so a
campaign's line here equals its page, its reports and the API.

- campaigns held: started (not merely planned, nor cancelled) with their own period touching the
  period asked (`campaigns.selectors.campaigns_held`);
- campaigns closed: closed on a day of the period;
- joint operations, problems found, put right (the case closed), penalty cases opened, fines
  imposed (decided) and collected (paid, or on the spot): those of the campaigns held, over their
  whole run. A campaign running over the period's edge counts with all its results in each period
  it touches; a case or penalty case linked to two campaigns counts once in the totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from chengguan.campaigns import selectors as campaign_selectors
from chengguan.campaigns.models import Campaign, Operation
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation


@dataclass(frozen=True)
class CampaignLine:
    """One campaign held in the period, with its own figures."""

    campaign: Campaign
    operations: int
    results: campaign_selectors.Figures


@dataclass(frozen=True)
class CampaignFigures:
    first: dt.date
    last: dt.date
    held: int
    closed: int
    operations: int
    found: int
    put_right: int
    penalties: int
    fines_imposed: Decimal
    fines_collected: Decimal
    lines: list[CampaignLine] = field(default_factory=list)

    @property
    def put_right_rate(self) -> float | None:
        return self.put_right / self.found if self.found else None


def campaigns_read_by(actor, bureau: Organisation | None) -> QuerySet[Campaign]:
    """The campaigns whose figures `actor` reads: the bureau asked (already checked by the caller,
    `stats.selectors._bureau_asked`); none asked, every bureau's for a superuser or the system, the
    bureaus of their city for a city leader, their own bureau's otherwise."""
    if bureau is not None:
        return Campaign.objects.filter(bureau=bureau)
    if org_selectors.sees_everything(actor):
        return Campaign.objects.all()
    overseen = org_selectors.overseen_bureaus(actor)
    if overseen is not None:
        return Campaign.objects.filter(bureau__in=overseen)
    own = org_selectors.bureau_of(actor)
    return Campaign.objects.filter(bureau=own) if own is not None else Campaign.objects.none()


def campaign_figures(campaigns: QuerySet[Campaign], first: dt.date, last: dt.date) -> CampaignFigures:
    """The figures of `campaigns` for the inclusive dates `[first, last]` (module docstring)."""
    held = campaign_selectors.campaigns_held(campaigns, first, last)
    total = campaign_selectors.results_of(held)
    ops = dict(
        Operation.objects.filter(campaign__in=held)
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values_list("campaign_id", "n")
    )
    lines = [
        CampaignLine(
            campaign=c,
            operations=ops.get(c.pk, 0),
            results=campaign_selectors.results_of(Campaign.objects.filter(pk=c.pk)),
        )
        for c in held.select_related("kind", "lead_unit").order_by("starts_on", "pk")
    ]
    return CampaignFigures(
        first=first,
        last=last,
        held=len(lines),
        closed=campaign_selectors.campaigns_closed(campaigns, first, last).count(),
        operations=sum(ops.values()),
        found=total.found,
        put_right=total.put_right,
        penalties=total.penalties,
        fines_imposed=total.fines_imposed,
        fines_collected=total.fines_collected,
        lines=lines,
    )


def for_actor(actor, *, first: dt.date, last: dt.date, bureau: int | None = None) -> CampaignFigures:
    """The figures as the evaluation's readers read them (stats.read_indicators), for the bureau
    asked or the actor's own (the same choice as the evaluation's)."""
    from chengguan.stats.permissions import reads_indicators
    from chengguan.stats.selectors import _bureau_asked

    reads_indicators.refuse(actor)
    chosen = _bureau_asked(actor, bureau)
    return campaign_figures(campaigns_read_by(actor, chosen), first, last)
