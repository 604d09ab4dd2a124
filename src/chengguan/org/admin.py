"""Back office for the organisation tree, roles, staff and login lockouts.

Saves go through `org.services`, so the admin obeys the same rules, scope and audit trail as the
rest of the platform; the forms run the services' `check_*` rules first so mistakes show on the form.
Nothing here is deleted (audit events refer to it): units and accounts are deactivated instead.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chengguan.core import audit
from chengguan.core.errors import DomainError
from chengguan.org import calendar_days, devices, services, sessions
from chengguan.org.models import (
    BureauCalendarDay,
    DeviceToken,
    LoginFailure,
    Organisation,
    Role,
    StaffProfile,
    StaffSession,
)
from chengguan.org.permissions import uses_admin_pages
from chengguan.org.selectors import bureau_of, visible_organisations


def _is_admin(user) -> bool:
    return uses_admin_pages(user)


def _apply_errors(form: forms.BaseForm, errors: services.Errors) -> None:
    for field, _code, message in errors.items:
        form.add_error(field if field in form.fields else None, message)


class _ActorForm(forms.ModelForm):
    actor = None  # set per request by the ModelAdmin

    def _check_permission(self, bureau: Organisation | None) -> None:
        try:
            services.require_admin(self.actor, bureau)
        except DomainError as exc:
            self.add_error(None, exc.message)


class ServiceAdmin(admin.ModelAdmin):
    """Admins of our own role (not only Django superusers) may use these pages."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) or _is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or _is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_related(self, request, form, formsets, change) -> None:
        """The service already wrote the relations."""


class OrganisationForm(_ActorForm):
    class Meta:
        model = Organisation
        fields = [
            "kind", "partner_type", "name", "short_name", "code", "parent", "contact_person",
            "contact_phone", "address", "is_active", "sort_order",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        instance = self.instance if self.instance.pk else None
        kind = instance.kind if instance else data.get("kind")
        if not kind:
            return data
        parent = data.get("parent")
        self._check_permission((parent.bureau if parent else None) if instance is None else instance.bureau)
        errors = services.check_organisation(
            kind=kind,
            name=data.get("name", ""),
            parent=parent,
            code=(data.get("code") or "").strip(),
            partner_type=data.get("partner_type", ""),
            contact_phone=data.get("contact_phone", ""),
            instance=instance,
        )
        _apply_errors(self, errors)
        return data


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    form = OrganisationForm
    list_display = ("indented_name", "kind", "code", "partner_type", "bureau", "is_active")
    list_filter = ("kind", "partner_type", "is_active")
    search_fields = ("name", "short_name", "code")
    ordering = ("path",)
    readonly_fields = ("path", "bureau")
    autocomplete_fields = ("parent",)
    list_per_page = 200

    @admin.display(description="名称", ordering="path")
    def indented_name(self, obj: Organisation) -> str:
        return "\u3000" * max(obj.depth - 1, 0) + obj.name

    def get_queryset(self, request):
        return (
            visible_organisations(request.user)
            if not request.user.is_superuser
            else super().get_queryset(request)
        )

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "kind") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            fields = {f: data[f] for f in form.changed_data if f in services.ORG_UPDATABLE}
            services.organisation_update(actor=request.user, organisation=obj, **fields)
        else:
            extra = {f: data[f] for f in services.ORG_EXTRA_FIELDS if f in data}
            created = services.organisation_create(
                actor=request.user,
                kind=data["kind"],
                name=data["name"],
                parent=data.get("parent"),
                code=data.get("code", ""),
                partner_type=data.get("partner_type", ""),
                **extra,
            )
            obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """The roles are fixed by a data migration; permission checks name their codes."""

    list_display = ("code", "name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StaffForm(_ActorForm):
    is_active = forms.BooleanField(label="账号可用", required=False, initial=True)

    class Meta:
        model = StaffProfile
        fields = ["organisation", "roles", "full_name", "phone", "party_member", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["is_active"].initial = self.instance.user.is_active

    def _role_codes(self) -> list[str]:
        return [role.code for role in self.cleaned_data.get("roles") or []]

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        instance = self.instance if self.instance.pk else None
        self._check_permission(
            instance.organisation.bureau if instance else getattr(organisation, "bureau", None)
        )
        if instance and organisation and organisation != instance.organisation:
            self._check_permission(organisation.bureau)
        errors = services.check_staff(
            organisation=organisation,
            roles=self._role_codes(),
            full_name=data.get("full_name", ""),
            phone=data.get("phone", ""),
            instance=instance,
        )
        _apply_errors(self, errors)
        return data


class StaffCreateForm(StaffForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False)

    class Meta(StaffForm.Meta):
        fields = ["username", "password", *StaffForm.Meta.fields]


@admin.register(StaffProfile)
class StaffProfileAdmin(ServiceAdmin):
    form = StaffForm
    add_form = StaffCreateForm
    list_display = ("full_name", "username", "organisation", "role_names", "is_active")
    list_filter = ("organisation__kind", "roles", "party_member", "user__is_active")
    search_fields = ("full_name", "user__username", "phone")
    filter_horizontal = ("roles",)
    autocomplete_fields = ("organisation",)
    list_select_related = ("user", "organisation")

    @admin.display(description="用户名", ordering="user__username")
    def username(self, obj: StaffProfile) -> str:
        return obj.user.username

    @admin.display(description="角色")
    def role_names(self, obj: StaffProfile) -> str:
        return "、".join(role.name for role in obj.roles.all())

    @admin.display(description="账号可用", boolean=True)
    def is_active(self, obj: StaffProfile) -> bool:
        return obj.user.is_active

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("roles")
        if request.user.is_superuser:
            return qs
        return qs.filter(organisation__in=visible_organisations(request.user).values("pk"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        form = self.add_form if obj is None else self.form
        return [*form.Meta.fields, "is_active"]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        roles = form._role_codes()
        if change:
            fields = {f: data[f] for f in form.changed_data if f in services.STAFF_UPDATABLE and f != "roles"}
            if "roles" in form.changed_data:
                fields["roles"] = roles
            services.staff_update(actor=request.user, profile=obj, **fields)
        else:
            with transaction.atomic():
                created = services.staff_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    organisation=data["organisation"],
                    roles=roles,
                    full_name=data["full_name"],
                    phone=data.get("phone", ""),
                    party_member=data.get("party_member", False),
                    title=data.get("title", ""),
                )
                if not data.get("is_active", True):
                    services.staff_update(actor=request.user, profile=created, is_active=False)
            obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed logins per account, address or both. Deleting a row lifts its block (and is audited)."""

    list_display = ("scope", "username", "address", "failures", "last_failure_at", "locked_until")
    list_filter = ("scope",)
    search_fields = ("username", "address")
    ordering = ("-last_failure_at",)
    readonly_fields = (
        "scope",
        "username",
        "address",
        "failures",
        "last_failure_at",
        "locked_until",
        "last_address",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or _is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _is_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _is_admin(request.user)

    def delete_model(self, request, obj) -> None:
        self.delete_queryset(request, LoginFailure.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for row in queryset.select_for_update():
                audit.record(
                    actor=request.user,
                    action="auth.unlock",
                    obj=("auth.address", row.address)
                    if row.scope == "address"
                    else ("auth.user", row.username),
                    before={
                        "scope": row.scope,
                        "address": row.address,
                        "failures": row.failures,
                        "locked_until": row.locked_until,
                    },
                )
                row.delete()


@admin.register(StaffSession)
class StaffSessionAdmin(admin.ModelAdmin):
    """The staff signed in now; deleting a row ("end session") signs that browser out at once, and is
    audited."""

    list_display = ("user", "address", "started_at", "last_seen_at", "user_agent")
    search_fields = ("user__username", "address")
    readonly_fields = ("session_key", "user", "address", "started_at", "last_seen_at", "user_agent")
    actions = ["end_sessions"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .filter(last_seen_at__gt=sessions.active_since())
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or _is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _is_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _is_admin(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("结束所选会话"))
    def end_sessions(self, request, queryset) -> None:
        self.delete_queryset(request, queryset)

    def delete_model(self, request, obj) -> None:
        sessions.end_session(actor=request.user, row=obj)

    def delete_queryset(self, request, queryset) -> None:
        for row in list(queryset):
            sessions.end_session(actor=request.user, row=row)


class CalendarDayForm(_ActorForm):
    class Meta:
        model = BureauCalendarDay
        fields = ["bureau", "date", "works", "name", "source"]

    def clean(self):
        data = super().clean()
        bureau = data.get("bureau") or getattr(self.instance, "bureau", None)
        if bureau is not None:
            self._check_permission(bureau)
        return data


@admin.register(BureauCalendarDay)
class BureauCalendarDayAdmin(ServiceAdmin):
    """A bureau's own days off and days worked; saved and removed through `org.calendar_days`."""

    form = CalendarDayForm
    list_display = ["date", "bureau", "works", "name", "source"]
    list_filter = ["works", ("bureau", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "date"
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(bureau__in=visible_organisations(request.user))

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_admin(request.user) or request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        """A saved day keeps its bureau and date: remove it and add another to move it."""
        return ["bureau", "date"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        data = {"bureau": obj.bureau, "date": obj.date, **form.cleaned_data}
        saved = calendar_days.calendar_day_set(actor=request.user, **data)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        calendar_days.calendar_day_remove(actor=request.user, bureau=obj.bureau, date=obj.date)


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    """The phones signed in to the field app; "revoke" ends a lost phone's token at once (audited).
    Rows stay, revoked, as the record of which phone had access when."""

    list_display = ("user", "name", "purpose", "bureau", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("purpose", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = (
        "user",
        "name",
        "purpose",
        "bureau",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke_devices"]

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("user", "bureau")
        if request.user.is_superuser:
            return rows
        bureau = bureau_of(request.user)
        if bureau is None:
            return rows.none()
        return rows.filter(user__profile__organisation__path__startswith=bureau.path)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or _is_admin(request.user)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or _is_admin(request.user)

    @admin.action(description=_("注销所选设备"), permissions=["view"])
    def revoke_devices(self, request, queryset) -> None:
        refused = 0
        for row in list(queryset):
            try:
                devices.revoke(actor=request.user, row=row)
            except DomainError:
                refused += 1
        if refused:
            self.message_user(
                request, _("有 %(n)d 台设备不属于本局，未注销。") % {"n": refused}, messages.WARNING
            )
