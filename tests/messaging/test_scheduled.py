"""The SMS retry job sends what failed, once."""

from __future__ import annotations

import json

from chengguan.core.clock import pinned
from chengguan.messaging import sms
from chengguan.messaging.models import MessageStatus, OutboundMessage
from chengguan.ops import scheduler
from chengguan.org.system import system_actor
from tests.cases.conftest import QUIET_MOMENT
from tests.messaging.test_sms import ATTEMPTS


def test_the_retry_job_sends_queued_messages_once(db, settings, sms_file, django_capture_on_commit_callbacks):
    settings.CHENGGUAN_SMS_BACKEND = "tests.messaging.test_sms.DownGateway"
    ATTEMPTS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sms.sms_queue(actor=system_actor(), phone="13812345678", body="【城管】您的问题已立案", key="t:job")
    assert OutboundMessage.objects.get().status == MessageStatus.QUEUED
    settings.CHENGGUAN_SMS_BACKEND = "file"
    with pinned(QUIET_MOMENT):
        first = scheduler.run_scheduled("sms.retry")
        again = scheduler.run_now("sms.retry")
    assert first.run.result == {"sent": 1, "still_failing": 0}
    assert again.run.result == {"sent": 0, "still_failing": 0}
    assert [json.loads(line)["body"] for line in sms_file.read_text().splitlines()] == [
        "【城管】您的问题已立案"
    ]
