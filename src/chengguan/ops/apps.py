from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "chengguan.ops"
    label = "ops"
    verbose_name = _("运维")

    def ready(self) -> None:
        from chengguan.ops import scheduled  # noqa: F401  (registers the backup and audit-anchoring jobs)
