"""Unit grids (单元网格): the cells the district is cut into, each with its responsible units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class StreetKind(models.TextChoices):
    MAJOR = "major", _("主干道")
    MINOR = "minor", _("支路")


class Street(models.Model):
    """A street of the offline base map: drawn under the grids where no tile server is configured,
    so a pin can be placed by the streets (the demo generates its district's; a bureau may load its
    road centrelines with `chengguan streets load`)."""

    name = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=8, choices=StreetKind.choices)
    geometry = models.JSONField(help_text="GeoJSON LineString, WGS-84 lon/lat")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["kind", "name", "pk"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]
        verbose_name = _("底图道路")
        verbose_name_plural = _("底图道路")

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.pk}"
