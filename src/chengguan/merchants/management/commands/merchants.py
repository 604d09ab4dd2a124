"""`chengguan merchants import FILE`, `… template FILE.xlsx`, `… export FILE.xlsx`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chengguan.merchants import importer
from chengguan.merchants.exporter import export_workbook
from chengguan.merchants.selectors import merchants_visible_to
from chengguan.org.system import system_actor


class Command(BaseCommand):
    help = "商户台账：导入（Excel/CSV）、下载模板、导出。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入台账文件（.xlsx 或 .csv）")
        imp.add_argument("file")
        imp.add_argument("--report", help="把问题行写入这个 CSV 文件")
        imp.add_argument("--quiet", action="store_true", help="不显示进度条")
        tpl = sub.add_parser("template", help="写出导入模板")
        tpl.add_argument("file")
        exp = sub.add_parser("export", help="导出台账到 Excel")
        exp.add_argument("file")

    def handle(self, *args, action: str, **opts):
        if action == "template":
            Path(opts["file"]).write_bytes(importer.template_workbook())
            self.stdout.write(f"模板已写入 {opts['file']}")
            return
        if action == "export":
            Path(opts["file"]).write_bytes(export_workbook(merchants_visible_to(system_actor())))
            self.stdout.write(f"台账已导出到 {opts['file']}")
            return
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            total = importer.count_rows(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(total=total, unit="行", desc="导入", disable=opts["quiet"], file=self.stderr)

        def progress(done: int, cursor: dict) -> None:
            bar.update(done - bar.n)

        report = importer.import_merchants(actor=system_actor(), path=path, progress=progress)
        bar.close()
        self.stdout.write(
            f"共 {report.total} 行：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}，"
            f"问题行 {len(report.bad)}"
        )
        for bad in report.bad[:50]:
            self.stdout.write(f"  第{bad.line}行：{'；'.join(bad.reasons)}")
        if len(report.bad) > 50:
            self.stdout.write(f"  ……另有 {len(report.bad) - 50} 行，见 --report 输出")
        if opts.get("report"):
            Path(opts["report"]).write_bytes(importer.report_csv(report.as_dict()))
