"""Back-office pages for the category system.

Classifications and categories are loaded data (`chengguan taxonomy load`): only a category's time limit
and criteria can be changed here. Routing rules are maintained here. Every save goes through the
services, so it is validated and audited; rules are switched off (`is_active`) rather than deleted so the
audit trail explains every past proposal.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.org.models import Organisation, OrgKind
from chengguan.taxonomy import services
from chengguan.taxonomy.models import Category, Classification, MajorCategory, RoutingRule
from chengguan.taxonomy.selectors import active_categories


class _ReadOnlyData(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Classification)
class ClassificationAdmin(_ReadOnlyData):
    list_display = ["code", "name", "is_active", "loaded_at"]
    list_filter = ["is_active"]
    readonly_fields = ["code", "name", "source", "is_active", "loaded_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MajorCategory)
class MajorCategoryAdmin(_ReadOnlyData):
    list_display = ["code", "name_zh", "name_en", "kind", "classification"]
    list_filter = ["kind", "classification"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["classification"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["time_limit_amount", "time_limit_unit", "filing_criteria", "closing_criteria"]


@admin.register(Category)
class CategoryAdmin(_ReadOnlyData):
    form = CategoryAdminForm
    list_display = [
        "code",
        "name_zh",
        "kind",
        "major",
        "time_limit_amount",
        "time_limit_unit",
        "locally_edited",
        "confidence",
        "is_active",
    ]
    list_filter = [
        "kind",
        "major",
        "time_limit_unit",
        "locally_edited",
        "confidence",
        "is_active",
        "classification",
    ]
    search_fields = ["code", "minor_code", "name_zh", "name_en"]
    list_select_related = ["major", "classification"]
    readonly_fields = [
        "classification",
        "major",
        "kind",
        "code",
        "minor_code",
        "name_zh",
        "name_en",
        "time_limit_source",
        "locally_edited",
        "confidence",
        "sources",
        "is_active",
    ]
    fieldsets = [
        (None, {"fields": ["classification", "major", "kind", "code", "minor_code", "name_zh", "name_en"]}),
        (
            "处置标准",
            {
                "fields": [
                    "time_limit_amount",
                    "time_limit_unit",
                    "time_limit_source",
                    "filing_criteria",
                    "closing_criteria",
                    "locally_edited",
                ]
            },
        ),
        ("来源", {"fields": ["confidence", "sources", "is_active"]}),
    ]

    def save_model(self, request, obj, form, change) -> None:
        try:
            saved = services.category_time_limit_update(
                actor=request.user,
                category=obj,
                amount=form.cleaned_data["time_limit_amount"],
                unit=form.cleaned_data["time_limit_unit"],
                filing_criteria=form.cleaned_data.get("filing_criteria", ""),
                closing_criteria=form.cleaned_data.get("closing_criteria", ""),
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        obj.refresh_from_db()
        obj.pk = saved.pk


class RoutingRuleAdminForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = list(services.RULE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories()
        self.fields["major"].queryset = MajorCategory.objects.filter(classification__is_active=True)
        self.fields["subdistrict"].queryset = Organisation.objects.filter(kind=OrgKind.SUBDISTRICT)
        self.fields["community"].queryset = Organisation.objects.filter(
            kind=OrgKind.COMMUNITY
        ).select_related("parent")
        self.fields["handler"].queryset = Organisation.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.check_routing_rule(actor=getattr(self, "actor", None), **data)
            except ValidationFailed as exc:
                for name, messages in exc.fields.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleAdminForm
    list_display = ["id", "category", "major", "area", "handler", "use_grid_squad", "is_active", "note"]
    list_display_links = ["id", "category"]
    list_filter = [
        "is_active",
        "use_grid_squad",
        ("major", admin.RelatedOnlyFieldListFilter),
        ("handler", admin.RelatedOnlyFieldListFilter),
        ("subdistrict", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["note", "category__code", "category__name_zh", "handler__name", "grid__code"]
    list_select_related = ["category", "major", "handler", "subdistrict", "community", "grid"]
    autocomplete_fields = ["grid"]
    actions = None
    fieldsets = [
        ("分类（留空表示全部）", {"fields": ["category", "major"]}),
        ("区域（留空表示全区）", {"fields": ["subdistrict", "community", "grid"]}),
        ("处置单位", {"fields": ["handler", "use_grid_squad"]}),
        (None, {"fields": ["is_active", "note"]}),
    ]

    @admin.display(description="区域")
    def area(self, rule: RoutingRule) -> str:
        return str(rule.grid or rule.community or rule.subdistrict or "全区")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"actor": request.user})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        values = {name: form.cleaned_data.get(name) for name in services.RULE_FIELDS}
        values["note"] = values["note"] or ""
        try:
            if change:
                rule = services.routing_rule_update(
                    actor=request.user, rule=RoutingRule.objects.get(pk=obj.pk), **values
                )
            else:
                rule = services.routing_rule_create(actor=request.user, **values)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        obj.pk = rule.pk
        obj._state.adding = False
        obj._state.db = rule._state.db
