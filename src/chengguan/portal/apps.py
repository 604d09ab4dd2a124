from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chengguan.portal"
    label = "portal"
    verbose_name = "公众服务"

    def ready(self) -> None:
        # Citizen SMS listen to `case_changed`.
        from chengguan.core import navigation
        from chengguan.portal import notify  # noqa: F401
        from chengguan.portal.navigation import review_nav

        navigation.register(navigation.REVIEW, review_nav)
