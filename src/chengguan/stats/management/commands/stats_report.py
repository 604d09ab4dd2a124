"""`chengguan stats-report --period 2026-11 [--bureau CODE] [--publish] [--format table|json|xlsx|pdf]
[--output FILE]`: publish a bureau's evaluation report of a period as the bureau's system account
(a new version when the period was published before), or print / export its newest version."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chengguan.core.errors import DomainError
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.system import system_actor
from chengguan.stats import report_files, report_pdf, reports
from chengguan.stats.models import PublishedReport


class Command(BaseCommand):
    help = (
        "综合评价通报：发布（--publish，生成新版本）或打印、导出某期最新版本"
        "（月 2026-11、季 2026-Q4、年 2026）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026-11、2026-Q4 或 2026")
        parser.add_argument("--bureau", default="", help="局的编码（只有一个局时可省略）")
        parser.add_argument("--publish", action="store_true", help="计算并发布新版本")
        parser.add_argument("--reason", default="", help="发布说明")
        parser.add_argument("--format", dest="fmt", default="table", choices=("table", "json", "xlsx", "pdf"))
        parser.add_argument("--output", default="", help="xlsx/pdf 文件路径")

    def _bureau(self, code: str) -> Organisation:
        bureaus = Organisation.objects.filter(kind=OrgKind.BUREAU)
        if code:
            bureau = bureaus.filter(code=code).first()
            if bureau is None:
                raise CommandError(f"没有编码为 {code} 的局。")
            return bureau
        if bureaus.count() != 1:
            raise CommandError("有多个局，请用 --bureau 指定局的编码。")
        return bureaus.get()

    def handle(self, *args, period: str, bureau: str, publish: bool, reason: str, fmt: str, output: str, **o):
        chosen = self._bureau(bureau)
        try:
            asked = reports.parse_period(period)
            if publish:
                report = reports.publish(
                    actor=system_actor(chosen), bureau=chosen, period=asked, reason=reason or "命令行发布"
                )
            else:
                report = (
                    PublishedReport.objects.filter(bureau=chosen, kind=asked.kind, first=asked.first)
                    .order_by("-version")
                    .first()
                )
                if report is None:
                    raise CommandError(f"{asked.label} 尚未发布（加 --publish 发布）。")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if fmt in ("xlsx", "pdf"):
            path = Path(output or f"{report_files.filename(report)}.{fmt}")
            path.write_bytes(report_files.xlsx(report) if fmt == "xlsx" else report_pdf.render(report))
            self.stdout.write(str(path))
            return
        if fmt == "json":
            payload = {
                "id": report.pk,
                "period": report.label,
                "version": report.version,
                "rule_version": report.rule_version,
                "weights_version": report.weights_version,
                "summary": {f["key"]: f["value"] for f in reports.summary(report)},
                "levels": report.data["levels"],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{report_files.title(report)} · {report_files.meta(report)}")
        for f in reports.summary(report):
            self.stdout.write(f"{f['name']}\t{f['shown']}\t{f['basis']}")
        table = reports.table(report, "unit")
        self.stdout.write("\t".join(["排名", "处置单位", *table["names"], "综合得分"]))
        for row in table["rows"]:
            self.stdout.write(
                "\t".join([str(row["rank"]), row["name"], *(c["shown"] for c in row["cells"]), row["score"]])
            )
