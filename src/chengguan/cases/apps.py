from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "chengguan.cases"
    label = "cases"
    verbose_name = "案件闭环"

    def ready(self) -> None:
        # Hand-off notifications listen to `case_changed`; the deadline job registers its schedule.
        from chengguan.cases import handoffs, scheduled  # noqa: F401
        from chengguan.cases.navigation import workbench_nav
        from chengguan.core import navigation

        navigation.register(navigation.CASES, workbench_nav)
