from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "chengguan.merchants"
    label = "merchants"
    verbose_name = "门前三包"

    def ready(self) -> None:
        # The background job handlers and the yearly renewal reminder.
        from chengguan.core import navigation
        from chengguan.merchants import jobs, scheduled  # noqa: F401
        from chengguan.merchants.navigation import merchants_nav

        navigation.register(navigation.MERCHANTS, merchants_nav)
