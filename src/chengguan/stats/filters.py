"""The query parameters of the evaluation (API, page and CLI): the period, the level, the bureau."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.core.filters import IdFilter
from chengguan.stats.errors import FiguresError
from chengguan.stats.indicators import LEVELS

LEVEL_CHOICES = [
    ("bureau", _("局")),
    ("subdistrict", _("街道")),
    ("community", _("社区")),
    ("grid", _("网格")),
    ("unit", _("处置单位")),
    ("staff", _("监督员")),
    ("operator", _("受理员")),
    ("dispatcher", _("派遣员")),
]
assert [c for c, _label in LEVEL_CHOICES] == list(LEVELS)


class DayField(forms.DateField):
    """A Shanghai calendar day written YYYY-MM-DD; anything else is refused with `figures.bad_date`."""

    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(_("日期格式应为 YYYY-MM-DD。"), code=FiguresError.BAD_DATE) from None


class DayFilter(django_filters.DateFilter):
    field_class = DayField


# The parameters choose what is computed and filter no list; the typed methods tell the OpenAPI
# generator each parameter's type.
def _a_day(queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
    return queryset


def _a_level(queryset: QuerySet, name: str, value: str) -> QuerySet:
    return queryset


def _an_id(queryset: QuerySet, name: str, value: int) -> QuerySet:
    return queryset


class IndicatorQuery(django_filters.FilterSet):
    """`?from=2026-09-01&to=2026-09-30&level=grid[&bureau=<id>]`; the period defaults to this month
    so far, the level to the bureau."""

    from_ = DayFilter(
        field_name="from",
        label=_("起始日"),
        method=_a_day,
        help_text="起始日（含），YYYY-MM-DD；缺省为本月1日",
    )
    to = DayFilter(label=_("截止日"), method=_a_day, help_text="截止日（含），YYYY-MM-DD；缺省为今天")
    level = django_filters.ChoiceFilter(
        choices=LEVEL_CHOICES,
        method=_a_level,
        help_text="层级：局、街道、社区、网格、处置单位、监督员、受理员（含值班长）、派遣员",
    )
    bureau = IdFilter(method=_an_id, help_text="局的编号（市级领导、超级用户选择；缺省为本人所在局）")

    class Meta:
        model = Case  # the parameters filter no rows; django-filter wants a model all the same
        fields: list[str] = []

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        first = filters.pop("from_")  # `from` is a Python keyword
        return type(filters)([("from", first), *filters.items()])


def _refuse(form: forms.Form) -> None:
    errors = form.errors.as_data()
    codes = {e.code for errs in errors.values() for e in errs}
    code = codes.pop() if len(codes) == 1 and FiguresError.BAD_DATE in codes else ValidationFailed.code
    raise ValidationFailed(
        "提交的数据有误，请检查标出的字段。",
        code=code,
        fields={name: [str(m) for e in errs for m in e.messages] for name, errs in errors.items()},
    )


def parse(params) -> dict:
    """The cleaned query: `first`, `last`, `level` and `bureau` (an id or None); 400 otherwise."""
    query = IndicatorQuery(params)
    if not query.form.is_valid():
        _refuse(query.form)
    data = query.form.cleaned_data
    today = clock.today()
    first: dt.date = data.get("from") or today.replace(day=1)
    last: dt.date = data.get("to") or today
    if last < first:
        raise ValidationFailed(
            "截止日不能早于起始日。", code=FiguresError.BAD_PERIOD, fields={"to": ["不能早于起始日"]}
        )
    return {
        "first": first,
        "last": last,
        "level": data.get("level") or "bureau",
        "bureau": data.get("bureau"),
    }
