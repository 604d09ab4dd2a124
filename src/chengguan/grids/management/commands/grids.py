"""`chengguan grids import FILE.geojson`, `chengguan grids export FILE.geojson [--subdistrict CODE]` and
`chengguan grids streets FILE.geojson` (the offline base map's street lines)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chengguan.grids import services
from chengguan.grids.models import Grid
from chengguan.grids.streets import streets_load
from chengguan.org.system import system_actor


class Command(BaseCommand):
    help = "导入或导出单元网格（GeoJSON，WGS-84）/ Import or export unit grids as GeoJSON (WGS-84)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,export,streets}")
        imp = actions.add_parser(
            "import",
            help="导入 GeoJSON；逐个报告有问题的要素，其余照常导入（有失败时退出码为 1）",
        )
        imp.add_argument("file", help="GeoJSON FeatureCollection file ('-' reads standard input)")
        imp.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        exp = actions.add_parser("export", help="导出单元网格为 GeoJSON FeatureCollection")
        exp.add_argument("file", help="output file ('-' writes standard output)")
        exp.add_argument(
            "--subdistrict",
            metavar="CODE",
            help="only this sub-district: its 3-digit street code, or county+street (9 digits)",
        )

        streets = actions.add_parser(
            "streets",
            help="载入底图道路（GeoJSON LineString，properties: name, kind=major|minor），替换原有道路",
        )
        streets.add_argument(
            "file", help="GeoJSON FeatureCollection of LineStrings ('-' reads standard input)"
        )

    def handle(self, *args, action: str, **options):
        if action == "streets":
            self._streets(options["file"])
        elif action == "import":
            self._import(options["file"], show_progress=not options["no_progress"])
        else:
            self._export(options["file"], options.get("subdistrict"))

    def _streets(self, path: str) -> None:
        result = streets_load(actor=system_actor(), features=self._features(path))
        for number, message in result.problems:
            self.stderr.write(f"第 {number} 条道路：{message}")
        self.stdout.write(f"已载入 {result.loaded} 条道路 / {result.loaded} streets loaded")
        if result.problems:
            raise CommandError(f"{len(result.problems)} 条道路有问题，已跳过 / skipped")

    def _import(self, path: str, *, show_progress: bool) -> None:
        features = self._features(path)
        self._import_features(features, show_progress=show_progress)

    def _features(self, path: str) -> list:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
            data = json.loads(text)
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror} / cannot read {path}") from exc
        except ValueError as exc:
            raise CommandError(f"{path} 不是合法的 JSON：{exc} / not valid JSON") from exc
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            features = data.get("features") or []
        elif isinstance(data, dict) and data.get("type") == "Feature":
            features = [data]
        elif isinstance(data, list):
            features = data
        else:
            raise CommandError(
                "文件须为 GeoJSON FeatureCollection / the file must be a GeoJSON FeatureCollection"
            )
        return features

    def _import_features(self, features: list, *, show_progress: bool) -> None:
        with tqdm(
            total=len(features), desc="导入网格", unit="个", file=sys.stderr, disable=not show_progress
        ) as bar:
            report = services.grids_import(actor=system_actor(), features=features, progress=bar.update)
        for error in report.errors:
            label = error.code or "（无编码）"
            self.stderr.write(f"features[{error.index}] {label}:")
            for reason in error.reasons:
                self.stderr.write(f"    {reason}")
        self.stdout.write(
            f"新增 {report.imported}，更新 {report.updated}，"
            f"未变 {report.unchanged}，失败 {len(report.errors)}"
            f" / imported {report.imported}, updated {report.updated}, unchanged {report.unchanged},"
            f" rejected {len(report.errors)}"
        )
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} 个要素未导入，见上 / "
                f"{len(report.errors)} feature(s) rejected, see above",
                returncode=1,
            )

    def _export(self, path: str, subdistrict: str | None) -> None:
        qs = Grid.objects.all()
        if subdistrict:
            code = subdistrict.strip()
            if len(code) == 9 and code.isdigit():
                qs = qs.filter(subdistrict__bureau__code=code[:6], subdistrict__code=code[6:])
            elif len(code) == 3 and code.isdigit():
                qs = qs.filter(subdistrict__code=code)
            else:
                raise CommandError(
                    "--subdistrict 须为 3 位街道代码或 9 位区县+街道代码 / use a 3- or 9-digit code"
                )
            if not qs.exists():
                raise CommandError(f"街道 {code} 没有单元网格 / no grids in sub-district {code}")
        collection = services.grids_export(qs)
        text = json.dumps(collection, ensure_ascii=False)
        if path == "-":
            self.stdout.write(text)
            return
        try:
            Path(path).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror} / cannot write {path}") from exc
        self.stdout.write(f"已导出 {len(collection['features'])} 个网格到 {path} / exported to {path}")
