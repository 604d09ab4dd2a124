"""`chengguan open311-key create NAME [--bureau CODE]` issues a key; `list` shows clients."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chengguan.core.errors import DomainError
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.system import system_actor
from chengguan.portal import services
from chengguan.portal.models import Open311Client


class Command(BaseCommand):
    help = "管理 Open311 接入应用的密钥（create 生成并只显示一次；list 列出应用）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="为一个应用生成密钥")
        create.add_argument("name")
        create.add_argument("--bureau", help="只给地址时归入的局（机构代码）")
        sub.add_parser("list", help="列出应用")
        revoke = sub.add_parser("revoke", help="停用一个应用的密钥")
        revoke.add_argument("name")

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['verb']}")(opts)
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc

    def _create(self, opts) -> None:
        bureau = None
        if opts.get("bureau"):
            bureau = Organisation.objects.filter(kind=OrgKind.BUREAU, code=opts["bureau"]).first()
            if bureau is None:
                raise CommandError(f"找不到机构代码为 {opts['bureau']} 的局。")
        issued = services.open311_client_create(actor=system_actor(), name=opts["name"], bureau=bureau)
        self.stdout.write(f"应用：{issued.client.name}\n密钥（只显示这一次，请妥善保存）：")
        self.stdout.write(issued.key)

    def _list(self, opts) -> None:
        for client in Open311Client.objects.all():
            state = "启用" if client.active else "已停用"
            self.stdout.write(f"{client.name}\t{client.key_prefix}…\t{state}")

    def _revoke(self, opts) -> None:
        client = Open311Client.objects.filter(name=opts["name"]).first()
        if client is None:
            raise CommandError(f"找不到应用：{opts['name']}")
        services.open311_client_revoke(actor=system_actor(), client=client)
        self.stdout.write(f"已停用：{client.name}")
