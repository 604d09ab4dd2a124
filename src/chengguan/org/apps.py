from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "chengguan.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from chengguan.core import calendar
        from chengguan.org import sessions  # noqa: F401  (connects the login and logout signals)
        from chengguan.org.calendar_days import bureau_days

        calendar.register_bureau_days(bureau_days)
