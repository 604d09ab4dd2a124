"""The task tree, deadlines on the China calendar, progress reports, overdue tasks in the inbox, and
the done-when test: a partner department's login sees and reports on its own tasks only."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.campaigns import selectors, services
from chengguan.campaigns.models import TaskReport
from chengguan.core import calendar, clock
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.notifications.models import Notification
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests.campaigns.conftest import started
from tests.cases import conftest as case_fixtures
from tests.cases.media import jpeg_upload

AT = case_fixtures.QUIET_MOMENT  # Tuesday 2026-09-15


def _tree(w, campaign):
    lead = w.users[R.SQUAD_LEADER]
    phase = services.task_add(actor=lead, campaign=campaign, kind="phase", title="集中整治阶段")
    police = services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="配合清理占道摊点",
        parent=phase,
        assignee=w.police,
        working_days=3,
        target=20,
    )
    market = services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="核查无证经营",
        parent=phase,
        assignee=w.market,
        due_on=dt.date(2026, 10, 3),
    )
    squad = services.task_add(
        actor=lead,
        campaign=campaign,
        kind="task",
        title="每日巡查",
        parent=phase,
        assignee=w.d.squad,
        due_on=dt.date(2026, 9, 14),
    )
    return phase, police, market, squad


def test_deadlines_are_counted_on_the_china_calendar(world):
    with clock.pinned(AT):
        _phase, police, market, _squad = _tree(world, started(world))
    assert police.due_on == dt.date(2026, 9, 18)  # three working days after Tuesday 15 September
    # 3 October is in the National Day holiday: the deadline rolls to the first working day after it.
    assert market.due_on > dt.date(2026, 10, 7) and calendar.is_working_day(market.due_on)
    assert market.due_on == calendar.working_day_on_or_after(dt.date(2026, 10, 3))


def test_a_task_goes_only_to_a_unit_or_partner_of_the_campaign(world):
    with clock.pinned(AT):
        campaign = started(world)
        phase = services.task_add(
            actor=world.users[R.SQUAD_LEADER], campaign=campaign, kind="phase", title="阶段"
        )
        with pytest.raises(ValidationFailed) as exc:
            services.task_add(
                actor=world.users[R.SQUAD_LEADER],
                campaign=campaign,
                kind="task",
                title="x",
                parent=phase,
                assignee=world.court,
            )
    assert "assignee" in exc.value.fields


def test_a_partner_login_sees_and_reports_on_its_own_tasks_only(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    w = world
    with clock.pinned(AT):
        campaign = started(w)
        _phase, police, market, squad = _tree(w, campaign)
        client.force_login(w.police_contact)
        page = client.get("/campaigns/tasks/").content.decode()
        assert f'data-testid="task-{police.pk}"' in page
        assert f'data-testid="task-{market.pk}"' not in page
        assert f'data-testid="task-{squad.pk}"' not in page
        assert client.get(f"/campaigns/tasks/{police.pk}/").status_code == 200
        assert client.get(f"/campaigns/tasks/{market.pk}/").status_code == 404
        assert client.get(f"/campaigns/tasks/{squad.pk}/").status_code == 404
        # The rest of the bureau's pages are not for a partner's login.
        assert client.get("/campaigns/").status_code == 403
        assert client.get(f"/campaigns/{campaign.pk}/").status_code == 403
        assert client.get("/cases/").status_code == 403

        ok = client.post(
            f"/campaigns/tasks/{police.pk}/report/",
            {"text": "出动警力 6 人，清理摊点 8 处", "figure": "8", "photos": [jpeg_upload()]},
        )
        assert ok.status_code == 302
        refused = client.post(f"/campaigns/tasks/{market.pk}/report/", {"text": "越权填报", "figure": "1"})
        assert refused.status_code == 404

        api = client.get("/api/v1/campaigns/tasks/").json()
        rows = api["results"] if isinstance(api, dict) else api
        assert {row["id"] for row in rows} == {police.pk}
        assert (
            client.post(
                f"/api/v1/campaigns/tasks/{market.pk}/reports/",
                {"text": "x"},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert client.get("/api/v1/campaigns/campaigns/").json() in (
            [],
            {"count": 0, "next": None, "previous": None, "results": []},
        )
        mine = client.post(
            f"/api/v1/campaigns/tasks/{police.pk}/reports/",
            {"text": "再清理 4 处", "figure": "4"},
            content_type="application/json",
        )
        assert mine.status_code == 201, mine.content
    reports = TaskReport.objects.filter(task__campaign=campaign)
    assert [(r.task_id, r.figure) for r in reports] == [(police.pk, 8), (police.pk, 4)]
    assert reports[0].photos.count() == 1
    assert selectors.task_reported(police) == 12
    # The service refuses the other partner's task too (not only the pages).
    with clock.pinned(AT), pytest.raises(PermissionDenied):
        services.task_report(actor=w.police_contact, task=market, text="x")


def test_a_unit_reports_on_its_task_and_another_unit_may_not(world):
    w = world
    with clock.pinned(AT):
        _phase, police, _market, squad = _tree(w, started(w))
        services.task_report(
            actor=w.users[R.HANDLER], task=squad, text="巡查 12 条道路", figure=12, completes=True
        )
        with pytest.raises(PermissionDenied):
            services.task_report(actor=w.users["other_handler"], task=squad, text="x")
        with pytest.raises(PermissionDenied):
            services.task_report(actor=w.users[R.HANDLER], task=police, text="x")
    squad.refresh_from_db()
    assert squad.completed_at is not None


def test_overdue_tasks_are_in_the_assignees_inbox(world, client):
    w = world
    with clock.pinned(AT):
        _phase, police, _market, squad = _tree(w, started(w))
        assert list(selectors.overdue_tasks(w.users[R.HANDLER])) == [squad]
        assert list(selectors.overdue_tasks(w.police_contact)) == []
        client.force_login(w.users[R.HANDLER])
        html = client.get("/campaigns/tasks/").content.decode()
        assert 'data-badge="campaign-tasks"' in html and 'data-testid="overdue"' in html
        assert client.get("/nav/badges/").json()["badges"]["campaign-tasks"]["count"] == 1
        told = services.tasks_remind_overdue(actor=system_actor(w.d.bureau), bureau=w.d.bureau)
        again = services.tasks_remind_overdue(actor=system_actor(w.d.bureau), bureau=w.d.bureau)
    assert told == 1 and again == 0
    notes = Notification.objects.filter(message="campaigns.task_overdue")
    assert w.users[R.HANDLER].pk in set(notes.values_list("recipient_id", flat=True))
    with clock.pinned(dt.datetime(2026, 9, 21, 9, tzinfo=clock.SHANGHAI)):
        assert police in selectors.overdue_tasks(w.police_contact)
