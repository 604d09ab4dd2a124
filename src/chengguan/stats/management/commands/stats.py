"""`chengguan stats --from DATE --to DATE --level LEVEL [--bureau CODE] [--format table|json|xlsx]`:
the evaluation indicators and scores of a level, as the API gives them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from openpyxl import Workbook

from chengguan.org.models import Organisation, OrgKind
from chengguan.stats import indicators, rules, scores


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


class Command(BaseCommand):
    help = "打印一段时间（含首尾两天）某一层级的综合评价指标和综合得分（不含恶意/无效举报、作废、合并）。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, type=_date)
        parser.add_argument("--to", dest="last", required=True, type=_date)
        parser.add_argument("--level", default="bureau", choices=indicators.LEVELS)
        parser.add_argument("--bureau", default="", help="局的编码（缺省：全部局，默认规则）")
        parser.add_argument("--format", dest="fmt", default="table", choices=("table", "json", "xlsx"))
        parser.add_argument("--output", default="", help="xlsx 文件路径（缺省 stats-<层级>-<起>-<止>.xlsx）")

    def handle(
        self, *args, first: dt.date, last: dt.date, level: str, bureau: str, fmt: str, output: str, **o
    ):
        if last < first:
            raise CommandError("--to 不能早于 --from。")
        chosen = None
        if bureau:
            chosen = Organisation.objects.filter(kind=OrgKind.BUREAU, code=bureau).first()
            if chosen is None:
                raise CommandError(f"没有编码为 {bureau} 的局。")
        ruleset = rules.rules_for(chosen, on=last)
        scope = indicators.Scope(bureau=chosen)
        rows = indicators.compute(ruleset, level, first, last, scope=scope)
        scored = {
            s.row.group_id: s for s in scores.score_rows(ruleset, level, rows, first, last, scope=scope)
        }
        keys = [i.key for i in ruleset.level_indicators(level)]
        if fmt == "json":
            payload = {
                "rule_version": ruleset.version,
                "level": level,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "rows": [
                    {
                        "key": r.key,
                        "name": r.name,
                        "values": r.values,
                        "score": scored[r.group_id].score,
                        "rank": scored[r.group_id].rank,
                    }
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        names = ruleset.names(level=level)
        header = ["编码", "名称", *(names[k] for k in keys), "综合得分", "排名"]
        lines = [
            [r.key, r.name, *(r.values[k] for k in keys), scored[r.group_id].score, scored[r.group_id].rank]
            for r in rows
        ]
        if fmt == "xlsx":
            path = Path(output or f"stats-{level}-{first}-{last}.xlsx")
            book = Workbook()
            sheet = book.active
            sheet.title = level
            # The rule version travels with the figures it produced.
            sheet.append([f"{first} 至 {last}", f"规则版本 {ruleset.version}"])
            sheet.append(header)
            for line in lines:
                sheet.append(line)
            book.save(path)
            self.stdout.write(str(path))
            return
        self.stdout.write(f"{first} 至 {last}，层级 {level}，规则版本 {ruleset.version}")
        self.stdout.write("\t".join(header))
        for line in lines:
            self.stdout.write("\t".join(_shown(v) for v in line))
