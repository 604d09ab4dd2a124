"""Unit grids (单元网格): the cells the district is cut into, each with its responsible units."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chengguan.org.models import Organisation


class Grid(models.Model):
    """One unit grid. Geometry is GeoJSON (WGS-84) in an ordinary column so SQLite and PostgreSQL
    behave the same; the bounding box is stored for fast bbox filters."""

    code = models.CharField("网格编码", max_length=15, unique=True)
    name = models.CharField(max_length=100, blank=True)
    subdistrict = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grids_as_subdistrict"
    )
    community = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grids_as_community")
    squad = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="grids_as_squad"
    )
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="grids")
    geometry = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, WGS-84 lon/lat")
    area_m2 = models.FloatField()
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    centroid_lon = models.FloatField()
    centroid_lat = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]
        verbose_name = "单元网格"
        verbose_name_plural = "单元网格"

    def __str__(self) -> str:
        return self.code


class GridSetVersion(models.Model):
    """Bumped by every grid write so each process knows when to rebuild its point→grid index."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"grid set v{self.version}"
