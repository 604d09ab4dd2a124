"""`chengguan duty roster --unit UNIT --month YYYY-MM [--out FILE.xlsx]` prints (or exports) a unit's
roster, for filing upward (节假日值班报备); `chengguan duty escalate` escalates the overdue 督察
rectifications now (the same work as the daily job); `chengguan duty purge-tracks` deletes the track
points past the retention period now; `chengguan duty meetings` plans the Monday meetings and reminds
the assignees of overdue action items now; `chengguan duty notices` escalates the unread and
unanswered major-matter notices now."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from chengguan.duty import rosters, selectors
from chengguan.duty.models import DayKind, Post
from chengguan.org.models import Organisation
from chengguan.org.system import system_actor


class Command(BaseCommand):
    help = "值班：打印或导出值班表；督察整改超期升级。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        roster = sub.add_parser("roster", help="打印或导出一个单位某月的值班表")
        roster.add_argument("--unit", required=True, help="单位代码、名称或编号")
        roster.add_argument("--month", required=True, help="YYYY-MM")
        roster.add_argument("--holidays-only", action="store_true", help="只列法定节假日（节假日值班报备）")
        roster.add_argument("--out", help="导出 Excel（.xlsx）或可打印的 PDF（.pdf）文件")
        sub.add_parser("escalate", help="督察整改超期升级（与每日定时任务相同）")
        sub.add_parser(
            "meetings", help="安排本周和下周的周一例会，提醒逾期的会议交办事项（与每日定时任务相同）"
        )
        sub.add_parser("notices", help="重大事项通报未阅知、未回复升级（与定时任务相同）")
        sub.add_parser("purge-tracks", help="删除超过保存期限的巡查轨迹点（与每日定时任务相同）")

    def handle(self, *args, action: str, **o):
        if action == "escalate":
            from chengguan.core import clock
            from chengguan.duty.scheduled import findings_overdue

            result = findings_overdue(clock.now())
            self.stdout.write(f"升级 {result['escalated']} 件")
            return
        if action == "meetings":
            from chengguan.core import clock
            from chengguan.duty.scheduled import monday_meetings

            result = monday_meetings(clock.now())
            self.stdout.write(f"安排例会 {result['planned']} 次，提醒逾期事项 {result['reminded']} 件")
            return
        if action == "notices":
            from chengguan.core import clock
            from chengguan.duty.scheduled import notices_escalate

            result = notices_escalate(clock.now())
            self.stdout.write(f"升级 {result['escalated']} 次")
            return
        if action == "purge-tracks":
            from chengguan.core import clock
            from chengguan.duty.scheduled import tracks_purge

            result = tracks_purge(clock.now())
            self.stdout.write(f"删除 {result['purged']} 次巡查的轨迹点")
            return
        unit = self._unit(o["unit"])
        try:
            month = dt.datetime.strptime(o["month"], "%Y-%m").date()
        except ValueError:
            raise CommandError("--month 应为 YYYY-MM") from None
        days = rosters.month_days(month)
        rows = []
        actor = system_actor(unit.bureau)
        for start in range(0, len(days), 7):
            for day in selectors.week(actor, unit, days[start]):
                if day.day.month != month.month or (o["holidays_only"] and day.kind != DayKind.HOLIDAY):
                    continue
                for row in day.shifts:
                    people = {p: [] for p in Post.values}
                    for a in row.assignments:
                        if not a.on_leave:
                            people[a.post].append(a.staff.profile.full_name)
                    rows.append(
                        [
                            day.day.isoformat(),
                            day.kind_label,
                            row.shift.name,
                            f"{row.shift.starts_at:%H:%M}–{row.shift.ends_at:%H:%M}",
                            *("、".join(people[p]) for p in Post.values),
                            "；".join(f"{Post(p).label}缺{n}" for p, n in row.gaps.items()),
                        ]
                    )
        header = ["日期", "日期类型", "班次", "时间", *(str(p.label) for p in Post), "缺岗"]
        if o["out"] and o["out"].lower().endswith(".pdf"):
            from chengguan.duty import roster_pdf

            roster_pdf.write(o["out"], f"{unit.name} {month:%Y年%m月}值班表", header, rows)
            self.stdout.write(f"已导出 {len(rows)} 个班次：{o['out']}")
            return
        if o["out"]:
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = f"{month:%Y-%m}"
            ws.append([f"{unit.name} {month:%Y年%m月}值班表"])
            ws.append(header)
            for r in rows:
                ws.append(r)
            wb.save(o["out"])
            self.stdout.write(f"已导出 {len(rows)} 个班次：{o['out']}")
            return
        self.stdout.write(f"{unit.name} {month:%Y-%m} 值班表")
        self.stdout.write("\t".join(header))
        for r in rows:
            self.stdout.write("\t".join(r))

    def _unit(self, text: str) -> Organisation:
        query = Q(code=text) | Q(name=text) | Q(short_name=text)
        if text.isdigit():
            query |= Q(pk=int(text))
        found = list(Organisation.objects.filter(query)[:2])
        if len(found) != 1:
            raise CommandError(f"找不到唯一的单位：{text}")
        return found[0]
