"""The legal office's pages of 卷宗评查: choose closed files of a unit and period, score one against
the checklist item by item (the reviewer recorded by name), send it back for correction, and read the
participation and qualified rates (参评率、合格率) per unit and period.

Reads come from `selectors`/`figures`, writes go through `evaluation`'s services; a refusal shows the
page again with the service's message, having changed nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from chengguan.core.errors import DomainError
from chengguan.enforcement import evaluation, figures, forms, selectors
from chengguan.enforcement.models import CaseFileEvaluation, EvaluationState, PenaltyState
from chengguan.enforcement.permissions import can_evaluate, can_view_evaluations
from chengguan.enforcement.views import CHECK_FORM, allowed


def _filters(request):
    form = forms.EvaluationFilterForm(request.GET or None, units=selectors.evaluation_units(request.user))
    start, end = form.period()
    unit = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None
    return form, start, end, unit


@allowed(can_view_evaluations)
def evaluation_list(request):
    """The closed files of the period, the rates per unit, and the choosing of files to evaluate."""
    form, start, end, unit = _filters(request)
    banner, status = None, 200
    closed = selectors.closed_files(request.user, start=start, end=end, unit=unit)
    if request.method == "POST":
        chosen = list(closed.filter(pk__in=[p for p in request.POST.getlist("case") if p.isdigit()]))
        if not chosen:
            banner, status = gettext("请勾选要评查的案卷。"), 400
        else:
            try:
                evaluation.case_file_select(actor=request.user, cases=chosen)
            except DomainError as exc:
                banner, status = exc.message, exc.status
            else:
                messages.success(request, gettext("已选入评查 %(n)s 件案卷。") % {"n": len(chosen)})
                return redirect(f"{reverse('enforcement:evaluations')}?{request.GET.urlencode()}")
    files = list(
        closed.select_related("evaluation")
        .prefetch_related("officers__profile__organisation")
        .order_by("-closed_on", "-id")
    )
    rows = [
        {
            "case": c,
            "e": getattr(c, "evaluation", None),
            "units": sorted({u.profile.organisation.name for u in c.officers.all() if hasattr(u, "profile")}),
            "may_select": not hasattr(c, "evaluation") and can_evaluate(request.user, c),
        }
        for c in files
    ]
    context = {
        "form": form,
        "start": start,
        "end": end,
        "rows": rows,
        "by_unit": figures.evaluation_figures_by_unit(closed),
        "totals": figures.evaluation_totals(closed),
        "may_select": any(r["may_select"] for r in rows),
        "banner": banner,
        "query": request.GET.urlencode(),
    }
    return render(request, "enforcement/evaluation_list.html", context, status=status)


def _file(request, pk: int):
    case = selectors.visible_cases(request.user).filter(pk=pk).select_related("evaluation").first()
    if case is None:
        raise Http404("penalty case not visible")
    return case


def _score_page(request, case, *, score_form=None, return_form=None, banner=None, status=200):
    current = evaluation.checklist()
    record: CaseFileEvaluation | None = getattr(case, "evaluation", None)
    may_score = (
        case.state == PenaltyState.CLOSED
        and can_evaluate(request.user, case)
        and (record is None or record.state in (EvaluationState.SELECTED, EvaluationState.CORRECTED))
    )
    score_form = score_form or forms.EvaluationScoreForm(items=current.items)
    findings = evaluation.file_findings(case)
    deductions = record.deductions if record else {}
    items = [
        {
            "item": item,
            "field": score_form[f"deductions.{item.id}"],
            "finding": findings.get(item.id, ""),
            "deducted": deductions.get(item.id, ""),
        }
        for item in current.items
    ]
    context = {
        "case": case,
        "record": record,
        "checklist": current,
        "items": items,
        "score_form": score_form if may_score else None,
        "notes_field": score_form["notes"],
        "return_form": return_form
        or (
            forms.EvaluationReturnForm()
            if record and record.state == EvaluationState.SCORED and can_evaluate(request.user, case)
            else None
        ),
        "evidence": list(selectors.evidence_items(case)),
        "documents": list(selectors.documents(case)),
        "banner": banner,
    }
    return render(request, "enforcement/evaluation_score.html", context, status=status)


@allowed(can_view_evaluations)
def evaluation_score(request, pk: int):
    """Score one file item by item (GET shows the checklist beside what the file holds)."""
    case = _file(request, pk)
    if request.method != "POST":
        return _score_page(request, case)
    form = forms.EvaluationScoreForm(request.POST, items=evaluation.checklist().items)
    if not form.is_valid():
        return _score_page(request, case, score_form=form, banner=CHECK_FORM, status=400)
    try:
        result = evaluation.case_file_evaluate(
            actor=request.user, case=case, deductions=form.deductions(), notes=form.cleaned_data["notes"]
        )
    except DomainError as exc:
        for field, errors in (exc.fields or {}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _score_page(
            request, _file(request, pk), score_form=form, banner=exc.message, status=exc.status
        )
    verdict = gettext("合格") if result.passed else gettext("不合格")
    messages.success(
        request,
        gettext("评查得分 %(score)s 分（%(verdict)s）。") % {"score": result.score, "verdict": verdict},
    )
    return redirect("enforcement:evaluation-score", pk=case.pk)


@allowed(can_view_evaluations)
@require_POST
def evaluation_return(request, pk: int):
    """退回整改 with what the officers are to correct."""
    case = _file(request, pk)
    record = getattr(case, "evaluation", None)
    if record is None:
        raise Http404("not evaluated")
    form = forms.EvaluationReturnForm(request.POST)
    form.is_valid()
    try:
        evaluation.case_file_return(
            actor=request.user, evaluation=record, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as exc:
        for field, errors in (exc.fields or {}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _score_page(
            request, _file(request, pk), return_form=form, banner=exc.message, status=exc.status
        )
    messages.success(request, gettext("已退回整改。"))
    return redirect("enforcement:evaluation-score", pk=case.pk)
