from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def tile_url() -> str:
    """The installation's tile server (`CHENGGUAN_TILE_URL`), or "" for the offline streets."""
    return getattr(settings, "CHENGGUAN_TILE_URL", "") or ""


@register.simple_tag
def tile_crs() -> str:
    """The coordinate system of the tile server's tiles: `wgs84` or `gcj02` (`CHENGGUAN_TILE_CRS`)."""
    return getattr(settings, "CHENGGUAN_TILE_CRS", "wgs84") or "wgs84"
