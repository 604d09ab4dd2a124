"""`chengguan letters generate [--year Y] [--subdistrict|--community|--grid CODE] --out FILE.pdf|FILE.zip`
and `chengguan letters renew --year Y`."""

from __future__ import annotations

import resource
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chengguan.core import clock
from chengguan.merchants.letters import generate_letters
from chengguan.merchants.services import letters_renew
from chengguan.org.system import system_actor


class Command(BaseCommand):
    help = "门前三包责任书：批量生成（PDF 或 ZIP）与年度续签。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="生成责任书")
        gen.add_argument("--year", type=int)
        where = gen.add_mutually_exclusive_group()
        where.add_argument("--subdistrict", help="街道代码（3位）")
        where.add_argument("--community", help="社区代码（街道3位+社区3位）")
        where.add_argument("--grid", help="单元网格编码")
        gen.add_argument("--not-issued", action="store_true", help="只生成尚未发放的")
        gen.add_argument("--no-mark", action="store_true", help="生成后不标记为已发放")
        gen.add_argument("--out", required=True, help="输出文件：.pdf 合并打印，.zip 每户一个 PDF")
        gen.add_argument("--quiet", action="store_true")
        ren = sub.add_parser("renew", help="年度续签：为营业中的商户生成新一年的责任书")
        ren.add_argument("--year", type=int, required=True)

    def handle(self, *args, action: str, **o):
        if action == "renew":
            result = letters_renew(actor=system_actor(), year=o["year"])
            self.stdout.write(f"{o['year']} 年：新建 {result['created']} 份，过期 {result['expired']} 份")
            return
        out = o["out"]
        if not out.lower().endswith((".pdf", ".zip")):
            raise CommandError("--out 须以 .pdf 或 .zip 结尾")
        fmt = "zip" if out.lower().endswith(".zip") else "pdf"
        scope = {k: o[k] for k in ("subdistrict", "community", "grid") if o.get(k)}
        year = o.get("year") or clock.today().year
        bar = tqdm(unit="份", desc="生成责任书", disable=o["quiet"], file=self.stderr)
        started = time.perf_counter()

        def on_total(total: int) -> None:
            bar.total = total
            bar.refresh()

        result = generate_letters(
            actor=system_actor(),
            year=year,
            out_path=out,
            scope=scope,
            fmt=fmt,
            only_not_issued=o["not_issued"],
            mark_issued=not o["no_mark"],
            on_total=on_total,
            progress=lambda n: bar.update(n - bar.n),
        )
        bar.close()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"已生成 {result['letters']} 份责任书 → {out}（新编号 {result['prepared']}，"
            f"标记发放 {result['issued']}；{seconds:.1f} 秒，峰值内存 {peak:.0f} MB）"
        )
