"""`chengguan kpi --from DATE --to DATE [--json]`: the public channel's figures for a period."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from chengguan.core import clock
from chengguan.stats import figures


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "打印一段时间（含首尾两天）的受理量、反馈率、满意率、按时答复率和按时派遣率。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, type=_date)
        parser.add_argument("--to", dest="last", required=True, type=_date)
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, first: dt.date, last: dt.date, **opts):
        if last < first:
            raise CommandError("--to 不能早于 --from。")
        start, end = clock.period_bounds(first, last)
        results = figures.all_figures(start, end)
        reports = figures.reports_between(start, end)
        if opts["json"]:
            payload = {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "reports": reports,
                "figures": [f.as_dict() for f in results],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{first} 至 {last}（不含恶意/无效举报）")
        self.stdout.write(f"受理量\t{reports}")
        for fig in results:
            rate = f"{fig.rate * 100:.1f}%" if fig.rate is not None else "—"
            self.stdout.write(f"{figures.LABELS[fig.name]}\t{fig.numerator}/{fig.denominator}\t{rate}")
