"""`chengguan sms retry` sends every message still queued; `chengguan sms status` counts them."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count

from chengguan.messaging import sms
from chengguan.messaging.models import MessageStatus, OutboundMessage


class Command(BaseCommand):
    help = "短信发件箱：retry 重发未成功的短信；status 按状态统计。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("retry", help="重发仍在队列中的短信")
        sub.add_parser("status", help="按状态统计短信")

    def handle(self, *args, verb: str, **opts):
        if verb == "retry":
            sent, failing = sms.send_queued()
            self.stdout.write(f"已发送 {sent} 条，仍未成功 {failing} 条")
            return
        counts = dict(OutboundMessage.objects.values_list("status").annotate(n=Count("id")))
        for status in MessageStatus:
            self.stdout.write(f"{status.label}\t{counts.get(status.value, 0)}")
