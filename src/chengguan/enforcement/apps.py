from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "chengguan.enforcement"
    label = "enforcement"
    verbose_name = "行政处罚办案"

    def ready(self) -> None:
        from chengguan.core import navigation
        from chengguan.enforcement import scheduled  # noqa: F401  (registers the scheduled jobs)
        from chengguan.enforcement.navigation import penalty_nav

        navigation.register(navigation.PENALTIES, penalty_nav)
