"""The duty pages: the unit's roster week by week with who is on duty now, one's own shifts with
clocking in and out, swaps and leave. Views gather input, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengguan.core import clock
from chengguan.core.errors import DomainError
from chengguan.duty import selectors, services
from chengguan.duty.forms import AssignForm, ChangeForm, MonthForm, TemplateForm
from chengguan.duty.models import Assignment, RosterChange, ShiftTemplate
from chengguan.duty.permissions import can_plan_rosters
from chengguan.duty.states import CHANGE_MACHINE
from chengguan.org import selectors as org_selectors
from chengguan.org.access import staff_required
from chengguan.org.models import StaffProfile


def _unit(request):
    units = selectors.duty_units(request.user)
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted:
        unit = units.filter(pk=wanted).first()
        if unit is None:
            raise Http404
        return unit
    profile = org_selectors.profile_of(request.user)
    own = profile and units.filter(pk=profile.organisation_id).first()
    return own or units.first()


def _week_start(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = clock.today()
    return day - dt.timedelta(days=day.weekday())


def _people(unit) -> list[StaffProfile]:
    """Staff of the unit's bureau who may be rostered (never the system account)."""
    return list(
        StaffProfile.objects.filter(organisation__bureau_id=unit.bureau_id, user__is_active=True)
        .exclude(roles__code="system")
        .select_related("organisation")
        .order_by("organisation__path", "full_name")
    )


def _back(unit, week: str = "") -> str:
    url = reverse("duty:roster") + f"?unit={unit.pk}"
    return url + (f"&week={week}" if week else "")


@staff_required
def roster_page(request):
    unit = _unit(request)
    if unit is None:
        raise Http404
    start = _week_start(request)
    may_plan = can_plan_rosters(request.user, unit)
    people = _people(unit) if may_plan else []
    context = {
        "unit": unit,
        "units": selectors.duty_units(request.user),
        "start": start,
        "previous": start - dt.timedelta(days=7),
        "next": start + dt.timedelta(days=7),
        "days": selectors.week(request.user, unit, start),
        "on_duty": selectors.on_duty_now(request.user, unit=unit),
        "may_plan": may_plan,
        "templates": ShiftTemplate.objects.filter(unit=unit).order_by("day_kind", "starts"),
        "template_form": TemplateForm(),
        "month_form": MonthForm(initial={"month": start.strftime("%Y-%m")}),
        "assign_form": AssignForm(people=people),
        "changes": selectors.changes_to_decide(request.user),
    }
    return render(request, "duty/roster.html", context)


@staff_required
@require_POST
def roster_generate(request):
    unit = _unit(request)
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择月份"))
        return redirect(_back(unit))
    month = form.cleaned_data["month"]
    try:
        roster = services.roster_generate(actor=request.user, unit=unit, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已生成 %(month)s 的值班表，共 %(n)s 个班次。")
            % {"month": month.strftime("%Y-%m"), "n": roster.shifts.count()},
        )
    return redirect(_back(unit, month.isoformat()))


@staff_required
@require_POST
def template_add(request):
    unit = _unit(request)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()))
        return redirect(_back(unit))
    try:
        services.template_add(actor=request.user, unit=unit, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已添加班次模板"))
    return redirect(_back(unit))


@staff_required
@require_POST
def shift_assign(request):
    shift = get_object_or_404(selectors.shifts_visible_to(request.user), pk=request.POST.get("shift") or 0)
    form = AssignForm(request.POST, people=_people(shift.unit))
    week = (shift.date - dt.timedelta(days=shift.date.weekday())).isoformat()
    if not form.is_valid():
        messages.error(request, _("请选择人员和岗位"))
        return redirect(_back(shift.unit, week))
    staff = get_object_or_404(StaffProfile, user_id=form.cleaned_data["staff"]).user
    try:
        services.shift_assign(actor=request.user, shift=shift, staff=staff, post=form.cleaned_data["post"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已排班"))
    return redirect(_back(shift.unit, week))


@staff_required
def my_duty(request):
    mine = list(selectors.my_assignments(request.user)[:30])
    people = _people(mine[0].shift.unit) if mine else []
    return render(
        request,
        "duty/mine.html",
        {
            "mine": mine,
            "change_form": ChangeForm(people=people),
            "now": clock.now(),
            "on_duty": selectors.is_on_duty(request.user, clock.now()),
        },
    )


@staff_required
@require_POST
def clock_page(request, pk: int, direction: str):
    assignment = get_object_or_404(Assignment.objects.filter(staff=request.user), pk=pk)
    try:
        if direction == "in":
            services.clock_in(actor=request.user, assignment=assignment)
            messages.success(request, _("已签到"))
        else:
            services.clock_out(actor=request.user, assignment=assignment)
            messages.success(request, _("已签退"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("duty:mine")


@staff_required
@require_POST
def change_request(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related("shift__unit"), pk=pk)
    form = ChangeForm(request.POST, people=_people(assignment.shift.unit))
    if not form.is_valid():
        messages.error(request, _("请填写事由"))
        return redirect("duty:mine")
    d = form.cleaned_data
    replacement = StaffProfile.objects.filter(user_id=d["replacement"]).first() if d["replacement"] else None
    try:
        services.change_request(
            actor=request.user,
            assignment=assignment,
            kind=d["kind"],
            reason=d["reason"],
            replacement=replacement.user if replacement else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交，等待本单位领导审批"))
    return redirect("duty:mine")


@staff_required
@require_POST
def change_action(request, pk: int, action: str):
    change = get_object_or_404(RosterChange.objects.select_related("unit"), pk=pk)
    try:
        services.change_transition(
            actor=request.user, change=change, action=action, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, CHANGE_MACHINE.label(action))
    return redirect(_back(change.unit) if action != "withdraw" else reverse("duty:mine"))
