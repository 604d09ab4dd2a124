"""The welfare pages: the vendor register and a vendor's whole history, the vending spots and their
pitch draws, the 涉及摊贩 section of the case page, and the public page that re-runs a draw. Views
gather input, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chengguan.core import clock
from chengguan.core.errors import DomainError
from chengguan.core.forms import banner_of, submit
from chengguan.core.workflow.forms import action_form, submitted
from chengguan.org import selectors as org_selectors
from chengguan.org.access import staff_required
from chengguan.org.models import Organisation
from chengguan.welfare import selectors, services
from chengguan.welfare.forms import DrawForm, HardshipForm, HelpForm, RerunForm, SpotForm, VendorForm
from chengguan.welfare.models import Hardship, HelpRecord, Vendor, VendorStatus
from chengguan.welfare.permissions import (
    can_keep_register,
    can_manage_spots,
    can_record_help,
    can_reveal_identity,
    can_run_draw,
    can_see_hardship,
    can_view_welfare,
)
from chengguan.welfare.states import DRAW_MACHINE


def _bureau(request) -> Organisation:
    bureau = org_selectors.bureau_of(request.user)
    if bureau is None or not can_view_welfare(request.user, Vendor(bureau=bureau)):
        raise DjangoPermissionDenied
    return bureau


def _get(finder, request, pk):
    try:
        return finder(request.user, pk)
    except DomainError as exc:
        raise Http404 from exc


# --- the register --------------------------------------------------------------------------------


@staff_required
def vendor_list(request):
    bureau = _bureau(request)
    probe = Vendor(bureau=bureau)
    sees_hardship = can_see_hardship(request.user, probe)
    qs = selectors.vendors_for(request.user).filter(status=VendorStatus.ACTIVE)
    q = request.GET.get("q", "").strip()
    if q:
        qs = (
            qs.filter(name__icontains=q) | qs.filter(goods__icontains=q) | qs.filter(usual_place__icontains=q)
        )
    hardship = request.GET.get("hardship", "")
    if sees_hardship and hardship in Hardship.values:
        qs = qs.filter(hardship=hardship)
    year = clock.today().year
    return render(
        request,
        "welfare/vendors.html",
        {
            "vendors": list(qs.order_by("-created_at")[:200]),
            "total": qs.count(),
            "q": q,
            "hardship": hardship,
            "hardships": Hardship.choices,
            "sees_hardship": sees_hardship,
            "may_register": can_keep_register(request.user, probe),
            "figures": selectors.help_figures(bureau.pk, year),
        },
    )


@staff_required
def vendor_new(request):
    bureau = _bureau(request)
    probe = Vendor(bureau=bureau)
    if not can_keep_register(request.user, probe):
        raise DjangoPermissionDenied
    sees_hardship = can_see_hardship(request.user, probe)
    form = VendorForm(request.POST or None, request.FILES or None)
    hardship_form = HardshipForm(request.POST or None) if sees_hardship else None
    status = 200
    if request.method == "POST":
        extra = {}
        if hardship_form is not None and hardship_form.is_valid():
            extra = hardship_form.cleaned_data
        vendor = submit(
            form,
            lambda d: services.vendor_register(actor=request.user, bureau=bureau, **d, **extra),
            aliases={"hardship": (), "hardship_evidence": (), "sensitive_consent": ()},
        )
        if vendor is not None:
            messages.success(request, _("已登记摊贩。"))
            return redirect("welfare:vendor", vendor.pk)
        banner, status = banner_of(form, _("请检查标出的字段。"))
        if form.refusal is not None and hardship_form is not None:
            for name, errs in (form.refusal.fields or {}).items():
                if name in hardship_form.fields:
                    hardship_form.add_error(name, errs[0])
        messages.error(request, banner)
    return render(
        request, "welfare/vendor_form.html", {"form": form, "hardship_form": hardship_form}, status=status
    )


@staff_required
def vendor_detail(request, pk: int, *, revealed: dict | None = None, reveal_error: str = "", status=200):
    vendor = _get(selectors.vendor_for, request, pk)
    user = request.user
    links = list(vendor.case_links.select_related("case__category").order_by("-linked_at"))
    records = list(
        vendor.help_records.select_related("recorded_by__profile", "follow_up_of").order_by("-on", "-id")
    )
    applications = list(vendor.applications.select_related("draw__spot").order_by("-term_start"))
    alive = vendor.status == VendorStatus.ACTIVE
    return render(
        request,
        "welfare/vendor.html",
        {
            "vendor": vendor,
            "links": links,
            "records": records,
            "applications": applications,
            "alive": alive,
            "sees_hardship": can_see_hardship(user, vendor),
            "may_keep": alive and can_keep_register(user, vendor),
            "may_help": alive and can_record_help(user, vendor),
            "help_form": HelpForm(initial={"on": clock.today()}),
            "hardship_form": HardshipForm(
                initial={"hardship": vendor.hardship, "hardship_evidence": vendor.hardship_evidence}
            ),
            "open_draws": list(selectors.open_draws(vendor.bureau_id)) if alive else [],
            "may_reveal": alive
            and bool(vendor.id_number or vendor.phone)
            and can_reveal_identity(user, vendor),
            "revealed": revealed,
            "reveal_error": reveal_error,
        },
        status=status,
    )


@staff_required
@require_POST
def vendor_reveal(request, pk: int):
    """The full ID number and phone, shown on this one response (never stored in the session, not
    cached) after the reveal and its reason are audited."""
    vendor = _get(selectors.vendor_for, request, pk)
    try:
        revealed = services.vendor_reveal_identity(
            actor=request.user, vendor=vendor, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        first = next(iter((exc.fields or {}).values()), [exc.message])[0]
        response = vendor_detail(request, pk, reveal_error=first, status=exc.status)
    else:
        response = vendor_detail(request, pk, revealed=revealed)
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_GET
def vendor_photo(request, pk: int):
    vendor = _get(selectors.vendor_for, request, pk)
    if not vendor.photo:
        raise Http404
    return FileResponse(vendor.photo.open("rb"), content_type="image/jpeg")


def _after(request, vendor, call, done: str):
    try:
        call()
        messages.success(request, done)
    except DomainError as exc:
        first = next(iter((exc.fields or {}).values()), [exc.message])[0]
        messages.error(request, first)
    return redirect("welfare:vendor", vendor.pk)


@staff_required
@require_POST
def vendor_hardship(request, pk: int):
    vendor = _get(selectors.vendor_for, request, pk)
    form = HardshipForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    return _after(
        request,
        vendor,
        lambda: services.vendor_set_hardship(
            actor=request.user,
            vendor=vendor,
            hardship=d.get("hardship", ""),
            hardship_evidence=d.get("hardship_evidence", ""),
            sensitive_consent=d.get("sensitive_consent", False),
        ),
        _("已登记困难类别。"),
    )


@staff_required
@require_POST
def vendor_withdraw(request, pk: int):
    vendor = _get(selectors.vendor_for, request, pk)
    sensitive_only = request.POST.get("scope") == "sensitive"
    return _after(
        request,
        vendor,
        lambda: services.vendor_withdraw_consent(
            actor=request.user, vendor=vendor, sensitive_only=sensitive_only
        ),
        _("已按本人撤回同意删除其信息。"),
    )


@staff_required
@require_POST
def vendor_help(request, pk: int):
    vendor = _get(selectors.vendor_for, request, pk)
    form = HelpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查帮扶记录的字段。"))
        return redirect("welfare:vendor", vendor.pk)
    follow_up_of = HelpRecord.objects.filter(vendor=vendor, pk=request.POST.get("follow_up_of") or 0).first()
    return _after(
        request,
        vendor,
        lambda: services.help_record(
            actor=request.user, vendor=vendor, follow_up_of=follow_up_of, **form.cleaned_data
        ),
        _("已登记帮扶记录。"),
    )


@staff_required
@require_POST
def vendor_apply(request, pk: int):
    vendor = _get(selectors.vendor_for, request, pk)
    draw = selectors.open_draws(vendor.bureau_id).filter(pk=request.POST.get("draw") or 0).first()
    if draw is None:
        messages.error(request, _("请选择接受申请的摇号。"))
        return redirect("welfare:vendor", vendor.pk)
    return _after(
        request,
        vendor,
        lambda: services.draw_apply(actor=request.user, draw=draw, vendor=vendor),
        _("已提交摊位申请。"),
    )


# --- spots and draws -----------------------------------------------------------------------------


@staff_required
def spot_list(request):
    bureau = _bureau(request)
    may_manage = can_manage_spots(request.user, Vendor(bureau=bureau))
    units = Organisation.objects.filter(path__startswith=bureau.path)
    form = SpotForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise DjangoPermissionDenied
        spot = submit(form, lambda d: services.spot_create(actor=request.user, bureau=bureau, **d))
        if spot is not None:
            messages.success(request, _("已设立疏导点。"))
            return redirect("welfare:spot", spot.pk)
        banner, status = banner_of(form, _("请检查标出的字段。"))
        messages.error(request, banner)
    spots = list(selectors.spots_for(request.user))
    return render(
        request,
        "welfare/spots.html",
        {"spots": spots, "form": form, "may_manage": may_manage},
        status=status,
    )


@staff_required
def spot_detail(request, pk: int):
    spot = _get(selectors.spot_for, request, pk)
    may_run = can_run_draw(request.user, spot)
    form = DrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_run:
            raise DjangoPermissionDenied
        draw = submit(form, lambda d: services.draw_announce(actor=request.user, spot=spot, **d))
        if draw is not None:
            messages.success(request, _("已发布摇号公告。"))
            return redirect("welfare:draw", draw.pk)
        banner, status = banner_of(form, _("请检查标出的字段。"))
        messages.error(request, banner)
    draws = list(selectors.draws_for(request.user).filter(spot=spot))
    return render(
        request,
        "welfare/spot.html",
        {"spot": spot, "draws": draws, "form": form, "may_run": may_run},
        status=status,
    )


@staff_required
def draw_detail(request, pk: int):
    draw = _get(selectors.draw_for, request, pk)
    actions = DRAW_MACHINE.available_actions(draw, request.user)
    forms_ = [(a, DRAW_MACHINE.label(a), action_form(DRAW_MACHINE, a, prefix=a)) for a in actions]
    return render(
        request,
        "welfare/draw.html",
        {
            "draw": draw,
            "applications": list(selectors.applications_of(draw)),
            "action_forms": forms_,
            "sees_hardship": can_see_hardship(request.user, draw),
        },
    )


@staff_required
@require_POST
def draw_action(request, pk: int, action: str):
    draw = _get(selectors.draw_for, request, pk)
    if action not in DRAW_MACHINE.available_actions(draw, request.user):
        raise DjangoPermissionDenied
    form = action_form(DRAW_MACHINE, action, data=request.POST, prefix=action)
    if form.is_valid():
        try:
            services.draw_transition(actor=request.user, draw=draw, action=action, **submitted(form))
            messages.success(request, _("已办理：%(action)s") % {"action": DRAW_MACHINE.label(action)})
        except DomainError as exc:
            first = next(iter((exc.fields or {}).values()), [exc.message])[0]
            messages.error(request, first)
    else:
        messages.error(request, _("请检查标出的字段。"))
    return redirect("welfare:draw", draw.pk)


# --- vendors named on a case (the "涉及摊贩" section of the case page) -----------------------------


def _case(request, case_id: int):
    from chengguan.cases.selectors import cases_visible_to

    case = cases_visible_to(request.user).select_related("category").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def _section(request, case, error: str = ""):
    vendors = selectors.vendors_of_case(case)
    offers = {v.pk for v in selectors.offers_for(case)}
    probe = Vendor(bureau_id=case.bureau_id)
    return render(
        request,
        "welfare/_case_vendors_section.html",
        {
            "case": case,
            "vendors": vendors,
            "offers": offers,
            "open_draws": list(selectors.open_draws(case.bureau_id)) if offers else [],
            "can_link": can_keep_register(request.user, probe),
            "may_help": can_record_help(request.user, probe),
            "sees_hardship": can_see_hardship(request.user, probe),
            "error": error,
        },
    )


def _after_case(request, case, error: str = ""):
    if request.headers.get("HX-Request"):
        return _section(request, case, error)
    if error:
        messages.error(request, error)
    return redirect("cases:detail", case.number)


@login_required
@require_GET
def case_vendors(request, case_id: int):
    """Loaded into the case page; people outside the register's readers get nothing."""
    bureau = org_selectors.bureau_of(request.user)
    if bureau is None or not can_view_welfare(request.user, Vendor(bureau=bureau)):
        return HttpResponse("")
    try:
        case = _case(request, case_id)
    except Http404:
        return HttpResponse("")
    return _section(request, case)


@staff_required
@require_GET
def case_vendor_pick(request, case_id: int):
    case = _case(request, case_id)
    query = request.GET.get("q", "")
    found = list(selectors.vendors_for_picker(request.user, query))
    linked = {v.pk for v in selectors.vendors_of_case(case)}
    return render(
        request, "welfare/_case_vendor_picks.html", {"case": case, "found": found, "linked": linked}
    )


def _picked(request, vendor_id) -> Vendor | None:
    try:
        return selectors.vendor_for(request.user, int(vendor_id))
    except (DomainError, TypeError, ValueError):
        return None


@staff_required
@require_POST
def case_vendor_link(request, case_id: int):
    case = _case(request, case_id)
    vendor = _picked(request, request.POST.get("vendor"))
    if vendor is None:
        return _after_case(request, case, _("请先从查找结果中选择摊贩。"))
    try:
        services.vendor_link_case(actor=request.user, vendor=vendor, case=case)
    except DomainError as exc:
        return _after_case(request, case, exc.message)
    return _after_case(request, case)


@staff_required
@require_POST
def case_vendor_unlink(request, case_id: int, vendor_id: int):
    case = _case(request, case_id)
    vendor = _picked(request, vendor_id)
    if vendor is None:
        raise Http404
    try:
        services.vendor_unlink_case(actor=request.user, vendor=vendor, case=case)
    except DomainError as exc:
        return _after_case(request, case, exc.message)
    return _after_case(request, case)


@staff_required
@require_POST
def case_vendor_apply(request, case_id: int, vendor_id: int):
    """The 721 offer's button: apply for a pitch for the vendor, from the case page."""
    case = _case(request, case_id)
    vendor = _picked(request, vendor_id)
    draw = selectors.open_draws(case.bureau_id).filter(pk=request.POST.get("draw") or 0).first()
    if vendor is None or draw is None:
        return _after_case(request, case, _("请选择接受申请的摇号。"))
    try:
        services.draw_apply(actor=request.user, draw=draw, vendor=vendor)
    except DomainError as exc:
        return _after_case(request, case, exc.message)
    return _after_case(request, case)


# --- the public page: re-run a published draw ----------------------------------------------------


@require_GET
def public_draws(request):
    return render(request, "welfare/public_draws.html", {"draws": list(selectors.public_draws())})


@require_GET
def public_draw(request, pk: int):
    """Anyone may re-run a draw: the seed's hash from its announcement, the seed once drawn, the
    application numbers with their group, and the ranking a seed gives."""
    draw = selectors.published_draw(pk)
    if draw is None:
        raise Http404
    form = RerunForm(request.GET if "seed" in request.GET else None)
    result = selectors.rerun(draw, form.cleaned_data["seed"]) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "welfare/public_draw.html",
        {
            "draw": draw,
            "applications": list(draw.applications.order_by("rank", "number")),
            "form": form,
            "result": result,
        },
    )
