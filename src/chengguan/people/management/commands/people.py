"""`chengguan people certificates-expiring [--days 30]` lists the enforcement certificates that run out
within the window (and those already run out) and sends the warnings now (the same work as the daily
job; idempotent). `--dry-run` lists only."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chengguan.core import clock
from chengguan.org.models import Organisation, OrgKind
from chengguan.people import selectors


class Command(BaseCommand):
    help = "队伍建设：执法证到期提醒。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        expiring = sub.add_parser("certificates-expiring", help="列出 30 日内到期和已过期的执法证并发送提醒")
        expiring.add_argument("--days", type=int, default=selectors.WARNING_DAYS)
        expiring.add_argument("--dry-run", action="store_true", help="只列出，不发送提醒")

    def handle(self, *args, action: str, **o):
        today = clock.today()
        for bureau in Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("pk"):
            soon = list(selectors.expiring(bureau, today=today, days=o["days"]).order_by("valid_to"))
            gone = list(selectors.expired(bureau, today=today).order_by("valid_to"))
            if not soon and not gone:
                continue
            self.stdout.write(f"{bureau.name}")
            for cert in soon:
                self.stdout.write(
                    f"  即将到期 {cert.valid_to} {cert.number} {selectors.display_name(cert.holder)}"
                )
            for cert in gone:
                self.stdout.write(
                    f"  已过期   {cert.valid_to} {cert.number} {selectors.display_name(cert.holder)}"
                )
        if not o["dry_run"]:
            from chengguan.people.scheduled import certificates_expiring

            result = certificates_expiring(clock.now())
            self.stdout.write(f"提醒 {result['warned']} 张")
