"""The staff workbench: report, inbox, lists and exports, case detail with its actions, the dispatch
board, the map of open cases and the supervision list.

Views stay thin: reads come from `selectors`, every write goes through `services.case_report`,
`services.case_transition`, `supervision.*`, `spam.*` or `contact.*`, and a refused write re-renders
the page with the service's message next to the fields, having changed nothing. Words on the pages go
through Django's translation (Chinese by default, English after the language switch)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from chengguan.cases import contact, export, forms, mapdata, selectors, services, spam, supervision, timeline
from chengguan.cases.countdown import countdown
from chengguan.cases.filters import CaseFilter
from chengguan.cases.models import (
    Case,
    CaseExtension,
    CaseSource,
    EvidenceStage,
    ExtensionStatus,
)
from chengguan.cases.permissions import (
    can_add_evidence,
    can_mark_spam,
    can_relay_public,
    can_reply_supervision,
    can_supervise,
    can_use_dispatch_board,
    can_use_report_page,
    can_use_supervision_list,
    decides_extensions,
    evidence_stages,
)
from chengguan.cases.states import (
    CASE_MACHINE,
    DISPATCH_KINDS,
    OPEN_STATES,
    STAGE_FINISHING,
    Action,
    CaseState,
)
from chengguan.core import clock
from chengguan.core.forms import NoFields, banner_of, submit
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.permissions import Rule
from chengguan.org.access import staff_required
from chengguan.org.models import Organisation, OrgKind
from chengguan.taxonomy.models import CategoryKind
from chengguan.taxonomy.selectors import active_categories

INBOX_PAGE = 25
LIST_PAGE = 50
BOARD_PAGE = 30
# Actions offered in the duplicates panel rather than as a button of their own.
PANEL_ACTIONS = frozenset({Action.MERGE})
BUTTON_STYLE = {
    Action.NOT_FILE: "btn-secondary",
    Action.RETURN: "btn-secondary",
    Action.REWORK: "btn-danger",
    Action.CANCEL: "btn-danger",
    Action.SUSPEND: "btn-secondary",
    Action.REFUSE_EXTENSION: "btn-secondary",
    Action.REQUEST_EXTENSION: "btn-secondary",
    Action.REDISPATCH: "btn-secondary",
}
# Service error fields that a web form names differently.
FIELD_ALIASES = {"file": ("photos", "photo", "file"), "lon": ("lon", "address"), "photo_lon": ("photo_lon",)}
SUCCESS_TEXT = {Action.REQUEST_EXTENSION: gettext_lazy("已提交延期申请。")}
CHECK_INPUT = gettext_lazy("请检查填写的内容。")
# What the person whose inbox holds a case is expected to do next.
NEXT_STEP = {
    CaseState.REPORTED: gettext_lazy("立案审核"),
    CaseState.FILED: Action.DISPATCH.label,
    CaseState.RETURNED: gettext_lazy("重新派遣"),
    CaseState.DISPATCHED: Action.ACCEPT.label,
    CaseState.IN_HANDLING: Action.HANDLE.label,
    CaseState.REWORK: gettext_lazy("返工处置"),
    CaseState.HANDLED: gettext_lazy("现场核查"),
    CaseState.VERIFIED: Action.CLOSE.label,
    CaseState.SUSPENDED: Action.RESUME.label,
}
# What cases.js writes on the pages (the script fills in the {names}).
SCRIPT_WORDS = {
    "criteria": gettext_lazy("立案标准：{text}"),
    "noGeolocation": gettext_lazy("此浏览器不支持定位，请手工填写经纬度。"),
    "locating": gettext_lazy("正在定位…"),
    "located": gettext_lazy("已定位，精度约 {metres} 米。"),
    "notLocated": gettext_lazy("无法获取位置，请手工填写经纬度。"),
    "casePosition": gettext_lazy("案件位置"),
    "gridOpen": gettext_lazy("网格 {code}：未办结 {total} 件"),
    "gridOverdue": gettext_lazy("，超时 {overdue} 件"),
}


# -- access ----------------------------------------------------------------------------------------


def permission_required(rule: Rule):
    """A page of staff that only those `rule` allows may open."""

    def decorate(view):
        @wraps(view)
        @staff_required
        def wrapper(request, *args, **kwargs):
            if not rule(request.user):
                raise HttpForbidden("role not allowed")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _visible_case(user, number: str) -> Case:
    case = (
        selectors.cases_visible_to(user)
        .select_related(
            "squad",
            "proposed_unit",
            "reporter__profile",
            "handler__profile",
            "verifier__profile",
            "merged_into",
        )
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404("case not visible")
    return case


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _submit(form, call):
    """`core.forms.submit` with this app's field aliases: the service's result, or None with the
    errors on the form and `_banner(form)` to show."""
    return submit(form, call, aliases=FIELD_ALIASES)


def _banner(form) -> tuple[str, int]:
    return banner_of(form, CHECK_INPUT)


# -- report ----------------------------------------------------------------------------------------


def _map_config(user) -> dict:
    area = mapdata.jurisdiction(user) or {}
    return {
        "tileUrl": getattr(settings, "CHENGGUAN_TILE_URL", "") or "",
        "extent": area.get("extent"),
        "outlines": area.get("outlines"),
    }


@permission_required(can_use_report_page)
def report(request):
    user = request.user
    sources = forms.sources_for(user)
    categories = list(active_categories())
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, sources=sources, categories=categories
    )
    banner, status = None, 200
    if request.method == "POST":
        # The form's fields are the intake service's arguments, so a new intake field needs no
        # change here.
        result = _submit(form, lambda data: services.case_report(actor=user, **data))
        if result is not None:
            if result.created:
                messages.success(request, _("已上报，案件编号 %(number)s。") % {"number": result.case.number})
            else:
                messages.info(
                    request,
                    _("该表单已提交过，未重复上报：案件 %(number)s。") % {"number": result.case.number},
                )
            return redirect("cases:detail", number=result.case.number)
        banner, status = _banner(form)
    context = {
        "form": form,
        "banner": banner,
        "templates": selectors.reply_templates(None, "intake"),
        "map_config": _map_config(user),
        "category_criteria": {c.code: c.filing_criteria for c in categories if c.filing_criteria},
        "show_reporter": can_relay_public(user),
        "script_words": SCRIPT_WORDS,
    }
    return render(request, "cases/report.html", context, status=status)


# -- inbox and lists -------------------------------------------------------------------------------


def open_only(qs):
    """`qs` restricted to open cases through `closed_at IS NULL`, which holds for exactly the open
    states (every final action stamps `closed_at`). Only a hint for the query planner: SQLite cannot
    tell that nine of thirteen states are rare, but knows that an empty `closed_at` is, so a year of
    cases is read through the `closed_at` index instead of being scanned."""
    return qs.filter(closed_at__isnull=True)


class _KnownCountPaginator(Paginator):
    """A paginator told its count, when the page has already counted the rows for its summary."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count


def _page_of(qs, number, per_page: int, finish=None, count: int | None = None):
    """A page of `qs` read in two steps: the page's ids from a lean ordered query, then the rows with
    their joins for those ids only. A database sorting a year of cases then sorts ids, not joined
    rows (the "deferred join" pattern); `finish` adds annotations to the second query."""
    ids_qs = qs.values_list("pk", flat=True)
    paginator = (
        Paginator(ids_qs, per_page) if count is None else _KnownCountPaginator(ids_qs, per_page, count=count)
    )
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = qs.order_by().filter(pk__in=ids)
    by_id = {row.pk: row for row in (finish(rows) if finish else rows)}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def _pending_extension_flag(qs):
    pending = CaseExtension.objects.filter(case=OuterRef("pk"), status=ExtensionStatus.PENDING)
    return qs.annotate(pending_extension=Exists(pending))


def _next_step(case: Case, approver: bool) -> str:
    """What the viewer is expected to do; a pending extension is the approver's step, while the unit
    keeps handling until it is decided."""
    if getattr(case, "pending_extension", False) and case.state in (CaseState.IN_HANDLING, CaseState.REWORK):
        if approver:
            return _("审批延期")
        return _("%(step)s（延期待批）") % {"step": NEXT_STEP[case.state]}
    if case.is_supervised and case.state not in NEXT_STEP:
        return _("督办跟踪")
    return str(NEXT_STEP.get(case.state, ""))


def _rows(cases, now, user=None) -> list[dict]:
    approver = user is not None and decides_extensions(user)
    return [{"case": c, "countdown": countdown(c, now), "next": _next_step(c, approver)} for c in cases]


@staff_required
def inbox(request):
    now = clock.now()
    todo = selectors.inbox(request.user)  # open cases only, filtered through `closed_at` already
    tally = todo.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(urgency="overdue")),
        warning=Count("pk", filter=Q(urgency="warning")),
    )
    page = _page_of(todo, request.GET.get("page"), INBOX_PAGE, _pending_extension_flag, tally["total"])
    context = {"page": page, "rows": _rows(page.object_list, now, request.user), "tally": tally, "now": now}
    return render(request, "cases/inbox.html", context)


def _filter_options(user) -> dict:
    """Choices of the filter form's selects, limited to what the viewer may see."""
    units = Organisation.objects.filter(is_active=True)
    bureau_ids = (
        selectors.cases_visible_to(user).values("bureau_id").distinct() if not user.is_superuser else None
    )
    if bureau_ids is not None:
        units = units.filter(Q(bureau_id__in=bureau_ids) | Q(kind=OrgKind.PARTNER))
    units = list(units.order_by("kind", "sort_order", "name").values("pk", "name", "kind"))
    categories = list(active_categories())
    majors = sorted({(c.major.code, c.major.local_name, str(CategoryKind(c.kind).label)) for c in categories})
    return {
        "subdistricts": [u for u in units if u["kind"] == OrgKind.SUBDISTRICT],
        "communities": [u for u in units if u["kind"] == OrgKind.COMMUNITY],
        "units": [u for u in units if u["kind"] in DISPATCH_KINDS],
        "category_choices": forms.category_choices(categories)[1:],
        "majors": majors,
        "sources": CaseSource.choices,
        "states": CaseState.choices,
    }


def _filtered(request) -> CaseFilter:
    return CaseFilter(request.GET or None, queryset=selectors.cases_visible_to(request.user))


@staff_required
def case_list(request):
    now = clock.now()
    filterset = _filtered(request)
    cases = filterset.qs
    if filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data.get("open") is True:
        cases = open_only(cases)
    page = _page_of(
        cases, request.GET.get("page"), LIST_PAGE, lambda rows: selectors.annotate_urgency(rows, now)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": _rows(page.object_list, now),
        "query": query.urlencode(),
        "options": _filter_options(request.user),
    }
    return render(request, "cases/list.html", context)


@staff_required
@require_GET
def export_cases(request, fmt: str):
    """The filtered list as CSV or Excel, streamed while the database is read."""
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(
            _("筛选条件有误，无法导出。"), status=400, content_type="text/plain; charset=utf-8"
        )
    queryset = filterset.qs.order_by("-reported_at", "-id")
    return export.csv_response(queryset) if fmt == "csv" else export.xlsx_response(queryset)


# -- case detail and its actions -------------------------------------------------------------------


def _dispatch_units(case: Case):
    return (
        Organisation.objects.filter(kind__in=DISPATCH_KINDS, is_active=True)
        .filter(Q(bureau_id=case.bureau_id) | Q(kind=OrgKind.PARTNER))
        .order_by("kind", "sort_order", "name")
    )


def _is_late(case: Case, action: str, now) -> bool:
    return action in STAGE_FINISHING and selectors.urgency(case, now) == "overdue"


def _new_action_form(case: Case, action: str, now, units):
    initial = {}
    if action in (Action.DISPATCH, Action.REDISPATCH) and case.proposed_unit_id:
        initial["unit"] = case.proposed_unit_id
    if action == Action.REQUEST_EXTENSION:
        initial.update(amount=1, unit=case.handling_limit_unit or "working_days")
    return forms.action_form(action, units=units, late=_is_late(case, action, now), initial=initial)


def _reporter(case: Case, user, full_phone: str | None = None) -> dict:
    """The reporter as the page shows them: the phone masked unless `full_phone` was just revealed
    through `contact.reporter_phone_reveal` (audited)."""
    staff = getattr(case.reporter, "profile", None) if case.reporter_id else None
    return {
        "name": staff.full_name if staff is not None else mask_name(case.reporter_name),
        "is_staff": staff is not None,
        "phone": full_phone or mask_phone(case.reporter_phone),
        "revealed": bool(full_phone),
        "may_reveal": not full_phone and contact.may_view_reporter_phone(user, case),
    }


def _person(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return profile.full_name if profile is not None else user.username


def _side_forms(user, case: Case) -> dict:
    """Which of the forms beside the lifecycle actions the page offers (the services check again)."""
    may_mark = can_mark_spam(user, case)
    return {
        "can_add_evidence": can_add_evidence(user, case),
        "can_mark_spam": may_mark and not case.is_spam,
        "can_unmark_spam": may_mark and case.is_spam,
        "spam_cancels": Action.CANCEL in services.available_actions(case, user),
    }


def _detail_context(
    request,
    case: Case,
    *,
    open_action=None,
    bound=None,
    banner=None,
    supervise_form=None,
    evidence_form=None,
    spam_form=None,
    full_phone=None,
):
    user, now = request.user, clock.now()
    actions = services.available_actions(case, user)
    needs_units = {Action.DISPATCH, Action.REDISPATCH} & set(actions)
    units = list(_dispatch_units(case)) if needs_units else []
    action_forms = []
    for action in actions:
        if action in PANEL_ACTIONS:
            continue
        form = (
            bound
            if action == open_action and bound is not None
            else _new_action_form(case, action, now, units)
        )
        field, purpose = forms.TEMPLATE_PURPOSE.get(action, (None, None))
        action_forms.append(
            {
                "action": action,
                "label": Action(action).label,
                "form": form,
                "open": action == open_action,
                "style": BUTTON_STYLE.get(action, "btn-primary"),
                "multipart": any(f.widget.needs_multipart_form for f in form.fields.values()),
                "template_field": f"{action}-{field}" if field else "",
                "templates": list(selectors.reply_templates(case.category, purpose)) if purpose else [],
                "late": "delay_reason" in form.fields,
                "geolocate": action in (Action.VERIFY, Action.REWORK),
                "penalty_note": action == Action.CLOSE,
            }
        )
    evidence = list(case.evidence.select_related("uploaded_by__profile"))
    can_merge = Action.MERGE in actions
    context = {
        "case": case,
        "countdown": countdown(case, now),
        "urgency": selectors.urgency(case, now),
        "reporter": _reporter(case, user, full_phone),
        "handler_name": _person(case.handler),
        "verifier_name": _person(case.verifier),
        "action_forms": action_forms,
        "banner": banner,
        "before_photos": [e for e in evidence if e.stage == EvidenceStage.REPORT],
        "after_photos": [e for e in evidence if e.stage == EvidenceStage.HANDLE],
        "verify_photos": [e for e in evidence if e.stage == EvidenceStage.VERIFY],
        "other_files": [e for e in evidence if e.stage == EvidenceStage.OTHER],
        "verify_flags": [timeline.flag_text(f) for f in case.verify_flags or []],
        "timeline": timeline.timeline_rows(
            [e for e in selectors.timeline(case) if e.action not in timeline.TIMELINE_HIDDEN]
        ),
        "extensions": case.extensions.select_related("requested_by__profile", "decided_by__profile"),
        "supervisions": case.supervisions.select_related("created_by__profile", "replied_by__profile"),
        "duplicates": selectors.duplicate_candidates(case) if case.state == CaseState.REPORTED else [],
        "can_merge": can_merge,
        "can_supervise": case.state in OPEN_STATES and can_supervise(user, case),
        "supervise_form": supervise_form or forms.SuperviseForm(),
        "supervise_open": supervise_form is not None,
        **_side_forms(user, case),
        "evidence_form": evidence_form or forms.EvidenceForm(stages=evidence_stages(user, case)),
        "evidence_open": evidence_form is not None,
        "spam_form": spam_form or (forms.UnspamForm() if case.is_spam else forms.SpamForm()),
        "spam_open": spam_form is not None,
        "map_config": {
            "tileUrl": getattr(settings, "CHENGGUAN_TILE_URL", "") or "",
            "point": [case.lon, case.lat] if case.lon is not None else None,
            "grid": case.grid.geometry if case.grid_id else None,
        },
        "filing_criteria": case.category.filing_criteria,
        "script_words": SCRIPT_WORDS,
    }
    return context


@staff_required
def detail(request, number: str):
    case = _visible_case(request.user, number)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _payload(action: str, data: dict) -> dict:
    payload = {k: v for k, v in data.items() if v not in (None, "", [])}
    if action in (Action.VERIFY, Action.REWORK) and "photo_lon" in payload:
        payload["photo_crs"] = "wgs84"
    return payload


@staff_required
@require_POST
def act(request, number: str, action: str):
    """Take one action of the transition table on a case (the form of the detail page or the board)."""
    if action not in CASE_MACHINE.transitions:
        raise Http404("unknown action")
    case = _visible_case(request.user, number)
    now = clock.now()
    units = _dispatch_units(case) if action in (Action.DISPATCH, Action.REDISPATCH) else ()
    form = forms.action_form(
        action, data=request.POST, files=request.FILES, units=units, late=_is_late(case, action, now)
    )
    done = _submit(
        form,
        lambda data: services.case_transition(
            actor=request.user, case=case, action=action, **_payload(action, data)
        ),
    )
    if done is not None:
        label = Action(action).label
        if _is_htmx(request):
            return render(request, "cases/_board_done.html", {"case": done, "action": label})
        messages.success(request, SUCCESS_TEXT.get(action) or _("已%(action)s。") % {"action": label})
        return redirect("cases:detail", number=done.number)
    banner, status = _banner(form)
    if _is_htmx(request):
        # Answered with 200 so HTMX swaps it in: the message goes under the row, the row stays.
        errors = [
            _("%(field)s：%(error)s") % {"field": form.fields[name].label, "error": error}
            if name in form.fields
            else error
            for name, errs in form.errors.items()
            for error in errs
            if error != banner
        ]
        response = render(
            request, "cases/_board_error.html", {"case": case, "banner": banner, "errors": errors}
        )
        response["HX-Retarget"] = f"#board-msg-{case.pk}"
        response["HX-Reswap"] = "innerHTML"
        return response
    case.refresh_from_db()
    context = _detail_context(request, case, open_action=action, bound=form, banner=banner)
    return render(request, "cases/detail.html", context, status=status)


def _side_submit(request, case: Case, name: str, form, call, done_text):
    """A side form of the case page (督办, 补充材料, the spam mark): on success back to the page with
    `done_text(result)`; otherwise the page again, the form (context key `name`) showing why."""
    result = _submit(form, call)
    if result is not None:
        messages.success(request, done_text(result))
        return redirect("cases:detail", number=case.number)
    banner, status = _banner(form)
    case.refresh_from_db()
    context = _detail_context(request, case, banner=banner, **{name: form})
    return render(request, "cases/detail.html", context, status=status)


@staff_required
@require_POST
def supervise(request, number: str):
    case = _visible_case(request.user, number)
    return _side_submit(
        request,
        case,
        "supervise_form",
        forms.SuperviseForm(request.POST),
        lambda data: supervision.supervision_create(actor=request.user, case=case, **data),
        lambda created: _("已督办。"),
    )


@staff_required
@require_POST
def add_evidence(request, number: str):
    """补充材料: a photo, video or recording added to an open case after the fact."""
    case = _visible_case(request.user, number)
    return _side_submit(
        request,
        case,
        "evidence_form",
        # Every stage is read, so a refused one gets the service's refusal naming the step.
        forms.EvidenceForm(request.POST, request.FILES),
        lambda data: services.case_add_evidence(
            actor=request.user, case=case, stage=data["stage"], upload=data["file"]
        ),
        lambda added: _("已补充材料。"),
    )


@staff_required
@require_POST
def reporter_phone(request, number: str):
    """Show the reporter's full number once, after the view is written to the audit trail. A POST, so
    neither a prefetching browser nor a shared link reveals it."""
    case = _visible_case(request.user, number)
    form = NoFields()
    phone = submit(form, lambda data: contact.reporter_phone_reveal(actor=request.user, case=case))
    if phone is None:
        banner, status = _banner(form)
        return render(
            request, "cases/detail.html", _detail_context(request, case, banner=banner), status=status
        )
    return render(request, "cases/detail.html", _detail_context(request, case, full_phone=phone))


@staff_required
@require_POST
def mark_spam(request, number: str, mark: bool):
    """Mark a case as a malicious or invalid report (or take the mark off)."""
    case = _visible_case(request.user, number)
    service = spam.case_mark_spam if mark else spam.case_unmark_spam

    def done_text(done: Case) -> str:
        if not mark:
            return _("已撤销恶意/无效举报标记。")
        if done.state == CaseState.CANCELLED:
            return _("已标记为恶意/无效举报，案件已作废。")
        return _("已标记为恶意/无效举报，不计入公开统计。")

    return _side_submit(
        request,
        case,
        "spam_form",
        (forms.SpamForm if mark else forms.UnspamForm)(request.POST),
        lambda data: service(actor=request.user, case=case, reason=data["reason"]),
        done_text,
    )


@staff_required
@require_GET
def evidence_file(request, number: str, pk: int, variant: str):
    """An evidence file or its thumbnail, only to those who may see the case."""
    case = _visible_case(request.user, number)
    item = case.evidence.filter(pk=pk).first()
    if item is None:
        raise Http404("no such file")
    stored = item.thumbnail if variant == "thumb" and item.thumbnail else item.file
    content_type = "image/jpeg" if stored is item.thumbnail else item.content_type
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# -- dispatch board --------------------------------------------------------------------------------


@permission_required(can_use_dispatch_board)
def dispatch_board(request):
    now = clock.now()
    visible = selectors.cases_visible_to(request.user)
    waiting = (
        open_only(visible)
        .filter(state__in=[CaseState.FILED, CaseState.RETURNED])
        .select_related("proposed_unit")
        .order_by(F("stage_due_at").asc(nulls_last=True), "id")
    )
    page = _page_of(waiting, request.GET.get("page"), BOARD_PAGE)
    extensions = (
        CaseExtension.objects.filter(status=ExtensionStatus.PENDING, case__in=visible.values("pk"))
        .select_related("case", "case__category", "case__handling_unit", "requested_by__profile")
        .order_by("requested_at")
    )
    context = {"page": page, "rows": _rows(page.object_list, now), "extensions": extensions}
    return render(request, "cases/dispatch.html", context)


# -- map of open cases -----------------------------------------------------------------------------


@staff_required
def case_map(request):
    filterset = _filtered(request)
    counts = selectors.open_cases_by_grid(request.user, qs=open_only(filterset.qs))
    query = request.GET.copy()
    query.pop("grid", None)
    points = [
        {"code": c.code, "lon": c.lon, "lat": c.lat, "total": c.total, "overdue": c.overdue}
        for c in counts
        if c.lon is not None
    ]
    config = {
        **_map_config(request.user),
        "points": points,
        "listUrl": reverse("cases:list"),
        "query": query.urlencode(),
    }
    context = {
        "filter": filterset,
        "options": _filter_options(request.user),
        "map_config": config,
        "totals": {
            "grids": len(points),
            "open": sum(p["total"] for p in points),
            "overdue": sum(p["overdue"] for p in points),
        },
        "script_words": SCRIPT_WORDS,
    }
    return render(request, "cases/map.html", context)


# -- supervision -----------------------------------------------------------------------------------


def _supervision_context(request, *, reply_forms=None, banner=None) -> dict:
    now = clock.now()
    # Unreplied items first, then the most recent: what needs a reply is on top.
    items = (
        selectors.supervised(request.user)
        .select_related("created_by__profile", "replied_by__profile")
        .order_by(F("replied_at").asc(nulls_first=True), "-reply_due_at", "-id")
    )
    page = Paginator(items, LIST_PAGE).get_page(request.GET.get("page"))
    may_reply = can_reply_supervision(request.user)
    reply_forms = reply_forms or {}
    rows = [
        {
            "item": s,
            "overdue": s.replied_at is None and s.reply_due_at < now,
            "late_reply": s.replied_at is not None and s.replied_at > s.reply_due_at,
            "form": reply_forms.get(s.pk)
            or (forms.SupervisionReplyForm(prefix=f"s{s.pk}") if may_reply else None),
        }
        for s in page.object_list
    ]
    return {
        "page": page,
        "rows": rows,
        "rate": supervision.on_time_reply_rate(items, now),
        "banner": banner,
        "open_count": items.filter(replied_at__isnull=True).count(),
    }


@permission_required(can_use_supervision_list)
def supervision_list(request):
    return render(request, "cases/supervision.html", _supervision_context(request))


@permission_required(can_use_supervision_list)
@require_POST
def supervision_reply(request, pk: int):
    item = selectors.supervised(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("supervision not visible")
    form = forms.SupervisionReplyForm(request.POST, prefix=f"s{pk}")
    if _submit(
        form, lambda data: supervision.supervision_reply(actor=request.user, supervision=item, **data)
    ):
        messages.success(request, _("已回复案件 %(number)s 的督办。") % {"number": item.case.number})
        return redirect("cases:supervision")
    banner, status = _banner(form)
    context = _supervision_context(request, reply_forms={pk: form}, banner=banner)
    return render(request, "cases/supervision.html", context, status=status)
