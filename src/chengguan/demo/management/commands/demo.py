"""`chengguan demo`: build the demo district, print its logins, or change the demo password.

chengguan demo [--seed N] [--size small|district|city]   build into an empty database
chengguan demo --if-empty                                 build only if there are no organisations
chengguan demo --logins                                   print the demo logins and the URL
chengguan demo --password PW                              build with PW, or change it on an existing demo
chengguan demo --cases N                                  how many cases the year holds (0: none)
chengguan demo --merchants N                              street-front merchants in the ledger (0: none)
chengguan demo --cases-only                               add the year of cases to an existing demo, or
                                                          carry on with an interrupted one

An empty database is always built into (whatever the flags); on a database that already has
organisations, `--logins` and `--password` act on the existing demo accounts and nothing is built,
and `--if-empty` only carries on with a year of cases that was interrupted.
The default password is `generator.DEMO_PASSWORD` (Chengguan@2026).
"""

from __future__ import annotations

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from chengguan.core.errors import DomainError
from chengguan.demo.cases_year import DEFAULT_COUNTS, generate_case_year, guess_size, latest_run
from chengguan.demo.generator import (
    DEMO_PASSWORD,
    build_demo,
    demo_logins,
    demo_password_is,
    demo_set_password,
)
from chengguan.demo.layout import SIZES
from chengguan.org.models import Organisation

# The ledger of a real district holds about 20,000 street-front units.
DEFAULT_MERCHANTS = {"small": 200, "district": 20_000, "city": 20_000}

STAGE_LABELS = {
    "organisations": "组织机构",
    "staff": "人员账号",
    "grids": "单元网格",
    "taxonomy": "事部件分类",
    "routing": "派遣规则",
    "reply_templates": "常用语",
    "merchants": "沿街商户与责任书",
    "cases": "一年案件（按天）",
}


class _Bars:
    """One tqdm bar per stage on stderr when it is a terminal; otherwise (`make demo > demo.log`) a
    line per finished stage with its count and time on `out`, so a log shows how far the build
    got. None with -v0."""

    def __init__(self, enabled: bool, out=None, *, terminal: bool | None = None):
        self.enabled = enabled
        self.out = out or sys.stdout
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self.bar = None
        self.stage = ""
        self.done = 0
        self.total = 0
        self.started = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage, self.started = stage, time.monotonic()
            if self.terminal:
                from tqdm import tqdm

                label = STAGE_LABELS.get(stage, stage)
                self.bar = tqdm(total=total, desc=label, unit="项", file=sys.stderr)
        self.done, self.total = done, total
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.enabled and self.stage and not self.terminal:
            seconds = time.monotonic() - self.started
            label = STAGE_LABELS.get(self.stage, self.stage)
            self.out.write(f"{label}：{self.done}/{self.total} 项，{seconds:.1f} 秒\n")
            self.out.flush()
        self.stage = ""


class Command(BaseCommand):
    help = (
        "生成演示辖区（以郑州市中原区为原型）并打印各角色的演示账号 / "
        "Build the deterministic demo district and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed; the same seed gives the same demo"
        )
        parser.add_argument(
            "--size", choices=SIZES, default=None, help="small (tests), district (default), city"
        )
        parser.add_argument(
            "--password",
            help=f"password of the demo accounts (default {DEMO_PASSWORD}); on an existing demo, change it",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database already has organisations"
        )
        parser.add_argument(
            "--logins", action="store_true", help="print the demo logins, the password and the URL"
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help="cases in the demo's year, played through the case services "
            + ", ".join(f"{k} {v}" for k, v in DEFAULT_COUNTS.items())
            + " by default; 0: none",
        )
        parser.add_argument(
            "--merchants",
            type=int,
            default=None,
            help="street-front merchants with this year's letters: "
            + ", ".join(f"{k} {v}" for k, v in DEFAULT_MERCHANTS.items())
            + " by default; 0: none",
        )
        parser.add_argument(
            "--cases-only",
            action="store_true",
            help="add the year of cases to an existing demo, or carry on with an interrupted one",
        )

    def handle(
        self,
        *args,
        seed: int,
        size: str | None,
        password: str | None,
        if_empty: bool,
        logins: bool,
        cases: int | None,
        merchants: int | None,
        cases_only: bool,
        **options,
    ):
        has_data = Organisation.objects.exists()
        verbosity = options["verbosity"]
        # On an existing demo the size is the one it was built with.
        size = size or (guess_size() if has_data else "district")
        count = DEFAULT_COUNTS[size] if cases is None else max(0, cases)
        shops = DEFAULT_MERCHANTS[size] if merchants is None else max(0, merchants)
        try:
            if not has_data and cases_only:
                raise CommandError(
                    "数据库中还没有演示辖区，请先运行 chengguan demo。 / Build the demo first."
                )
            if not has_data:
                self._build(
                    seed=seed,
                    size=size,
                    password=password or DEMO_PASSWORD,
                    cases=count,
                    merchants=shops,
                    verbosity=verbosity,
                )
            elif cases_only:
                self._cases(seed=seed, size=size, count=count, verbosity=verbosity)
            elif password:
                count = demo_set_password(password=password)
                if not count:
                    raise CommandError("数据库中没有演示账号，未修改任何密码。 / No demo accounts found.")
                self.stdout.write(f"已将 {count} 个演示账号的密码改为：{password}")
            elif if_empty:
                run = latest_run()
                if run is not None and not run.finished:
                    self.stdout.write("上次生成演示案件时中断，继续生成……")
                    self._cases(seed=seed, size=size, count=count, verbosity=verbosity)
                else:
                    self.stdout.write("数据库中已有组织机构，跳过生成演示数据（--if-empty）。")
            elif not logins:
                raise CommandError(
                    "数据库中已有组织机构，演示数据只能装入空数据库。"
                    "可加 --if-empty 跳过，或用 --logins 查看演示账号、--password 修改其密码。"
                )
        except DomainError as exc:
            raise CommandError(f"{exc.message} / {exc.code}") from exc
        if logins:
            self._print_logins(password)

    def _build(
        self, *, seed: int, size: str, password: str, cases: int, merchants: int, verbosity: int
    ) -> None:
        bars = _Bars(enabled=verbosity > 0, out=self.stdout)
        try:
            summary = build_demo(
                seed=seed, size=size, password=password, progress=bars, cases=cases, merchants=merchants
            )
        finally:
            bars.close()
        if verbosity > 0:
            for line in summary.lines():
                self.stdout.write(line)
            self.stdout.write(f"演示账号密码：{password}（可用 chengguan demo --password 新密码 修改）")

    def _cases(self, *, seed: int, size: str, count: int, verbosity: int) -> None:
        """Add the year of cases (resuming an interrupted run with the parameters it started with)."""
        run = latest_run()
        if run is not None and run.finished:
            self.stdout.write("演示案件已生成，无需重复生成。")
            return
        if run is None and count == 0:
            return
        bars = _Bars(enabled=verbosity > 0, out=self.stdout)
        try:
            summary = generate_case_year(seed=seed, size=size, count=count, progress=bars)
        finally:
            bars.close()
        if verbosity > 0:
            for line in summary.lines():
                self.stdout.write(line)

    def _print_logins(self, password: str | None) -> None:
        rows = demo_logins()
        if not rows:
            self.stdout.write("数据库中没有演示账号（先运行 chengguan demo）。")
            return
        width = max(len(r.username) for r in rows)
        self.stdout.write("演示账号 / Demo logins:")
        self.stdout.write(f"  {_pad('用户名', width)}  {_pad('角色', 8)}  单位")
        for row in rows:
            self.stdout.write(f"  {row.username.ljust(width)}  {_pad(row.role, 8)}  {row.organisation}")
        known = password or DEMO_PASSWORD
        if demo_password_is(known):
            self.stdout.write(f"密码 / Password: {known}")
        else:
            self.stdout.write(
                "密码 / Password: 已修改（不是默认密码；用 chengguan demo --password 新密码 重设）"
            )
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"网址 / URL: http://127.0.0.1:{port}/")


def _pad(text: str, width: int) -> str:
    """Left-justify Chinese text by display width (a CJK character takes two columns)."""
    shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(0, width - shown)
