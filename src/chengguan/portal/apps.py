from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chengguan.portal"
    label = "portal"
    verbose_name = "公众服务"

    def ready(self) -> None:
        # Citizen SMS listen to `case_changed`.
        from chengguan.portal import notify  # noqa: F401
