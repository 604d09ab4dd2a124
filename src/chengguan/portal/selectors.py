"""Reads of the public channel. Open311 answers are public, so they carry no personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from chengguan.cases.models import Case, CaseEvidence, CaseSource, EvidenceStage
from chengguan.cases.public import PUBLIC_SOURCES, public_cases
from chengguan.cases.states import FINAL_STATES, CaseState
from chengguan.core import audit, clock
from chengguan.core.masking import mask_personal_numbers
from chengguan.feedback.models import Callback, FeedbackMethod, Rating
from chengguan.grids.models import Grid
from chengguan.org import selectors as org_selectors
from chengguan.portal.models import CallbackReview, Open311Client, Open311Submission, PublicReport
from chengguan.portal.permissions import follows_own_reports, raises_deputy_items
from chengguan.portal.services import hash_key, query_code_hash, query_code_matches
from chengguan.taxonomy.selectors import active_categories

_NOTES = {
    CaseState.REPORTED: pgettext_lazy("public progress", "已收到，等待受理审核"),
    CaseState.FILED: pgettext_lazy("public progress", "已立案，等待派遣"),
    CaseState.DISPATCHED: pgettext_lazy("public progress", "已派遣至%(unit)s"),
    CaseState.RETURNED: pgettext_lazy("public progress", "处置单位退回，正在重新派遣"),
    CaseState.IN_HANDLING: pgettext_lazy("public progress", "%(unit)s正在处置"),
    CaseState.HANDLED: pgettext_lazy("public progress", "%(unit)s已处置，等待核查"),
    CaseState.REWORK: pgettext_lazy("public progress", "核查未通过，%(unit)s正在返工处置"),
    CaseState.VERIFIED: pgettext_lazy("public progress", "已核查，等待结案"),
    CaseState.SUSPENDED: pgettext_lazy("public progress", "暂缓办理"),
    CaseState.CLOSED: pgettext_lazy("public progress", "已办结"),
    CaseState.NOT_FILED: pgettext_lazy("public progress", "经审核不予立案"),
    CaseState.CANCELLED: pgettext_lazy("public progress", "已撤销"),
    CaseState.MERGED: pgettext_lazy("public progress", "已与同一问题的其他报告合并办理"),
}


def client_for_key(raw_key: str | None) -> Open311Client | None:
    """The active client holding this key, or None."""
    if not raw_key:
        return None
    return Open311Client.objects.filter(key_hash=hash_key(raw_key.strip()), active=True).first()


def open311_services():
    """The services a client may request: the active taxonomy's categories."""
    return active_categories()


def open311_status(case: Case) -> str:
    """GeoReport v2 knows two states: a case is closed once it reached a final state."""
    return "closed" if case.state in FINAL_STATES else "open"


def status_notes(case: Case) -> str:
    """Our detailed state in plain words, naming units but never people."""
    unnamed = pgettext("a unit not named to the public", "处置单位")
    unit = case.handling_unit.name if case.handling_unit_id else unnamed
    return str(_NOTES.get(case.state, case.get_state_display())) % {"unit": unit}


def public_text(text: str) -> str:
    """Mask ID and phone numbers a reporter typed into free text before it is shown to the public."""
    return mask_personal_numbers(text)


def open311_requests() -> QuerySet[Case]:
    """Cases that came in through Open311: the only ones this public API shows."""
    return (
        Case.objects.filter(source=CaseSource.OPEN311)
        .select_related("category", "handling_unit", "open311")
        .order_by("-reported_at", "-id")
    )


def filter_requests(
    qs: QuerySet[Case],
    *,
    ids: list[str] | None = None,
    codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[Case]:
    """The spec's filters: a list of ids overrides the others."""
    if ids:
        return qs.filter(number__in=ids)
    if codes:
        qs = qs.filter(category__code__in=codes)
    if start:
        qs = qs.filter(reported_at__gte=start)
    if end:
        qs = qs.filter(reported_at__lte=end)
    if statuses and set(statuses) != {"open", "closed"}:
        final = [str(s) for s in FINAL_STATES]
        qs = qs.exclude(state__in=final) if "open" in statuses else qs.filter(state__in=final)
    return qs


def submission_by_token(token: str) -> Open311Submission | None:
    return Open311Submission.objects.select_related("case").filter(token=token).first()


# -- the citizen's side ----------------------------------------------------------------------------


def report_for_tracking(number: str, code: str) -> PublicReport | None:
    """The portal report with this tracking number, only when the query code matches. A wrong code
    and an unknown number give the same None, so the answer never tells whether a number exists."""
    number, code = (number or "").strip(), (code or "").strip().upper()
    if not number or not code:
        return None
    report = PublicReport.objects.select_related("case", "case__category").filter(case__number=number).first()
    # Compare even when the number is unknown, so both answers take the same time.
    stored = report.query_code_hash if report else query_code_hash("-", "-")
    if not query_code_matches(stored, number, code) or report is None:
        return None
    return report


def public_report(number: str) -> PublicReport | None:
    """A portal report by its tracking number, for a browser that already proved it holds the code."""
    return (
        PublicReport.objects.select_related("case", "case__category", "case__handling_unit")
        .filter(case__number=number)
        .first()
    )


# Each step the public sees, in plain words: the action of the audit event → what to say. Other
# events (extensions, supervision, evaluation) are internal and not shown.
TIMELINE_TEXTS = {
    "case.report": pgettext_lazy("public progress", "已收到您反映的问题"),
    "case.file": pgettext_lazy("public progress", "已受理立案"),
    "case.not_file": pgettext_lazy("public progress", "经审核不予立案"),
    "case.merge": pgettext_lazy("public progress", "与同一问题的其他反映合并办理"),
    "case.dispatch": pgettext_lazy("public progress", "已派遣给处置单位"),
    "case.redispatch": pgettext_lazy("public progress", "已改派给其他处置单位"),
    "case.return": pgettext_lazy("public progress", "正在重新安排处置单位"),
    "case.accept": pgettext_lazy("public progress", "处置单位已接单，正在处理"),
    "case.handle": pgettext_lazy("public progress", "处置单位已处理，等待现场核查"),
    "case.rework": pgettext_lazy("public progress", "核查未通过，退回重新处理"),
    "case.verify": pgettext_lazy("public progress", "现场核查通过"),
    "case.close": pgettext_lazy("public progress", "已办结"),
    "case.cancel": pgettext_lazy("public progress", "已撤销"),
    "case.suspend": pgettext_lazy("public progress", "暂缓办理"),
    "case.resume": pgettext_lazy("public progress", "恢复办理"),
    "case.reopen": pgettext_lazy("public progress", "经复核，重新交办处理"),
    "case.feedback": pgettext_lazy("public progress", "已向您反馈处理结果"),
    "case.callback": pgettext_lazy("public progress", "已收到评价"),
}


@dataclass(frozen=True)
class TimelineStep:
    at: dt.datetime
    text: str


def public_timeline(case: Case) -> list[TimelineStep]:
    """The case's history from its audit trail, as dated plain-language steps: no names of staff,
    no reasons typed by staff, no personal data."""
    events = audit.history(case).filter(action__in=list(TIMELINE_TEXTS)).values_list("created_at", "action")
    return [TimelineStep(at, TIMELINE_TEXTS[action]) for at, action in events]


def public_replies(case: Case) -> list[dict]:
    """What the reporter was told (feedback records) and the handling result, phone numbers masked."""
    rows = [
        {"at": f.at, "method": f.get_method_display(), "text": public_text(f.content)}
        for f in case.feedback_records.order_by("at", "id")
    ]
    if case.state == CaseState.CLOSED and case.result:
        rows.insert(
            0,
            {
                "at": case.handled_at or case.closed_at,
                "method": _("处置结果"),
                "text": public_text(case.result),
            },
        )
    return rows


def public_photos(case: Case) -> dict[str, list[CaseEvidence]]:
    """Before (reported) and after (handled, verified) photos; video and audio stay internal."""
    photos = [item for item in case.evidence.all() if item.kind == "photo"]  # uses a prefetch if any
    return {
        "before": [p for p in photos if p.stage == EvidenceStage.REPORT],
        "after": [p for p in photos if p.stage in (EvidenceStage.HANDLE, EvidenceStage.VERIFY)],
    }


def portal_rating(case: Case) -> Callback | None:
    return case.callbacks.filter(method=FeedbackMethod.PORTAL).first()


def public_photo(evidence_id: int) -> CaseEvidence | None:
    """A photo the public may see: of a public-channel case that is not marked as spam."""
    return (
        CaseEvidence.objects.filter(
            pk=evidence_id, kind="photo", case__source__in=PUBLIC_SOURCES, case__is_spam=False
        )
        .select_related("case")
        .first()
    )


# -- the portal home -------------------------------------------------------------------------------


def reports_by_grid(now: dt.datetime | None = None, days: int = 30) -> dict:
    """GeoJSON of the grids with reports from the public in the last `days` days, with their count
    (no case details: the map shows where, not who or what)."""
    now = now or clock.now()
    counts = dict(
        public_cases()
        .filter(reported_at__gte=now - dt.timedelta(days=days), reported_at__lte=now, grid__isnull=False)
        .values_list("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    grids = Grid.objects.filter(pk__in=counts).values_list("pk", "geometry")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": geometry, "properties": {"count": counts[pk]}}
            for pk, geometry in grids
        ],
    }


def recently_solved(limit: int = 6) -> list[dict]:
    """Closed public-channel cases that have both a before and an after photo, newest first: the
    category, the description with phone numbers masked, the date. No names, no addresses."""
    has_before = CaseEvidence.objects.filter(case=OuterRef("pk"), kind="photo", stage=EvidenceStage.REPORT)
    has_after = CaseEvidence.objects.filter(
        case=OuterRef("pk"), kind="photo", stage__in=[EvidenceStage.HANDLE, EvidenceStage.VERIFY]
    )
    cases = (
        public_cases()
        .filter(state=CaseState.CLOSED)
        .filter(Exists(has_before), Exists(has_after))
        .select_related("category")
        .prefetch_related("evidence")
        .order_by("-closed_at", "-id")[:limit]
    )
    return [
        {
            "category": case.category.local_name,
            "description": public_text(case.description),
            "closed_at": case.closed_at,
            **public_photos(case),
        }
        for case in cases
    ]


# -- 回访复核 ----------------------------------------------------------------------------------------


def _bureau_callbacks(actor) -> QuerySet[Callback]:
    qs = Callback.objects.select_related("case", "case__category", "case__handling_unit")
    if getattr(actor, "is_superuser", False):
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(case__bureau=bureau) if bureau else qs.none()


def reviews_pending(actor) -> QuerySet[Callback]:
    """Every "不满意" rating in the actor's bureau that no leader has decided on yet, oldest first."""
    return (
        _bureau_callbacks(actor)
        .filter(rating=Rating.DISSATISFIED)
        .exclude(Exists(CallbackReview.objects.filter(callback=OuterRef("pk"))))
        .order_by("at", "id")
    )


def reviews_done(actor, limit: int = 20) -> QuerySet[CallbackReview]:
    callbacks = _bureau_callbacks(actor)
    return (
        CallbackReview.objects.filter(callback__in=callbacks)
        .select_related("callback__case", "decided_by__profile")
        .order_by("-decided_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class OwnReport:
    """One of the reports a signed-in citizen or deputy made, as the public tracking page shows it."""

    case: Case
    status: str
    steps: list[TimelineStep]
    replies: list[dict]
    rating: Callback | None

    @property
    def is_closed(self) -> bool:
        return self.case.state in FINAL_STATES


OWN_REPORTS_SHOWN = 20


def own_reports(actor, *, deputy_items: bool) -> list[OwnReport]:
    """The latest reports `actor` made themselves (reporter = actor and nobody else's): the items a
    deputy raised (source 人大代表/政协委员) or a citizen's other reports, each with its public
    progress, the replies they were given and the latest rating of the case."""
    if not getattr(actor, "is_authenticated", False) or not follows_own_reports(actor):
        return []
    if deputy_items and not raises_deputy_items(actor):
        return []
    qs = Case.objects.filter(reporter=actor).select_related("category", "handling_unit")
    qs = qs.filter(source=CaseSource.DEPUTY) if deputy_items else qs.exclude(source=CaseSource.DEPUTY)
    cases = list(
        qs.prefetch_related("feedback_records", "callbacks").order_by("-reported_at", "-id")[
            :OWN_REPORTS_SHOWN
        ]
    )
    return [
        OwnReport(
            case=case,
            status=status_notes(case),
            steps=public_timeline(case),
            replies=public_replies(case),
            rating=max(case.callbacks.all(), key=lambda c: (c.at, c.pk), default=None),
        )
        for case in cases
    ]
