from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "chengguan.grids"
    label = "grids"
    verbose_name = "单元网格"
