"""`chengguan taxonomy load [--file PATH] [--time-limits PATH]`; `chengguan taxonomy list [--kind KIND]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chengguan.core.errors import DomainError
from chengguan.org.system import system_actor
from chengguan.taxonomy.loader import load_taxonomy_report
from chengguan.taxonomy.models import CategoryKind, TimeUnit
from chengguan.taxonomy.selectors import active_categories


class Command(BaseCommand):
    help = "载入或列出部件事件分类（GB/T 30428.2-2013）。"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="从 YAML 载入分类、处置时限和立案结案标准（可重复执行）")
        load.add_argument("--file", dest="path", default=None, help="taxonomy.yaml 路径（默认：随包数据）")
        load.add_argument(
            "--time-limits", dest="time_limits_path", default=None, help="time_limits.yaml 路径"
        )
        load.add_argument("--no-activate", action="store_true", help="载入但不设为启用的分类")
        listing = sub.add_parser("list", help="列出启用分类中的小类")
        listing.add_argument("--kind", choices=CategoryKind.values, default=None)

    def handle(self, *args, **options) -> None:
        if options["action"] == "load":
            self._load(options)
        else:
            self._list(options["kind"])

    def _load(self, options) -> None:
        try:
            report = load_taxonomy_report(
                actor=system_actor(),
                path=options["path"],
                time_limits_path=options["time_limits_path"],
                activate=not options["no_activate"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        c = report.classification
        state = "启用" if c.is_active else "未启用"
        self.stdout.write(f"{c.code} {c.name}（{state}）")
        self.stdout.write(
            f"大类 {report.majors}（新增 {report.majors_created}，更新 {report.majors_updated}）"
        )
        self.stdout.write(
            f"小类 {report.categories}（新增 {report.created}，更新 {report.updated}，"
            f"未变 {report.unchanged}，停用 {report.deactivated}）"
        )
        if report.kept_local_edits:
            self.stdout.write(f"保留本局调整的处置标准 {report.kept_local_edits} 项")
        self.stdout.write(f"跳过 {len(report.skipped)} 项：")
        for entry in report.skipped:
            self.stdout.write(f"  {entry}")
        for key in report.unused_time_limits:
            self.stdout.write(self.style.WARNING(f"time_limits.yaml 中的 {key} 没有对应小类，未使用"))
        self.stdout.write("已是最新，未作修改" if not report.changed else "已写入审计记录")

    def _list(self, kind: str | None) -> None:
        categories = active_categories()
        if kind:
            categories = categories.filter(kind=kind)
        units = dict(TimeUnit.choices)
        count = 0
        for category in categories:
            unit = units.get(category.time_limit_unit, category.time_limit_unit)
            names = f"{category.major.name_zh} / {category.name_zh}"
            limit = f"{category.time_limit_amount} {unit}"
            self.stdout.write(f"{category.code}  {category.get_kind_display()}  {names}  {limit}")
            count += 1
        if count == 0:
            self.stdout.write("没有启用的分类，请先运行 chengguan taxonomy load")
