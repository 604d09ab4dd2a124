"""Reads of the campaigns app, scoped by the actor, and the campaign's result figures counted from
the linked cases and penalty cases themselves (no stored copy that could drift)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from chengguan.campaigns.models import (
    Campaign,
    CampaignCase,
    CampaignPenalty,
    CampaignState,
    GoalMetric,
    Operation,
    Participant,
    Task,
    TaskKind,
    TaskReport,
)
from chengguan.campaigns.permissions import can_view_campaigns
from chengguan.cases.models import Case, CaseState
from chengguan.core import clock
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import is_partner_contact

ZERO = Decimal("0")


def campaigns_visible_to(actor) -> QuerySet[Campaign]:
    """The campaigns of the actor's bureau (every bureau for the installation's own accounts)."""
    if org_selectors.sees_everything(actor):
        return Campaign.objects.select_related("kind", "lead_unit")
    bureau = org_selectors.bureau_of(actor)
    if bureau is None or not can_view_campaigns(actor, Campaign(bureau=bureau)):
        return Campaign.objects.none()
    return Campaign.objects.filter(bureau=bureau).select_related("kind", "lead_unit")


def tasks_visible_to(actor) -> QuerySet[Task]:
    """Bureau staff see the tasks of their bureau's campaigns; a partner department's contact sees
    only the tasks given to their own department (a limited partner login)."""
    qs = Task.objects.select_related("campaign", "assignee", "parent")
    if is_partner_contact(actor) and not org_selectors.sees_everything(actor):
        profile = org_selectors.profile_of(actor)
        if profile is None:
            return qs.none()
        return qs.filter(kind=TaskKind.TASK, assignee_id=profile.organisation_id).exclude(
            campaign__state=CampaignState.PLANNED
        )
    return qs.filter(campaign__in=campaigns_visible_to(actor))


def my_tasks(actor) -> QuerySet[Task]:
    """The open tasks given to the actor's unit (or their partner department), soonest due first."""
    profile = org_selectors.profile_of(actor)
    if profile is None:
        return Task.objects.none()
    unit = profile.organisation
    qs = tasks_visible_to(actor).filter(kind=TaskKind.TASK, completed_at__isnull=True)
    if is_partner_contact(actor):
        return qs.order_by("due_on", "pk")
    units = [unit.pk] + [o.pk for o in unit.children.all()] if unit else []
    return qs.filter(assignee_id__in=units).order_by("due_on", "pk")


def overdue_tasks(actor) -> QuerySet[Task]:
    """The actor's tasks past their deadline while the campaign runs: the badge of the inbox entry."""
    return my_tasks(actor).filter(campaign__state=CampaignState.UNDER_WAY, due_on__lt=clock.today())


def operations_visible_to(actor) -> QuerySet[Operation]:
    return Operation.objects.filter(campaign__in=campaigns_visible_to(actor)).select_related("campaign")


def phases(campaign: Campaign) -> list[tuple[Task, list[Task]]]:
    """The tree: each phase with its tasks, in order."""
    nodes = list(campaign.tasks.select_related("assignee").annotate(reported=Sum("reports__figure")))
    tree = [(p, [t for t in nodes if t.parent_id == p.pk]) for p in nodes if p.kind == TaskKind.PHASE]
    return tree


def matching_cases(campaign: Campaign) -> QuerySet[Case]:
    """The closed-loop cases of the campaign's categories, reported in its area during its period."""
    start, end = clock.period_bounds(campaign.starts_on, campaign.ends_on)
    qs = Case.objects.filter(bureau=campaign.bureau, reported_at__gte=start, reported_at__lt=end).exclude(
        state__in=(CaseState.MERGED, CaseState.CANCELLED)
    )
    categories = list(campaign.categories.values_list("pk", flat=True))
    if categories:
        qs = qs.filter(category_id__in=categories)
    if not campaign.whole_district:
        grids = list(campaign.grids.values_list("pk", flat=True))
        streets = list(campaign.streets.values_list("pk", flat=True))
        qs = qs.filter(Q(grid_id__in=grids) | Q(subdistrict_id__in=streets))
    return qs


# -- result figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """Problems found, put right (case closed), penalty cases opened, fines imposed and collected."""

    found: int = 0
    put_right: int = 0
    penalties: int = 0
    fines_imposed: Decimal = ZERO
    fines_collected: Decimal = ZERO

    @property
    def put_right_rate(self) -> Decimal | None:
        if not self.found:
            return None
        return (Decimal(self.put_right) * 100 / self.found).quantize(Decimal("0.1"))


@dataclass
class CampaignFigures:
    total: Figures
    by_unit: list[tuple[str, Figures]] = field(default_factory=list)
    by_grid: list[tuple[str, Figures]] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)


_DECIDED = Q(penalty__decision_on__isnull=False)
_PAID = Q(penalty__paid_on__isnull=False) | Q(penalty__collected_on_spot=True)


def _case_counts(links: QuerySet[CampaignCase], key: str) -> dict:
    rows = links.values(key).annotate(
        found=Count("id"), put_right=Count("id", filter=Q(case__state=CaseState.CLOSED))
    )
    return {r[key]: r for r in rows}


def _penalty_counts(links: QuerySet[CampaignPenalty], key: str) -> dict:
    rows = links.values(key).annotate(
        penalties=Count("id"),
        imposed=Sum("penalty__fine_amount", filter=_DECIDED),
        collected=Sum("penalty__fine_amount", filter=_DECIDED & _PAID),
    )
    return {r[key]: r for r in rows}


def _merge(cases: dict, penalties: dict, names: dict) -> list[tuple[str, Figures]]:
    out = []
    for key in sorted(set(cases) | set(penalties), key=lambda k: (k is None, names.get(k, ""))):
        c, p = cases.get(key, {}), penalties.get(key, {})
        out.append(
            (
                names.get(key, "—"),
                Figures(
                    found=c.get("found", 0),
                    put_right=c.get("put_right", 0),
                    penalties=p.get("penalties", 0),
                    fines_imposed=p.get("imposed") or ZERO,
                    fines_collected=p.get("collected") or ZERO,
                ),
            )
        )
    return out


def results_of(campaigns: QuerySet[Campaign]) -> Figures:
    """The results of a set of campaigns, counted now from the cases and penalty cases linked to
    them: a case put right is one closed (结案); a fine imposed is one decided; collected, one paid
    (or on the spot). A case or penalty case linked to two of the campaigns counts once. The one
    definition: a campaign's own page (`campaign_figures`) and the bureau's figures (stats) both
    read it."""
    from chengguan.enforcement.models import PenaltyCase

    case_ids = CampaignCase.objects.filter(campaign__in=campaigns).values("case_id")
    penalty_ids = CampaignPenalty.objects.filter(campaign__in=campaigns).values("penalty_id")
    c_total = Case.objects.filter(pk__in=case_ids).aggregate(
        found=Count("id"), put_right=Count("id", filter=Q(state=CaseState.CLOSED))
    )
    decided = Q(decision_on__isnull=False)
    paid = Q(paid_on__isnull=False) | Q(collected_on_spot=True)
    p_total = PenaltyCase.objects.filter(pk__in=penalty_ids).aggregate(
        penalties=Count("id"),
        imposed=Sum("fine_amount", filter=decided),
        collected=Sum("fine_amount", filter=decided & paid),
    )
    return Figures(
        found=c_total["found"],
        put_right=c_total["put_right"],
        penalties=p_total["penalties"],
        fines_imposed=p_total["imposed"] or ZERO,
        fines_collected=p_total["collected"] or ZERO,
    )


def campaigns_held(campaigns: QuerySet[Campaign], first, last) -> QuerySet[Campaign]:
    """The campaigns held in the inclusive dates `[first, last]`: started (not merely planned, nor
    cancelled), with their own period overlapping it."""
    return campaigns.filter(started_at__isnull=False, starts_on__lte=last, ends_on__gte=first).exclude(
        state=CampaignState.CANCELLED
    )


def campaigns_closed(campaigns: QuerySet[Campaign], first, last) -> QuerySet[Campaign]:
    """The campaigns closed (总结后结束) on a day of `[first, last]`, Beijing time."""
    start, end = clock.period_bounds(first, last)
    return campaigns.filter(state=CampaignState.CLOSED, closed_at__gte=start, closed_at__lt=end)


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """The results, counted now from the cases and penalty cases linked to the campaign
    (`results_of`), in total, by unit and by grid, and against the campaign's goals."""
    from chengguan.grids.models import Grid
    from chengguan.org.models import Organisation

    cases = CampaignCase.objects.filter(campaign=campaign)
    penalties = CampaignPenalty.objects.filter(campaign=campaign)
    total = results_of(Campaign.objects.filter(pk=campaign.pk))
    by_unit_c, by_unit_p = _case_counts(cases, "unit_id"), _penalty_counts(penalties, "unit_id")
    unit_names = dict(
        Organisation.objects.filter(pk__in=set(by_unit_c) | set(by_unit_p)).values_list("pk", "name")
    )
    by_grid_c = _case_counts(cases, "case__grid_id")
    by_grid_p = _penalty_counts(penalties, "penalty__origin_case__grid_id")
    grid_names = dict(Grid.objects.filter(pk__in=set(by_grid_c) | set(by_grid_p)).values_list("pk", "code"))
    figures = CampaignFigures(
        total=total,
        by_unit=_merge(by_unit_c, by_unit_p, unit_names),
        by_grid=_merge(by_grid_c, by_grid_p, grid_names),
    )
    reported = dict(
        TaskReport.objects.filter(task__campaign=campaign, task__goal__isnull=False)
        .values_list("task__goal_id")
        .annotate(s=Sum("figure"))
    )
    achieved = {
        GoalMetric.FOUND: Decimal(total.found),
        GoalMetric.PUT_RIGHT: Decimal(total.put_right),
        GoalMetric.PENALTIES: Decimal(total.penalties),
        GoalMetric.FINES: total.fines_imposed,
    }
    for goal in campaign.goals.all():
        value = reported.get(goal.pk) or ZERO if goal.metric == GoalMetric.REPORTED else achieved[goal.metric]
        figures.goals.append(
            {
                "goal": goal,
                "achieved": value,
                "percent": min(Decimal(100), (value * 100 / goal.target).quantize(Decimal("0.1"))),
            }
        )
    return figures


def task_reported(task: Task) -> Decimal:
    return task.reports.aggregate(s=Sum("figure"))["s"] or ZERO


def published_summaries() -> QuerySet[Campaign]:
    return Campaign.objects.filter(state=CampaignState.CLOSED, summary_published_at__isnull=False).order_by(
        "-summary_published_at"
    )


def public_summary_text(campaign: Campaign) -> str:
    """The summary as the public reads it: phone and ID numbers masked (core.masking), and the names
    of the partner contacts, which the text may quote, masked too (个人信息保护法)."""
    from chengguan.core.masking import mask_name, mask_personal_numbers

    text = mask_personal_numbers(campaign.summary)
    for name in campaign.partners.values_list("contact_name", flat=True):
        if name:
            text = text.replace(name, mask_name(name))
    for name in Participant.objects.filter(operation__campaign=campaign).values_list("name", flat=True):
        if name:
            text = text.replace(name, mask_name(name))
    return text
