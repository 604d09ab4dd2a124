from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "chengguan.merchants"
    label = "merchants"
    verbose_name = "门前三包"

    def ready(self) -> None:
        from chengguan.merchants import jobs  # noqa: F401  (registers the background job handlers)
