from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "chengguan.org"
    label = "org"
    verbose_name = "组织机构"
