"""Reads of the ledger and the letters, scoped by the actor: lists, letter lookup, coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.cases.errors import CaseError
from chengguan.core import clock
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.grids.selectors import grids_visible_to
from chengguan.merchants.errors import MerchantError
from chengguan.merchants.letter_pdf import LetterData
from chengguan.merchants.models import Letter, LetterStatus, Merchant, MerchantCase, MerchantStatus
from chengguan.merchants.permissions import keeps_a_shop, sees_merchants
from chengguan.org import selectors as org_selectors

# Linked cases within a year at which a merchant counts as a repeat offender (highlighted).
REPEAT_OFFENDER_CASES = 3


def merchants_visible_to(actor) -> QuerySet[Merchant]:
    """Staff see the merchants in the grids they work with; the system and superusers see all."""
    qs = Merchant.objects.select_related("grid", "community", "subdistrict", "squad")
    if org_selectors.sees_everything(actor):
        return qs
    if not sees_merchants(actor):
        return qs.none()
    return qs.filter(grid__in=grids_visible_to(actor).values("pk"))


def with_letter_status(qs: QuerySet[Merchant], year: int) -> QuerySet[Merchant]:
    from django.db.models import Subquery

    status = Letter.objects.filter(merchant=OuterRef("pk"), year=year).values("status")[:1]
    return qs.annotate(letter_status=Subquery(status))


def filter_letter_status(qs: QuerySet[Merchant], year: int, status: str) -> QuerySet[Merchant]:
    if status == LetterStatus.NOT_ISSUED:
        has = Letter.objects.filter(merchant=OuterRef("pk"), year=year).exclude(
            status=LetterStatus.NOT_ISSUED
        )
        return qs.exclude(Exists(has))
    return qs.filter(Exists(Letter.objects.filter(merchant=OuterRef("pk"), year=year, status=status)))


def with_case_counts(qs: QuerySet[Merchant], since: dt.datetime | None = None) -> QuerySet[Merchant]:
    since = since or clock.now() - dt.timedelta(days=365)
    return qs.annotate(
        recent_cases=Count("case_links", filter=Q(case_links__case__reported_at__gte=since), distinct=True)
    )


def linked_cases(merchant: Merchant, actor):
    """The cases naming this merchant that `actor` may see, newest first."""
    from chengguan.cases.selectors import cases_visible_to

    ids = MerchantCase.objects.filter(merchant=merchant).values("case_id")
    return cases_visible_to(actor).filter(pk__in=ids).order_by("-reported_at")


def case_for_linking(actor, case_id: int):
    """The case `actor` may see, for naming merchants on it; raises NotFound otherwise."""
    from chengguan.cases.selectors import cases_visible_to

    case = cases_visible_to(actor).filter(pk=case_id).first()
    if case is None:
        raise NotFound("案件不存在或您无权查看。", code=CaseError.NOT_FOUND)
    return case


def merchant_to_link(*, merchant_id: int | None, credit_code: str = "") -> Merchant:
    """The merchant picked for a case by id or by credit code; a field error when there is none."""
    if merchant_id is not None:
        field, found = "merchant", Merchant.objects.filter(pk=merchant_id).first()
    else:
        field, found = "credit_code", Merchant.objects.filter(credit_code=credit_code.strip().upper()).first()
    if found is None:
        raise ValidationFailed(
            "台账中没有这个商户。", code=MerchantError.NOT_FOUND, fields={field: ["台账中没有这个商户"]}
        )
    return found


def merchants_of_case(case) -> QuerySet[Merchant]:
    """The merchants named on `case`, each with `recent_cases` (linked cases in the last year)."""
    # A subquery, not a join: filtering through `case_links` would make the count reuse that join
    # and see only this one case.
    linked = MerchantCase.objects.filter(case=case).values("merchant_id")
    qs = Merchant.objects.filter(pk__in=linked).select_related("grid", "community")
    return with_case_counts(qs).order_by("name", "id")


def merchants_for_picker(actor, query: str, limit: int = 10) -> QuerySet[Merchant]:
    """Merchants of the actor's bureau whose name contains `query` or whose credit code starts with
    it: the picker on a case, where the merchant may be outside the actor's own grids."""
    query = (query or "").strip()
    qs = Merchant.objects.select_related("grid", "community")
    if actor is not None and not getattr(actor, "is_superuser", False):
        bureau = org_selectors.bureau_of(actor)
        if bureau is None or not sees_merchants(actor):
            return qs.none()
        qs = qs.filter(bureau=bureau)
    if not query:
        return qs.none()
    return qs.filter(Q(name__icontains=query) | Q(credit_code__startswith=query.upper())).order_by(
        "name", "id"
    )[:limit]


def recent_case_count(merchant: Merchant) -> int:
    """Cases naming the merchant that were reported in the last 365 days."""
    since = clock.now() - dt.timedelta(days=365)
    return MerchantCase.objects.filter(merchant=merchant, case__reported_at__gte=since).count()


def is_repeat_offender(merchant: Merchant) -> bool:
    return recent_case_count(merchant) >= REPEAT_OFFENDER_CASES


def letter_lookup(*, credit_code: str, number: str) -> Letter | None:
    """Self-service: the letter matching both the credit code and the letter number, or None."""
    code = (credit_code or "").strip().upper()
    number = (number or "").strip()
    if not code or not number:
        return None
    return (
        Letter.objects.select_related("merchant", "bureau")
        .filter(merchant__credit_code=code, number=number)
        .first()
    )


def letter_by_token(token: str) -> Letter | None:
    return Letter.objects.select_related("merchant", "bureau").filter(token=token).first()


# --- letters for printing -------------------------------------------------------------------------

_LETTER_VALUES = (
    "pk",
    "number",
    "token",
    "year",
    "term_start",
    "term_end",
    "bureau__name",
    "merchant__name",
    "merchant__credit_code",
    "merchant__operator_name",
    "merchant__address",
    "merchant__frontage_m",
    "merchant__grid__code",
    "merchant__community__name",
    "merchant__subdistrict__name",
    "merchant__squad__name",
)


def in_scope(qs: QuerySet, scope: dict | None, via: str = "") -> QuerySet:
    """Narrow merchants (`via=""`) or rows of a merchant (`via="merchant__"`) to a printing scope:
    {"subdistrict": code} / {"community": code} / {"grid": code}."""
    scope = scope or {}
    if scope.get("subdistrict"):
        qs = qs.filter(**{f"{via}subdistrict__code": scope["subdistrict"]})
    if scope.get("community"):
        code = scope["community"]
        # A community code ("001") repeats across sub-districts: "SSSCCC" names one exactly.
        if len(code) == 6 and code.isdigit():
            qs = qs.filter(**{f"{via}subdistrict__code": code[:3], f"{via}community__code": code[3:]})
        else:
            qs = qs.filter(**{f"{via}community__code": code})
    if scope.get("grid"):
        qs = qs.filter(**{f"{via}grid__code": scope["grid"]})
    return qs


def letters_for_print(
    *, year: int, scope: dict | None = None, only_not_issued: bool = False
) -> QuerySet[Letter]:
    """Letters of `year` in print order (sub-district, grid, number), narrowed by a scope (`in_scope`)."""
    qs = in_scope(Letter.objects.filter(year=year).exclude(status=LetterStatus.EXPIRED), scope, "merchant__")
    if only_not_issued:
        qs = qs.filter(status=LetterStatus.NOT_ISSUED)
    return qs.order_by("merchant__subdistrict__code", "merchant__grid__code", "seq")


def letter_rows(qs: QuerySet[Letter], chunk: int = 2000):
    """(letter id, LetterData) pairs streamed from the database in chunks."""
    for row in qs.values(*_LETTER_VALUES).iterator(chunk_size=chunk):
        yield (
            row["pk"],
            LetterData(
                number=row["number"],
                token=row["token"],
                year=row["year"],
                term_start=row["term_start"],
                term_end=row["term_end"],
                name=row["merchant__name"],
                credit_code=row["merchant__credit_code"],
                operator_name=row["merchant__operator_name"],
                address=row["merchant__address"],
                frontage_m=f"{row['merchant__frontage_m']:g}"
                if row["merchant__frontage_m"] is not None
                else "—",
                grid_code=row["merchant__grid__code"] or "",
                community=row["merchant__community__name"] or "",
                subdistrict=row["merchant__subdistrict__name"] or "",
                squad=row["merchant__squad__name"] or "",
                bureau=row["bureau__name"],
            ),
        )


# --- coverage -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    key: str
    name: str
    active: int
    signed: int

    @property
    def share(self) -> float:
        return self.signed / self.active if self.active else 0.0

    @property
    def percent(self) -> float:
        return round(self.share * 100, 1)


_LEVELS = {
    "grid": ("grid__code", "grid__code"),
    "community": ("community__id", "community__name"),
    "subdistrict": ("subdistrict__id", "subdistrict__name"),
}


def coverage(actor, *, year: int | None = None, level: str = "subdistrict") -> list[CoverageRow]:
    """Share of open merchants with a signed letter for `year`, per grid, community or sub-district."""
    year = year or clock.today().year
    key, name = _LEVELS[level]
    signed = Exists(Letter.objects.filter(merchant=OuterRef("pk"), year=year, status=LetterStatus.SIGNED))
    rows = (
        merchants_visible_to(actor)
        .filter(status=MerchantStatus.OPEN, grid__isnull=False)
        .annotate(is_signed=signed)
        .values(key, name)
        .annotate(active=Count("pk"), signed=Count("pk", filter=Q(is_signed=True)))
        .order_by(name)
    )
    return [CoverageRow(str(r[key]), str(r[name]), r["active"], r["signed"]) for r in rows]


def coverage_total(rows: list[CoverageRow]) -> CoverageRow:
    return CoverageRow("", _("合计"), sum(r.active for r in rows), sum(r.signed for r in rows))


# The audited steps of a merchant's ledger entry, named for its page (not by their codes).
HISTORY_LABELS = {
    "merchant.create": gettext_lazy("登记入台账"),
    "merchant.import_create": gettext_lazy("从台账文件导入"),
    "merchant.update": gettext_lazy("修改了台账"),
    "merchant.photo_add": gettext_lazy("添加门头照片"),
    "merchant.link_case": gettext_lazy("关联了案件"),
    "merchant.unlink_case": gettext_lazy("取消了案件关联"),
    "merchant.demo_seed": gettext_lazy("演示数据登记"),
    "merchant.account_link": gettext_lazy("关联商户账号"),
}


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    who: str
    action: str


def merchant_history(merchant: Merchant, limit: int = 30) -> list[HistoryRow]:
    """The latest audited steps of a merchant, each named in the reader's language and by the
    person who took it (not their login)."""
    from chengguan.cases.timeline import actor_name
    from chengguan.core import audit

    events = audit.history(merchant).select_related("actor__profile").order_by("-id")[:limit]
    return [
        HistoryRow(e.created_at, actor_name(e), str(HISTORY_LABELS.get(e.action, e.action))) for e in events
    ]


@dataclass(frozen=True)
class OwnShop:
    merchant: Merchant
    letters: list[Letter]
    cases: list


def shops_of_account(actor) -> list[OwnShop]:
    """A merchant's own shops (those the bureau linked to their sign-in), each with its letters
    (latest year first) and the cases named on it: nothing of any other shop."""
    if not getattr(actor, "is_authenticated", False) or not keeps_a_shop(actor):
        return []
    shops = list(Merchant.objects.filter(account=actor).prefetch_related("letters").order_by("name", "id"))
    links = (
        MerchantCase.objects.filter(merchant__in=shops)
        .select_related("case", "case__category")
        .order_by("-case__reported_at", "-id")
    )
    cases_of: dict[int, list] = {}
    for link in links:
        cases_of.setdefault(link.merchant_id, []).append(link.case)
    return [
        OwnShop(m, sorted(m.letters.all(), key=lambda x: (-x.year, -x.pk)), cases_of.get(m.pk, []))
        for m in shops
    ]
