"""The pages of the published reports (综合评价通报) and of the appeals (申诉/核减): the list and
the publishing form, a version's page with its tables and charts, its downloads, its frozen
drill-down lists, the annual summary, and the appeals of a unit and of the evaluator."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from chengguan.cases.countdown import countdown
from chengguan.cases.selectors import cases_visible_to
from chengguan.core import clock
from chengguan.core.errors import DomainError
from chengguan.core.forms import flash, form_page
from chengguan.core.workflow.forms import action_form, take_action
from chengguan.org import selectors as org_selectors
from chengguan.org.access import staff_required
from chengguan.stats import appeals, reports
from chengguan.stats.appeals import APPEAL_MACHINE
from chengguan.stats.models import AppealState, ReportCase, ReportKind
from chengguan.stats.permissions import decides_appeals, publishes_reports, reads_reports

PAGE = 50


def _reader(request) -> None:
    if not reads_reports(request.user):
        raise PermissionDenied("report readers only")


def _report(request, pk: int):
    _reader(request)
    try:
        return reports.report_for(request.user, pk)
    except DomainError:
        raise Http404 from None


class PublishForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("期间"),
        max_length=10,
        help_text=gettext_lazy("月报 2026-11，季报 2026-Q4，年报 2026"),
    )
    reason = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("申诉理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


@staff_required
@require_GET
def report_list(request):
    _reader(request)
    qs = reports.visible_reports(request.user).order_by("-first", "kind", "-version")
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        qs = qs.filter(kind=kind)
    bureau = org_selectors.bureau_of(request.user)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/reports.html",
        {
            "page": page,
            "kind": kind,
            "kinds": ReportKind.choices,
            "publish_form": PublishForm() if publishes_reports(request.user, bureau) else None,
            "year": clock.today().year,
        },
    )


@staff_required
@require_POST
def report_publish(request):
    bureau = org_selectors.bureau_of(request.user)
    form = PublishForm(request.POST)
    report = flash(
        request,
        lambda: reports.publish(
            actor=request.user,
            bureau=bureau,
            period=form.cleaned_data["period"],
            reason=form.cleaned_data["reason"],
        ),
        lambda r: _("已发布 %(label)s 第 %(v)s 版") % {"label": r.label, "v": r.version},
        form=form,
        invalid=_("请填写期间"),
    )
    if report is None:
        return redirect("stats:reports")
    return redirect("stats:report", pk=report.pk)


def _charts(report) -> dict:
    """What the page's two charts draw (the same figures as the tables)."""
    units = reports.level_rows(report, "unit")
    subs = reports.level_rows(report, "subdistrict")
    return {
        "scores": {
            "title": _("处置单位综合得分"),
            "names": [r["name"] for r in units],
            "values": [round(r["score"], 1) for r in units],
        },
        "rates": {
            "title": _("各街道处置率与按期处置率"),
            "names": [r["name"] for r in subs],
            "series": [
                {
                    "name": _("处置率"),
                    "values": [_pct(r["values"].get("handling_rate")) for r in subs],
                },
                {
                    "name": _("按期处置率"),
                    "values": [_pct(r["values"].get("on_time_handling_rate")) for r in subs],
                },
            ],
        },
    }


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


def _tables(report) -> list[dict]:
    out = []
    for level in ("subdistrict", "community", "unit"):
        t = reports.table(report, level)
        t["label"] = reports.LEVEL_LABELS[level]
        for row in t["rows"]:
            for cell in row["cells"]:
                if reports.counted_key(report, cell["key"]) and cell["value"] is not None:
                    cell["link"] = (
                        reverse("stats:report-cases", args=[report.pk])
                        + f"?level={level}&group={row['id']}&key={cell['key']}"
                    )
        out.append(t)
    return out


@staff_required
@require_GET
def report_detail(request, pk: int):
    report = _report(request, pk)
    versions = list(reports.versions_of(report).order_by("version").select_related("published_by"))
    return render(
        request,
        "stats/report.html",
        {
            "report": report,
            "versions": versions,
            "newest": versions[-1],
            "summary": reports.summary(report),
            "tables": _tables(report),
            "charts": _charts(report),
            "weights": reports.weights_text(report, translate=_),
            "excluded": reports.excluded_numbers(report),
        },
    )


@staff_required
@require_GET
def report_summary(request, pk: int):
    report = _report(request, pk)
    return render(
        request, "stats/report_summary.html", {"report": report, "summary": reports.summary(report)}
    )


@staff_required
@require_GET
def annual_summary(request, year: int):
    """The annual summary of the newest published version of the year's report."""
    _reader(request)
    report = (
        reports.visible_reports(request.user)
        .filter(kind=ReportKind.ANNUAL, first__year=year, bureau=org_selectors.bureau_of(request.user))
        .order_by("-version")
        .first()
    )
    context = {"report": report, "year": year, "summary": reports.summary(report) if report else []}
    return render(request, "stats/report_summary.html", context, status=200 if report else 404)


@staff_required
@require_GET
def report_xlsx(request, pk: int):
    from chengguan.stats import report_files

    report = _report(request, pk)
    response = HttpResponse(
        report_files.xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{report_files.filename(report)}.xlsx"'
    return response


@staff_required
@require_GET
def report_pdf(request, pk: int):
    from chengguan.stats import report_pdf as pdf

    report = _report(request, pk)
    response = HttpResponse(pdf.render(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.filename(report)}.pdf"'
    return response


@staff_required
@require_GET
def report_cases(request, pk: int):
    """The cases one frozen count of one row counted (the viewer's own scope)."""
    report = _report(request, pk)
    level = request.GET.get("level", "")
    key = request.GET.get("key", "")
    try:
        group = int(request.GET.get("group", ""))
    except ValueError:
        group = 0
    if level not in reports.LEVELS or not group:
        return render(request, "stats/report_cases.html", {"report": report, "invalid": True}, status=400)
    counted = reports.counted(report, level, group, key)
    units = dict(counted.values_list("case_id", "unit_id"))
    cases = cases_visible_to(request.user).filter(pk__in=counted.values("case_id"))
    page = Paginator(cases.order_by("-filed_at", "-id"), PAGE).get_page(request.GET.get("page"))
    now = clock.now()
    rows, allowed = [], {}
    for case in page.object_list:
        unit_id = units.get(case.pk)
        if unit_id not in allowed:
            allowed[unit_id] = appeals.may_file_unit(request.user, report, unit_id)
        appealable = allowed[unit_id]
        link = reverse("stats:appeal-new", args=[report.pk, case.pk]) if appealable else ""
        rows.append({"case": case, "countdown": countdown(case, now), "next": "", "appeal": link})
    query = request.GET.copy()
    query.pop("page", None)
    defs = reports.definitions(report)
    return render(
        request,
        "stats/report_cases.html",
        {
            "report": report,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "figure": _(defs.get(key, {}).get("name", key)),
            "group_name": reports.group_name(report, level, group),
            "is_newest": reports.is_newest(report),
        },
    )


@staff_required
def appeal_new(request, pk: int, case_id: int):
    report = _report(request, pk)
    case = get_object_or_404(cases_visible_to(request.user), pk=case_id)
    if not appeals.may_file(request.user, report, case.pk):
        raise PermissionDenied("not this unit's case")
    form = AppealForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda d: appeals.file(actor=request.user, report=report, case_id=case.pk, reason=d["reason"]),
        template="stats/appeal_form.html",
        context={"report": report, "case": case},
        success=_("申诉已提交，等待考评人员审核"),
        done=lambda appeal: redirect("stats:appeal", pk=appeal.pk),
    )


@staff_required
@require_GET
def appeal_list(request):
    qs = appeals.appeals_visible_to(request.user)
    state = request.GET.get("state", "pending" if decides_appeals(request.user) else "")
    if state in AppealState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/appeals.html",
        {
            "page": page,
            "state": state,
            "states": AppealState.choices,
            "evaluator": decides_appeals(request.user),
        },
    )


def _appeal(request, pk: int):
    return get_object_or_404(appeals.appeals_visible_to(request.user), pk=pk)


@staff_required
def appeal_detail(request, pk: int, forms_with_errors: dict | None = None):
    appeal = _appeal(request, pk)
    actions = APPEAL_MACHINE.available_actions(appeal, request.user)
    action_forms = [
        (
            a,
            APPEAL_MACHINE.label(a),
            (forms_with_errors or {}).get(a) or action_form(APPEAL_MACHINE, a, prefix=a),
        )
        for a in actions
    ]
    member = ReportCase.objects.filter(report_id=appeal.report.rows_source_id, case=appeal.case).first()
    counted_in = reports.counts_of(appeal.report, member.counts) if member else []
    return render(
        request,
        "stats/appeal.html",
        {"appeal": appeal, "action_forms": action_forms, "counted_in": counted_in},
    )


@staff_required
@require_POST
def appeal_action(request, pk: int, action: str):
    appeal = _appeal(request, pk)
    return take_action(
        request,
        APPEAL_MACHINE,
        action,
        lambda values: appeals.decide(actor=request.user, appeal=appeal, action=action, **values),
        done=lambda result: redirect("stats:appeal", pk=appeal.pk),
        again=lambda form: appeal_detail(request, pk, forms_with_errors={action: form}),
    )
