"""The SMS retry job: messages that failed are sent again (what `chengguan sms retry` does).
Only messages still queued are sent, each claimed by one process, so a retry never sends twice."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from chengguan.core import schedule
from chengguan.messaging import sms


@schedule.job("sms.retry", label=_("短信重发"), every=dt.timedelta(minutes=10))
def retry_job(now: dt.datetime) -> dict:
    sent, failing = sms.send_queued()
    return {"sent": sent, "still_failing": failing}
