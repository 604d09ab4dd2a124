"""Input checks shared by intake (`services.check_report`) and the steps of the case machine
(`states`): phone numbers, positions in any of the supported coordinate systems, category codes."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from chengguan.cases.errors import CaseError
from chengguan.core import coords, phones
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.taxonomy import selectors as taxonomy_selectors
from chengguan.taxonomy.models import Category


def check_phone(phone: str, field: str = "reporter_phone") -> str:
    number = phones.normalise(phone)
    if number is None:
        raise ValidationFailed(
            _("电话号码格式不正确。"), code=CaseError.BAD_PHONE, fields={field: [_("电话号码格式不正确。")]}
        )
    return number


def check_location(lon, lat, crs: str) -> tuple[float | None, float | None]:
    """WGS-84 longitude and latitude of a position given in `crs` (None, None when none is given)."""
    if lon in (None, "") and lat in (None, ""):
        return None, None
    errors: dict[str, list[str]] = {}
    try:
        lon_f = float(lon)
        if not -180 <= lon_f <= 180 or math.isnan(lon_f):
            raise ValueError
    except (TypeError, ValueError):
        errors["lon"] = [_("经度须为 -180 到 180 之间的数字。")]
    try:
        lat_f = float(lat)
        if not -90 <= lat_f <= 90 or math.isnan(lat_f):
            raise ValueError
    except (TypeError, ValueError):
        errors["lat"] = [_("纬度须为 -90 到 90 之间的数字。")]
    if crs not in coords.CRS_CHOICES:
        errors["crs"] = [_("坐标系须为 %(choices)s 之一。") % {"choices": "、".join(coords.CRS_CHOICES)}]
    if errors:
        raise ValidationFailed(_("位置信息有误。"), code=CaseError.BAD_LOCATION, fields=errors)
    return coords.to_wgs84(lon_f, lat_f, crs)


def category_of(code_or_obj: str | Category) -> Category:
    """The category of a code (a 400 on `category` when there is none)."""
    if isinstance(code_or_obj, Category):
        return code_or_obj
    try:
        return taxonomy_selectors.category_by_code(str(code_or_obj))
    except NotFound as exc:
        raise ValidationFailed(
            exc.message, code=CaseError.UNKNOWN_CATEGORY, fields={"category": [exc.message]}
        ) from exc


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine), precise enough for the 50 m and 100 m checks."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))
