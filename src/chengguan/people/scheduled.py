"""The people app's scheduled job: each morning, the holders of enforcement certificates that run
out within 30 days, and their bureau's personnel officers, are told once (`services.
certificates_warn_expiring`, as the bureau's system account; idempotent)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from chengguan.core import schedule
from chengguan.core.clock import SHANGHAI
from chengguan.org.models import Organisation
from chengguan.org.system import system_actor
from chengguan.people import selectors
from chengguan.people.models import Certificate, CertificateState


@schedule.job("people.certificates_expiring", label=_("执法证到期提醒"), daily_at="08:30")
def certificates_expiring(now: dt.datetime) -> dict:
    from chengguan.people.services import certificates_warn_expiring

    today = now.astimezone(SHANGHAI).date()
    horizon = today + dt.timedelta(days=selectors.WARNING_DAYS)
    bureaus = (
        Certificate.objects.filter(
            state=CertificateState.VALID,
            valid_to__gte=today,
            valid_to__lte=horizon,
            expiry_warned_on__isnull=True,
        )
        .values_list("bureau_id", flat=True)
        .distinct()
    )
    warned = 0
    for bureau in Organisation.objects.filter(pk__in=list(bureaus)).order_by("pk"):
        warned += certificates_warn_expiring(actor=system_actor(bureau), bureau=bureau, today=today)
    return {"warned": warned}
