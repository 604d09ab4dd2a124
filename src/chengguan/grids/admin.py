"""Back-office editing of unit grids. Saves go through the grid services, so admin edits are
validated, audited and rebuild the point→grid index like any other write."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from chengguan.core.errors import PermissionDenied
from chengguan.grids import services
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind


class GridAdminForm(forms.ModelForm):
    community = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrgKind.COMMUNITY).select_related("parent"), label="社区"
    )
    squad = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrgKind.SQUAD), required=False, label="执法中队"
    )
    geometry = forms.JSONField(label="几何（GeoJSON，WGS-84）", widget=forms.Textarea(attrs={"rows": 6}))

    class Meta:
        model = Grid
        fields = ["code", "name", "community", "squad", "inspectors", "geometry"]

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("community") is not None:
            _geometry, _derived, problems = services.check_grid(
                code=data.get("code", ""),
                community=data["community"],
                geometry=data.get("geometry"),
                squad=data.get("squad"),
                exclude_pk=self.instance.pk,
            )
            for problem in problems:
                field = problem.field if problem.field in self.fields else None
                self.add_error(field, f"{problem.message}（{problem.code}）")
        return data


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    form = GridAdminForm
    list_display = ["code", "name", "subdistrict", "community", "squad", "area_m2", "updated_at"]
    list_filter = [
        ("subdistrict", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter),
        ("squad", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "name"]
    list_select_related = ["subdistrict", "community", "squad"]
    filter_horizontal = ["inspectors"]
    readonly_fields = ["subdistrict", "area_m2", "min_lon", "min_lat", "max_lon", "max_lat", "updated_at"]
    ordering = ["code"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Cases refer to grids; retiring a grid is a data change, not a delete button.
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "code": data["code"],
            "name": data.get("name") or "",
            "community": data["community"],
            "squad": data.get("squad"),
            "geometry": data["geometry"],
            "inspectors": list(data.get("inspectors") or []),
        }
        try:
            if change:
                saved = services.grid_update(actor=request.user, grid=obj, **fields)
            else:
                saved = services.grid_create(actor=request.user, **fields)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
            raise DjangoPermissionDenied(exc.message) from exc
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # Inspectors were set by the service; the admin's own m2m save would bypass the audit.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
