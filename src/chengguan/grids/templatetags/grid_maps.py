from django import template
from django.conf import settings

from chengguan.grids.selectors import visible_extent

register = template.Library()


@register.simple_tag
def tile_url() -> str:
    """The installation's tile server (`CHENGGUAN_TILE_URL`), or "" for the offline streets."""
    return getattr(settings, "CHENGGUAN_TILE_URL", "") or ""


@register.simple_tag
def tile_crs() -> str:
    """The coordinate system of the tile server's tiles: `wgs84` or `gcj02` (`CHENGGUAN_TILE_CRS`)."""
    return getattr(settings, "CHENGGUAN_TILE_CRS", "wgs84") or "wgs84"


@register.inclusion_tag("grids/_map_picker.html", takes_context=True)
def map_picker(context, form, lon: str = "lon", lat: str = "lat") -> dict:
    """A map under a form's longitude and latitude fields: a click or a drag of the pin fills both
    (WGS-84, as the services store them; a form with a `crs` choice is set to it) and names the grid the
    point falls in."""
    request = context.get("request")
    return {
        "lon_id": form[lon].id_for_label,
        "lat_id": form[lat].id_for_label,
        "crs_id": form["crs"].id_for_label if "crs" in form.fields else "",
        "extent": visible_extent(request.user) if request is not None else None,
    }
