"""The merchants app's scheduled job: the yearly reminder to renew the frontage letters (门前三包
责任书 run for a calendar year). From `CHENGGUAN_LETTER_RENEWAL_FROM` (default 1 December) until the
year ends, the bureau's letter managers are reminded once a week while open merchants have no letter
for the coming year (`chengguan letters renew` or the letters page makes them)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.core import schedule
from chengguan.core.clock import SHANGHAI
from chengguan.merchants.models import Letter, Merchant, MerchantStatus
from chengguan.merchants.permissions import RENEWAL_RECIPIENTS
from chengguan.notifications.services import notify
from chengguan.org.models import Organisation
from chengguan.org.selectors import staff_holding
from chengguan.org.system import system_actor


def _reminder_start(year: int) -> dt.date:
    month, day = (int(x) for x in settings.CHENGGUAN_LETTER_RENEWAL_FROM.split("-"))
    return dt.date(year, month, day)


@schedule.job("merchants.letter_renewal", label=_("责任书年度续签提醒"), daily_at="08:30")
def renewal_reminder(now: dt.datetime) -> dict:
    today = now.astimezone(SHANGHAI).date()
    if today < _reminder_start(today.year):
        return {"reminded": 0, "note": "before the reminder period"}
    coming = today.year + 1
    week = today.isocalendar()
    reminded = 0
    missing_by_bureau = (
        Merchant.objects.filter(status=MerchantStatus.OPEN)
        .exclude(pk__in=Letter.objects.filter(year=coming).values("merchant_id"))
        .values_list("bureau_id", flat=True)
    )
    counts: dict[int, int] = {}
    for bureau_id in missing_by_bureau:
        counts[bureau_id] = counts.get(bureau_id, 0) + 1
    for bureau_id, missing in sorted(counts.items()):
        bureau = Organisation.objects.get(pk=bureau_id)
        sent = notify(
            # The people who may run the renewal (`merchants.permissions.can_run_bulk_work`).
            recipients=staff_holding(*RENEWAL_RECIPIENTS, bureau_id=bureau_id),
            message="letters.renewal",
            key=f"letters:{bureau_id}:renewal:{coming}:w{week.year}-{week.week}",
            params={"year": coming, "missing": missing},
            url=reverse("merchants:letters"),
            obj=bureau,
            actor=system_actor(bureau),
        )
        reminded += bool(sent)
    return {"reminded": reminded, "year": coming, "merchants_without_letter": sum(counts.values())}
