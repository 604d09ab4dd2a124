"""`chengguan work-orders import FILE --user NAME`, `… template FILE.xlsx`,
`… export FILE --from DATE --to DATE` (.xlsx or .csv by the file name)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chengguan.channels import importer, selectors
from chengguan.core.clock import period_bounds
from chengguan.core.errors import DomainError
from chengguan.org.system import system_actor


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "外部渠道督办件：导入（Excel/CSV）、下载模板、导出答复和评价。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="导入督办件文件（.xlsx 或 .csv）")
        imp.add_argument("file")
        imp.add_argument("--user", required=True, help="以哪位受理员的名义登记（用户名）")
        imp.add_argument("--report", help="把问题行写入这个 CSV 文件")
        tpl = sub.add_parser("template", help="写出导入模板")
        tpl.add_argument("file")
        exp = sub.add_parser("export", help="导出一段时间内收到的督办件及答复、评价")
        exp.add_argument("file", help=".xlsx 或 .csv")
        exp.add_argument("--from", dest="first", required=True, type=_date)
        exp.add_argument("--to", dest="last", required=True, type=_date)

    def handle(self, *args, verb: str, **opts):
        try:
            getattr(self, f"_{verb}")(opts)
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc

    def _template(self, opts) -> None:
        Path(opts["file"]).write_bytes(importer.template_workbook())
        self.stdout.write(f"模板已写入 {opts['file']}")

    def _import(self, opts) -> None:
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"找不到用户：{opts['user']}")
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            report = importer.import_work_orders(actor=user, path=path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"共 {report.total} 行：新登记 {report.created}，已登记过 {report.unchanged}，"
            f"问题行 {len(report.bad)}"
        )
        for bad in report.bad[:50]:
            self.stdout.write(f"  第{bad.line}行：{'；'.join(bad.reasons)}")
        if opts.get("report"):
            Path(opts["report"]).write_bytes(importer.report_csv(report.as_dict()))

    def _export(self, opts) -> None:
        if opts["last"] < opts["first"]:
            raise CommandError("--to 不能早于 --from。")
        start, end = period_bounds(opts["first"], opts["last"])
        orders = selectors.received_between(selectors.work_orders_visible_to(system_actor()), start, end)
        orders = orders.order_by("received_at", "id")
        path = Path(opts["file"])
        data = (
            importer.export_csv(orders) if path.suffix.lower() == ".csv" else importer.export_workbook(orders)
        )
        path.write_bytes(data)
        self.stdout.write(f"已导出 {orders.count()} 件到 {path}")
