from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chengguan.core"
    label = "core"
    verbose_name = "核心"
