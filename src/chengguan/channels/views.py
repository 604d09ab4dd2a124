"""Staff pages of the outside channels: the work-order list with due and overdue items, the reply
form, the import (a background job) with its template, and the export back to the channels."""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chengguan.channels import importer, selectors, services
from chengguan.channels.errors import WorkOrderError
from chengguan.channels.jobs import IMPORT_KIND
from chengguan.channels.models import Channel
from chengguan.channels.permissions import can_import_channel_cases
from chengguan.core import clock, jobs
from chengguan.core.clock import period_bounds
from chengguan.core.errors import DomainError
from chengguan.core.forms import NoFields, flash, submit
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.models import Job
from chengguan.feedback.models import Rating
from chengguan.org.access import staff_required

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWS = {
    "open": gettext_lazy("待答复"),
    "overdue": gettext_lazy("已超期未答复"),
    "replied": gettext_lazy("已答复"),
    "all": gettext_lazy("全部"),
}


@staff_required
def order_list(request):
    now = clock.now()
    qs = selectors.work_orders_visible_to(request.user)
    counts = {
        "open": qs.filter(replied_at__isnull=True).count(),
        "overdue": qs.filter(replied_at__isnull=True, reply_due_at__lt=now).count(),
    }
    show = request.GET.get("show", "open")
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if show == "open":
        qs = qs.filter(replied_at__isnull=True)
    elif show == "overdue":
        qs = qs.filter(replied_at__isnull=True, reply_due_at__lt=now)
    elif show == "replied":
        qs = qs.filter(replied_at__isnull=False).order_by("-replied_at")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "o": o,
            "name": mask_name(o.complainant_name),
            "phone": mask_phone(o.complainant_phone),
            "overdue": o.replied_at is None and o.reply_due_at < now,
            "late_reply": o.replied_at is not None and o.replied_at > o.reply_due_at,
            "rating": Rating(o.rating).label if o.rating else "",
        }
        for o in page
    ]
    return render(
        request,
        "channels/list.html",
        {
            "rows": rows,
            "page": page,
            "counts": counts,
            "show": show,
            "shows": SHOWS,
            "channel": channel,
            "channels": Channel.choices,
            "today": clock.today(),
            "month_start": clock.today().replace(day=1),
        },
    )


@staff_required
@require_POST
def order_reply(request, pk: int):
    order = get_object_or_404(selectors.work_orders_visible_to(request.user), pk=pk)
    flash(
        request,
        lambda: services.work_order_reply(
            actor=request.user, order=order, reply=request.POST.get("reply", "")
        ),
        _("%(order)s 已答复。") % {"order": order.external_id},
        about=order.external_id,
    )
    return redirect(request.POST.get("next") or "channels:work-orders")


@staff_required
def import_page(request):
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith((".xlsx", ".csv")):
            error = _("请选择 .xlsx 或 .csv 文件。")
        else:

            def start(_data):
                if not can_import_channel_cases(request.user):
                    raise DomainError(_("只有受理员、值班长可以导入督办件。"), code=WorkOrderError.FORBIDDEN)
                name = default_storage.save(f"imports/{clock.today():%Y/%m}/{upload.name}", upload)
                params = {"file": name, "filename": upload.name}
                return jobs.job_start(actor=request.user, kind=IMPORT_KIND, params=params)

            form = NoFields()
            if (job := submit(form, start)) is not None:
                return redirect("channels:job", pk=job.pk)
            error = form.refusal.message
    recent = Job.objects.filter(kind=IMPORT_KIND, created_by=request.user)[:10]
    return render(request, "channels/import.html", {"error": error, "recent": recent})


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk, kind=IMPORT_KIND)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@staff_required
def job_page(request, pk: int):
    return render(request, "channels/job.html", {"job": _job(request, pk)})


@staff_required
def job_progress(request, pk: int):
    return render(request, "channels/_job_progress.html", {"job": _job(request, pk)})


@staff_required
def job_report(request, pk: int):
    job = _job(request, pk)
    resp = HttpResponse(importer.report_csv(job.result or {}), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="work-order-import-{job.pk}.csv"'
    return resp


@staff_required
def template(request):
    resp = HttpResponse(importer.template_workbook(), content_type=XLSX)
    resp["Content-Disposition"] = 'attachment; filename="work-order-template.xlsx"'
    return resp


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@staff_required
def export(request, fmt: str):
    """The period's work orders (by received date) with our replies, in the channel's column shape."""
    today = clock.today()
    first = _date(request.GET.get("from"), today.replace(day=1))
    last = _date(request.GET.get("to"), today)
    start, end = period_bounds(first, last)
    orders = selectors.received_between(selectors.work_orders_visible_to(request.user), start, end)
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        orders = orders.filter(channel=channel)
    orders = orders.order_by("received_at", "id")
    name = f"work-orders-{first}-{last}.{fmt}"
    if fmt == "csv":
        resp = HttpResponse(importer.export_csv(orders), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(importer.export_workbook(orders), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
