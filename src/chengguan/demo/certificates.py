"""The demo's enforcement certificates (行政执法证): every certified officer gets one, in force over
the whole demo year so the generated penalty steps pass the certificate rule (行政处罚法 第四十二条);
a few squad officers' run out within 30 days (the warnings) and two officers outside the squads (who
take no part in the generated cases) hold certificates that ran out lately (to renew)."""

from __future__ import annotations

import datetime as dt
import random

from chengguan.core import audit, clock
from chengguan.org.models import OrgKind
from chengguan.org.roles import RoleCode
from chengguan.people.models import Certificate

EXPIRING_SOON = 4
EXPIRED = 2
AUTHORITY = "郑州市人民政府"
SUBJECT_SCOPE = "城市管理综合行政执法（市容环境卫生、城乡规划、园林绿化、市政公用等）"


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; a certificate issued on 29 February runs to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def seed_certificates(*, actor, bureau, holders: list[tuple], seed: int, today: dt.date | None = None) -> int:
    """`holders`: (profile, role codes, number) of the bureau's certified officers, in creation order.
    Written in bulk with one `certificate.issue` audit event each."""
    today = today or clock.today()
    rng = random.Random(f"chengguan-demo:{seed}:certificates:{bureau.pk}")
    squad_officers = [
        k
        for k, (p, codes, _) in enumerate(holders)
        if p.organisation.kind == OrgKind.SQUAD and RoleCode.HANDLER in codes
    ]
    # Officers outside the squads (bureau leaders, the legal office, departments) take no part in
    # the generated penalty cases, so a certificate that ran out refuses none of their steps.
    outside = [
        k
        for k, (p, _codes, _) in enumerate(holders)
        if p.organisation.kind != OrgKind.SQUAD and not p.title.endswith("（演示账号）")
    ]
    soon = set(rng.sample(squad_officers, min(EXPIRING_SOON, len(squad_officers))))
    gone = set(rng.sample(outside, min(EXPIRED, len(outside))))
    rows = []
    for k, (profile, _codes, number) in enumerate(holders):
        valid_from = today - dt.timedelta(days=400 + rng.randrange(1000))
        if k in soon:
            valid_to = today + dt.timedelta(days=rng.randrange(3, 29))
        elif k in gone:
            valid_to = today - dt.timedelta(days=rng.randrange(2, 25))
        else:
            valid_to = max(_years_after(valid_from, 5), today + dt.timedelta(days=60))
        rows.append(
            Certificate(
                bureau=bureau,
                holder_id=profile.user_id,
                number=number,
                issuing_authority=AUTHORITY,
                territorial_scope=bureau.name.removeprefix("郑州市").removesuffix("城市管理局") + "行政区域",
                subject_scope=SUBJECT_SCOPE,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    Certificate.objects.bulk_create(rows, batch_size=500)
    for cert in rows:
        audit.record(
            actor=actor,
            action="certificate.issue",
            obj=cert,
            after={
                "holder": cert.holder_id,
                "number": cert.number,
                "valid_from": cert.valid_from,
                "valid_to": cert.valid_to,
            },
        )
    return len(rows)
