"""The command centre's wall screen (指挥中心大屏): today's counts, the cases open and overdue now,
this month's ranking of the handling units, the open cases per grid on the map and who is on duty.

The screen signs in with a revocable device token (`org.DeviceToken`, purpose `screen`) that an
administrator issues for one bureau (`issue_screen_token`, `chengguan screen_token`) and revokes in
the admin. The token is no one's session: it reads this screen of its bureau and nothing else (the
API's device authentication refuses it). Every figure comes from the stats app's own definitions.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from chengguan.cases.models import Case
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.core.replica import replica_reads
from chengguan.duty import selectors as duty_selectors
from chengguan.duty.models import Post
from chengguan.grids.api import outline_feature
from chengguan.grids.models import Grid
from chengguan.org import devices
from chengguan.org.models import DevicePurpose, DeviceToken, Organisation, OrgKind
from chengguan.org.permissions import can_administer
from chengguan.stats import indicators, rules, scores, selectors

# How many handling units the screen ranks, and how many people on duty it lists.
RANKED = 10
ON_DUTY = 14


def issue_screen_token(*, actor, bureau: Organisation, name: str) -> tuple[DeviceToken, str]:
    """A wall-screen token of `bureau`, issued by one of its administrators (or a superuser); the
    key is returned once, never stored (audited as every device token)."""
    can_administer.refuse(actor, bureau)
    return devices.issue(user=actor, name=name, purpose=DevicePurpose.SCREEN, bureau=bureau)


def screen_token(key: str) -> DeviceToken | None:
    """The live screen token of `key` (None: unknown, revoked, or its issuer's account disabled)."""
    if not key or len(key) > 200:
        return None
    row = devices.live_token(key, DevicePurpose.SCREEN)
    if row is None or row.bureau is None or row.bureau.kind != OrgKind.BUREAU:
        return None
    return row


def key_from_header(header: str) -> str:
    """The key of an `Authorization: Device <key>` header ('' for anything else)."""
    parts = (header or "").split()
    if len(parts) == 2 and parts[0].lower() == devices.KEYWORD.lower():
        return parts[1]
    return ""


def closed_between(bureau: Organisation, start: dt.datetime, end: dt.datetime) -> int:
    """结案数（当日）: the bureau's cases closed in `[start, end)`, spam excluded (by closing time,
    not the filed cohort of the evaluation)."""
    return Case.objects.filter(
        bureau=bureau, state=CaseState.CLOSED, is_spam=False, closed_at__gte=start, closed_at__lt=end
    ).count()


def _on_duty(token: DeviceToken, now: dt.datetime) -> list[dict]:
    """Who is on duty now in the token's bureau (the duty app's definition), leaders first."""
    order = {Post.LEADER: 0, Post.CHIEF: 1, Post.OFFICER: 2}
    rows = duty_selectors.on_duty_now(token.user, at=now).filter(shift__unit__bureau=token.bureau)
    people = sorted(rows, key=lambda a: (order.get(a.post, 9), a.shift.unit.path, a.pk))
    return [
        {
            "name": getattr(getattr(a.staff, "profile", None), "full_name", "") or a.staff.get_username(),
            "post": str(Post(a.post).label),
            "lead": a.post == Post.LEADER,
            "unit": a.shift.unit.name,
            "until": a.shift.ends_at.astimezone(clock.SHANGHAI).strftime("%H:%M"),
        }
        for a in people[:ON_DUTY]
    ]


WEEK_SERIES = ("reported", "filed", "closed")


def _last_week(ruleset, bureau: Organisation, today: dt.date, now: dt.datetime) -> dict:
    """The last seven days' reported, filed and closed (the evaluation's counts, by the day of their
    cohort: each count's own list of cases grouped by that day)."""
    first = today - dt.timedelta(days=6)
    days = [first + dt.timedelta(days=i) for i in range(7)]
    scope = indicators.Scope(bureau=bureau)
    series = {}
    for key in WEEK_SERIES:
        field = ruleset.cohorts[ruleset.find(key).cohort]["field"]
        cases = indicators.counted_cases(
            ruleset, "bureau", bureau.pk, key, first, today, scope=scope, now=now
        )
        per_day = {
            r["day"]: r["n"]
            for r in cases.annotate(day=TruncDate(field, tzinfo=clock.SHANGHAI))
            .values("day")
            .annotate(n=Count("pk"))
            .order_by()
        }
        series[key] = [per_day.get(d, 0) for d in days]
    names = ruleset.names()
    return {
        "days": [d.strftime("%m-%d") for d in days],
        "series": [{"key": k, "name": _(names[k]), "values": series[k]} for k in WEEK_SERIES],
    }


@replica_reads
def screen_data(token: DeviceToken, *, now: dt.datetime | None = None) -> dict:
    """Everything the screen shows, for the token's bureau only."""
    now = now or clock.now()
    bureau = token.bureau
    today = now.astimezone(clock.SHANGHAI).date()
    ruleset = rules.rules_for(bureau, on=today)
    scope = indicators.Scope(bureau=bureau)
    day = indicators.compute(ruleset, "bureau", today, today, scope=scope, now=now)
    day_values = day[0].values if day else {}
    start, end = clock.period_bounds(today, today)
    open_now = selectors.open_cases(bureau)
    month_first = today.replace(day=1)
    units = indicators.compute(ruleset, "unit", month_first, today, scope=scope, now=now)
    ranked = scores.score_rows(ruleset, "unit", units, month_first, today, scope=scope)[:RANKED]
    per_grid = {
        r["grid_id"]: r["n"]
        for r in open_now.exclude(grid=None).values("grid_id").annotate(n=Count("pk")).order_by()
    }
    overdue_grid = {
        r["grid_id"]: r["n"]
        for r in selectors.overdue(open_now, now)
        .exclude(grid=None)
        .values("grid_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {
        "bureau": bureau.name,
        "rule_version": ruleset.version,
        "now": now.astimezone(clock.SHANGHAI).isoformat(),
        "today": {
            "reported": day_values.get("reported", 0),
            "filed": day_values.get("filed", 0),
            "closed": closed_between(bureau, start, end),
        },
        "open": open_now.count(),
        "overdue": selectors.overdue(open_now, now).count(),
        "ranking": {
            "first": month_first.isoformat(),
            "last": today.isoformat(),
            "rows": [
                {"rank": s.rank, "name": s.row.name, "score": s.score, "filed": s.row.values.get("filed", 0)}
                for s in ranked
            ],
        },
        "week": _last_week(ruleset, bureau, today, now),
        "grids": {str(gid): {"open": n, "overdue": overdue_grid.get(gid, 0)} for gid, n in per_grid.items()},
        "on_duty": _on_duty(token, now),
    }


def screen_outlines(token: DeviceToken) -> dict:
    """The outlines of the bureau's grids (fetched once by the screen; the counts come every minute)."""
    grids = (
        Grid.objects.filter(subdistrict__bureau=token.bureau)
        .only("pk", "code", "subdistrict_id", "geometry")
        .order_by("code")
    )
    return {"type": "FeatureCollection", "features": [outline_feature(g) for g in grids]}


def screen_words() -> dict:
    """The screen's labels in the viewer's language (its script has none of its own)."""
    return {
        "reported": _("今日上报"),
        "filed": _("今日立案"),
        "closed": _("今日结案"),
        "open": _("在办案件"),
        "overdue": _("超期案件"),
        "ranking": _("本月处置单位综合得分排名"),
        "map": _("网格在办案件分布"),
        "onDuty": _("当前在岗值班人员"),
        "nobody": _("当前没有签到在岗的值班人员。"),
        "noRanking": _("本月还没有可排名的处置单位。"),
        "updated": _("更新于"),
        "stale": _("连接中断，显示的是 %(time)s 的数据"),
        "revoked": _("该大屏的令牌已注销或无效"),
        "revokedHelp": _("请联系本局管理员重新签发大屏令牌（chengguan screen_token）。"),
        "noKey": _("未提供大屏令牌"),
        "noKeyHelp": _("请用管理员签发的大屏链接打开本页（链接中“#key=”之后为令牌）。"),
        "score": _("综合得分"),
        "cases": _("件"),
        "openCases": _("在办"),
        "overdueCases": _("超期"),
        "until": _("至"),
        "rules": _("规则版本"),
        "week": _("近 7 日"),
    }
