"""Every error code the figures (统计) raise, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class FiguresError(ErrorCodes):
    BAD_DATE = "figures.bad_date", "日期格式应为 YYYY-MM-DD。"
    BAD_PERIOD = "figures.bad_period", "截止日不能早于起始日。"
    BAD_BUREAU = "figures.bad_bureau", "没有这个局，或您无权查看它的指标。"
