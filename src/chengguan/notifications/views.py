"""The notification centre: my notifications (unread or all), open one (marks it read and goes to
its object), mark read, and my preferences. Any signed-in user sees only their own."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chengguan.core.errors import NotFound
from chengguan.core.forms import NoFields, accepted, banner_of, submit
from chengguan.notifications import selectors, services
from chengguan.notifications.kinds import Kind

PAGE_SIZE = 30


def _safe(url: str, request) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return None


@login_required
def centre(request):
    show = "all" if request.GET.get("show") == "all" else "unread"
    qs = selectors.notifications_of(request.user, unread_only=show == "unread")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/centre.html",
        {
            "page": page,
            "show": show,
            "query": f"show={show}",
            "unread_total": selectors.unread_count(request.user),
        },
    )


@login_required
def open_notification(request, pk: int):
    try:
        notification = services.notification_mark_read(actor=request.user, notification_id=pk)
    except NotFound:
        return redirect("notifications:centre")
    return redirect(_safe(notification.url, request) or reverse("notifications:centre"))


@login_required
@require_POST
def mark_read(request, pk: int):
    with contextlib.suppress(NotFound):
        services.notification_mark_read(actor=request.user, notification_id=pk)
    return redirect(_safe(request.POST.get("next", ""), request) or reverse("notifications:centre"))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("notifications:centre")


@login_required
def preferences(request):
    rows = selectors.preferences_of(request.user)
    error = None
    if request.method == "POST":
        choices = {
            row.kind: {
                "in_app": row.required or request.POST.get(f"in_app_{row.kind}") == "on",
                "sms": row.urgent and request.POST.get(f"sms_{row.kind}") == "on",
            }
            for row in rows
        }
        form = NoFields()
        submit(form, lambda data: services.preferences_set(actor=request.user, choices=choices))
        if accepted(form):
            messages.success(request, _("通知设置已保存。"))
            return redirect("notifications:preferences")
        error, _status = banner_of(form, "")
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "error": error, "has_phone": selectors.has_phone(request.user), "kinds": Kind},
    )
