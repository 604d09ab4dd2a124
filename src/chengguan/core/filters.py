"""The query filters every FilterSet uses for ids, years and yes/no, and the filter backend of the API.

Each refuses what it cannot mean with a field-level 400 of the one error shape, whose `code` is the
filter's (`filter.bad_id`, `filter.bad_year`, `filter.bad_boolean`) when that is all that is wrong,
`validation_failed` otherwise (an unknown choice, or wrong parameters of several kinds). A database
never sees an id past its integer column (`?community=99999999999999999999` used to answer 500 on
SQLite) nor a year it cannot count in (`?year=1.5` did on both databases).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, OrderBy, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from chengguan.core.errors import FilterError, ValidationFailed

# The largest value of a 64-bit signed integer column (SQLite INTEGER, PostgreSQL bigint).
MAX_ID = 2**63 - 1
MIN_YEAR, MAX_YEAR = 1990, 2100


class _BoundedIntegerField(forms.IntegerField):
    """A whole number within bounds; any refusal is the one message with the filter's code."""

    widget = forms.TextInput
    code: str
    message: Any

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.message, code=self.code) from None


class IdField(_BoundedIntegerField):
    """A row id: a whole number from 1 to 2⁶³−1; `1.5`, `-3` or twenty digits are refused."""

    code = FilterError.BAD_ID
    message = _("编号须为 1 到 9223372036854775807 之间的整数。")

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class YearField(_BoundedIntegerField):
    """A calendar year from 1990 to 2100."""

    code = FilterError.BAD_YEAR
    message = _("年度须为 1990 到 2100 之间的整数。")

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)


class YesNoField(forms.NullBooleanField):
    """true/false (or 1/0); empty means not given; anything else is an error rather than ignored.
    A text widget hands the raw value over (the select widget would turn junk into "not given")."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "True", "true", "1"):
            return True
        if value in (False, "False", "false", "0"):
            return False
        raise forms.ValidationError(_("请填写 true 或 false。"), code=FilterError.BAD_BOOLEAN)

    def validate(self, value):
        pass


def _filter_exact(queryset: QuerySet, name: str, value: int) -> QuerySet:
    return queryset if value is None else queryset.filter(**{name: value})


class IdFilter(django_filters.NumberFilter):
    """`?unit=3`: rows whose `field_name` is that id."""

    field_class = IdField

    def __init__(self, *args, **kwargs):
        # A typed method also tells the OpenAPI generator that the parameter is an integer.
        kwargs.setdefault("method", _filter_exact)
        super().__init__(*args, **kwargs)


def _no_filter(queryset: QuerySet, name: str, value: int) -> QuerySet:
    return queryset


class YearFilter(django_filters.NumberFilter):
    """`?year=2026`. Without a `field_name` it filters nothing by itself: another filter reads the
    cleaned year (a letter's status is counted in a year)."""

    field_class = YearField

    def __init__(self, *args, **kwargs):
        if "field_name" not in kwargs:
            kwargs.setdefault("method", _no_filter)
        super().__init__(*args, **kwargs)


class BooleanFilter(django_filters.BooleanFilter):
    """`?open=true`: true/false or 1/0; junk is refused, not read as "not given"."""

    field_class = YesNoField


def _code_of(errors: dict[str, Any]) -> str:
    codes = {error.code for field_errors in errors.values() for error in field_errors}
    if len(codes) == 1 and (code := codes.pop()) in FilterError.values:
        return code
    return ValidationFailed.code


def raise_for_filter_errors(form: forms.Form) -> None:
    """The one answer to a query that a FilterSet's form refused."""
    errors = form.errors.as_data()
    raise ValidationFailed(
        "提交的数据有误，请检查标出的字段。",
        code=_code_of(errors),
        fields={
            name: [str(message) for error in errs for message in error.messages]
            for name, errs in errors.items()
        },
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend whose refusals carry the filters' codes (settings' REST_FRAMEWORK)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise_for_filter_errors(filterset.form)
        return filterset.qs


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """An ordering whose empty values go last in either direction, on every database: SQLite sorts
    NULL first when ascending and PostgreSQL last, so a list "by due time" opened on cases without
    one on SQLite. The primary key breaks ties, so pages do not overlap."""

    def get_ordering_value(self, param: str) -> OrderBy:
        descending = param.startswith("-")
        field = F(super().get_ordering_value(param).lstrip("-"))
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "pk")
