"""The offline base map's streets for any map page (staff and public alike: a street network is not
personal data), by view box and zoom."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from chengguan.grids.errors import GridError
from chengguan.grids.filters import BBoxField
from chengguan.grids.streets import MAX_STREETS, streets_in

# From this zoom level on, side streets are drawn too (about 1:17,000 on a phone).
MINOR_FROM_ZOOM = 15


class StreetsQuery(forms.Form):
    bbox = BBoxField()
    zoom = forms.IntegerField(min_value=0, max_value=22, required=False)


@require_GET
def streets(request: HttpRequest) -> JsonResponse:
    query = StreetsQuery(request.GET)
    if not query.is_valid():
        errors = {name: [e["message"] for e in errs] for name, errs in query.errors.get_json_data().items()}
        code = GridError.BAD_QUERY
        return JsonResponse({"code": code, "message": str(code.label), "fields": errors}, status=400)
    zoom = query.cleaned_data.get("zoom")
    minor = zoom is None or zoom >= MINOR_FROM_ZOOM
    rows = list(
        streets_in(query.cleaned_data["bbox"], minor=minor).values("name", "kind", "geometry")[:MAX_STREETS]
    )
    features = [
        {"type": "Feature", "properties": {"name": r["name"], "kind": r["kind"]}, "geometry": r["geometry"]}
        for r in rows
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=3600"
    return response
