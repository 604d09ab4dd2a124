from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "chengguan.welfare"
    label = "welfare"
    verbose_name = "困难摊贩帮扶与便民疏导点"

    def ready(self) -> None:
        # The side menu and the draw machine.
        from chengguan.core import navigation
        from chengguan.welfare import states  # noqa: F401
        from chengguan.welfare.navigation import WELFARE, welfare_nav

        navigation.register(WELFARE, welfare_nav)
