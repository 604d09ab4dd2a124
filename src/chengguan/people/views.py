"""The people pages: the registry of enforcement certificates with what runs out soon, issuing one,
and a certificate's page with the actions of its lifecycle. Views gather input, call a service or
selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chengguan.core import clock
from chengguan.core.forms import NoFields, banner_of, form_page, submit, submit_on_page
from chengguan.core.workflow.forms import action_form, take_action
from chengguan.org import selectors as org_selectors
from chengguan.org.access import staff_required
from chengguan.org.models import StaffProfile
from chengguan.people import qr, selectors, services
from chengguan.people.forms import (
    AttendanceForm,
    CertificateForm,
    ConsentForm,
    DeedEditForm,
    DeedForm,
    MaterialForm,
    NominationForm,
    ProgrammeEditForm,
    ProgrammeForm,
    RequirementForm,
    TrainingForm,
)
from chengguan.people.models import (
    Deed,
    DeedPhoto,
    HonourLevel,
    Nomination,
    TrainingKind,
    TrainingMaterial,
    TrainingSession,
)
from chengguan.people.permissions import (
    can_keep_honours,
    can_manage_certificates,
    can_manage_training,
    can_nominate,
    can_read_people,
    can_record_deeds,
)
from chengguan.people.states import CERTIFICATE_MACHINE, DEED_MACHINE, NOMINATION_MACHINE, TRAINING_MACHINE

FILTERS = ("current", "expiring", "expired", "all")


def _submit(form, call):
    """`core.forms.submit` as these pages show a refusal (on the form: they have no banner). The
    lifecycles' services return nothing: ask `accepted(form)` whether they went through."""
    return submit(form, call, message_on_form=True)


def _require_read(request) -> None:
    if not can_read_people(request.user):
        raise DjangoPermissionDenied


@staff_required
def certificate_list(request):
    _require_read(request)
    today = clock.today()
    shown = request.GET.get("show", "current")
    shown = shown if shown in FILTERS else "current"
    qs = selectors.certificates_for(request.user)
    bureau = org_selectors.bureau_of(request.user)
    if shown == "current":
        qs = qs.filter(state__in=selectors.CURRENT)
    elif shown == "expiring" and bureau is not None:
        qs = selectors.expiring(bureau, today=today).select_related("holder__profile__organisation")
    elif shown == "expired" and bureau is not None:
        qs = selectors.expired(bureau, today=today).select_related("holder__profile__organisation")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(holder__profile__full_name__icontains=q)
    rows = list(qs.select_related("holder__profile__organisation").order_by("valid_to", "pk")[:500])
    return render(
        request,
        "people/certificates.html",
        {
            "rows": [(c, c.status_label(today), c.in_force(today)) for c in rows],
            "shown": shown,
            "q": q,
            "filters": [
                ("current", _("在用")),
                ("expiring", _("30日内到期")),
                ("expired", _("已过期")),
                ("all", _("全部")),
            ],
            "may_issue": can_manage_certificates(request.user),
            "today": today,
        },
    )


def _uncertified_staff(user) -> list[StaffProfile]:
    bureau = org_selectors.bureau_of(user)
    if bureau is None:
        return []
    holders = selectors.certificates_for(user).filter(state__in=selectors.CURRENT).values("holder_id")
    return list(
        StaffProfile.objects.filter(organisation__bureau=bureau, user__is_active=True)
        .exclude(roles__code="system")
        .exclude(user_id__in=holders)
        .select_related("organisation")
        .order_by("organisation__path", "full_name")
    )


@staff_required
def certificate_new(request):
    if not can_manage_certificates(request.user):
        raise DjangoPermissionDenied
    people = _uncertified_staff(request.user)
    form = CertificateForm(request.POST or None, people=people)

    def issue(data: dict):
        d = dict(data)
        holder = next((p.user for p in people if p.user_id == d.pop("holder")), None)
        return services.certificate_issue(actor=request.user, holder=holder, **d)

    return form_page(
        request,
        form,
        issue,
        template="people/certificate_form.html",
        success=_("已登记执法证"),
        done=lambda cert: redirect("people:certificate", pk=cert.pk),
    )


def _certificate(request, pk: int):
    _require_read(request)
    cert = selectors.certificates_for(request.user).filter(pk=pk).first()
    if cert is None:
        raise Http404
    return cert


@staff_required
def certificate_detail(request, pk: int, forms_with_errors: dict | None = None):
    cert = _certificate(request, pk)
    today = clock.today()
    actions = CERTIFICATE_MACHINE.available_actions(cert, request.user)
    action_forms = [
        (
            a,
            CERTIFICATE_MACHINE.label(a),
            (forms_with_errors or {}).get(a) or action_form(CERTIFICATE_MACHINE, a, prefix=a),
        )
        for a in actions
    ]
    history = list(
        selectors.certificates_for(request.user)
        .filter(holder_id=cert.holder_id)
        .order_by("-valid_from", "-id")
    )
    return render(
        request,
        "people/certificate.html",
        {
            "c": cert,
            "status": cert.status_label(today),
            "in_force": cert.in_force(today),
            "reviews": list(cert.reviews.all()),
            "history": history,
            "action_forms": action_forms,
        },
    )


@staff_required
@require_POST
def certificate_action(request, pk: int, action: str):
    cert = _certificate(request, pk)

    def done(_result):
        renewed = selectors.current_certificate(cert.holder) if action == "renew" else None
        return redirect("people:certificate", pk=renewed.pk if renewed else cert.pk)

    return take_action(
        request,
        CERTIFICATE_MACHINE,
        action,
        lambda values: services.certificate_transition(
            actor=request.user, certificate=cert, action=action, payload=values
        ),
        done=done,
        again=lambda form: certificate_detail(request, pk, forms_with_errors={action: form}),
    )


# -- training -------------------------------------------------------------------------------------------


def _month(request) -> dt.date:
    try:
        return dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return clock.today().replace(day=1)


@staff_required
def training_list(request):
    """The month's plan: every session, those still to hold, and one's own hours this year."""
    month = _month(request)
    plan = selectors.monthly_plan(request.user, month=month)
    year = clock.today().year
    bureau = org_selectors.bureau_of(request.user)
    mine = selectors.hours_by_officer(bureau, year).get(request.user.pk, 0) if bureau else 0
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "people/trainings.html",
        {
            **plan,
            "previous": previous,
            "next": following,
            "may_plan": can_manage_training(request.user),
            "may_read": can_read_people(request.user),
            "my_hours": mine,
            "required": selectors.required_hours(bureau) if bureau else None,
            "year": year,
        },
    )


@staff_required
def training_new(request):
    if not can_manage_training(request.user):
        raise DjangoPermissionDenied
    form = TrainingForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda d: services.training_plan(
            actor=request.user, bureau=org_selectors.bureau_of(request.user), **d
        ),
        template="people/training_form.html",
        success=_("已列入培训计划"),
        done=lambda session: redirect("people:training", pk=session.pk),
    )


def _training(request, pk: int) -> TrainingSession:
    session = selectors.trainings_for(request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def _bureau_people(bureau) -> list[StaffProfile]:
    return list(
        StaffProfile.objects.filter(organisation__bureau=bureau, user__is_active=True)
        .exclude(roles__code="system")
        .select_related("organisation")
        .order_by("organisation__path", "full_name")
    )


@staff_required
def training_detail(request, pk: int, forms_with_errors: dict | None = None, status: int = 200):
    session = _training(request, pk)
    errors = forms_with_errors or {}
    manage = can_manage_training(request.user, session)
    attendances = list(session.attendances.select_related("staff__profile__organisation").order_by("id"))
    signed = {a.staff_id for a in attendances}
    context = {
        "s": session,
        "attendances": attendances,
        "materials": list(session.materials.all()),
        "manage": manage,
        "signed_in": request.user.pk in signed,
        "action_forms": [
            (a, TRAINING_MACHINE.label(a), errors.get(a) or action_form(TRAINING_MACHINE, a, prefix=a))
            for a in TRAINING_MACHINE.available_actions(session, request.user)
        ],
    }
    if manage:
        sign_in = request.build_absolute_uri(
            reverse("people:training-sign-in", args=[session.pk, session.sign_in_token])
        )
        people = [p for p in _bureau_people(session.bureau) if p.user_id not in signed]
        context.update(
            sign_in_url=sign_in,
            qr=qr.svg_data_url(sign_in),
            attendance_form=errors.get("attendance") or AttendanceForm(people=people),
            material_form=errors.get("material") or MaterialForm(),
            is_exam=session.kind == TrainingKind.EXAM,
            score_errors=errors.get("scores"),
        )
    return render(request, "people/training.html", context, status=status)


@staff_required
@require_POST
def training_action(request, pk: int, action: str):
    session = _training(request, pk)
    return take_action(
        request,
        TRAINING_MACHINE,
        action,
        lambda values: services.training_transition(
            actor=request.user, session=session, action=action, payload=values
        ),
        done=lambda result: redirect("people:training", pk=session.pk),
        again=lambda form: training_detail(request, pk, forms_with_errors={action: form}),
    )


@staff_required
@require_POST
def training_attendance(request, pk: int):
    session = _training(request, pk)
    people = _bureau_people(session.bureau)

    def record(d: dict):
        chosen = set(d["staff"])
        staff = [p.user for p in people if p.user_id in chosen]
        return services.training_attendance_record(actor=request.user, session=session, staff=staff)

    return submit_on_page(
        request,
        AttendanceForm(request.POST, people=people),
        record,
        success=_("已登记签到"),
        done=lambda result: redirect("people:training", pk=session.pk),
        again=lambda form: training_detail(request, pk, forms_with_errors={"attendance": form}),
    )


@staff_required
@require_POST
def training_scores(request, pk: int):
    session = _training(request, pk)
    scores = {
        key.removeprefix("score_"): value
        for key, value in request.POST.items()
        if key.startswith("score_") and value.strip()
    }
    form = NoFields()
    if (
        _submit(
            form,
            lambda d: services.training_scores_record(actor=request.user, session=session, scores=scores),
        )
        is None
    ):
        banner, status = banner_of(form, "")
        return training_detail(request, pk, forms_with_errors={"scores": banner}, status=status)
    messages.success(request, _("已登记成绩"))
    return redirect("people:training", pk=session.pk)


@staff_required
@require_POST
def training_material(request, pk: int):
    session = _training(request, pk)
    return submit_on_page(
        request,
        MaterialForm(request.POST, request.FILES),
        lambda d: services.training_material_add(
            actor=request.user, session=session, upload=d["file"], title=d["title"]
        ),
        success=_("已上传培训资料"),
        done=lambda result: redirect("people:training", pk=session.pk),
        again=lambda form: training_detail(request, pk, forms_with_errors={"material": form}),
    )


@staff_required
def training_sign_in(request, pk: int, token: str):
    """The page the QR code opens on the officer's phone: one button that signs them in."""
    session = _training(request, pk)
    error = None
    if request.method == "POST":
        form = NoFields()
        if _submit(
            form, lambda d: services.training_sign_in(actor=request.user, session=session, token=token)
        ):
            messages.success(request, _("培训签到成功"))
            return redirect("people:trainings")
        error, _status = banner_of(form, "")
    return render(
        request,
        "people/sign_in.html",
        {"s": session, "token": token, "error": error},
        status=409 if error else 200,
    )


@staff_required
def training_hours_page(request):
    """Each officer's hours this year against the requirement; those short of it first (for the squad
    leader: their own squad)."""
    _require_read(request)
    today = clock.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    bureau = org_selectors.bureau_of(request.user)
    form = None
    if can_manage_training(request.user) and bureau is not None:
        form = RequirementForm(
            request.POST or None, initial={"training_hours_required": selectors.required_hours(bureau)}
        )
        if request.method == "POST" and _submit(
            form, lambda d: services.people_settings_update(actor=request.user, bureau=bureau, **d)
        ):
            messages.success(request, _("已保存"))
            return redirect("people:training-hours")
    elif request.method == "POST":
        raise DjangoPermissionDenied
    rows = selectors.training_hours(request.user, year=year, today=today)
    short = sorted([r for r in rows if r.hours < r.required], key=lambda r: (r.hours, r.profile.full_name))
    return render(
        request,
        "people/hours.html",
        {
            "rows": rows,
            "short": short,
            "year": year,
            "required": selectors.required_hours(bureau) if bureau else None,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


# -- honours and deeds ------------------------------------------------------------------------------------


@staff_required
def programme_list(request):
    _require_read(request)
    return render(
        request,
        "people/programmes.html",
        {
            "programmes": list(selectors.programmes_for(request.user)[:200]),
            "may_keep": can_keep_honours(request.user),
        },
    )


@staff_required
def programme_new(request):
    if not can_keep_honours(request.user):
        raise DjangoPermissionDenied
    form = ProgrammeForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda d: services.programme_create(
            actor=request.user, bureau=org_selectors.bureau_of(request.user), **d
        ),
        template="people/simple_form.html",
        context={"title": _("新建评选")},
        done=lambda programme: redirect("people:programme", pk=programme.pk),
    )


@staff_required
def programme_edit(request, pk: int):
    """Change a programme's terms while none of its nominations is decided (services.programme_update)."""
    programme = selectors.programmes_for(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    if not can_keep_honours(request.user, programme):
        raise DjangoPermissionDenied
    initial = {k: getattr(programme, k) for k in services.PROGRAMME_EDITABLE}
    form = ProgrammeEditForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda d: services.programme_update(actor=request.user, programme=programme, **d),
        template="people/simple_form.html",
        context={
            "title": _("修改评选"),
            "tab": "honours",
            "back": reverse("people:programme", args=[pk]),
            "notice": _("该评选已有推荐作出决定，不能再修改。")
            if programme.nominations.filter(state__in=services.DECIDED).exists()
            else "",
        },
        success=_("已保存"),
        done=lambda p: redirect("people:programme", pk=p.pk),
    )


def _nominee_choices(request, programme) -> list[tuple[int, str]]:
    from chengguan.org.models import Organisation, OrgKind

    bureau = programme.bureau
    if programme.level == HonourLevel.UNIT:
        units = Organisation.objects.filter(
            bureau=bureau, kind__in=[OrgKind.SQUAD, OrgKind.DEPARTMENT]
        ).order_by("path")
        return [(u.pk, u.name) for u in units]
    return [(p.user_id, f"{p.full_name} · {p.organisation.name}") for p in _bureau_people(bureau)]


@staff_required
def programme_detail(request, pk: int, form=None):
    _require_read(request)
    programme = selectors.programmes_for(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    nominations = list(selectors.nominations_for(request.user).filter(programme=programme).order_by("id"))
    may_nominate = can_nominate(request.user, programme)
    if form is None and may_nominate:
        form = NominationForm(choices=_nominee_choices(request, programme))
    return render(
        request,
        "people/programme.html",
        {
            "p": programme,
            "nominations": nominations,
            "form": form if may_nominate else None,
            "may_edit": can_keep_honours(request.user, programme)
            and not any(n.state in services.DECIDED for n in nominations),
        },
    )


@staff_required
@require_POST
def programme_nominate(request, pk: int):
    programme = selectors.programmes_for(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    form = NominationForm(request.POST, choices=_nominee_choices(request, programme))

    def nominate(d: dict) -> Nomination:
        from django.contrib.auth import get_user_model

        from chengguan.org.models import Organisation

        kwargs = (
            {"nominee_unit": Organisation.objects.get(pk=d["nominee"])}
            if programme.level == HonourLevel.UNIT
            else {"nominee": get_user_model().objects.get(pk=d["nominee"])}
        )
        return services.nomination_submit(
            actor=request.user, programme=programme, reason=d["reason"], **kwargs
        )

    return submit_on_page(
        request,
        form,
        nominate,
        success=_("已推荐"),
        done=lambda nomination: redirect("people:nomination", pk=nomination.pk),
        again=lambda form: programme_detail(request, pk, form=form),
    )


def _nomination(request, pk: int) -> Nomination:
    _require_read(request)
    nomination = selectors.nominations_for(request.user).filter(pk=pk).first()
    if nomination is None:
        raise Http404
    return nomination


@staff_required
def nomination_detail(request, pk: int, forms_with_errors: dict | None = None):
    n = _nomination(request, pk)
    errors = forms_with_errors or {}
    return render(
        request,
        "people/nomination.html",
        {
            "n": n,
            "action_forms": [
                (
                    a,
                    NOMINATION_MACHINE.label(a),
                    errors.get(a) or action_form(NOMINATION_MACHINE, a, prefix=a),
                )
                for a in NOMINATION_MACHINE.available_actions(n, request.user)
            ],
        },
    )


@staff_required
@require_POST
def nomination_action(request, pk: int, action: str):
    n = _nomination(request, pk)
    return take_action(
        request,
        NOMINATION_MACHINE,
        action,
        lambda values: services.nomination_transition(
            actor=request.user, nomination=n, action=action, payload=values
        ),
        done=lambda result: redirect("people:nomination", pk=n.pk),
        again=lambda form: nomination_detail(request, pk, forms_with_errors={action: form}),
    )


@require_GET
@staff_required
def unit_list(request):
    """The units that may win a unit's honour, with what they and their members won."""
    _require_read(request)
    return render(request, "people/units.html", {"units": selectors.honour_units(request.user)})


@require_GET
@staff_required
def unit_page(request, pk: int):
    """A unit's history of honours: its own (十佳中队 …) and its present members'."""
    _require_read(request)
    bureau = org_selectors.bureau_of(request.user)
    unit = next((u for u, _won, _members in selectors.honour_units(request.user) if u.pk == pk), None)
    if unit is None and bureau is not None and bureau.pk == pk:
        unit = bureau
    if unit is None:
        raise Http404
    return render(request, "people/unit.html", {"unit": unit, **selectors.unit_honours(unit)})


@staff_required
def deed_list(request):
    _require_read(request)
    return render(
        request,
        "people/deeds.html",
        {
            "deeds": list(selectors.deeds_for(request.user)[:200]),
            "may_record": can_record_deeds(request.user),
        },
    )


@staff_required
def deed_new(request):
    if not can_record_deeds(request.user):
        raise DjangoPermissionDenied
    bureau = org_selectors.bureau_of(request.user)
    people = _bureau_people(bureau) if bureau else []
    form = DeedForm(request.POST or None, request.FILES or None, people=people)

    def record(d: dict) -> Deed:
        chosen = set(d["people"])
        return services.deed_record(
            actor=request.user,
            bureau=bureau,
            title=d["title"],
            what=d["what"],
            happened_on=d["happened_on"],
            place=d["place"],
            people=[p.user for p in people if p.user_id in chosen],
            witnesses=d["witnesses"],
            media_reports=_media_report(d),
            photos=[d["photo"]] if d["photo"] else [],
            consent=d["consent"],
            consent_note=d["consent_note"],
        )

    return form_page(
        request,
        form,
        record,
        template="people/simple_form.html",
        context={"title": _("记录先进事迹"), "multipart": True},
        done=lambda deed: redirect("people:deed", pk=deed.pk),
    )


def _media_report(d: dict) -> list[dict]:
    """The one media report a deed form carries (outlet, date, link), as the deed stores it."""
    if not d["media_outlet"]:
        return []
    day = d["media_date"].isoformat() if d["media_date"] else ""
    return [{"outlet": d["media_outlet"], "date": day, "link": d["media_link"]}]


@staff_required
def deed_edit(request, pk: int):
    """Correct a deed; an approved or published one goes back for approval (services.deed_update)."""
    deed = _deed(request, pk)
    if not can_record_deeds(request.user, deed):
        raise DjangoPermissionDenied
    people = _bureau_people(deed.bureau)
    reports = list(deed.media_reports or [])
    first = reports[0] if reports else {}
    initial = {
        "title": deed.title,
        "what": deed.what,
        "happened_on": deed.happened_on,
        "place": deed.place,
        "people": [u.pk for u in deed.people.all()],
        "witnesses": deed.witnesses,
        "media_outlet": first.get("outlet", ""),
        "media_date": first.get("date", ""),
        "media_link": first.get("link", ""),
    }
    form = DeedEditForm(request.POST or None, initial=initial, people=people)

    def update(d: dict) -> Deed:
        chosen = set(d["people"])
        return services.deed_update(
            actor=request.user,
            deed=deed,
            title=d["title"],
            what=d["what"],
            happened_on=d["happened_on"],
            place=d["place"],
            people=[p.user for p in people if p.user_id in chosen],
            witnesses=d["witnesses"],
            media_reports=_media_report(d) + reports[1:],
        )

    return form_page(
        request,
        form,
        update,
        template="people/simple_form.html",
        context={
            "title": _("修改先进事迹"),
            "tab": "deeds",
            "back": reverse("people:deed", args=[pk]),
            "notice": _("该事迹已批准：修改后将退回重新审批，并从公开页面撤下，直至再次批准和公开。")
            if deed.state in services.APPROVED_DEEDS
            else "",
        },
        success=_("已保存"),
        done=lambda d: redirect("people:deed", pk=d.pk),
    )


def _deed(request, pk: int) -> Deed:
    _require_read(request)
    deed = selectors.deeds_for(request.user).filter(pk=pk).first()
    if deed is None:
        raise Http404
    return deed


@staff_required
def deed_detail(request, pk: int, forms_with_errors: dict | None = None):
    deed = _deed(request, pk)
    errors = forms_with_errors or {}
    return render(
        request,
        "people/deed.html",
        {
            "d": deed,
            "may_edit": can_record_deeds(request.user, deed),
            "consent_form": ConsentForm(initial={"consent": deed.consent, "note": deed.consent_note})
            if can_record_deeds(request.user, deed)
            else None,
            "action_forms": [
                (a, DEED_MACHINE.label(a), errors.get(a) or action_form(DEED_MACHINE, a, prefix=a))
                for a in DEED_MACHINE.available_actions(deed, request.user)
            ],
        },
    )


@staff_required
@require_POST
def deed_action(request, pk: int, action: str):
    deed = _deed(request, pk)
    if action == "consent":
        form = ConsentForm(request.POST)
        if _submit(
            form,
            lambda d: services.deed_consent_record(
                actor=request.user, deed=deed, consent=d["consent"], note=d["note"]
            ),
        ):
            return redirect("people:deed", pk=deed.pk)
        message, status = banner_of(form, _("提交的数据有误。"))
        return render(request, "people/error.html", {"message": message}, status=status)
    return take_action(
        request,
        DEED_MACHINE,
        action,
        lambda values: services.deed_transition(actor=request.user, deed=deed, action=action, payload=values),
        done=lambda result: redirect("people:deed", pk=deed.pk),
        again=lambda form: deed_detail(request, pk, forms_with_errors={action: form}),
    )


@require_GET
def public_people(request):
    """The bureau's people on the portal: only deeds approved, published and consented to."""
    return render(request, "people/public.html", {"deeds": list(selectors.public_deeds()[:100])})


@require_GET
def public_photo(request, pk: int):
    """A photo of a deed on the public page: served only while the deed is public (consent given)."""
    photo = DeedPhoto.objects.filter(pk=pk, deed__in=selectors.public_deeds()).first()
    if photo is None:
        raise Http404
    return _file(photo.file, photo.file.name)


@require_GET
@staff_required
def deed_photo(request, pk: int):
    _require_read(request)
    photo = DeedPhoto.objects.filter(pk=pk, deed__in=selectors.deeds_for(request.user)).first()
    if photo is None:
        raise Http404
    return _file(photo.file, photo.file.name)


@require_GET
@staff_required
def material_file(request, pk: int):
    material = TrainingMaterial.objects.filter(
        pk=pk, session__in=selectors.trainings_for(request.user)
    ).first()
    if material is None:
        raise Http404
    return _file(material.file, material.title, attachment=True)


def _file(stored, name: str, *, attachment: bool = False):
    import mimetypes

    from django.http import FileResponse

    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(
        stored.open("rb"), content_type=content_type, as_attachment=attachment, filename=name
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@staff_required
def register(request):
    """The force's register: every member of staff with their certificate and this year's hours."""
    _require_read(request)
    today = clock.today()
    if request.GET.get("format") == "xlsx":
        from chengguan.people import export

        return export.register_response(request.user, today=today)
    rows = list(selectors.register_rows(request.user, today=today))
    profiles = list(selectors.register_profiles(request.user))
    return render(
        request,
        "people/register.html",
        {"rows": list(zip(profiles, rows, strict=True)), "year": today.year},
    )


@require_GET
@staff_required
def staff_page(request, pk: int):
    """One officer's page for their leaders: unit, post, certificate, training, honours, deeds, cases."""
    _require_read(request)
    profile = selectors.register_profiles(request.user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    return render(
        request,
        "people/staff.html",
        {"p": profile, **selectors.staff_record(profile, today=clock.today()), "year": clock.today().year},
    )
