"""The campaign pages: the list, a campaign with its figures, task tree and operations, tasks and
their progress reports (also for a partner department's contact), joint operations with the cases
they filed and the support they asked for, and the reports. Views gather input, call a service or
selector, render."""

from __future__ import annotations

import re
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengguan.campaigns import reports, selectors, services
from chengguan.campaigns.forms import (
    GOAL_ROWS,
    PARTICIPANT_ROWS,
    PARTNER_ROWS,
    CampaignEditForm,
    CampaignForm,
    OperationForm,
    PenaltyForm,
    ProblemForm,
    ReportForm,
    SupportForm,
    TaskForm,
)
from chengguan.campaigns.models import Campaign, CampaignKind, Operation, TaskKind
from chengguan.campaigns.permissions import (
    NOT_OFFICERS,
    can_edit_campaign,
    can_lead_campaign,
    can_plan_campaign,
    can_record_operation,
    can_report_task,
)
from chengguan.campaigns.states import CAMPAIGN_MACHINE
from chengguan.core import clock
from chengguan.core.forms import flash, form_page, submit_on_page
from chengguan.core.workflow.forms import action_form, take_action
from chengguan.org import selectors as org_selectors
from chengguan.org.access import is_staff_user, staff_required
from chengguan.org.models import Organisation, OrgKind, StaffProfile
from chengguan.org.permissions import is_partner_contact


def staff_or_partner_required(view):
    """The task pages: bureau staff, and a partner department's contact (their own tasks only)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not (is_staff_user(request.user) or is_partner_contact(request.user)):
            raise DjangoPermissionDenied("staff or partner contact only")
        return view(request, *args, **kwargs)

    return wrapper


def _bureau_units(bureau):
    return Organisation.objects.filter(bureau=bureau, is_active=True).exclude(kind=OrgKind.PARTNER)


def _partners(bureau):
    return Organisation.objects.filter(bureau=bureau, kind=OrgKind.PARTNER, is_active=True)


def _campaign(request, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)


@staff_required
def campaign_list(request):
    rows = list(selectors.campaigns_visible_to(request.user).order_by("-starts_on")[:200])
    bureau = org_selectors.bureau_of(request.user)
    return render(
        request,
        "campaigns/list.html",
        {
            "rows": rows,
            "may_plan": bureau is not None and can_plan_campaign(request.user, Campaign(bureau=bureau)),
            "kinds": CampaignKind.objects.filter(bureau=bureau, is_active=True) if bureau else [],
        },
    )


@staff_required
@require_POST
def kind_add(request):
    bureau = org_selectors.bureau_of(request.user)
    if bureau is None:
        raise DjangoPermissionDenied
    flash(
        request,
        lambda: services.campaign_kind_add(
            actor=request.user, bureau=bureau, name=request.POST.get("name", "")
        ),
        lambda kind: _("已加入行动类别：%(name)s") % {"name": kind.name},
    )
    return redirect("campaigns:campaigns")


@staff_required
def campaign_new(request):
    from chengguan.taxonomy.models import Category

    bureau = org_selectors.bureau_of(request.user)
    if bureau is None or not can_plan_campaign(request.user, Campaign(bureau=bureau)):
        raise DjangoPermissionDenied
    units = _bureau_units(bureau)
    streets = units.filter(kind=OrgKind.SUBDISTRICT)
    categories = Category.objects.filter(is_active=True).order_by("code")
    form = CampaignForm(
        request.POST or None,
        request.FILES or None,
        kinds=CampaignKind.objects.filter(bureau=bureau, is_active=True),
        units=units,
        streets=streets,
        categories=categories,
        partners=_partners(bureau),
    )

    def create(d: dict) -> Campaign:
        from chengguan.grids.models import Grid

        codes = [c for c in re.split(r"[\s,，]+", d["grids"]) if c]
        goals = [
            {"name": d[f"goal_{i}_name"], "metric": d[f"goal_{i}_metric"], "target": d[f"goal_{i}_target"]}
            for i in range(GOAL_ROWS)
            if d[f"goal_{i}_name"]
        ]
        partners = [
            {
                "organisation": _partners(bureau).get(pk=d[f"partner_{i}"]),
                "contact_name": d[f"partner_{i}_contact"],
                "contact_phone": d[f"partner_{i}_phone"],
            }
            for i in range(PARTNER_ROWS)
            if d[f"partner_{i}"]
        ]
        return services.campaign_create(
            actor=request.user,
            bureau=bureau,
            name=d["name"],
            kind=CampaignKind.objects.get(pk=d["kind"]),
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            lead_unit=units.get(pk=d["lead_unit"]),
            units=list(units.filter(pk__in=d["units"])),
            whole_district=d["whole_district"],
            streets=list(streets.filter(pk__in=d["streets"])),
            grids=list(Grid.objects.filter(code__in=codes, subdistrict__bureau=bureau)),
            categories=list(categories.filter(pk__in=d["categories"])),
            goals=goals,
            partners=partners,
            plan_document=d["plan_document"],
            description=d["description"],
        )

    return form_page(
        request,
        form,
        create,
        template="campaigns/form.html",
        context={"goal_rows": range(GOAL_ROWS)},
        success=_("专项行动已制定"),
        done=lambda campaign: redirect("campaigns:detail", pk=campaign.pk),
    )


def _grids_by_code(text: str, bureau) -> list:
    from chengguan.grids.models import Grid

    codes = [c for c in re.split(r"[\s,，]+", text) if c]
    return list(Grid.objects.filter(code__in=codes, subdistrict__bureau=bureau))


@staff_required
def campaign_edit(request, pk: int):
    """The plan after creation: area, categories, units, goals and partners (campaigns.edit)."""
    from chengguan.taxonomy.models import Category

    campaign = _campaign(request, pk)
    if not can_edit_campaign(request.user, campaign) or campaign.state in services.ENDED:
        raise DjangoPermissionDenied
    bureau = campaign.bureau
    units = _bureau_units(bureau)
    streets = units.filter(kind=OrgKind.SUBDISTRICT)
    categories = Category.objects.filter(is_active=True).order_by("code")
    form = CampaignEditForm(
        request.POST or None,
        campaign=campaign,
        units=units,
        streets=streets,
        categories=categories,
        partners=_partners(bureau),
    )

    def update(d: dict) -> Campaign:
        partners = {o.pk: o for o in _partners(bureau)}
        return services.campaign_update(
            actor=request.user,
            campaign=campaign,
            units=list(units.filter(pk__in=d["units"])),
            whole_district=d["whole_district"],
            streets=list(streets.filter(pk__in=d["streets"])),
            grids=_grids_by_code(d["grids"], bureau),
            categories=list(categories.filter(pk__in=d["categories"])),
            goals=form.goals(),
            partners=[
                {"organisation": partners.get(org), "contact_name": name, "contact_phone": phone}
                for org, name, phone in form.partner_ids()
            ],
        )

    return form_page(
        request,
        form,
        update,
        template="campaigns/edit.html",
        context={"c": campaign},
        success=_("专项行动已修改"),
        done=lambda c: redirect("campaigns:detail", pk=c.pk),
    )


@staff_required
def campaign_detail(request, pk: int, forms_with_errors: dict | None = None):
    campaign = _campaign(request, pk)
    actions = CAMPAIGN_MACHINE.available_actions(campaign, request.user)
    action_forms = [
        (
            a,
            CAMPAIGN_MACHINE.label(a),
            (forms_with_errors or {}).get(a) or action_form(CAMPAIGN_MACHINE, a, prefix=a),
        )
        for a in actions
    ]
    may_edit = can_edit_campaign(request.user, campaign) and campaign.state not in services.ENDED
    task_form = (forms_with_errors or {}).get("task") or _task_form(campaign)
    return render(
        request,
        "campaigns/detail.html",
        {
            "c": campaign,
            "figures": selectors.campaign_figures(campaign),
            "tree": selectors.phases(campaign),
            "operations": campaign.operations.all(),
            "partners": campaign.partners.select_related("organisation"),
            "action_forms": action_forms,
            "may_edit": may_edit,
            "may_record": can_record_operation(request.user, campaign)
            and campaign.state not in services.ENDED,
            "may_publish": can_lead_campaign(request.user, campaign)
            and campaign.state == "closed"
            and not campaign.summary_published_at,
            "task_form": task_form if may_edit else None,
            "today": clock.today(),
        },
    )


def _task_form(campaign, data=None):
    assignees = [campaign.lead_unit, *campaign.units.all()] + [
        p.organisation for p in campaign.partners.all()
    ]
    return TaskForm(
        data,
        prefix="task",
        phases=campaign.tasks.filter(kind=TaskKind.PHASE),
        assignees=list(dict.fromkeys(assignees)),
        goals=campaign.goals.all(),
    )


@staff_required
@require_POST
def campaign_action(request, pk: int, action: str):
    campaign = _campaign(request, pk)
    return take_action(
        request,
        CAMPAIGN_MACHINE,
        action,
        lambda values: services.campaign_transition(
            actor=request.user, campaign=campaign, action=action, **values
        ),
        done=lambda result: redirect("campaigns:detail", pk=campaign.pk),
        again=lambda form: campaign_detail(request, pk, forms_with_errors={action: form}),
    )


@staff_required
@require_POST
def task_new(request, pk: int):
    campaign = _campaign(request, pk)
    form = _task_form(campaign, request.POST)
    return submit_on_page(
        request,
        form,
        lambda d: services.task_add(
            actor=request.user,
            campaign=campaign,
            kind=d["kind"],
            title=d["title"],
            parent=campaign.tasks.filter(pk=d["parent"]).first() if d["parent"] else None,
            assignee=Organisation.objects.filter(pk=d["assignee"]).first() if d["assignee"] else None,
            goal=campaign.goals.filter(pk=d["goal"]).first() if d["goal"] else None,
            target=d["target"],
            due_on=d["due_on"],
            working_days=d["working_days"],
            description=d["description"],
        ),
        success=_("任务已安排"),
        done=lambda result: redirect("campaigns:detail", pk=campaign.pk),
        again=lambda form: campaign_detail(request, pk, forms_with_errors={"task": form}),
    )


@staff_required
@require_POST
def attach_cases(request, pk: int):
    campaign = _campaign(request, pk)
    flash(
        request,
        lambda: services.campaign_attach_cases(actor=request.user, campaign=campaign),
        lambda n: _("已关联 %(n)d 件案件") % {"n": n},
    )
    return redirect("campaigns:detail", pk=campaign.pk)


@staff_required
@require_POST
def publish_summary(request, pk: int):
    campaign = _campaign(request, pk)
    flash(
        request,
        lambda: services.summary_publish(actor=request.user, campaign=campaign),
        _("总结已在门户网站发布"),
    )
    return redirect("campaigns:detail", pk=campaign.pk)


@staff_or_partner_required
def my_tasks(request):
    rows = list(selectors.my_tasks(request.user)[:200])
    return render(request, "campaigns/my_tasks.html", {"rows": rows, "today": clock.today()})


def _task(request, pk: int):
    return get_object_or_404(selectors.tasks_visible_to(request.user), pk=pk)


@staff_or_partner_required
def task_detail(request, pk: int, form=None):
    task = _task(request, pk)
    may_report = (
        task.kind == TaskKind.TASK
        and task.completed_at is None
        and task.campaign.state == "under_way"
        and can_report_task(request.user, task)
    )
    return render(
        request,
        "campaigns/task.html",
        {
            "t": task,
            "reports": task.reports.select_related("reported_by__profile").prefetch_related("photos"),
            "reported": selectors.task_reported(task),
            "form": (form or ReportForm()) if may_report else None,
            "overdue": task.completed_at is None and task.due_on and task.due_on < clock.today(),
        },
    )


@staff_or_partner_required
@require_POST
def task_report_add(request, pk: int):
    task = _task(request, pk)
    form = ReportForm(request.POST, request.FILES)
    return submit_on_page(
        request,
        form,
        lambda d: services.task_report(
            actor=request.user,
            task=task,
            text=d["text"],
            figure=d["figure"],
            photos=d["photos"],
            completes=d["completes"],
        ),
        success=_("进度已填报"),
        done=lambda result: redirect("campaigns:task", pk=task.pk),
        again=lambda form: task_detail(request, pk, form=form),
    )


def _people(bureau) -> list[StaffProfile]:
    return list(
        StaffProfile.objects.filter(organisation__bureau_id=bureau.pk, user__is_active=True)
        .exclude(roles__code__in=NOT_OFFICERS)
        .exclude(organisation__kind=OrgKind.PARTNER)
        .order_by("organisation__path", "full_name")
        .distinct()
    )


@staff_required
def operation_new(request, pk: int):
    campaign = _campaign(request, pk)
    if not can_record_operation(request.user, campaign):
        raise DjangoPermissionDenied
    units = Organisation.objects.filter(bureau=campaign.bureau, is_active=True)
    people = _people(campaign.bureau)
    form = OperationForm(
        request.POST or None, units=units, officers=people, partners=_partners(campaign.bureau)
    )

    def record(d: dict) -> Operation:
        from django.contrib.auth import get_user_model

        participants = [
            {
                "name": d[f"participant_{i}_name"],
                "department": _partners(campaign.bureau).filter(pk=d[f"participant_{i}_department"]).first(),
                "cert_no": d[f"participant_{i}_cert"],
            }
            for i in range(PARTICIPANT_ROWS)
            if d[f"participant_{i}_name"]
        ]
        return services.operation_record(
            actor=request.user,
            campaign=campaign,
            kind=d["kind"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            lon=d["lon"],
            lat=d["lat"],
            units=list(units.filter(pk__in=d["units"])),
            officers=list(get_user_model().objects.filter(pk__in=d["officers"])),
            participants=participants,
            findings=d["findings"],
            urgent=d["urgent"],
            urgent_reason=d["urgent_reason"],
        )

    return form_page(
        request,
        form,
        record,
        template="campaigns/operation_form.html",
        context={"c": campaign},
        success=_("联合行动已登记"),
        done=lambda op: redirect("campaigns:operation", pk=op.pk),
    )


def _operation(request, pk: int) -> Operation:
    return get_object_or_404(selectors.operations_visible_to(request.user), pk=pk)


def _problem_form(request, op, data=None):
    from chengguan.cases.models import CaseSource
    from chengguan.cases.permissions import staff_sources
    from chengguan.taxonomy.models import Category

    cats = op.campaign.categories.all() or Category.objects.filter(is_active=True).order_by("code")
    sources = [(s, CaseSource(s).label) for s in staff_sources(request.user)]
    return ProblemForm(data, prefix="problem", sources=sources, categories=cats)


def _support_form(op, data=None, files=None):
    from chengguan.enforcement.models import PenaltyCase

    return SupportForm(
        data,
        files,
        prefix="support",
        partners=_partners(op.campaign.bureau).filter(partner_type__in=["police", "traffic_police", "court"]),
        penalties=PenaltyCase.objects.filter(bureau=op.campaign.bureau).order_by("-pk")[:100],
    )


def _penalty_form(op, data=None):
    return PenaltyForm(data, prefix="penalty", officers=_people(op.campaign.bureau))


@staff_required
def operation_detail(request, pk: int, problem_form=None, support_form=None, penalty_form=None):
    op = _operation(request, pk)
    may = can_record_operation(request.user, op.campaign) and op.campaign.state not in services.ENDED
    return render(
        request,
        "campaigns/operation.html",
        {
            "op": op,
            "c": op.campaign,
            "participants": op.participants.select_related("department"),
            "case_links": op.case_links.select_related("case", "case__category", "unit"),
            "penalty_links": op.penalty_links.select_related("penalty"),
            "supports": op.support_requests.select_related("addressed_to").prefetch_related("penalties"),
            "problem_form": (problem_form or _problem_form(request, op)) if may else None,
            "support_form": (support_form or _support_form(op)) if may else None,
            "penalty_form": (penalty_form or _penalty_form(op)) if may else None,
        },
    )


@staff_required
@require_POST
def operation_problem(request, pk: int):
    from chengguan.taxonomy.models import Category

    op = _operation(request, pk)
    form = _problem_form(request, op, request.POST)
    return submit_on_page(
        request,
        form,
        lambda d: services.operation_file_problem(
            actor=request.user,
            operation=op,
            source=d["source"],
            category=Category.objects.get(pk=d["category"]),
            description=d["description"],
            address=d["address"],
            lon=d["lon"] if d["lon"] is not None else op.lon,
            lat=d["lat"] if d["lat"] is not None else op.lat,
        ),
        success=_("问题已立为案件"),
        done=lambda result: redirect("campaigns:operation", pk=op.pk),
        again=lambda form: operation_detail(request, pk, problem_form=form),
    )


@staff_required
@require_POST
def operation_support(request, pk: int):
    from chengguan.enforcement.models import PenaltyCase

    op = _operation(request, pk)
    form = _support_form(op, request.POST, request.FILES)
    return submit_on_page(
        request,
        form,
        lambda d: services.support_request_record(
            actor=request.user,
            operation=op,
            kind=d["kind"],
            addressed_to=_partners(op.campaign.bureau).get(pk=d["addressed_to"]),
            document=d["document"],
            who_came=d["who_came"],
            outcome=d["outcome"],
            penalties=list(PenaltyCase.objects.filter(bureau=op.campaign.bureau, pk__in=d["penalties"])),
        ),
        success=_("执法保障已登记"),
        done=lambda result: redirect("campaigns:operation", pk=op.pk),
        again=lambda form: operation_detail(request, pk, support_form=form),
    )


def _report_day(request):
    """`?on=YYYY-MM-DD` (a past day's report), else today."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(request.GET.get("on", "")) if request.GET.get("on") else clock.today()
    except ValueError:
        raise Http404 from None


@staff_required
def progress_report(request, pk: int, fmt: str, period: str = "week"):
    """The weekly (or daily) progress report as PDF or Excel, on the same template."""
    campaign = _campaign(request, pk)
    today = _report_day(request)
    if fmt == "xlsx":
        data = reports.progress_xlsx(campaign, today=today, period=period)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        data = reports.progress_pdf(campaign, today=today, period=period)
        content_type = "application/pdf"
    else:
        raise Http404
    name = "weekly" if period == "week" else f"daily-{today:%Y%m%d}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-{name}.{fmt}"'
    return response


def weekly_report(request, pk: int, fmt: str):
    return progress_report(request, pk, fmt, period="week")


def daily_report(request, pk: int, fmt: str):
    return progress_report(request, pk, fmt, period="day")


@staff_required
def summary_pdf(request, pk: int):
    campaign = _campaign(request, pk)
    response = HttpResponse(reports.summary_pdf(campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="campaign-{campaign.pk}-summary.pdf"'
    return response


@staff_required
@require_POST
def operation_penalty(request, pk: int):
    from django.contrib.auth import get_user_model

    op = _operation(request, pk)
    form = _penalty_form(op, request.POST)
    return submit_on_page(
        request,
        form,
        lambda d: services.operation_open_penalty(
            actor=request.user,
            operation=op,
            facts=d["facts"],
            parties=[{"kind": "person", "name": d["party_name"], "id_number": d["party_id_number"]}],
            officers=list(get_user_model().objects.filter(pk__in=d["officers"])),
        ),
        success=_("已提请立案审批"),
        done=lambda result: redirect("campaigns:operation", pk=op.pk),
        again=lambda form: operation_detail(request, pk, penalty_form=form),
    )
