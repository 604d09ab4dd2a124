"""The outreach pages: activities with their registrations, check-in, photos and volunteers' hours;
volunteers and their certificates; live sessions with their audience, comments and recordings; the
media's reports by year. Public pages (no login): the activities with a registration form sized for
a phone, the live schedule and past sessions, and the check of a volunteer's certificate. Views
gather input, call a service or selector, render."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chengguan.core import clock, limits
from chengguan.core.errors import DomainError
from chengguan.core.forms import banner_of, submit
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.workflow.forms import action_form, submitted
from chengguan.org import selectors as org_selectors
from chengguan.org.access import staff_required
from chengguan.org.models import StaffProfile
from chengguan.outreach import certificate_pdf, selectors, services
from chengguan.outreach.filters import ActivityFilter, BroadcastFilter, MediaFilter
from chengguan.outreach.forms import (
    ActivityForm,
    BroadcastForm,
    HighlightForm,
    HoursForm,
    MediaForm,
    PhotoForm,
    RecordingRegisterForm,
    RegistrationForm,
    ViewersForm,
    ViewersImportForm,
    VolunteerForm,
)
from chengguan.outreach.models import ActivityPhoto, ActivityState, RecordingState, ServiceCertificate
from chengguan.outreach.permissions import NOT_OFFICERS, can_organise_activities, can_run_broadcasts
from chengguan.outreach.states import ACTIVITY_MACHINE, BROADCAST_MACHINE

INVALID = _("提交的数据有误，请检查标出的字段。")


def _bureau(request):
    return org_selectors.bureau_of(request.user)


def _may(rule, request, model) -> bool:
    bureau = _bureau(request)
    return bureau is not None and rule(request.user, model(bureau=bureau))


def _action_forms(machine, obj, request, errors: dict | None = None):
    errors = errors or {}
    return [
        (a, machine.label(a), errors.get(a) or action_form(machine, a, prefix=a))
        for a in machine.available_actions(obj, request.user)
    ]


# -- activities -------------------------------------------------------------------------------------


@staff_required
def activity_list(request):
    from chengguan.outreach.models import Activity

    filters = ActivityFilter(request.GET or None, queryset=selectors.activities_for(request.user))
    rows = filters.qs if filters.is_valid() else filters.queryset.none()
    return render(
        request,
        "outreach/activities.html",
        {
            "rows": list(rows[:200]),
            "filters": filters,
            "may_organise": _may(can_organise_activities, request, Activity),
        },
    )


@staff_required
def activity_new(request):
    from chengguan.outreach.models import Activity

    if not _may(can_organise_activities, request, Activity):
        raise DjangoPermissionDenied
    form = ActivityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        activity = submit(
            form, lambda d: services.activity_create(actor=request.user, bureau=_bureau(request), **d)
        )
        if activity is not None:
            return redirect("outreach:activity", pk=activity.pk)
        status = banner_of(form, INVALID)[1]
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": _("新建开放活动"), "tab": "activities"},
        status=status,
    )


def _activity(request, pk: int):
    return get_object_or_404(selectors.activities_for(request.user), pk=pk)


@staff_required
def activity_detail(request, pk: int, *, errors: dict | None = None, status: int = 200):
    activity = _activity(request, pk)
    errors = errors or {}
    may = can_organise_activities(request.user, activity)
    registrations = [
        {"r": r, "name": mask_name(r.name), "phone": mask_phone(r.phone)}
        for r in activity.registrations.all()
    ]
    volunteers = list(selectors.volunteers_for(request.user)) if may else []
    return render(
        request,
        "outreach/activity.html",
        {
            "a": activity,
            "may": may,
            "registrations": registrations,
            "photos": list(activity.photos.all()),
            "hours": list(activity.volunteer_hours.select_related("volunteer")),
            "photo_form": errors.get("photo") or PhotoForm(),
            "hours_form": errors.get("hours") or HoursForm(volunteers=volunteers),
            "action_forms": _action_forms(ACTIVITY_MACHINE, activity, request, errors),
            "public": activity.state in selectors.PUBLIC_ACTIVITY_STATES,
        },
        status=status,
    )


@staff_required
@require_POST
def activity_action(request, pk: int, action: str):
    activity = _activity(request, pk)
    form = action_form(ACTIVITY_MACHINE, action, data=request.POST, prefix=action)
    done = submit(
        form,
        lambda d: services.activity_transition(
            actor=request.user, activity=activity, action=action, **submitted(form)
        ),
    )
    if done is not None:
        messages.success(request, ACTIVITY_MACHINE.label(action))
        return redirect("outreach:activity", pk=pk)
    return activity_detail(request, pk, errors={action: form}, status=banner_of(form, INVALID)[1])


@staff_required
@require_POST
def activity_check_in(request, pk: int, registration: int):
    activity = _activity(request, pk)
    row = get_object_or_404(activity.registrations.all(), pk=registration)
    try:
        services.registration_check_in(actor=request.user, registration=row)
    except DomainError as exc:
        return render(request, "outreach/error.html", {"message": exc.message}, status=exc.status)
    return redirect("outreach:activity", pk=pk)


@staff_required
@require_POST
def activity_photo(request, pk: int):
    activity = _activity(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    done = submit(
        form,
        lambda d: services.activity_photo_add(
            actor=request.user,
            activity=activity,
            upload=d["file"],
            caption=d["caption"],
            publishable=d["publishable"],
        ),
        aliases={"file": "file"},
    )
    if done is not None:
        return redirect("outreach:activity", pk=pk)
    return activity_detail(request, pk, errors={"photo": form}, status=banner_of(form, INVALID)[1])


@staff_required
@require_POST
def activity_hours(request, pk: int):
    activity = _activity(request, pk)
    volunteers = list(selectors.volunteers_for(request.user))
    form = HoursForm(request.POST, volunteers=volunteers)
    by_pk = {v.pk: v for v in volunteers}
    done = submit(
        form,
        lambda d: services.service_hours_record(
            actor=request.user, volunteer=by_pk[d["volunteer"]], activity=activity, hours=d["hours"]
        ),
    )
    if done is not None:
        return redirect("outreach:activity", pk=pk)
    return activity_detail(request, pk, errors={"hours": form}, status=banner_of(form, INVALID)[1])


def _stored(file, *, public: bool = False):
    response = FileResponse(
        file.open("rb"), content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "public, max-age=3600" if public else "private, max-age=3600"
    return response


@staff_required
@require_POST
def photo_publish(request, pk: int):
    photo = get_object_or_404(ActivityPhoto, pk=pk, activity__in=selectors.activities_for(request.user))
    try:
        services.activity_photo_publish(
            actor=request.user, photo=photo, publishable=request.POST.get("publishable") == "1"
        )
    except DomainError as exc:
        return render(request, "outreach/error.html", {"message": exc.message}, status=exc.status)
    return redirect("outreach:activity", pk=photo.activity_id)


@staff_required
@require_GET
def photo_file(request, pk: int):
    photo = ActivityPhoto.objects.filter(pk=pk, activity__in=selectors.activities_for(request.user)).first()
    if photo is None:
        raise Http404
    return _stored(photo.file)


# -- volunteers -------------------------------------------------------------------------------------


@staff_required
def volunteer_list(request):
    from chengguan.outreach.models import Volunteer

    may = _may(can_organise_activities, request, Volunteer)
    form = VolunteerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may:
            raise DjangoPermissionDenied
        done = submit(
            form, lambda d: services.volunteer_register(actor=request.user, bureau=_bureau(request), **d)
        )
        if done is not None:
            return redirect("outreach:volunteer", pk=done.pk)
        status = banner_of(form, INVALID)[1]
    rows = [{"v": v, "phone": mask_phone(v.phone)} for v in selectors.volunteers_for(request.user)[:500]]
    return render(
        request, "outreach/volunteers.html", {"rows": rows, "form": form if may else None}, status=status
    )


def _volunteer(request, pk: int):
    return get_object_or_404(selectors.volunteers_for(request.user), pk=pk)


@staff_required
def volunteer_detail(request, pk: int):
    v = _volunteer(request, pk)
    return render(
        request,
        "outreach/volunteer.html",
        {
            "v": v,
            "phone": mask_phone(v.phone),
            "hours": list(v.hours.select_related("activity").order_by("-activity__starts_at")),
            "certificates": list(v.certificates.all()),
            "may": can_organise_activities(request.user, v),
        },
    )


@staff_required
@require_POST
def volunteer_certificate(request, pk: int):
    v = _volunteer(request, pk)
    try:
        cert = services.certificate_issue(actor=request.user, volunteer=v)
    except DomainError as exc:
        return render(request, "outreach/error.html", {"message": exc.message}, status=exc.status)
    return redirect("outreach:certificate-pdf", pk=cert.pk)


@staff_required
@require_GET
def certificate_file(request, pk: int):
    cert = get_object_or_404(
        ServiceCertificate.objects.select_related("volunteer__bureau"),
        pk=pk,
        volunteer__in=selectors.volunteers_for(request.user),
    )
    response = HttpResponse(certificate_pdf.render(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


# -- live sessions ----------------------------------------------------------------------------------


@staff_required
def broadcast_list(request):
    from chengguan.outreach.models import Broadcast

    filters = BroadcastFilter(request.GET or None, queryset=selectors.broadcasts_for(request.user))
    rows = filters.qs if filters.is_valid() else filters.queryset.none()
    return render(
        request,
        "outreach/broadcasts.html",
        {
            "rows": list(rows[:200]),
            "filters": filters,
            "may_run": _may(can_run_broadcasts, request, Broadcast),
        },
    )


def _officers(bureau):
    return list(
        StaffProfile.objects.filter(organisation__bureau=bureau, user__is_active=True)
        .exclude(user__groups__name__in=NOT_OFFICERS)
        .select_related("organisation")
        .order_by("organisation__name", "full_name")[:300]
    )


@staff_required
def broadcast_new(request):
    from django.contrib.auth import get_user_model

    from chengguan.outreach.models import Broadcast

    if not _may(can_run_broadcasts, request, Broadcast):
        raise DjangoPermissionDenied
    bureau = _bureau(request)
    people = _officers(bureau)
    form = BroadcastForm(request.POST or None, people=people)
    status = 200
    if request.method == "POST":

        def schedule(d):
            officers = list(get_user_model().objects.filter(pk__in=d.pop("officers")))
            return services.broadcast_schedule(actor=request.user, bureau=bureau, officers=officers, **d)

        done = submit(form, schedule)
        if done is not None:
            return redirect("outreach:broadcast", pk=done.pk)
        status = banner_of(form, INVALID)[1]
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": _("安排直播执法"), "tab": "broadcasts"},
        status=status,
    )


def _broadcast(request, pk: int):
    return get_object_or_404(selectors.broadcasts_for(request.user), pk=pk)


FORMS = {
    "viewers": ViewersForm,
    "import": ViewersImportForm,
    "highlight": HighlightForm,
    "recording": RecordingRegisterForm,
}


@staff_required
def broadcast_detail(request, pk: int, *, errors: dict | None = None, status: int = 200):
    b = _broadcast(request, pk)
    errors = errors or {}
    forms = {name: errors.get(name) or cls() for name, cls in FORMS.items()}
    if "viewers" not in errors:
        forms["viewers"] = ViewersForm(
            initial={"peak_viewers": b.peak_viewers, "cumulative_viewers": b.cumulative_viewers}
        )
    return render(
        request,
        "outreach/broadcast.html",
        {
            "b": b,
            "may": can_run_broadcasts(request.user, b),
            "forms": forms,
            "operations": [
                link.operation for link in b.operation_links.select_related("operation__campaign")
            ],
            "cases": [link.case for link in b.case_links.select_related("case")],
            "highlights": list(b.highlights.all()),
            "recordings": list(b.recordings.prefetch_related("cases")),
            # The uploads a reloaded page can carry on with (picking the same file again).
            "unfinished": [
                {"id": r.pk, "name": r.original_name, "size": r.size}
                for r in b.recordings.filter(state=RecordingState.UPLOADING)
            ],
            "action_forms": _action_forms(BROADCAST_MACHINE, b, request, errors),
        },
        status=status,
    )


@staff_required
@require_POST
def broadcast_action(request, pk: int, action: str):
    b = _broadcast(request, pk)
    if action in FORMS:
        form = FORMS[action](request.POST, request.FILES)
        call = {
            "viewers": lambda d: services.broadcast_viewers_record(
                actor=request.user, broadcast=b, peak=d["peak_viewers"], cumulative=d["cumulative_viewers"]
            ),
            "import": lambda d: services.broadcast_viewers_import(
                actor=request.user, broadcast=b, upload=d["file"]
            ),
            "highlight": lambda d: services.highlight_add(actor=request.user, broadcast=b, **d),
            "recording": lambda d: services.recording_register(actor=request.user, broadcast=b, **d),
        }[action]
        done = submit(form, call, aliases={"peak": "peak_viewers", "cumulative": "cumulative_viewers"})
    else:
        form = action_form(BROADCAST_MACHINE, action, data=request.POST, prefix=action)
        done = submit(
            form,
            lambda d: services.broadcast_transition(
                actor=request.user, broadcast=b, action=action, **submitted(form)
            ),
        )
    if done is not None:
        return redirect("outreach:broadcast", pk=pk)
    return broadcast_detail(request, pk, errors={action: form}, status=banner_of(form, INVALID)[1])


@staff_required
@require_GET
def recording_download(request, pk: int):
    rec = get_object_or_404(selectors.recordings_for(request.user), pk=pk)
    try:
        handle = services.recording_open_checked(actor=request.user, recording=rec)
    except DomainError as exc:
        return render(request, "outreach/error.html", {"message": exc.message}, status=exc.status)
    response = FileResponse(
        handle, as_attachment=True, filename=rec.original_name, content_type="application/octet-stream"
    )
    response["X-Content-SHA256"] = rec.sha256
    return response


# -- media ------------------------------------------------------------------------------------------


@staff_required
def media_list(request):
    from chengguan.outreach.models import Broadcast

    year = request.GET.get("year") or str(clock.today().year)
    filters = MediaFilter({**request.GET.dict(), "year": year}, queryset=selectors.media_for(request.user))
    rows = list(filters.qs) if filters.is_valid() else []
    may = _may(can_run_broadcasts, request, Broadcast)
    form = None
    status = 200
    if may:
        from chengguan.people.models import Deed

        bureau = _bureau(request)
        choices = {
            "activities": list(selectors.activities_for(request.user)[:100]),
            "broadcasts": list(selectors.broadcasts_for(request.user)[:100]),
            "deeds": list(Deed.objects.filter(bureau=bureau).order_by("-happened_on")[:100]),
        }
        form = MediaForm(request.POST or None, **choices)
        if request.method == "POST":

            def record(d):
                picked = {k: [o for o in rows_ if o.pk in set(d.pop(k))] for k, rows_ in choices.items()}
                return services.media_report_record(actor=request.user, bureau=bureau, **d, **picked)

            if submit(form, record) is not None:
                return redirect(f"{request.path}?year={form.cleaned_data['published_on'].year}")
            status = banner_of(form, INVALID)[1]
    elif request.method == "POST":
        raise DjangoPermissionDenied
    tones = {t: sum(1 for r in rows if r.tone == t) for t in ("positive", "neutral", "negative")}
    return render(
        request,
        "outreach/media.html",
        {"rows": rows, "year": year, "form": form, "tones": tones, "filters": filters},
        status=status,
    )


# -- the portal -------------------------------------------------------------------------------------


@require_GET
def public_activities(request):
    return render(
        request, "outreach/public_activities.html", {"rows": list(selectors.public_activities()[:50])}
    )


def public_activity(request, pk: int):
    """An activity's page with the registration form (refusals say why, in Chinese, with a code)."""
    activity = get_object_or_404(selectors.public_activities(), pk=pk)
    form = RegistrationForm(request.POST or None)
    status, done, refusal = 200, None, None
    if request.method == "POST":
        result = submit(
            form,
            lambda d: services.registration_submit(
                activity=activity, client_address=limits.client_address(request), **d
            ),
        )
        if result is not None:
            done = result
        else:
            refusal = getattr(form, "refusal", None)
            status = banner_of(form, INVALID)[1]
    left = max(activity.quota - activity.registered, 0)
    return render(
        request,
        "outreach/public_activity.html",
        {
            "a": activity,
            "form": form,
            "left": left,
            "open": activity.state == ActivityState.OPEN
            and clock.now() <= activity.registration_closes_at
            and left > 0,
            "done": done,
            "refusal": refusal,
            "photos": list(activity.photos.filter(publishable=True)[:24])
            if activity.state == ActivityState.HELD
            else [],
        },
        status=status,
    )


@require_GET
def public_photo(request, pk: int):
    photo = ActivityPhoto.objects.filter(pk=pk, publishable=True, activity__state=ActivityState.HELD).first()
    if photo is None:
        raise Http404
    return _stored(photo.file, public=True)


@require_GET
def public_live(request):
    coming, past = selectors.public_schedule()
    return render(request, "outreach/public_live.html", {"coming": coming, "past": past})


@require_GET
def certificate_verify(request, token: str):
    cert = selectors.certificate_by_token(token)
    return render(
        request,
        "outreach/verify.html",
        {"cert": cert, "name": mask_name(cert.volunteer.name) if cert else ""},
        status=200 if cert else 404,
    )
