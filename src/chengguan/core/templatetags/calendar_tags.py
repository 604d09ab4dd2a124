"""`{{ due|calendar_warning }}` after a deadline shown on a page: a warning when it falls in a year
without an official holiday table, whose working days are counted Monday–Friday (core.calendar)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from chengguan.core import calendar, clock

register = template.Library()


@register.filter
def calendar_warning(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return ""
    day = moment.astimezone(clock.SHANGHAI).date() if isinstance(moment, dt.datetime) else moment
    if calendar.has_official_table(day.year):
        return ""
    title = _(
        "%(year)s 年尚无国务院节假日安排表：此期限暂按周一至周五计算工作日，公布后请管理员补充该年度。"
    ) % {"year": day.year}
    return format_html(
        '<span class="calendar-warning" title="{}" data-testid="calendar-warning">⚠ {}</span>',
        title,
        _("%(year)s 年节假日未公布") % {"year": day.year},
    )
