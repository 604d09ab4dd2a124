"""Web pages of the ledger and the letters. Views parse input, call services/selectors, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chengguan.core import audit, clock, jobs
from chengguan.core.errors import DomainError
from chengguan.core.forms import NoFields, flash, form_page, submit
from chengguan.core.masking import mask_id_number, mask_phone
from chengguan.core.models import Job
from chengguan.grids.selectors import grids_visible_to
from chengguan.merchants import exporter, importer, selectors, services
from chengguan.merchants.filters import MerchantFilter
from chengguan.merchants.forms import GenerateForm, ImportForm, LookupForm, MerchantForm, SignForm
from chengguan.merchants.jobs import IMPORT_KIND, KIND_LABELS, LETTERS_KIND, result_facts
from chengguan.merchants.letters import public_base_url
from chengguan.merchants.models import Letter, LetterStatus, Merchant
from chengguan.merchants.permissions import can_link_cases, can_run_bulk_work, can_see_job, sees_merchants
from chengguan.merchants.states import LETTER_MACHINE


def _staff(request) -> None:
    if not sees_merchants(request.user):
        raise DjangoPermissionDenied


def _merchant(request, pk: int) -> Merchant:
    return get_object_or_404(selectors.merchants_visible_to(request.user), pk=pk)


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or clock.today().year)
    except ValueError:
        return clock.today().year


@login_required
def merchant_list(request):
    _staff(request)
    year = _year(request)
    base = selectors.with_letter_status(selectors.merchants_visible_to(request.user), year)
    flt = MerchantFilter(request.GET, queryset=base)
    page = Paginator(flt.qs.order_by("name", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "merchants/list.html",
        {
            "filter": flt,
            "page": page,
            "year": year,
            "statuses": dict(LetterStatus.choices),
            "query": request.GET.copy().urlencode(),
        },
    )


@login_required
def merchant_export(request):
    _staff(request)
    flt = MerchantFilter(request.GET, queryset=selectors.merchants_visible_to(request.user))
    data = exporter.export_workbook(flt.qs)
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = 'attachment; filename="merchants.xlsx"'
    return resp


def _registered(request, m: Merchant):
    messages.success(
        request, _("已登记“%(name)s”，所属网格 %(grid)s。") % {"name": m.name, "grid": m.grid.code}
    )
    return redirect("merchants:detail", pk=m.pk)


@login_required
def merchant_new(request):
    _staff(request)
    form = MerchantForm(request.POST or None, initial={"status": "open", "business_type": "other"})
    return form_page(
        request,
        form,
        lambda data: services.merchant_create(actor=request.user, **data),
        template="merchants/form.html",
        context={"title": _("登记沿街商户")},
        done=lambda m: _registered(request, m),
    )


@login_required
def merchant_edit(request, pk: int):
    _staff(request)
    m = _merchant(request, pk)
    initial = {f: getattr(m, f) for f in services.LEDGER_FIELDS}
    initial["crs"] = "wgs84"
    form = MerchantForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.merchant_update(actor=request.user, merchant=m, **data),
        template="merchants/form.html",
        context={"title": _("修改：%(name)s") % {"name": m.name}, "merchant": m},
        done=lambda _saved: redirect("merchants:detail", pk=m.pk),
        success=_("台账已更新。"),
    )


@login_required
def merchant_detail(request, pk: int):
    _staff(request)
    m = _merchant(request, pk)
    letters = list(m.letters.select_related("officer").order_by("-year"))
    for letter in letters:
        letter.actions = [
            (a, LETTER_MACHINE.label(a)) for a in LETTER_MACHINE.available_actions(letter, request.user)
        ]
    cases = list(selectors.linked_cases(m, request.user).select_related("category")[:50])
    recent = selectors.recent_case_count(m)
    return render(
        request,
        "merchants/detail.html",
        {
            "m": m,
            "phone": mask_phone(m.phone),
            "id_number": mask_id_number(m.id_number),
            "letters": letters,
            "cases": cases,
            "recent_cases": recent,
            "repeat": recent >= selectors.REPEAT_OFFENDER_CASES,
            "repeat_threshold": selectors.REPEAT_OFFENDER_CASES,
            "history": selectors.merchant_history(m),
            "sign_form": SignForm(initial={"signed_on": clock.today(), "method": "screen"}),
        },
    )


@login_required
def import_page(request):
    _staff(request)
    form = ImportForm(request.POST or None, request.FILES or None)

    def start(data):
        can_run_bulk_work.refuse(request.user, action=_("导入商户台账"))
        upload = data["file"]
        name = default_storage.save(f"imports/{clock.today():%Y/%m}/{upload.name}", upload)
        return jobs.job_start(
            actor=request.user, kind=IMPORT_KIND, params={"file": name, "filename": upload.name}
        )

    if request.method == "POST" and (job := submit(form, start, message_on_form=True)) is not None:
        return redirect("merchants:job", pk=job.pk)
    recent = Job.objects.filter(kind=IMPORT_KIND, created_by=request.user)[:10]
    return render(request, "merchants/import.html", {"form": form, "recent": recent})


def import_template(request):
    resp = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = 'attachment; filename="merchant-ledger-template.xlsx"'
    return resp


@login_required
def letters_page(request):
    _staff(request)
    form = GenerateForm(
        request.POST or None, initial={"year": clock.today().year, "scope": "all", "format": "pdf"}
    )

    def start(d):
        can_run_bulk_work.refuse(request.user, action=_("批量生成责任书"))
        scope = {d["scope"]: d["code"].strip()} if d["scope"] != "all" and d["code"].strip() else {}
        params = {
            "year": d["year"],
            "scope": scope,
            "format": d["format"],
            "only_not_issued": d["only_not_issued"],
            "base_url": public_base_url(request),
        }
        return jobs.job_start(actor=request.user, kind=LETTERS_KIND, params=params)

    if request.method == "POST" and (job := submit(form, start, message_on_form=True)) is not None:
        return redirect("merchants:job", pk=job.pk)
    recent = Job.objects.filter(kind=LETTERS_KIND, created_by=request.user)[:10]
    return render(request, "merchants/letters.html", {"form": form, "recent": recent})


def _sign_or_refuse(request, pk: int, action: str):
    _staff(request)
    letter = get_object_or_404(
        Letter.objects.filter(merchant__in=selectors.merchants_visible_to(request.user)), pk=pk
    )
    if action == "sign":
        form = SignForm(request.POST, request.FILES)
        flash(
            request,
            lambda: services.letter_transition(
                actor=request.user,
                letter=letter,
                action="sign",
                signer_name=form.cleaned_data["signer_name"],
                signed_on=form.cleaned_data["signed_on"],
                method=form.cleaned_data["method"],
                upload=form.cleaned_data.get("scan"),
                signature_png=form.cleaned_data.get("signature_png") or None,
            ),
            _("%(number)s 已登记签订。") % {"number": letter.number},
            form=form,
            invalid=lambda f: "；".join(f"{k}: {v[0]}" for k, v in f.errors.items()),
        )
    else:
        flash(
            request,
            lambda: services.letter_transition(
                actor=request.user, letter=letter, action="refuse", reason=request.POST.get("reason", "")
            ),
            _("%(number)s 已登记拒签。") % {"number": letter.number},
        )
    return redirect("merchants:detail", pk=letter.merchant_id)


@login_required
@require_POST
def letter_sign(request, pk: int):
    return _sign_or_refuse(request, pk, "sign")


@login_required
@require_POST
def letter_refuse(request, pk: int):
    return _sign_or_refuse(request, pk, "refuse")


@login_required
def coverage_page(request):
    _staff(request)
    year = _year(request)
    level = (
        request.GET.get("level")
        if request.GET.get("level") in ("grid", "community", "subdistrict")
        else "subdistrict"
    )
    rows = selectors.coverage(request.user, year=year, level=level)
    return render(
        request,
        "merchants/coverage.html",
        {
            "rows": rows,
            "total": selectors.coverage_total(rows),
            "year": year,
            "level": level,
            "levels": [("subdistrict", _("街道")), ("community", _("社区")), ("grid", _("单元网格"))],
        },
    )


@login_required
def coverage_geojson(request):
    """Grids with their coverage share, for the Leaflet layer of the coverage page."""
    _staff(request)
    year = _year(request)
    by_code = {r.key: r for r in selectors.coverage(request.user, year=year, level="grid")}
    features = []
    for g in grids_visible_to(request.user).select_related(None).only("code", "geometry"):
        row = by_code.get(g.code)
        features.append(
            {
                "type": "Feature",
                "geometry": g.geometry,
                "properties": {
                    "code": g.code,
                    "active": row.active if row else 0,
                    "signed": row.signed if row else 0,
                    "share": round(row.share, 4) if row else None,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if not can_see_job(request.user, job):
        raise Http404
    return job


def _job_context(request, pk: int) -> dict:
    job = _job(request, pk)
    return {"job": job, "kind": KIND_LABELS.get(job.kind, job.kind), "facts": result_facts(job.result or {})}


@login_required
@require_GET
def job_page(request, pk: int):
    return render(request, "jobs/job.html", _job_context(request, pk))


@login_required
@require_GET
def job_progress(request, pk: int):
    return render(request, "jobs/_progress.html", _job_context(request, pk))


@login_required
def job_download(request, pk: int):
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
    )


# --- public ---------------------------------------------------------------------------------------


def letter_verify(request, token: str):
    letter = selectors.letter_by_token(token)
    status = 200 if letter else 404
    return render(request, "merchants/verify.html", {"letter": letter}, status=status)


def self_service(request):
    form = LookupForm(request.POST or request.GET or None)
    letter = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        letter = selectors.letter_lookup(credit_code=d["credit_code"], number=d["number"])
        if letter is None:
            form.add_error(None, _("未找到：请核对统一社会信用代码和责任书编号。"))
        elif request.method == "POST" and request.POST.get("confirm"):
            confirmed = submit(
                form,
                lambda data: services.letter_confirm_receipt(
                    credit_code=data["credit_code"],
                    number=data["number"],
                    client_address=audit.client_address_var.get(),
                ),
                message_on_form=True,
            )
            if confirmed is not None:
                letter = confirmed
                messages.success(request, _("已确认收到责任书，谢谢配合。"))
    return render(request, "merchants/self_service.html", {"form": form, "letter": letter})


# --- merchants named on a case (the "涉及商户" section of the case page) ---------------------------


def _case_section(request, case, error: str = ""):
    """The section, re-rendered after each change so HTMX can swap it whole."""
    return render(
        request,
        "merchants/_case_merchants_section.html",
        {
            "case": case,
            "merchants": list(selectors.merchants_of_case(case)),
            "can_link": can_link_cases(request.user),
            "repeat_threshold": selectors.REPEAT_OFFENDER_CASES,
            "error": error,
        },
    )


def _linkable_case(request, case_id: int):
    _staff(request)
    try:
        return selectors.case_for_linking(request.user, case_id)
    except DomainError as exc:
        raise Http404 from exc


def _change(request, case, call):
    """Link or unlink through `core.forms.submit`: the section again, with the refusal if any."""
    form = NoFields()
    submit(form, lambda _data: call())
    return _after_change(request, case, form.refusal.message if form.refusal else "")


def _after_change(request, case, error: str = ""):
    if request.headers.get("HX-Request"):
        return _case_section(request, case, error)
    if error:
        messages.error(request, error)
    return redirect("cases:detail", case.number)


@login_required
@require_GET
def case_merchants(request, case_id: int):
    """Loaded into the case page; people without a staff role get nothing (the section disappears)."""
    if not sees_merchants(request.user):
        return HttpResponse("")
    try:
        case = selectors.case_for_linking(request.user, case_id)
    except DomainError:
        return HttpResponse("")
    return _case_section(request, case)


@login_required
def case_merchant_pick(request, case_id: int):
    """Picker results for the query typed on the case page."""
    case = _linkable_case(request, case_id)
    query = request.GET.get("q", "")
    found = list(selectors.merchants_for_picker(request.user, query))
    linked = set(case.merchant_links.values_list("merchant_id", flat=True))
    return render(
        request,
        "merchants/_case_merchant_picks.html",
        {"case": case, "found": found, "linked": linked, "query": query.strip()},
    )


@require_POST
@login_required
def case_merchant_link(request, case_id: int):
    case = _linkable_case(request, case_id)
    try:
        merchant_id = int(request.POST.get("merchant", ""))
    except ValueError:
        return _after_change(request, case, _("请先从查找结果中选择商户。"))
    return _change(
        request,
        case,
        lambda: services.merchant_link_case(
            actor=request.user, merchant=selectors.merchant_to_link(merchant_id=merchant_id), case=case
        ),
    )


@require_POST
@login_required
def case_merchant_unlink(request, case_id: int, merchant_id: int):
    case = _linkable_case(request, case_id)
    merchant = get_object_or_404(Merchant, pk=merchant_id)
    return _change(
        request, case, lambda: services.merchant_unlink_case(actor=request.user, merchant=merchant, case=case)
    )
