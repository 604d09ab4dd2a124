"""The reports a campaign sends upward, generated from its data: the weekly or daily progress report
(one template: the figures, a table per unit, the highlights of the period) as Excel and PDF, and
the closing summary (总结) as a PDF with charts. Every figure is `selectors.campaign_figures`, the
same the campaign page shows."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from reportlab.lib.colors import Color

from chengguan.campaigns import selectors
from chengguan.campaigns.models import Campaign, TaskKind, TaskReport
from chengguan.core import clock
from chengguan.core.pdf import BLACK, GREY, MARGIN_X, WIDTH, OfficialDocument, cn_date, wrap

BLUE = Color(0.16, 0.38, 0.66)
LIGHT = Color(0.85, 0.89, 0.95)
GREEN = Color(0.22, 0.56, 0.33)
HEADER_FILL = Color(0.93, 0.93, 0.93)

UNIT_HEADER = ("单位", "发现问题", "整改到位", "立案处罚", "罚款（元）", "任务", "已完成", "超期")


@dataclass
class UnitRow:
    name: str
    found: int
    put_right: int
    penalties: int
    fines: Decimal
    tasks: int
    done: int
    overdue: int

    def cells(self) -> tuple[str, ...]:
        return (
            self.name,
            str(self.found),
            str(self.put_right),
            str(self.penalties),
            money(self.fines),
            str(self.tasks),
            str(self.done),
            str(self.overdue),
        )


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def num(value) -> str:
    """A figure without trailing zeros (10, 12.5)."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def week_of(today: dt.date) -> tuple[dt.date, dt.date]:
    start = today - dt.timedelta(days=today.weekday())
    return start, start + dt.timedelta(days=6)


# The periods of a progress report: the week (Monday to Sunday) or the day `today` falls in.
PERIODS = {"week": ("周报", "本周"), "day": ("日报", "本日")}


def period_of(today: dt.date, period: str) -> tuple[dt.date, dt.date]:
    if period not in PERIODS:
        raise ValueError(period)
    return week_of(today) if period == "week" else (today, today)


def period_label(first: dt.date, last: dt.date) -> str:
    return cn_date(first) if first == last else f"{cn_date(first)}至{last.month}月{last.day}日"


def operations_in(campaign: Campaign, first: dt.date, last: dt.date) -> int:
    """The joint operations begun on a day of `[first, last]` (Beijing time)."""
    start, end = clock.period_bounds(first, last)
    return campaign.operations.filter(starts_at__gte=start, starts_at__lt=end).count()


def unit_rows(campaign: Campaign, figures: selectors.CampaignFigures, today: dt.date) -> list[UnitRow]:
    """One row per unit or partner: the results it found and the state of its tasks."""
    by_name = {name: f for name, f in figures.by_unit}
    tasks = list(campaign.tasks.filter(kind=TaskKind.TASK).select_related("assignee"))
    names = list(dict.fromkeys([*(t.assignee.name for t in tasks if t.assignee), *by_name]))
    rows = []
    for name in names:
        f = by_name.get(name) or selectors.Figures()
        mine = [t for t in tasks if t.assignee and t.assignee.name == name]
        rows.append(
            UnitRow(
                name=name,
                found=f.found,
                put_right=f.put_right,
                penalties=f.penalties,
                fines=f.fines_imposed,
                tasks=len(mine),
                done=sum(1 for t in mine if t.completed_at),
                overdue=sum(1 for t in mine if not t.completed_at and t.due_on and t.due_on < today),
            )
        )
    return rows


def highlights(campaign: Campaign, first: dt.date, last: dt.date, limit: int = 6) -> list[str]:
    """What happened in the week: the joint operations and the progress reports, newest first."""
    start, end = clock.period_bounds(first, last)
    lines = []
    for op in campaign.operations.filter(starts_at__gte=start, starts_at__lt=end).order_by("-starts_at")[
        :limit
    ]:
        local = op.starts_at.astimezone(clock.SHANGHAI)
        lines.append(
            f"{local.month}月{local.day}日在{op.place}开展{op.get_kind_display()}。{op.findings}".strip()
        )
    reports = (
        TaskReport.objects.filter(task__campaign=campaign, reported_at__gte=start, reported_at__lt=end)
        .select_related("task__assignee")
        .order_by("-reported_at")[:limit]
    )
    for r in reports:
        who = r.task.assignee.name if r.task.assignee else ""
        lines.append(f"{who}（{r.task.title}）：{r.text}")
    return lines[:limit]


def _headline(campaign: Campaign, figures: selectors.CampaignFigures) -> list[tuple[str, str]]:
    t = figures.total
    rate = f"{t.put_right_rate}%" if t.put_right_rate is not None else "—"
    return [
        ("发现问题", f"{t.found} 件"),
        ("整改到位", f"{t.put_right} 件（整改率 {rate}）"),
        ("立案处罚", f"{t.penalties} 件"),
        ("罚款", f"作出 {money(t.fines_imposed)} 元，已收缴 {money(t.fines_collected)} 元"),
    ]


def _period(campaign: Campaign) -> str:
    return f"{cn_date(campaign.starts_on)}至{cn_date(campaign.ends_on)}"


# -- PDF --------------------------------------------------------------------------------------------


class CampaignDocument(OfficialDocument):
    """An official document with a compact data table and bar charts (for reports, not forms)."""

    def data_table(
        self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...]
    ) -> None:
        cols = [w * WIDTH for w in widths]
        size, line_h = 9.5, 13.0
        c = self.canvas
        for k, row in enumerate([header, *rows]):
            cells = [wrap(text, self.font, size, w - 6) for text, w in zip(row, cols, strict=True)]
            height = max(len(lines) for lines in cells) * line_h + 8
            self._need(height)
            top, x = self.y + line_h, MARGIN_X
            if k == 0:
                c.setFillColor(HEADER_FILL)
                c.rect(MARGIN_X, top - height, WIDTH, height, stroke=0, fill=1)
            c.setStrokeColor(BLACK)
            c.setLineWidth(0.5)
            for n_col, (lines, w) in enumerate(zip(cells, cols, strict=True)):
                c.rect(x, top - height, w, height)
                for n, line in enumerate(lines):
                    if n_col == 0:
                        self._text(x + 3, top - 12 - n * line_h, line, size, bold=k == 0)
                    else:
                        self._text(x + w / 2, top - 12 - n * line_h, line, size, align="centre", bold=k == 0)
                x += w
            self.y -= height
        self.y -= 12

    def bar_chart(self, title: str, bars: list[tuple[str, float, float | None]], *, unit: str = "") -> None:
        """Horizontal bars: (label, value, target or None); a target draws a light bar behind."""
        if not bars:
            return
        row_h, label_w = 20.0, 130.0
        height = 36 + row_h * len(bars) + 10
        self._need(height)
        self.y -= 10
        self._text(MARGIN_X, self.y, title, 11, bold=True)
        self.y -= 20
        top = max([v for _, v, _ in bars] + [t or 0 for _, _, t in bars] + [1])
        span = WIDTH - label_w - 70
        c = self.canvas
        for label, value, target in bars:
            y = self.y - row_h + 6
            self._text(MARGIN_X, y + 4, label[:12], 9.5)
            if target:
                c.setFillColor(LIGHT)
                c.rect(MARGIN_X + label_w, y, span * target / top, 12, stroke=0, fill=1)
            c.setFillColor(GREEN if target and value >= target else BLUE)
            c.rect(MARGIN_X + label_w, y, max(1.0, span * value / top), 12, stroke=0, fill=1)
            text = f"{value:g}" + (f" / {target:g}" if target else "") + unit
            self._text(
                MARGIN_X + label_w + span * max(value, target or 0) / top + 6, y + 3, text, 9, colour=GREY
            )
            self.y -= row_h
        self.y -= 12

    def footnote(self, text: str) -> None:
        for line in wrap(text, self.font, 9, WIDTH):
            self._need(14)
            self._text(MARGIN_X, self.y, line, 9, colour=GREY)
            self.y -= 14

    def finish(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()


def _authority(campaign: Campaign) -> str:
    return campaign.bureau.name


def progress_pdf(campaign: Campaign, *, today: dt.date, period: str = "week") -> bytes:
    """The weekly (`period="week"`) or daily (`"day"`) progress report: the figures to date, the
    goals, a table per unit and the highlights of the period."""
    first, last = period_of(today, period)
    name, this = PERIODS[period]
    figures = selectors.campaign_figures(campaign)
    doc = CampaignDocument(
        authority=_authority(campaign),
        title=f"{campaign.name}工作{name}",
        number=period_label(first, last),
    )
    doc.paragraph(
        f"{campaign.name}（{campaign.kind.name}，{_period(campaign)}）由{campaign.lead_unit.name}牵头，"
        f"当前状态：{campaign.get_state_display()}。"
        f"{this}开展联合行动 {operations_in(campaign, first, last)} 次。"
        f"截至{cn_date(today)}，工作进展如下。"
    )
    doc.heading("一、主要数据")
    doc.fields(_headline(campaign, figures))
    if figures.goals:
        doc.heading("二、目标完成情况")
        doc.data_table(
            ("目标", "目标值", "完成", "完成率"),
            [
                (g["goal"].name, num(g["goal"].target), num(g["achieved"]), f"{g['percent']}%")
                for g in figures.goals
            ],
            (0.46, 0.18, 0.18, 0.18),
        )
    doc.heading("三、各单位进展" if figures.goals else "二、各单位进展")
    rows = unit_rows(campaign, figures, today)
    doc.data_table(
        UNIT_HEADER, [r.cells() for r in rows] or [("—",) * 8], (0.26, 0.1, 0.1, 0.1, 0.14, 0.1, 0.1, 0.1)
    )
    doc.heading("四、工作亮点" if figures.goals else "三、工作亮点")
    lines = highlights(campaign, first, last)
    for n, line in enumerate(lines or [f"{this}无新的行动和进度报告。"], start=1):
        doc.paragraph(f"{n}. {line}", indent=False)
    doc.footnote("数据由数字城管和行政处罚案件实时统计：整改到位为已结案的案件，罚款为已作出处罚决定的金额。")
    doc.seal(_authority(campaign), today)
    return doc.finish()


def weekly_pdf(campaign: Campaign, *, today: dt.date) -> bytes:
    return progress_pdf(campaign, today=today, period="week")


def daily_pdf(campaign: Campaign, *, today: dt.date) -> bytes:
    return progress_pdf(campaign, today=today, period="day")


def summary_pdf(campaign: Campaign) -> bytes:
    figures = selectors.campaign_figures(campaign)
    today = campaign.closed_at.astimezone(clock.SHANGHAI).date() if campaign.closed_at else clock.today()
    doc = CampaignDocument(authority=_authority(campaign), title=f"{campaign.name}工作总结")
    doc.paragraph(
        f"按照行动方案，{campaign.lead_unit.name}牵头于{_period(campaign)}开展{campaign.name}。"
        f"共组织联合行动 {campaign.operations.count()} 次，参与协作部门 {campaign.partners.count()} 个。"
    )
    doc.heading("一、行动成效")
    doc.fields(_headline(campaign, figures))
    doc.bar_chart(
        "图1 目标完成情况（完成 / 目标）",
        [(g["goal"].name, float(g["achieved"]), float(g["goal"].target)) for g in figures.goals],
    )
    doc.bar_chart(
        "图2 各单位发现问题数",
        [(name, float(f.found), None) for name, f in figures.by_unit if f.found][:12],
        unit=" 件",
    )
    doc.heading("二、各单位情况")
    rows = unit_rows(campaign, figures, today)
    doc.data_table(
        UNIT_HEADER, [r.cells() for r in rows] or [("—",) * 8], (0.26, 0.1, 0.1, 0.1, 0.14, 0.1, 0.1, 0.1)
    )
    doc.heading("三、工作总结")
    for part in (campaign.summary or "（总结待填写）").splitlines():
        if part.strip():
            doc.paragraph(part.strip())
    doc.seal(_authority(campaign), today)
    return doc.finish()


# -- Excel ------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def progress_xlsx(campaign: Campaign, *, today: dt.date, period: str = "week") -> bytes:
    """The progress report as a workbook: the same figures, rows and highlights as the PDF."""
    first, last = period_of(today, period)
    name, this = PERIODS[period]
    figures = selectors.campaign_figures(campaign)
    wb = Workbook()
    ws = wb.active
    ws.title = name
    span = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
    ws.append([f"{campaign.name}工作{name}（{span}）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [
            f"{_authority(campaign)} · 牵头单位：{campaign.lead_unit.name}"
            f" · 状态：{campaign.get_state_display()}"
        ]
    )
    ws.append([])
    ws.append(["主要数据"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    t = figures.total
    for label, value in (
        ("发现问题（件）", t.found),
        ("整改到位（件）", t.put_right),
        ("立案处罚（件）", t.penalties),
        ("作出罚款（元）", float(t.fines_imposed)),
        ("已收缴罚款（元）", float(t.fines_collected)),
        (f"{this}联合行动（次）", operations_in(campaign, first, last)),
    ):
        ws.append([label, value])
    ws.append([])
    ws.append(["各单位进展"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append(list(UNIT_HEADER))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
    for r in unit_rows(campaign, figures, today):
        ws.append([r.name, r.found, r.put_right, r.penalties, float(r.fines), r.tasks, r.done, r.overdue])
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=len(UNIT_HEADER)):
        for cell in row:
            cell.border = _BOX
    ws.append([])
    ws.append(["工作亮点"])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for n, line in enumerate(highlights(campaign, first, last), start=1):
        ws.append([f"{n}. {line}"])
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=False)
    ws.column_dimensions["A"].width = 30
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def weekly_xlsx(campaign: Campaign, *, today: dt.date) -> bytes:
    return progress_xlsx(campaign, today=today, period="week")


def daily_xlsx(campaign: Campaign, *, today: dt.date) -> bytes:
    return progress_xlsx(campaign, today=today, period="day")


__all__ = [
    "daily_pdf",
    "daily_xlsx",
    "progress_pdf",
    "progress_xlsx",
    "summary_pdf",
    "weekly_pdf",
    "weekly_xlsx",
]
