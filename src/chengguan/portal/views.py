"""The public pages (report, track, rate, the portal home) and the leaders' review list (回访复核).

Views gather input and call services/selectors; rules live there. A member of the public reaches a
report's details only through its tracking number and query code: a successful look-up is remembered
in the session, so the code never travels in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chengguan.cases import mapdata
from chengguan.cases.models import CaseEvidence
from chengguan.cases.states import CaseState
from chengguan.core import limits
from chengguan.core.forms import flash, submit
from chengguan.org.access import staff_required
from chengguan.portal import forms, selectors, services
from chengguan.portal.permissions import can_review_callbacks
from chengguan.portal.public_categories import offered

SESSION_TRACKED = "portal_tracked"  # case numbers this browser proved it holds the code for
SESSION_SUBMITTED = "portal_submitted"  # {"number", "code"} of the report just made, for the answer page
PHOTO_SALT = "chengguan.portal.photo"
PHOTO_MAX_AGE = 24 * 3600
RATE_LIMITED = gettext_lazy("操作过于频繁，请稍后再试。如情况紧急，请拨打 12319 城建服务热线。")
NOT_FOUND = gettext_lazy("受理编号或查询码不正确，请核对后再试。")


def _too_many(request):
    return render(request, "portal/rate_limited.html", {"message": RATE_LIMITED}, status=429)


def photo_url(item: CaseEvidence, variant: str = "thumb") -> str:
    token = signing.dumps(item.pk, salt=PHOTO_SALT)
    return reverse("portal:photo", kwargs={"token": token, "variant": variant})


def _with_urls(photos: dict[str, list[CaseEvidence]]) -> dict[str, list[dict]]:
    return {
        stage: [{"thumb": photo_url(p), "full": photo_url(p, "file")} for p in items]
        for stage, items in photos.items()
    }


def _map_config() -> dict:
    """The district's extent and outlines for the public maps, without names or ids."""
    area = mapdata.jurisdiction(None) or {}
    outlines = area.get("outlines") or {"features": []}
    shapes = [{"type": "Feature", "geometry": f["geometry"], "properties": {}} for f in outlines["features"]]
    return {"extent": area.get("extent"), "outlines": {"type": "FeatureCollection", "features": shapes}}


# -- the portal home -------------------------------------------------------------------------------


def portal_home(request, *, figures: dict):
    """The public home page (served at `/` for anyone who is not staff by `web`, which brings this
    month's `figures` from `stats`, an app above this one)."""
    solved = selectors.recently_solved()
    for row in solved:
        row["photos"] = _with_urls({"before": row.pop("before"), "after": row.pop("after")})
    context = {
        "figures": figures,
        "solved": solved,
        "map_config": {
            **_map_config(),
            "reports": selectors.reports_by_grid(),
            "text": {"reports": _("近30天 %(n)s 件")},
        },
    }
    return render(request, "web/home_public.html", context)


# -- report ----------------------------------------------------------------------------------------


def report(request):
    form = forms.ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        # The public page has no banner: a refusal without a field goes above the form.
        submitted = submit(
            form,
            lambda data: services.public_report_submit(**data, client_address=limits.client_address(request)),
            message_on_form=True,
        )
        if isinstance(form.refusal, limits.RateLimited):
            return _too_many(request)
        if submitted is not None:
            number = submitted.report.case.number
            request.session[SESSION_SUBMITTED] = {"number": number, "code": submitted.query_code}
            _remember(request, number)
            return redirect("portal:report-done")
        status = form.refusal.status if form.refusal else 400
    context = {
        "form": form,
        "categories": [{"key": e.key, "label": e.local_label, "hint": e.local_hint} for e, _c in offered()],
        "map_config": _map_config(),
    }
    return render(request, "portal/report.html", context, status=status)


def report_done(request):
    submitted = request.session.get(SESSION_SUBMITTED)
    if not submitted:
        return redirect("portal:report")
    return render(request, "portal/report_done.html", {"submitted": submitted})


# -- track and rate --------------------------------------------------------------------------------


def _remember(request, number: str) -> None:
    tracked = [n for n in request.session.get(SESSION_TRACKED, []) if n != number]
    request.session[SESSION_TRACKED] = [number, *tracked][:20]


def track(request):
    form = forms.TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    status = 200
    if request.method == "POST":
        address = limits.client_address(request)
        if not limits.hit("track_ip", address):
            return _too_many(request)
        if form.is_valid():
            number = form.cleaned_data["number"].strip()
            if limits.exhausted("track_number", number):
                return _too_many(request)
            found = selectors.report_for_tracking(number, form.cleaned_data["code"])
            if found is not None:
                _remember(request, number)
                return redirect("portal:track-detail", number=number)
            limits.hit("track_number", number)
            form.add_error(None, NOT_FOUND)
        status = 400
    return render(request, "portal/track.html", {"form": form}, status=status)


def _tracked_report(request, number: str):
    if number not in request.session.get(SESSION_TRACKED, []):
        return None
    return selectors.public_report(number)


def track_detail(request, number: str):
    report = _tracked_report(request, number)
    if report is None:
        messages.info(request, _("请输入受理编号和查询码查看办理进度。"))
        return redirect(f"{reverse('portal:track')}?number={number}")
    return _render_detail(request, report, forms.RatingForm())


def _render_detail(request, report, rating_form, status: int = 200):
    case = report.case
    context = {
        "case": case,
        "public_category": next(
            (e.local_label for e, _c in offered() if e.key == report.public_category), ""
        ),
        "status_note": selectors.status_notes(case),
        "is_closed": case.state == CaseState.CLOSED,
        "timeline": selectors.public_timeline(case),
        "replies": selectors.public_replies(case),
        "photos": _with_urls(selectors.public_photos(case)),
        "description": selectors.public_text(case.description),
        "rating": selectors.portal_rating(case),
        "rating_form": rating_form,
    }
    return render(request, "portal/track_detail.html", context, status=status)


@require_POST
def rate(request, number: str):
    report = _tracked_report(request, number)
    if report is None:
        return redirect(f"{reverse('portal:track')}?number={number}")
    if not limits.hit("rate_ip", limits.client_address(request)):
        return _too_many(request)
    form = forms.RatingForm(request.POST)
    rated = submit(
        form, lambda data: services.public_rating_submit(report=report, **data), message_on_form=True
    )
    if rated is None:
        return _render_detail(request, report, form, status=form.refusal.status if form.refusal else 400)
    # The page thanks the reporter beside their rating (one thanks, not a flash message as well).
    return redirect("portal:track-detail", number=number)


def photo(request, token: str, variant: str):
    """A before/after photo shown on a public page: the URL is signed where the page is drawn."""
    try:
        evidence_id = signing.loads(token, salt=PHOTO_SALT, max_age=PHOTO_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("bad photo link") from exc
    item = selectors.public_photo(evidence_id)
    if item is None:
        raise Http404("no such photo")
    stored = item.thumbnail if variant == "thumb" and item.thumbnail else item.file
    content_type = "image/jpeg" if stored is item.thumbnail else item.content_type
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# -- 回访复核 ----------------------------------------------------------------------------------------


@staff_required
def review_list(request):
    if not can_review_callbacks(request.user):
        return render(request, "portal/review.html", {"allowed": False}, status=403)
    context = {
        "allowed": True,
        "pending": selectors.reviews_pending(request.user),
        "done": selectors.reviews_done(request.user),
        "form": forms.ReviewForm(),
    }
    return render(request, "portal/review.html", context)


@staff_required
@require_POST
def review_decide(request, pk: int):
    callback = get_object_or_404(selectors.reviews_pending(request.user), pk=pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("案件 %(number)s：请选择处理方式并填写原因或解释说明。") % {"number": callback.case.number},
        )
        return redirect("portal:review")
    number = callback.case.number
    flash(
        request,
        lambda: services.callback_review_decide(
            actor=request.user,
            callback=callback,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        ),
        lambda review: (
            _("案件 %(number)s：已%(decision)s。")
            % {"number": number, "decision": review.get_decision_display()}
        ),
        about=_("案件 %(number)s") % {"number": number},
    )
    return redirect("portal:review")
