"""Every read of the welfare app, scoped by the actor's bureau."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from chengguan.core.errors import NotFound
from chengguan.org import selectors as org_selectors
from chengguan.welfare import lottery
from chengguan.welfare.errors import DrawError, SpotError, VendorError
from chengguan.welfare.models import (
    Application,
    Draw,
    DrawState,
    Hardship,
    HelpKind,
    HelpRecord,
    Spot,
    Vendor,
    VendorCase,
    VendorStatus,
    WelfareSettings,
)
from chengguan.welfare.permissions import can_view_welfare


def _scope(actor, qs: QuerySet, field: str) -> QuerySet:
    bureau = org_selectors.bureau_of(actor)
    if bureau is None:
        return qs.none()
    probe = Vendor(bureau=bureau)
    if not can_view_welfare(actor, probe):
        return qs.none()
    return qs.filter(**{field: bureau.pk})


def vendors_for(actor) -> QuerySet[Vendor]:
    return _scope(actor, Vendor.objects.select_related("grid"), "bureau_id")


def vendor_for(actor, pk: int) -> Vendor:
    vendor = vendors_for(actor).filter(pk=pk).first()
    if vendor is None:
        raise NotFound(str(VendorError.NOT_FOUND.label), code=VendorError.NOT_FOUND)
    return vendor


def spots_for(actor) -> QuerySet[Spot]:
    return _scope(actor, Spot.objects.select_related("grid", "managing_unit"), "bureau_id")


def spot_for(actor, pk: int) -> Spot:
    spot = spots_for(actor).filter(pk=pk).first()
    if spot is None:
        raise NotFound(str(SpotError.NOT_FOUND.label), code=SpotError.NOT_FOUND)
    return spot


def draws_for(actor) -> QuerySet[Draw]:
    return (
        _scope(actor, Draw.objects.select_related("spot"), "spot__bureau_id")
        .annotate(applied=Count("applications"))
        .order_by("-term_start", "spot__code", "pk")
    )


def draw_for(actor, pk: int) -> Draw:
    draw = draws_for(actor).filter(pk=pk).first()
    if draw is None:
        raise NotFound(str(DrawError.NOT_FOUND.label), code=DrawError.NOT_FOUND)
    return draw


def help_for(actor) -> QuerySet[HelpRecord]:
    return _scope(actor, HelpRecord.objects.select_related("vendor"), "bureau_id")


def applications_of(draw: Draw) -> QuerySet[Application]:
    return draw.applications.select_related("vendor").order_by("rank", "number")


def open_draws(bureau_id: int) -> QuerySet[Draw]:
    return Draw.objects.filter(spot__bureau_id=bureau_id, state=DrawState.OPEN).select_related("spot")


# --- the public re-run of a draw -------------------------------------------------------------------


def published_draw(pk: int) -> Draw | None:
    """A draw as the public sees it: any announced draw (its hash is public from the start)."""
    return Draw.objects.select_related("spot").filter(pk=pk).first()


def public_draws() -> QuerySet[Draw]:
    return Draw.objects.select_related("spot").order_by("-announced_at")[:50]


def rerun(draw: Draw, seed: str) -> dict:
    """Re-run `draw` with `seed` typed by anyone: whether the seed is the committed one, the
    ranking it gives, and whether that is the ranking the bureau published."""
    seed = seed.strip().lower()
    rows = list(draw.applications.order_by("number").values_list("number", "priority", "rank"))
    placed = lottery.draw(seed, [(n, p) for n, p, _r in rows], draw.spot.pitches)
    published = [n for n, _p, r in sorted(rows, key=lambda row: (row[2] is None, row[2] or 0))]
    return {
        "seed": seed,
        "matches_commitment": lottery.commitment(seed) == draw.seed_hash,
        "placed": placed,
        "matches_published": draw.state == DrawState.DRAWN and [p.number for p in placed] == published,
    }


# --- cases and the 721 method --------------------------------------------------------------------


def vending_categories(bureau_id: int) -> tuple[str, ...]:
    row = WelfareSettings.objects.filter(bureau_id=bureau_id).first()
    if row is not None:
        return tuple(c for c in row.vending_categories.split(",") if c)
    return tuple(settings.WELFARE_VENDING_CATEGORIES)


def vendors_of_case(case) -> list[Vendor]:
    return [link.vendor for link in VendorCase.objects.filter(case=case).select_related("vendor")]


def is_first_vending_case(vendor: Vendor, case) -> bool:
    """The case is of a vending category and none of the vendor's earlier cases was (721 工作法:
    the first time, help and a pitch are offered before a penalty)."""
    codes = vending_categories(vendor.bureau_id)
    if case.category.code not in codes:
        return False
    earlier = VendorCase.objects.filter(vendor=vendor, case__category__code__in=codes).filter(
        Q(case__reported_at__lt=case.reported_at) | Q(case__reported_at=case.reported_at, case_id__lt=case.pk)
    )
    return not earlier.exists()


def offers_for(case) -> list[Vendor]:
    """The registered hardship vendors of the case to whom help and a pitch are offered."""
    return [v for v in vendors_of_case(case) if v.is_hardship and is_first_vending_case(v, case)]


def vendors_for_picker(actor, query: str) -> QuerySet[Vendor]:
    query = query.strip()
    if not query:
        return Vendor.objects.none()
    qs = vendors_for(actor).filter(status=VendorStatus.ACTIVE)
    return qs.filter(Q(name__icontains=query) | Q(goods__icontains=query) | Q(usual_place__icontains=query))[
        :10
    ]


# --- the bureau's yearly help figures (read by stats) ---------------------------------------------


def help_figures(bureau_id: int, year: int) -> dict:
    """How many people were helped in `year` and how: goods, referrals by destination, follow-ups,
    and the register (counting erased stubs, which keep the help given)."""
    records = HelpRecord.objects.filter(bureau_id=bureau_id, on__year=year)
    by_kind = dict(records.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    referrals = dict(
        records.filter(kind=HelpKind.REFERRAL)
        .values_list("referral_to")
        .annotate(n=Count("id"))
        .values_list("referral_to", "n")
    )
    vendors = Vendor.objects.filter(bureau_id=bureau_id)
    follow_ups = records.filter(kind=HelpKind.FOLLOW_UP)
    return {
        "year": year,
        "vendors_helped": records.values("vendor").distinct().count(),
        "goods": by_kind.get(HelpKind.GOODS, 0),
        "referrals": by_kind.get(HelpKind.REFERRAL, 0),
        "referrals_by_destination": referrals,
        "follow_ups": by_kind.get(HelpKind.FOLLOW_UP, 0),
        "follow_ups_with_outcome": follow_ups.exclude(outcome="").count(),
        "by_hardship": help_by_hardship(records),
        "registered": vendors.filter(status=VendorStatus.ACTIVE).count(),
        "hardship": vendors.filter(status=VendorStatus.ACTIVE).exclude(hardship="").count(),
        "pitches_allocated": Application.objects.filter(
            draw__spot__bureau_id=bureau_id, draw__term_start__year=year, outcome="pitch"
        ).count(),
    }


def help_by_hardship(records: QuerySet[HelpRecord]) -> list[dict]:
    """The help of `records` per hardship category of the person helped (as the register holds it
    now: an erased or withdrawn person counts under "" — no category — so the totals still add up).
    Counts only, one row per category in the order of `Hardship`, then "" — never who."""
    rows = {
        r["vendor__hardship"]: r
        for r in records.values("vendor__hardship").annotate(
            vendors_helped=Count("vendor", distinct=True),
            goods=Count("id", filter=Q(kind=HelpKind.GOODS)),
            referrals=Count("id", filter=Q(kind=HelpKind.REFERRAL)),
            follow_ups=Count("id", filter=Q(kind=HelpKind.FOLLOW_UP)),
            follow_ups_with_outcome=Count("id", filter=Q(kind=HelpKind.FOLLOW_UP) & ~Q(outcome="")),
        )
    }
    out = []
    for code in [*Hardship.values, ""]:
        row = rows.get(code)
        if row is None:
            continue
        out.append(
            {
                "hardship": code,
                "vendors_helped": row["vendors_helped"],
                "goods": row["goods"],
                "referrals": row["referrals"],
                "follow_ups": row["follow_ups"],
                "follow_ups_with_outcome": row["follow_ups_with_outcome"],
            }
        )
    return out
