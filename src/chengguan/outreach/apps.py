from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "chengguan.outreach"
    label = "outreach"
    verbose_name = "开放与宣传"

    def ready(self) -> None:
        # The side menu and the machines of activities and live sessions.
        from chengguan.core import navigation
        from chengguan.outreach import states  # noqa: F401
        from chengguan.outreach.navigation import OUTREACH, outreach_nav

        navigation.register(OUTREACH, outreach_nav)
