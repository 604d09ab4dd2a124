"""`chengguan screen_token --bureau CODE --by ADMIN [--name NAME] [--base-url URL]`: issue the
command centre's wall-screen token of a bureau and print the screen's address with the key in its
fragment (shown once; revoke it in the admin under 移动设备, purpose 指挥中心大屏)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.org.models import Organisation, OrgKind
from chengguan.stats.screen import issue_screen_token


class Command(BaseCommand):
    help = "签发指挥中心大屏的设备令牌并打印大屏地址 / Issue a wall-screen token and print its URL."

    def add_arguments(self, parser):
        parser.add_argument("--bureau", required=True, help="局的编码")
        parser.add_argument("--by", required=True, help="签发人（本局管理员或超级用户）的登录名")
        parser.add_argument("--name", default="指挥中心大屏", help="设备名称，管理员据此注销")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="平台的地址")

    def handle(self, *args, bureau: str, by: str, name: str, base_url: str, **options):
        chosen = Organisation.objects.filter(kind=OrgKind.BUREAU, code=bureau).first()
        if chosen is None:
            raise CommandError(f"没有编码为 {bureau} 的局。")
        actor = get_user_model().objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有启用的账号 {by}。")
        try:
            row, key = issue_screen_token(actor=actor, bureau=chosen, name=name)
        except (PermissionDenied, ValidationFailed) as exc:
            raise CommandError(str(exc)) from exc
        url = f"{base_url.rstrip('/')}{reverse('stats:screen')}#key={key}"
        self.stdout.write(f"{chosen.name} · {row.name} · {row.prefix}…")
        self.stdout.write(url)
