"""The duty pages: the unit's roster week by week with who is on duty now, one's own shifts with
clocking in and out, swaps and leave. Views gather input, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.core.forms import flash, form_page
from chengguan.core.workflow.forms import action_form, submitted, take_action
from chengguan.duty import selectors, services
from chengguan.duty.forms import AssignForm, ChangeForm, FindingForm, MonthForm, TemplateForm
from chengguan.duty.models import Assignment, FindingState, RosterChange, ShiftTemplate
from chengguan.duty.permissions import can_inspect_force, can_plan_rosters
from chengguan.duty.states import CHANGE_MACHINE, FINDING_MACHINE
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


def _all_errors(form) -> str:
    """An invalid form's messages, for a page that answers with a redirect."""
    return "；".join(e for errors in form.errors.values() for e in errors)


def _user(pk: int | None):
    """The staff member chosen in a form's optional person field (None when none or not staff)."""
    profile = StaffProfile.objects.filter(user_id=pk).select_related("user").first() if pk else None
    return profile.user if profile else None


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
        "month_form": MonthForm(initial={"month": (start + dt.timedelta(days=3)).strftime("%Y-%m")}),
        "assign_form": AssignForm(people=people),
        "changes": selectors.changes_to_decide(request.user),
    }
    return render(request, "duty/roster.html", context)


@staff_required
@require_POST
def roster_generate(request):
    unit = _unit(request)
    form = MonthForm(request.POST)
    flash(
        request,
        lambda: services.roster_generate(actor=request.user, unit=unit, month=form.cleaned_data["month"]),
        lambda roster: (
            _("已生成 %(month)s 的值班表，共 %(n)s 个班次。")
            % {"month": roster.month.strftime("%Y-%m"), "n": roster.shifts.count()}
        ),
        form=form,
        invalid=_("请选择月份"),
    )
    return redirect(_back(unit, form.cleaned_data["month"].isoformat() if form.is_valid() else ""))


@staff_required
@require_POST
def template_add(request):
    unit = _unit(request)
    form = TemplateForm(request.POST)
    flash(
        request,
        lambda: services.template_add(actor=request.user, unit=unit, **form.cleaned_data),
        _("已添加班次模板"),
        form=form,
        invalid=lambda form: "；".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()),
    )
    return redirect(_back(unit))


@staff_required
@require_POST
def shift_assign(request):
    shift = get_object_or_404(selectors.shifts_visible_to(request.user), pk=request.POST.get("shift") or 0)
    form = AssignForm(request.POST, people=_people(shift.unit))
    week = (shift.date - dt.timedelta(days=shift.date.weekday())).isoformat()
    flash(
        request,
        lambda: services.shift_assign(
            actor=request.user,
            shift=shift,
            staff=get_object_or_404(StaffProfile, user_id=form.cleaned_data["staff"]).user,
            post=form.cleaned_data["post"],
        ),
        _("已排班"),
        form=form,
        invalid=_("请选择人员和岗位"),
    )
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
            "handovers": list(selectors.pending_handovers(request.user)[:20]),
        },
    )


@staff_required
@require_POST
def clock_page(request, pk: int, direction: str):
    assignment = get_object_or_404(Assignment.objects.filter(staff=request.user), pk=pk)
    if direction == "in":
        flash(request, lambda: services.clock_in(actor=request.user, assignment=assignment), _("已签到"))
    else:
        flash(request, lambda: services.clock_out(actor=request.user, assignment=assignment), _("已签退"))
    return redirect("duty:mine")


@staff_required
@require_POST
def change_request(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related("shift__unit"), pk=pk)
    form = ChangeForm(request.POST, people=_people(assignment.shift.unit))
    flash(
        request,
        lambda: services.change_request(
            actor=request.user,
            assignment=assignment,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            replacement=_user(form.cleaned_data["replacement"]),
        ),
        _("已提交，等待本单位领导审批"),
        form=form,
        invalid=_("请填写事由"),
    )
    return redirect("duty:mine")


@staff_required
@require_POST
def change_action(request, pk: int, action: str):
    change = get_object_or_404(RosterChange.objects.select_related("unit"), pk=pk)
    flash(
        request,
        lambda: services.change_transition(
            actor=request.user, change=change, action=action, note=request.POST.get("note", "")
        ),
        CHANGE_MACHINE.label(action),
    )
    return redirect(_back(change.unit) if action != "withdraw" else reverse("duty:mine"))


# -- 督察 --------------------------------------------------------------------------------------------


@staff_required
def finding_list(request):
    qs = selectors.findings_visible_to(request.user)
    state = request.GET.get("state", "")
    if state in FindingState.values:
        qs = qs.filter(state=state)
    today = clock.today()
    rows = list(qs[:200])
    return render(
        request,
        "duty/findings.html",
        {
            "rows": rows,
            "today": today,
            "state": state,
            "states": FindingState.choices,
            "may_record": can_inspect_force(request.user),
        },
    )


@staff_required
def finding_new(request):
    if not can_inspect_force(request.user):
        raise DjangoPermissionDenied
    units = selectors.duty_units(request.user)
    bureau = org_selectors.bureau_of(request.user)
    people = _people(bureau) if bureau else []
    form = FindingForm(request.POST or None, request.FILES or None, units=units, people=people)
    return form_page(
        request,
        form,
        lambda d: services.finding_record(
            actor=request.user,
            unit=units.get(pk=d["unit"]),
            kind=d["kind"],
            discipline=d["discipline"],
            person=_user(d["person"]),
            place=d["place"],
            observed_at=d["observed_at"],
            description=d["description"],
            photo=d["photo"],
        ),
        template="duty/finding_form.html",
        success=_("已记录，整改任务已交责任单位"),
        done=lambda f: redirect("duty:finding", pk=f.pk),
    )


def _finding(request, pk: int):
    return get_object_or_404(selectors.findings_visible_to(request.user), pk=pk)


@staff_required
def finding_detail(request, pk: int, forms_with_errors: dict | None = None):
    f = _finding(request, pk)
    actions = FINDING_MACHINE.available_actions(f, request.user)
    action_forms = [
        (
            a,
            FINDING_MACHINE.label(a),
            (forms_with_errors or {}).get(a) or action_form(FINDING_MACHINE, a, prefix=a),
        )
        for a in actions
    ]
    return render(
        request,
        "duty/finding.html",
        {
            "f": f,
            "action_forms": action_forms,
            "overdue": f.state == FindingState.RECTIFYING and f.due_on < clock.today(),
        },
    )


@staff_required
@require_POST
def finding_action(request, pk: int, action: str):
    f = _finding(request, pk)
    return take_action(
        request,
        FINDING_MACHINE,
        action,
        lambda values: services.finding_transition(actor=request.user, finding=f, action=action, **values),
        done=lambda result: redirect("duty:finding", pk=f.pk),
        again=lambda form: finding_detail(request, pk, forms_with_errors={action: form}),
    )


# -- 严管街在岗率 --------------------------------------------------------------------------------------


def _days(request) -> tuple[dt.date, dt.date]:
    try:
        first = dt.date.fromisoformat(request.GET.get("date_from", ""))
    except ValueError:
        first = clock.today()
    try:
        last = dt.date.fromisoformat(request.GET.get("date_to", ""))
    except ValueError:
        last = first
    if last < first or (last - first).days > 31:
        last = first
    return first, last


@staff_required
def street_list(request):
    from chengguan.duty.forms import GpxForm, StreetForm
    from chengguan.duty.permissions import can_define_streets

    first, last = _days(request)
    bureau = org_selectors.bureau_of(request.user)
    rates = [
        selectors.on_post_rate(request.user, s, first, last)
        for s in selectors.streets_visible_to(request.user)
    ]
    return render(
        request,
        "duty/streets.html",
        {
            "rates": rates,
            "first": first,
            "last": last,
            "may_define": bureau is not None and can_define_streets(request.user, bureau),
            "street_form": StreetForm(),
            "gpx_form": GpxForm(),
        },
    )


@staff_required
@require_POST
def street_define(request):
    from chengguan.duty.forms import StreetForm
    from chengguan.grids.models import Grid

    bureau = org_selectors.bureau_of(request.user)
    form = StreetForm(request.POST)
    invalid = _("请填写街道名称、网格和在岗时间")

    def define():
        if bureau is None:
            raise ValidationFailed(invalid)
        d = form.cleaned_data
        codes = [c for c in d["grids"].replace("，", ",").replace(",", " ").split() if c]
        grids = list(Grid.objects.filter(code__in=codes, subdistrict__bureau=bureau))
        missing = sorted(set(codes) - {g.code for g in grids})
        if missing:
            raise ValidationFailed(_("找不到本局的网格：%(codes)s") % {"codes": "、".join(missing)})
        return services.street_define(
            actor=request.user,
            bureau=bureau,
            name=d["name"],
            kind=d["kind"],
            grids=grids,
            starts=d["starts"],
            ends=d["ends"],
        )

    flash(request, define, _("已设置严管街"), form=form, invalid=invalid)
    return redirect("duty:streets")


@staff_required
@require_POST
def gpx_import(request):
    from chengguan.duty.forms import GpxForm

    form = GpxForm(request.POST, request.FILES)
    flash(
        request,
        lambda: services.patrol_import_gpx(
            actor=request.user,
            staff=request.user,
            data=form.cleaned_data["file"].read(),
            crs=form.cleaned_data["crs"],
            filename=form.cleaned_data["file"].name,
        ),
        lambda batch: (
            _("已导入 %(accepted)s 个轨迹点（值班时段外的 %(dropped)s 个未保存）")
            % {"accepted": batch.accepted, "dropped": batch.dropped}
        ),
        form=form,
        invalid=_("请选择 GPX 文件"),
    )
    return redirect("duty:streets")


# -- 巡查 -------------------------------------------------------------------------------------------


@staff_required
def patrol_list(request):
    """The bureau's patrols, latest first (a day with `?date=`), each linked to its track."""
    qs = selectors.patrols_visible_to(request.user).select_related("assignment__shift")
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    if day is not None:
        start = dt.datetime.combine(day, dt.time(), clock.SHANGHAI)
        qs = qs.filter(started_at__gte=start, started_at__lt=start + dt.timedelta(days=1))
    rows = [(p, _duration(p), _km(p)) for p in qs.order_by("-started_at")[:200]]
    return render(request, "duty/patrols.html", {"rows": rows, "day": day})


def _km(patrol) -> str:
    return f"{patrol.distance_m / 1000:.2f}"


def _duration(patrol, points=None) -> str:
    """How long the patrol lasted, in hours and minutes: to its end, or (still out) to its last point."""
    if patrol.ended_at:
        seconds = (patrol.ended_at - patrol.started_at).total_seconds()
    elif points:
        seconds = points[-1].t
    else:
        return "—"
    minutes = int(seconds // 60)
    return _("%(h)d 小时 %(m)02d 分") % {"h": minutes // 60, "m": minutes % 60}


@staff_required
def patrol_detail(request, pk: int):
    """A patrol on the map: its track (WGS-84, drawn as the other maps draw), length, duration and
    the grids it covered. Reading another person's track is audited by `services.patrol_track`."""
    from django.conf import settings

    from chengguan.cases import mapdata
    from chengguan.duty.tracks import GOOD_ACCURACY_M

    patrol = get_object_or_404(selectors.patrols_visible_to(request.user), pk=pk)
    points = services.patrol_track(actor=request.user, patrol=patrol)
    grids = selectors.patrol_grids(points)
    area = mapdata.jurisdiction(request.user) or {}
    map_config = {
        "tileUrl": getattr(settings, "CHENGGUAN_TILE_URL", "") or "",
        "extent": area.get("extent"),
        "outlines": area.get("outlines"),
        # [lat, lon] as Leaflet takes them; poor fixes apart (they are not counted in the length).
        "track": [[p.lat, p.lon] for p in points if p.accuracy <= GOOD_ACCURACY_M],
        "poor": [[p.lat, p.lon] for p in points if p.accuracy > GOOD_ACCURACY_M],
        "grids": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": g.geometry, "properties": {"code": g.code, "fixes": n}}
                for g, n in grids
            ],
        },
        "text": {"start": _("起点"), "end": _("终点"), "fixes": _("定位点 %(n)s 个")},
    }
    return render(
        request,
        "duty/patrol.html",
        {
            "p": patrol,
            "points": points,
            "poor": len(map_config["poor"]),
            "grids": grids,
            "duration": _duration(patrol, points),
            "km": _km(patrol),
            "map_config": map_config,
        },
    )


# -- 会议 -------------------------------------------------------------------------------------------


@staff_required
def meeting_list(request):
    from chengguan.duty.forms import MeetingForm
    from chengguan.duty.permissions import can_organise_meetings

    bureau = org_selectors.bureau_of(request.user)
    meetings = list(selectors.meetings_visible_to(request.user).order_by("-starts_at")[:60])
    return render(
        request,
        "duty/meetings.html",
        {
            "meetings": meetings,
            "items": list(selectors.my_action_items(request.user)[:50]),
            "today": clock.today(),
            "may_organise": bureau is not None and can_organise_meetings(request.user, bureau),
            "form": MeetingForm(initial={"kind": "special"}),
        },
    )


@staff_required
@require_POST
def meeting_plan(request):
    from chengguan.duty.forms import MeetingForm

    bureau = org_selectors.bureau_of(request.user)
    form = MeetingForm(request.POST)
    invalid = _("请填写会议名称和时间")

    def plan():
        if bureau is None:
            raise ValidationFailed(invalid)
        d = form.cleaned_data
        return services.meeting_plan(
            actor=request.user,
            bureau=bureau,
            kind=d["kind"],
            title=d["title"],
            starts_at=d["starts_at"],
            place=d["place"],
        )

    meeting = flash(request, plan, _("已安排会议"), form=form, invalid=invalid)
    return redirect("duty:meeting", pk=meeting.pk) if meeting else redirect("duty:meetings")


def _meeting(request, pk: int):
    return get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)


@staff_required
def meeting_detail(request, pk: int):
    from chengguan.duty.forms import AgendaForm, HoldForm, ItemForm
    from chengguan.duty.models import AttendanceStatus, MeetingState
    from chengguan.duty.permissions import can_organise_meetings
    from chengguan.duty.states import ITEM_MACHINE

    meeting = _meeting(request, pk)
    may = can_organise_meetings(request.user, meeting)
    items = []
    for item in meeting.action_items.select_related("unit", "person__profile").order_by("due_on", "pk"):
        actions = ITEM_MACHINE.available_actions(item, request.user)
        items.append(
            (
                item,
                [
                    (a, ITEM_MACHINE.label(a), action_form(ITEM_MACHINE, a, prefix=f"{a}-{item.pk}"))
                    for a in actions
                ],
            )
        )
    return render(
        request,
        "duty/meeting.html",
        {
            "m": meeting,
            "agenda": selectors.agenda(meeting),
            "attendees": meeting.attendees.select_related("person__profile").order_by("pk"),
            "decisions": meeting.decisions.all(),
            "items": items,
            "today": clock.today(),
            "planned": meeting.state == MeetingState.PLANNED,
            "may_organise": may,
            "statuses": AttendanceStatus.choices,
            "agenda_form": AgendaForm(),
            "hold_form": HoldForm(),
            "item_form": ItemForm(units=selectors.duty_units(request.user), people=_people(meeting.bureau))
            if may
            else None,
        },
    )


@staff_required
@require_POST
def meeting_agenda(request, pk: int):
    from chengguan.duty.forms import AgendaForm

    meeting = _meeting(request, pk)
    form = AgendaForm(request.POST)
    flash(
        request,
        lambda: services.agenda_add(actor=request.user, meeting=meeting, **form.cleaned_data),
        _("已添加议题"),
        form=form,
        invalid=_("请填写议题"),
    )
    return redirect("duty:meeting", pk=meeting.pk)


@staff_required
@require_POST
def meeting_attendance(request, pk: int):
    meeting = _meeting(request, pk)
    marks = {
        int(k.removeprefix("a-")): v
        for k, v in request.POST.items()
        if k.startswith("a-") and k[2:].isdigit()
    }
    flash(
        request,
        lambda: services.attendance_record(actor=request.user, meeting=meeting, marks=marks),
        _("已记录出席情况"),
    )
    return redirect("duty:meeting", pk=meeting.pk)


@staff_required
@require_POST
def meeting_hold(request, pk: int):
    from chengguan.duty.forms import HoldForm

    meeting = _meeting(request, pk)
    form = HoldForm(request.POST)
    flash(
        request,
        lambda: services.meeting_hold(
            actor=request.user,
            meeting=meeting,
            minutes=form.cleaned_data["minutes"],
            decisions=[line.strip() for line in form.cleaned_data["decisions"].splitlines() if line.strip()],
        ),
        _("已记录会议纪要"),
        form=form,
        invalid=_("请填写会议纪要"),
    )
    return redirect("duty:meeting", pk=meeting.pk)


@staff_required
@require_POST
def meeting_item_add(request, pk: int):
    from chengguan.duty.forms import ItemForm

    meeting = _meeting(request, pk)
    units = selectors.duty_units(request.user)
    form = ItemForm(request.POST, units=units, people=_people(meeting.bureau))
    flash(
        request,
        lambda: services.action_item_add(
            actor=request.user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
            unit=units.filter(pk=form.cleaned_data["unit"]).first() if form.cleaned_data["unit"] else None,
            person=_user(form.cleaned_data["person"]),
        ),
        _("已交办"),
        form=form,
        invalid=_("请填写督办事项和办结期限"),
    )
    return redirect("duty:meeting", pk=meeting.pk)


@staff_required
@require_POST
def action_item_action(request, pk: int, action: str):
    from chengguan.duty.models import ActionItem
    from chengguan.duty.states import ITEM_MACHINE

    item = get_object_or_404(
        ActionItem.objects.filter(meeting__in=selectors.meetings_visible_to(request.user).values("pk")), pk=pk
    )
    form = action_form(ITEM_MACHINE, action, data=request.POST, prefix=f"{action}-{item.pk}")
    flash(
        request,
        lambda: services.action_item_transition(
            actor=request.user, item=item, action=action, **submitted(form)
        ),
        ITEM_MACHINE.label(action),
        form=form,
        invalid=_all_errors,
    )
    return redirect("duty:meeting", pk=item.meeting_id)


# -- 重大事项通报 ------------------------------------------------------------------------------------


def _notice_form(request, data=None):
    from chengguan.duty.forms import NoticeForm

    bureau = org_selectors.bureau_of(request.user)
    return NoticeForm(
        data, units=selectors.duty_units(request.user), people=_people(bureau) if bureau else []
    )


@staff_required
def notice_list(request):
    from chengguan.duty.permissions import can_issue_notices

    bureau = org_selectors.bureau_of(request.user)
    may_issue = bureau is not None and can_issue_notices(request.user, bureau)
    notices = list(selectors.notices_visible_to(request.user).prefetch_related("receipts")[:100])
    rows = []
    for n in notices:
        receipts = list(n.receipts.all())
        mine = next((r for r in receipts if r.person_id == request.user.pk), None)
        read = sum(1 for r in receipts if r.read_at)
        rows.append({"n": n, "mine": mine, "read": read, "total": len(receipts)})
    return render(
        request,
        "duty/notices.html",
        {
            "rows": rows,
            "now": clock.now(),
            "may_issue": may_issue,
            "form": _notice_form(request) if may_issue else None,
        },
    )


@staff_required
@require_POST
def notice_issue(request):
    bureau = org_selectors.bureau_of(request.user)
    form = _notice_form(request, request.POST)

    def issue():
        if bureau is None:
            raise ValidationFailed(_("请填写通报"))
        d = form.cleaned_data
        return services.notice_issue(
            actor=request.user,
            bureau=bureau,
            kind=d["kind"],
            level=d["level"],
            title=d["title"],
            body=d["body"],
            units=list(selectors.duty_units(request.user).filter(pk__in=d["units"])),
            people=[
                p.user for p in StaffProfile.objects.filter(user_id__in=d["people"]).select_related("user")
            ],
            response_required=d["response_required"],
            respond_within=dt.timedelta(hours=d["respond_hours"] or 24),
        )

    notice = flash(
        request, issue, _("已发布通报"), form=form, invalid=lambda form: _all_errors(form) or _("请填写通报")
    )
    return redirect("duty:notice", pk=notice.pk) if notice else redirect("duty:notices")


def _notice(request, pk: int):
    return get_object_or_404(selectors.notices_visible_to(request.user), pk=pk)


@staff_required
def notice_detail(request, pk: int):
    from chengguan.duty.forms import ResponseForm
    from chengguan.duty.permissions import can_issue_notices

    notice = _notice(request, pk)
    receipts = list(notice.receipts.select_related("person__profile", "unit").order_by("unit__path", "pk"))
    mine = next((r for r in receipts if r.person_id == request.user.pk), None)
    return render(
        request,
        "duty/notice.html",
        {
            "n": notice,
            "receipts": receipts,
            "mine": mine,
            "now": clock.now(),
            "may_close": can_issue_notices(request.user, notice) and notice.closed_at is None,
            "response_form": ResponseForm(),
        },
    )


@staff_required
@require_POST
def notice_read(request, pk: int):
    notice = _notice(request, pk)
    flash(request, lambda: services.notice_read(actor=request.user, notice=notice), _("已阅知"))
    return redirect("duty:notice", pk=notice.pk)


@staff_required
@require_POST
def notice_respond(request, pk: int):
    notice = _notice(request, pk)
    response = request.POST.get("response", "")
    flash(
        request,
        lambda: services.notice_respond(actor=request.user, notice=notice, response=response),
        _("已回复"),
    )
    return redirect("duty:notice", pk=notice.pk)


@staff_required
@require_POST
def notice_close(request, pk: int):
    notice = _notice(request, pk)
    flash(request, lambda: services.notice_close(actor=request.user, notice=notice), _("通报已办结"))
    return redirect("duty:notice", pk=notice.pk)


# -- 值班日志与交接班 -----------------------------------------------------------------------------------


@staff_required
def shift_log(request, pk: int):
    from chengguan.duty.models import EntryKind
    from chengguan.duty.permissions import can_keep_log
    from chengguan.duty.states import HANDOVER_MACHINE

    shift = get_object_or_404(selectors.shifts_visible_to(request.user), pk=pk)
    incoming = shift.handovers_in.select_related("shift", "handed_by__profile").first()
    outgoing = getattr(shift, "handover", None) if hasattr(shift, "handover") else None
    return render(
        request,
        "duty/log.html",
        {
            "shift": shift,
            "people": shift.assignments.select_related("staff__profile").order_by("post", "pk"),
            "entries": shift.log.select_related("recorded_by__profile"),
            "cases": list(selectors.cases_during(request.user, shift)[:100]),
            "incoming": incoming,
            "outgoing": outgoing,
            "may_keep": can_keep_log(request.user, shift),
            "may_accept": incoming is not None
            and "accept" in HANDOVER_MACHINE.available_actions(incoming, request.user),
            "kinds": EntryKind.choices,
            "next_shift": selectors.next_shift(shift),
        },
    )


@staff_required
@require_POST
def log_add(request, pk: int):
    shift = get_object_or_404(selectors.shifts_visible_to(request.user), pk=pk)
    flash(
        request,
        lambda: services.log_add(
            actor=request.user,
            shift=shift,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
        ),
        _("已记录"),
    )
    return redirect("duty:log", pk=shift.pk)


@staff_required
@require_POST
def handover_give(request, pk: int):
    shift = get_object_or_404(selectors.shifts_visible_to(request.user), pk=pk)
    flash(
        request,
        lambda: services.handover_give(
            actor=request.user,
            shift=shift,
            notes=request.POST.get("notes", ""),
            open_matters=request.POST.get("open_matters", ""),
        ),
        _("已交班，等待下一班接班"),
    )
    return redirect("duty:log", pk=shift.pk)


@staff_required
@require_POST
def handover_action(request, pk: int, action: str):
    from chengguan.duty.models import Handover

    h = get_object_or_404(
        Handover.objects.filter(next_shift__in=selectors.shifts_visible_to(request.user).values("pk")), pk=pk
    )
    flash(
        request,
        lambda: services.handover_transition(
            actor=request.user, handover=h, action=action, note=request.POST.get("note", "")
        ),
        _("已接班"),
    )
    return redirect("duty:log", pk=h.next_shift_id)
