from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chengguan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from chengguan.core import append_only, text

        append_only.connect_signals()
        text.install()
