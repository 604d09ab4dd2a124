"""Web pages of penalty cases: the list with deadline colours, the case page with its procedure
timeline, deadlines, evidence and the actions open to the viewer, the proposal and simple-procedure
forms, opening a case from the closed loop, and the deadlines of this week.

Views stay thin: reads come from `selectors`, every write goes through `services`, and a refused
write re-renders the page with the service's Chinese message beside the field, having changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from chengguan.cases import selectors as case_selectors
from chengguan.cases.timeline import actor_name
from chengguan.core import clock
from chengguan.core.forms import NoFields, accepted, banner_of, submit
from chengguan.core.workflow.forms import action_form, submitted
from chengguan.enforcement import casefile, evaluation, forms, periods, selectors, services
from chengguan.enforcement.documents import services as document_services
from chengguan.enforcement.models import CaseFileEvaluation, EvaluationState, PenaltyCase, PenaltyParty
from chengguan.enforcement.permissions import (
    can_add_evidence,
    can_correct_case_file,
    can_issue_documents,
    can_record_reviews,
    can_start_penalty,
    can_view_penalties,
)
from chengguan.enforcement.states import (
    EVIDENCE_STATES,
    FINAL_STATES,
    PENALTY_MACHINE,
    PenaltyAction,
    PenaltyState,
    Procedure,
    legal_review_grounds,
)
from chengguan.org.access import is_staff_user
from chengguan.org.selectors import bureau_of

LIST_PAGE = 50
BUTTON_STYLE = {
    PenaltyAction.LEGAL_REVIEW_RETURN: "btn-secondary",
    PenaltyAction.SUSPEND: "btn-secondary",
    PenaltyAction.TRANSFER: "btn-secondary",
    PenaltyAction.TERMINATE: "btn-danger",
}
EVENT_LABELS = {
    "penalty.propose": _("提出立案"),
    "penalty.simple_decide": _("简易程序当场处罚"),
    "penalty.evidence_add": _("上传证据"),
    "penalty.review_record": _("登记复议/诉讼"),
    "penalty.review_conclude": _("复议/诉讼审结"),
    "penalty.review_effect": _("复议/诉讼结果生效"),
    "penalty.document_issue": _("制作文书"),
    "penalty.document_scan": _("上传签收扫描件"),
    "penalty.disclosure_publish": _("公示处罚决定"),
    "penalty.disclosure_withdraw": _("撤回公示"),
    "penalty.disclosure_withdrawal_due": _("应撤回公示"),
    "penalty.court_accept": _("法院受理强制执行申请"),
    "penalty.court_ruling": _("法院作出执行裁定"),
    "penalty.case_file_evaluate": _("卷宗评查"),
    "penalty.case_file_select": _("选入卷宗评查"),
    "penalty.case_file_return": _("卷宗退回整改"),
    "penalty.case_file_correct": _("卷宗整改完成"),
    "penalty.opened_from_case": _("转立行政处罚案件"),
    **{f"penalty.{value}": label for value, label in PenaltyAction.choices},
}
CHECK_FORM = _("请检查填写的内容。")


def allowed(rule: Callable[..., bool]):
    """Staff whom `rule` (a permission, or a test of the user) allows; everyone else gets 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not is_staff_user(request.user) or not rule(request.user):
                raise HttpForbidden("not allowed")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _can_start(user) -> bool:
    bureau = bureau_of(user)
    return bureau is not None and can_start_penalty(user, bureau)


def _visible_case(user, pk: int) -> PenaltyCase:
    case = (
        selectors.visible_cases(user)
        .select_related("origin_case")
        .prefetch_related("officers__profile", "parties", "reviews", "deadlines")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("penalty case not visible")
    return case


# -- list and deadlines ----------------------------------------------------------------------------


@allowed(can_view_penalties)
def case_list(request):
    qs = selectors.with_next_due(selectors.visible_cases(request.user)).prefetch_related(
        Prefetch("parties", queryset=PenaltyParty.objects.order_by("id"))
    )
    filterset = forms.PenaltyCaseFilter(request.GET or None, queryset=qs)
    page = Paginator(filterset.qs.order_by("-id"), LIST_PAGE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [{"case": c, "urgency": selectors.urgency(c.next_due, today)} for c in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "states": PenaltyState.choices,
        "procedures": Procedure.choices,
        "urgency_labels": selectors.URGENCY_LABELS,
        "can_start": _can_start(request.user),
        "warning_days": periods.WARNING_DAYS,
    }
    return render(request, "enforcement/list.html", context)


def _deadline_row(d, today) -> dict:
    duty = d.period_id in periods.OFFICE_DUTIES
    level = selectors.urgency(d.due_on, today) if duty else "normal"
    return {
        "d": d,
        "name": periods.period_name(d.name),
        "duty": duty,
        "level": level,
        "article": periods.article_label(d.article),
    }


@allowed(can_view_penalties)
def deadlines_week(request):
    today = clock.today()
    overdue = [_deadline_row(d, today) for d in selectors.overdue_duties(request.user, today=today)]
    week = [_deadline_row(d, today) for d in selectors.deadlines_this_week(request.user, today=today)]
    context = {"today": today, "overdue": overdue, "week": week, "sunday": selectors.week_end(today)}
    return render(request, "enforcement/deadlines.html", context)


# -- the case page and its actions -----------------------------------------------------------------


def _timeline(case: PenaltyCase) -> list[dict]:
    return [
        {
            "at": e.created_at,
            "action": EVENT_LABELS.get(e.action, e.action),
            "who": actor_name(e),
            "state": PenaltyState((e.after or {}).get("state")).label
            if (e.after or {}).get("state") in PenaltyState.values
            else "",
        }
        for e in selectors.timeline(case)
    ]


def _detail_context(
    request,
    case: PenaltyCase,
    *,
    open_action=None,
    bound=None,
    banner=None,
    evidence_form=None,
    review_form=None,
    conclude_forms=None,
    correction_form=None,
):
    user, today = request.user, clock.today()
    action_forms = [
        {
            "action": action,
            "label": PenaltyAction(action).label,
            "form": bound
            if action == open_action and bound is not None
            else action_form(PENALTY_MACHINE, action, prefix=action),
            "open": action == open_action,
            "style": BUTTON_STYLE.get(action, "btn-primary"),
        }
        for action in selectors.available_actions(case, user)
    ]
    open_duties = [
        d for d in case.deadlines.all() if d.period_id in periods.OFFICE_DUTIES and d.met_on is None
    ]
    next_due = (
        min(open_duties, key=lambda d: d.due_on, default=None) if case.state not in FINAL_STATES else None
    )
    may_add_evidence = case.state in EVIDENCE_STATES and can_add_evidence(user, case)
    return {
        "case": case,
        "parties": list(case.parties.all()),
        "officers": [u.profile.full_name for u in case.officers.all()],
        "deadlines": [_deadline_row(d, today) for d in case.deadlines.all()],
        "next_due": next_due,
        "next_due_name": periods.period_name(next_due.name) if next_due else "",
        "surcharge_article": periods.article_label("APL Art.72 + Art.73"),
        "evidence_article": periods.article_label("APL Art.42"),
        "record_article": periods.article_label("APL Art.47"),
        "urgency": selectors.urgency(next_due.due_on, today) if next_due else "normal",
        "timeline": _timeline(case),
        "evidence": list(selectors.evidence_items(case)),
        "evidence_form": evidence_form or (forms.EvidenceForm(case=case) if may_add_evidence else None),
        "documents": list(selectors.documents(case)),
        **_document_choices(case, user),
        **_review_forms(case, user, review_form, conclude_forms or {}),
        **_evaluation_card(case, user, correction_form),
        "under_review": selectors.under_review(case),
        # Why 结案 is not offered: what the checklist's required items find missing.
        "file_missing": casefile.missing_for_closing(case)
        if case.state in (PenaltyState.PAID, PenaltyState.COURT_ENFORCEMENT)
        else [],
        "surcharge": selectors.surcharge_on(case, today),
        "action_forms": action_forms,
        "banner": banner,
        "review_grounds": [dict(legal_review_grounds()).get(g, g) for g in case.legal_review_grounds],
    }


def _document_choices(case: PenaltyCase, user) -> dict:
    """The document kinds the viewer can make now, and the others of the procedure with why not."""
    if not can_issue_documents(user, case):
        return {"issuable": [], "not_issuable": []}
    rows = document_services.document_availability(case, user)
    return {
        "issuable": [(r.doc_type, r.label) for r in rows if not r.reason],
        "not_issuable": [r for r in rows if r.reason],
    }


def _evaluation_card(case: PenaltyCase, user, correction_form) -> dict:
    """卷宗评查 of the file as its officers see it, with the correction form once it is sent back."""
    record = CaseFileEvaluation.objects.filter(case=case).first()
    returned = record is not None and record.state == EvaluationState.RETURNED
    offered = returned and can_correct_case_file(user, case)
    return {
        "case_evaluation": record,
        "correction_form": correction_form or (forms.EvaluationCorrectForm() if offered else None),
    }


def _review_forms(case: PenaltyCase, user, review_form, conclude_forms: dict) -> dict:
    """The reviews with, for those who follow them, the form to register one once the decision is
    served (the service decides whether the windows are open) and a result form per pending one."""
    may = can_record_reviews(user, case)
    reviews = [
        {
            "r": r,
            "form": conclude_forms.get(r.pk) or forms.ReviewConcludeForm(prefix=f"conclude-{r.pk}")
            if may and not r.outcome
            else None,
        }
        for r in case.reviews.all()
    ]
    offered = may and services.review_open(case)
    return {
        "reviews": reviews,
        "review_form": review_form or (forms.ReviewRecordForm(prefix="review") if offered else None),
        "review_article": periods.article_label("APL Art.73"),
    }


@allowed(can_view_penalties)
def detail(request, pk: int):
    case = _visible_case(request.user, pk)
    return render(request, "enforcement/detail.html", _detail_context(request, case))


@allowed(can_view_penalties)
@require_POST
def act(request, pk: int, action: str):
    if action not in PenaltyAction.values:
        raise Http404("unknown action")
    case = _visible_case(request.user, pk)
    form = action_form(PENALTY_MACHINE, action, data=request.POST, prefix=action)
    return _submit(
        request,
        case,
        form,
        write=lambda data: services.penalty_transition(
            actor=request.user, case=case, action=action, payload=submitted(form)
        ),
        success=gettext("已%(action)s。") % {"action": PenaltyAction(action).label},
        open_action=action,
        bound=form,
    )


@allowed(can_view_penalties)
@require_POST
def evidence_upload(request, pk: int):
    case = _visible_case(request.user, pk)
    form = forms.EvidenceForm(request.POST, request.FILES, case=case)
    return _submit(
        request,
        case,
        form,
        write=lambda data: services.penalty_evidence_add(
            actor=request.user,
            case=case,
            upload=data["file"],
            description=data["description"],
            kind=data["kind"],
            method=data["method"],
            place=data["place"],
            collected_at=data["collected_at"],
            officers=list(data["officers"]) or None,
        ),
        success=gettext("证据已登记入证据清单。"),
        evidence_form=form,
    )


@allowed(can_view_penalties)
@require_POST
def review_record(request, pk: int):
    """登记复议/诉讼 from the case page."""
    case = _visible_case(request.user, pk)
    form = forms.ReviewRecordForm(request.POST, prefix="review")
    return _submit(
        request,
        case,
        form,
        write=lambda data: services.penalty_review_record(
            actor=request.user, case=case, kind=data["kind"], applied_on=data["applied_on"], body=data["body"]
        ),
        success=gettext("已登记复议/诉讼。"),
        review_form=form,
    )


@allowed(can_view_penalties)
@require_POST
def review_conclude(request, pk: int, review_pk: int):
    """复议/诉讼审结: the outcome and, when the decision was changed, the new fine."""
    case = _visible_case(request.user, pk)
    review = case.reviews.filter(pk=review_pk).first()
    if review is None:
        raise Http404("no such review")
    form = forms.ReviewConcludeForm(request.POST, prefix=f"conclude-{review.pk}")
    return _submit(
        request,
        case,
        form,
        write=lambda data: services.penalty_review_conclude(
            actor=request.user,
            review=review,
            concluded_on=data["concluded_on"],
            outcome=data["outcome"],
            fine_amount=data["fine_amount"],
        ),
        success=gettext("已登记复议/诉讼结果。"),
        conclude_forms={review.pk: form},
    )


def _submit(request, case: PenaltyCase, form, *, write, success: str, **page):
    """A form on the case page: `write` the cleaned data through the services and go back to the page,
    or show the page again with the refusal beside the fields (nothing changed)."""
    submit(form, write)
    if accepted(form):
        messages.success(request, success)
        return redirect("enforcement:detail", pk=case.pk)
    banner, status = banner_of(form, CHECK_FORM)
    context = _detail_context(request, _visible_case(request.user, case.pk), banner=banner, **page)
    return render(request, "enforcement/detail.html", context, status=status)


@allowed(can_view_penalties)
@require_GET
def evidence_file(request, pk: int, no: int):
    """An evidence file, only to those who may see the case."""
    item = selectors.evidence_item(_visible_case(request.user, pk), no)
    if item is None:
        raise Http404("no such evidence")
    response = FileResponse(item.file.open("rb"), content_type=item.content_type or None)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@allowed(can_view_penalties)
@require_POST
def evaluation_correct(request, pk: int):
    """整改完成: the officers report what they corrected in a file sent back by the legal office."""
    case = _visible_case(request.user, pk)
    record = CaseFileEvaluation.objects.filter(case=case).first()
    if record is None:
        raise Http404("not evaluated")
    form = forms.EvaluationCorrectForm(request.POST)
    return _submit(
        request,
        case,
        form,
        write=lambda data: evaluation.case_file_correct(
            actor=request.user, evaluation=record, note=data["note"]
        ),
        success=gettext("已报告整改情况，待法制员复评。"),
        correction_form=form,
    )


@allowed(can_issue_documents)
@require_POST
def document_issue(request, pk: int):
    """生成文书: numbered and rendered by the documents service, which refuses a type out of stage."""
    case = _visible_case(request.user, pk)
    doc_type = request.POST.get("doc_type", "")
    form = NoFields()
    document = submit(
        form,
        lambda data: document_services.penalty_document_issue(
            actor=request.user, case=case, doc_type=doc_type
        ),
    )
    if document is None:
        banner, status = banner_of(form, CHECK_FORM)
        context = _detail_context(request, _visible_case(request.user, pk), banner=banner)
        return render(request, "enforcement/detail.html", context, status=status)
    messages.success(request, gettext("已生成%(document)s。") % {"document": document})
    return redirect("enforcement:detail", pk=case.pk)


@allowed(can_view_penalties)
@require_GET
def document_file(request, pk: int, doc_pk: int, variant: str):
    """A document's PDF or its signed scan, only to those who may see the case."""
    document = selectors.documents(_visible_case(request.user, pk)).filter(pk=doc_pk).first()
    stored = None if document is None else (document.scan if variant == "scan" else document.file)
    if not stored:
        raise Http404("no such document")
    response = FileResponse(stored.open("rb"), filename=stored.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, max-age=3600"
    return response


# -- starting a case -------------------------------------------------------------------------------


def _own_bureau(user):
    bureau = bureau_of(user)
    if bureau is None:
        raise HttpForbidden("no bureau")
    return bureau


def _proposal_page(request, form, *, start, success: str, title: str, origin=None):
    """The proposal form shared by `propose` and `open_from_case`; `start` is the service call that
    opens the case from the form's facts, party and officers."""
    banner, status = None, 200
    if request.method == "POST":
        case = submit(
            form,
            lambda data: start(
                actor=request.user,
                facts=data["facts"],
                parties=[form.party()],
                officers=list(data["officers"]),
            ),
            aliases=forms.PartyFieldsMixin.PARTY_ALIASES,
        )
        if case is not None:
            messages.success(request, success)
            return redirect("enforcement:detail", pk=case.pk)
        banner, status = banner_of(form, CHECK_FORM)
    context = {
        "form": form,
        "banner": banner,
        "title": title,
        "origin": origin,
        "decision_article": periods.article_label("APL Art.60"),
    }
    return render(request, "enforcement/propose.html", context, status=status)


@allowed(_can_start)
def propose(request):
    bureau = _own_bureau(request.user)
    return _proposal_page(
        request,
        forms.ProposeForm(request.POST or None, bureau=bureau),
        start=partial(services.penalty_case_propose, bureau=bureau),
        success=_("已提交立案审批，待中队长或领导批准后编号。"),
        title=_("提出立案（普通程序）"),
    )


@allowed(_can_start)
def open_from_case(request, number: str):
    """转立: a closed-loop case closed with the enforcement disposition becomes a penalty case."""
    origin = case_selectors.cases_visible_to(request.user).filter(number=number).first()
    if origin is None:
        raise Http404("case not visible")
    form = forms.ProposeForm(
        request.POST or None,
        bureau=_own_bureau(request.user),
        initial={"facts": services.origin_facts(origin), "officers": [request.user.pk]},
    )
    return _proposal_page(
        request,
        form,
        start=partial(services.penalty_case_open_from_case, case=origin),
        success=gettext("已由案件 %(number)s 转立行政处罚案件，待批准立案。") % {"number": origin.number},
        title=gettext("由案件 %(number)s 转立行政处罚") % {"number": origin.number},
        origin=origin,
    )


@allowed(_can_start)
def simple(request):
    bureau = _own_bureau(request.user)
    form = forms.SimpleDecisionForm(request.POST or None)
    banner, status = None, 200
    if request.method == "POST":
        case = submit(
            form,
            lambda data: services.penalty_simple_decide(
                actor=request.user,
                bureau=bureau,
                facts=data["facts"],
                legal_basis=data["legal_basis"],
                violated_provisions=data["violated_provisions"],
                party=form.party(),
                fine_amount=data["fine_amount"],
                collected_on_spot=data["collected_on_spot"],
                decided_on=data["decided_on"],
                officers=[request.user],
            ),
            aliases=forms.PartyFieldsMixin.PARTY_ALIASES,
        )
        if case is not None:
            messages.success(request, gettext("已作出当场处罚决定 %(number)s。") % {"number": case.number})
            return redirect("enforcement:detail", pk=case.pk)
        banner, status = banner_of(form, CHECK_FORM)
    context = {
        "form": form,
        "banner": banner,
        "limits": selectors.simple_limits(),
        "simple_article": periods.article_label("APL Art.51 + Art.52"),
    }
    return render(request, "enforcement/simple.html", context, status=status)
