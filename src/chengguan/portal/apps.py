from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chengguan.portal"
    label = "portal"
    verbose_name = "公众服务"
