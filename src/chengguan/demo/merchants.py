"""Demo ledger: realistic street-front merchants inside a bureau's grids, a share with signed letters.

`seed_merchants(bureau, n, seed)` is called by the demo generator (about 20,000 for `district`).
Rows are written in bulk with one audit event per batch, so seeding a district takes seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from chengguan.core import audit, clock
from chengguan.grids.models import Grid
from chengguan.merchants import data
from chengguan.merchants.models import Letter, LetterStatus, Merchant, MerchantStatus, SignMethod
from chengguan.merchants.services import letters_prepare, merchant_account_link
from chengguan.org.models import Organisation
from chengguan.org.system import system_actor


def seed_merchants(
    bureau: Organisation,
    n: int = 20_000,
    seed: int = 1,
    *,
    year: int | None = None,
    signed_share: float = 0.62,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 2000,
) -> int:
    """Create `n` merchants in the grids of `bureau` with letters for `year`; returns how many."""
    rng = random.Random(seed)
    year = year or clock.today().year
    grids = list(
        Grid.objects.filter(community__bureau=bureau)
        .select_related("community", "subdistrict")
        .order_by("code")
        .only(
            "id",
            "code",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "community_id",
            "subdistrict_id",
            "squad_id",
            "community__bureau_id",
            "subdistrict__name",
        )
    )
    if not grids:
        return 0
    region = (bureau.code or "410102")[:6].ljust(6, "0")
    streets = {g.pk: rng.choice(data.STREETS) for g in grids}
    district_name = bureau.name.split("城市管理")[0] if "城市管理" in bureau.name else ""
    used: set[str] = set(Merchant.objects.values_list("credit_code", flat=True))
    created = 0
    now = clock.now()
    while created < n:
        rows = []
        for _ in range(min(batch, n - created)):
            g = rng.choice(grids)
            btype = data.business_type(rng)
            street = streets[g.pk]
            code = data.credit_code(rng, region)
            while code in used:
                code = data.credit_code(rng, region)
            used.add(code)
            status = rng.choices(
                (MerchantStatus.OPEN, MerchantStatus.CLOSED, MerchantStatus.MOVED), (92, 5, 3)
            )[0]
            rows.append(
                Merchant(
                    bureau=bureau,
                    name=data.shop_name(rng, btype, street),
                    credit_code=code,
                    operator_name=data.person(rng),
                    phone=data.mobile(rng),
                    business_type=btype,
                    address=data.address(rng, street, district_name or "郑州市中原区"),
                    lon=rng.uniform(g.min_lon, g.max_lon),
                    lat=rng.uniform(g.min_lat, g.max_lat),
                    grid=g,
                    community_id=g.community_id,
                    subdistrict_id=g.subdistrict_id,
                    squad_id=g.squad_id,
                    frontage_m=Decimal(str(round(rng.uniform(3, 30), 1))),
                    status=status,
                    created_at=now,
                    updated_at=now,
                )
            )
        with transaction.atomic():
            Merchant.objects.bulk_create(rows)
            audit.record(
                actor=system_actor(bureau),
                action="merchant.demo_seed",
                obj=("merchants.merchant", f"demo:{created}"),
                after={"count": len(rows), "first": rows[0].credit_code},
            )
        created += len(rows)
        if progress:
            progress(created, n)
    open_merchants = Merchant.objects.filter(bureau=bureau, status=MerchantStatus.OPEN).order_by(
        "subdistrict__code", "grid__code", "id"
    )
    letters_prepare(actor=system_actor(bureau), merchants=open_merchants.select_related("bureau"), year=year)
    _sign_share(rng, bureau, year, signed_share)
    return created


def _sign_share(rng: random.Random, bureau: Organisation, year: int, share: float) -> None:
    ids = list(Letter.objects.filter(bureau=bureau, year=year).values_list("pk", flat=True))
    signed = rng.sample(ids, int(len(ids) * share))
    rest = sorted(set(ids) - set(signed))
    issued = rng.sample(rest, len(rest) // 2)
    today = clock.today()
    with transaction.atomic():
        for start in range(0, len(signed), 900):
            chunk = signed[start : start + 900]
            Letter.objects.filter(pk__in=chunk).update(
                status=LetterStatus.SIGNED,
                signed_on=today,
                issued_at=clock.now(),
                signer_name="经营者",
                sign_method=SignMethod.PAPER,
            )
        for start in range(0, len(issued), 900):
            Letter.objects.filter(pk__in=issued[start : start + 900]).update(
                status=LetterStatus.ISSUED, issued_at=clock.now()
            )
        audit.record(
            actor=system_actor(bureau),
            action="letter.demo_sign",
            obj=("merchants.letter", f"demo:{year}"),
            after={"signed": len(signed), "issued": len(issued)},
        )


def link_demo_merchant_account(bureau: Organisation, username: str = "merchant") -> Merchant | None:
    """Give the demo's merchant login a shop of its own (the open shop named on most cases), so
    their home page shows letters and cases; does nothing without that login or any shop."""
    account = get_user_model().objects.filter(username=username).first()
    shop = (
        Merchant.objects.filter(bureau=bureau, status=MerchantStatus.OPEN)
        .annotate(cases=Count("case_links"))
        .order_by("-cases", "id")
        .first()
    )
    if account is None or shop is None:
        return None
    return merchant_account_link(actor=system_actor(bureau), merchant=shop, account=account)
