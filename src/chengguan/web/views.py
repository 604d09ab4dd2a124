"""The web pages: login, a home page for each role, the grid map, the organisation and categories.

Views only gather what selectors return and render it; no rule lives here."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from chengguan.cases.forms import category_choices
from chengguan.cases.permissions import can_use_dispatch_board
from chengguan.core import audit, calendar, clock
from chengguan.core import navigation as menu
from chengguan.core.masking import mask_phone
from chengguan.grids.permissions import works_assigned_grids
from chengguan.grids.selectors import locate_point
from chengguan.merchants import selectors as merchant_selectors
from chengguan.merchants.permissions import keeps_a_shop
from chengguan.org import otp
from chengguan.org.access import is_staff_user, staff_required
from chengguan.org.auth import count_failure, login_block
from chengguan.org.forms import LockoutAuthenticationForm
from chengguan.org.models import Organisation
from chengguan.org.permissions import (
    compares_bureaus,
    is_partner_contact,
    sees_bureau_overview,
    uses_admin_pages,
)
from chengguan.org.roles import RoleCode
from chengguan.org.selectors import bureau_of, profile_of, role_codes, visible_organisations
from chengguan.people import selectors as people_selectors
from chengguan.portal import selectors as portal_selectors
from chengguan.portal.permissions import follows_own_reports, raises_deputy_items, reports_as_citizen
from chengguan.portal.views import portal_home
from chengguan.stats.figures import LABELS as FIGURE_LABELS
from chengguan.stats.selectors import bureau_comparison, home_figures
from chengguan.taxonomy import routing
from chengguan.taxonomy import selectors as taxonomy_selectors
from chengguan.taxonomy.models import CategoryKind
from chengguan.web import selectors

# Above this many grids in view the map shows sub-district outlines instead: SVG stays responsive, one
# API answer (capped at 5,000 features) holds them all, and a district of about 2,000 grids of 100 m
# still shows every grid at its default zoom.
MAP_MAX_GRIDS = 4500


OTP_PENDING = "otp_pending"
OTP_PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    authentication_form = LockoutAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not otp.required(user):
            return super().form_valid(form)
        # The password was right; the session is signed in only after the second step.
        self.request.session[OTP_PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("web:login-otp")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.blocked():
            response.status_code = 429
        return response


login_view = LoginView.as_view()


def login_otp(request):
    """The second step: the TOTP code, or, for someone without an authenticator yet, its enrolment."""
    pending = request.session.get(OTP_PENDING)
    if not pending or time.time() - pending["at"] > OTP_PENDING_SECONDS:
        request.session.pop(OTP_PENDING, None)
        return redirect("web:login")
    user = get_user_model().objects.get(pk=pending["user"])
    device = otp.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = otp.enrolment_device(user)
    error, status = "", 200
    if request.method == "POST":
        block = login_block(user.username)
        if block is not None:
            error, status = block.error().message, 429
        elif otp.verify(device, request.POST.get("token", "")):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record(actor=user, action="auth.otp_enrolled", obj=user)
            del request.session[OTP_PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
        else:
            count_failure(user.username)
            error, status = _("验证码不正确或已过期，请重新输入。"), 400
    context = {
        "enrolling": enrolling,
        "secret": otp.secret_text(device) if enrolling else "",
        "config_url": device.config_url if enrolling else "",
        "error": error,
    }
    return render(request, "registration/login_otp.html", context, status=status)


logout_view = auth_views.LogoutView.as_view()


def own_home(request):
    """The home of a member of the public who signed in: what they raised or reported and how it is
    going, and a merchant's shops with their letters and cases. Each list reads only the actor's own
    rows (`portal.selectors.own_reports`, `merchants.selectors.shops_of_account`)."""
    user = request.user
    context = {
        "profile": profile_of(user),
        "deputy": raises_deputy_items(user),
        "deputy_items": portal_selectors.own_reports(user, deputy_items=True),
        "reports": (reports := portal_selectors.own_reports(user, deputy_items=False)),
        "citizen": reports_as_citizen(user) or bool(reports),
        "merchant": keeps_a_shop(user),
        "shops": merchant_selectors.shops_of_account(user),
    }
    return render(request, "web/home_own.html", context)


def _person_rows(profiles) -> list[dict]:
    return [
        {
            "name": p.full_name,
            "title": p.title,
            "roles": [RoleCode(r.code).label for r in p.roles.all()],
            "phone": mask_phone(p.phone),
        }
        for p in profiles
    ]


# From October deadlines start to run into the next year, whose holiday table the State Council
# publishes in November or December.
NEXT_YEAR_WATCHED_FROM_MONTH = 10


def calendar_gaps(today) -> list[int]:
    """This year, and next year from October, when the calendar has no official table for them
    (deadlines there are counted Monday–Friday): the administrator's workbench says so."""
    years = [today.year] + ([today.year + 1] if today.month >= NEXT_YEAR_WATCHED_FROM_MONTH else [])
    return calendar.years_without_table(*years)


def home(request):
    """Staff get their own home; a partner department's contact their campaign tasks; a deputy, a
    citizen or a merchant who signed in their own page; everyone else the public portal."""
    user = request.user
    if not is_staff_user(user):
        if user.is_authenticated and is_partner_contact(user):
            return redirect("campaigns:campaign-tasks")
        if user.is_authenticated and (follows_own_reports(user) or keeps_a_shop(user)):
            return own_home(request)
        return portal_home(request, figures=home_figures())
    profile = profile_of(user)
    context: dict = {"profile": profile, "is_inspector": works_assigned_grids(user)}
    if profile is not None:
        org = profile.organisation
        context.update(
            organisation=org,
            org_chain=selectors.ancestors(org),
            grids=selectors.my_grids(user, profile),
            colleagues=_person_rows(selectors.colleagues(profile)),
            colleague_total=selectors.colleague_count(profile),
            certificate=people_selectors.current_certificate(user),
        )
    if uses_admin_pages(user):
        context["calendar_gaps"] = calendar_gaps(clock.today())
    bureau = bureau_of(user)
    if bureau is not None and sees_bureau_overview(user):
        overview = selectors.bureau_overview(bureau)
        overview["staff_by_role"] = [(RoleCode(code).label, n) for code, n in overview["staff_by_role"]]
        context.update(bureau=bureau, overview=overview)
    return render(request, "web/home.html", context)


@staff_required
def grid_map(request):
    legend = selectors.subdistrict_colours(request.user)
    extent = selectors.map_extent(request.user)
    map_config = {
        "legend": legend,
        "extent": extent,
        "tileUrl": getattr(settings, "CHENGGUAN_TILE_URL", "") or "",
        "gridsApi": reverse("api-grid-list"),
        "outlinesApi": reverse("api-grid-outlines"),
        "outlinesUrl": reverse("web:grid-outlines"),
        "initialCode": request.GET.get("code", "").strip(),
        "maxGrids": MAP_MAX_GRIDS,
        "text": {
            "loading": _("正在加载…"),
            "shown": _("当前显示 %(n)s 个网格"),
            "zoomIn": _("范围内约有 %(n)s 个网格，请放大地图查看单元网格"),
            "notFound": _("未找到网格编码 %(code)s"),
            "failed": _("网格数据加载失败，请稍后重试"),
            "truncated": _("当前显示 %(n)s 个网格（已达上限，请放大地图查看其余网格）"),
            "empty": _("暂无可查看的网格"),
            "none": "—",
        },
    }
    if extent and extent["count"] <= MAP_MAX_GRIDS:
        # The first view shows every grid the user may see: its request starts with the page (a
        # preload in the head), not after the map's scripts have run.
        bbox = ",".join(f"{v:.6f}" for v in extent["bbox"])
        map_config["firstUrl"] = f"{map_config['outlinesApi']}?bbox={bbox}"
    context = {
        "legend": legend,
        "extent": extent,
        "initial_code": map_config["initialCode"],
        "map_config": map_config,
    }
    return render(request, "web/grid_map.html", context)


@staff_required
@require_GET
def nav_badges(request):
    """The counts of the side menu's badges, fetched by the menu once the page has loaded."""
    counts = menu.badge_counts(request.user, role_codes(request.user))
    badges = {
        name: {"count": n, "title": ngettext("%(n)s 件待办", "%(n)s 件待办", n) % {"n": n}}
        for name, n in counts.items()
    }
    response = JsonResponse({"badges": badges})
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_GET
def grid_outlines(request):
    """Sub-district outlines for the zoomed-out map (the grids themselves come from the API)."""
    return JsonResponse(selectors.subdistrict_outlines(request.user))


@staff_required
def organisation(request):
    tree, partners = selectors.visible_tree(request.user)
    units = [org for org, _depth in tree]
    profile = profile_of(request.user)
    selected = (
        profile.organisation if profile and profile.organisation in units else (units[0] if units else None)
    )
    selected_id = request.GET.get("unit")
    if selected_id:
        selected = _visible_unit(request.user, selected_id)
    rows = [{"org": org, "indent": depth} for org, depth in tree]
    context = {
        "rows": rows,
        "partners": partners,
        "selected": selected,
        "staff": _person_rows(selectors.unit_staff(request.user, selected)) if selected else [],
    }
    return render(request, "web/organisation.html", context)


def _visible_unit(user, unit_id: str) -> Organisation:
    try:
        return visible_organisations(user).get(pk=int(unit_id))
    except (ValueError, Organisation.DoesNotExist) as exc:
        raise Http404("unit not visible") from exc


@staff_required
def organisation_staff(request, pk: int):
    """The staff of one unit (HTMX fragment for the organisation page)."""
    unit = _visible_unit(request.user, str(pk))
    return render(
        request,
        "web/_unit_staff.html",
        {"selected": unit, "staff": _person_rows(selectors.unit_staff(request.user, unit))},
    )


@staff_required
def categories(request):
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in CategoryKind.values:
        kind = ""
    found = list(selectors.search_categories(query, kind))
    groups: list[dict] = []
    for category in found:
        if not groups or groups[-1]["major"].pk != category.major_id:
            groups.append({"major": category.major, "items": []})
        groups[-1]["items"].append(category)
    context = {"q": query, "kind": kind, "groups": groups, "count": len(found), "kinds": CategoryKind.choices}
    template = "web/_category_results.html" if request.headers.get("HX-Request") else "web/categories.html"
    return render(request, template, context)


_DATE = forms.DateInput(attrs={"type": "date"})


class PeriodForm(forms.Form):
    """The inclusive dates of a comparison (default: this month to date)."""

    start = forms.DateField(
        label=_lazy("起始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_lazy("截止日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        today = clock.today()
        data["start"] = data.get("start") or today.replace(day=1)
        data["end"] = data.get("end") or today
        if data["end"] < data["start"]:
            self.add_error("end", _lazy("截止日不能早于起始日。"))
        return data


@staff_required
@require_GET
def bureau_comparison_page(request):
    """各区对比: a city leader's figures of every bureau of the city, side by side."""
    if not compares_bureaus(request.user):
        raise PermissionDenied("city leaders only")
    form = PeriodForm(request.GET)
    rows = []
    if form.is_valid():
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = bureau_comparison(request.user, *clock.period_bounds(first, last))
    labels = [FIGURE_LABELS[f.name] for f in rows[0].figures] if rows else []
    return render(request, "web/bureau_comparison.html", {"form": form, "rows": rows, "labels": labels})


class RoutingTestForm(forms.Form):
    """ "Who would get this?": a category and a point, in the coordinate system of the map used."""

    category = forms.ChoiceField(label=_lazy("问题类别"))
    lon = forms.FloatField(label=_lazy("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_lazy("纬度"), min_value=-90, max_value=90)
    crs = forms.ChoiceField(
        label=_lazy("坐标系"), choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")]
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(categories)


@staff_required
@require_GET
def routing_rules(request):
    """The dispatcher's view of the routing rules (who gets which category where) and a tester that
    asks the same function the intake asks (`taxonomy.routing.propose_handler`)."""
    if not can_use_dispatch_board(request.user):
        raise PermissionDenied
    bureau = bureau_of(request.user)
    categories = list(taxonomy_selectors.active_categories().select_related("major"))
    form = RoutingTestForm(request.GET if "category" in request.GET else None, categories=categories)
    answer = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        category = next(c for c in categories if c.code == d["category"])
        grid = locate_point(d["lon"], d["lat"], d["crs"])
        if grid is not None and bureau is not None and grid.community.bureau_id != bureau.pk:
            grid = None  # another bureau's ground: its rules are not this dispatcher's to read
        rules = routing.matching_rules(category=category, grid=grid) if grid is not None else []
        answer = {
            "category": category,
            "grid": grid,
            "handler": routing.handler_for(rules[0], grid) if rules else None,
            "rule": rules[0] if rules else None,
            "others": rules[1:],
        }
    context = {
        "rules": taxonomy_selectors.routing_rules_for(bureau),
        "limits": taxonomy_selectors.bureau_time_limits(bureau),
        "form": form,
        "answer": answer,
    }
    return render(request, "web/routing.html", context)
