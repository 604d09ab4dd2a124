"""Done when: a campaign's result figures equal a direct count of its tagged cases and penalty
cases, after some of those cases change state (no stored copy drifts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chengguan.campaigns import selectors, services
from chengguan.campaigns.models import CampaignCase, CampaignPenalty
from chengguan.cases.models import Case, CaseState
from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.enforcement.models import PenaltyCase
from chengguan.org.roles import RoleCode as R
from tests.campaigns.conftest import started
from tests.cases import conftest as case_fixtures
from tests.cases.flow import drive, report

AT = case_fixtures.QUIET_MOMENT
PARTY = {"kind": "person", "name": "张三", "id_number": "410102199003071230"}


def _direct(campaign) -> dict:
    case_ids = CampaignCase.objects.filter(campaign=campaign).values("case_id")
    penalty_ids = CampaignPenalty.objects.filter(campaign=campaign).values("penalty_id")
    cases = Case.objects.filter(pk__in=case_ids)
    penalties = PenaltyCase.objects.filter(pk__in=penalty_ids)
    decided = [p for p in penalties if p.decision_on]
    return {
        "found": cases.count(),
        "put_right": cases.filter(state=CaseState.CLOSED).count(),
        "penalties": penalties.count(),
        "fines_imposed": sum((p.fine_amount or Decimal(0) for p in decided), Decimal(0)),
        "fines_collected": sum(
            (p.fine_amount or Decimal(0) for p in decided if p.paid_on or p.collected_on_spot), Decimal(0)
        ),
    }


def _figures(campaign) -> dict:
    t = selectors.campaign_figures(campaign).total
    return {
        "found": t.found,
        "put_right": t.put_right,
        "penalties": t.penalties,
        "fines_imposed": t.fines_imposed,
        "fines_collected": t.fines_collected,
    }


def _operation(w, campaign):
    return services.operation_record(
        actor=w.users[R.SQUAD_LEADER],
        campaign=campaign,
        kind="inspection",
        starts_at=dt.datetime(2026, 9, 15, 9, 0, tzinfo=clock.SHANGHAI),
        ends_at=dt.datetime(2026, 9, 15, 11, 0, tzinfo=clock.SHANGHAI),
        place="建设路夜市",
        lon=w.d.point(0)[0],
        lat=w.d.point(0)[1],
        units=[w.d.squad, w.police],
        officers=[w.users[R.HANDLER]],
        participants=[{"name": "李四", "department": w.police, "cert_no": "J410102"}],
        findings="占道经营 3 处",
    )


def test_figures_equal_a_direct_count_after_cases_change_state(world):
    w, d = world, world.d
    with clock.pinned(AT):
        campaign = started(w)
        op = _operation(w, campaign)
        links = [
            services.operation_file_problem(
                actor=d.users[R.INSPECTOR],
                operation=op,
                source="patrol",
                category=d.hours_category,
                description=f"夜市摊点占道 {i}",
                lon=d.point(i)[0],
                lat=d.point(i)[1],
            )
            for i in range(3)
        ]
        penalty = services.operation_open_penalty(
            actor=d.users[R.HANDLER],
            operation=op,
            facts="占道经营拒不改正",
            parties=[PARTY],
            officers=[d.users[R.HANDLER], d.users[R.SQUAD_LEADER]],
        )
        # A case reported in the area outside any operation, attached in bulk (and only once).
        report(d, grid=1)
        report(d, grid=3)  # grid 4 is outside the campaign's area
        assert services.campaign_attach_cases(actor=d.users[R.SQUAD_LEADER], campaign=campaign) == 1
        assert services.campaign_attach_cases(actor=d.users[R.SQUAD_LEADER], campaign=campaign) == 0
        assert _figures(campaign) == _direct(campaign)
        assert _figures(campaign)["found"] == 4 and _figures(campaign)["put_right"] == 0
        assert penalty.operation_id == op.pk

        # Cases move on in the cases app; the campaign's figures follow without any write here.
        drive(d, CaseState.CLOSED, case=links[0].case)
        drive(d, CaseState.CLOSED, case=links[1].case)
        drive(d, CaseState.IN_HANDLING, case=links[2].case)
        PenaltyCase.objects.filter(pk=penalty.penalty_id).update(
            fine_amount=Decimal("500"), decision_on=dt.date(2026, 9, 20), paid_on=dt.date(2026, 9, 25)
        )
        events = AuditEvent.objects.count()
        figures = _figures(campaign)
        assert AuditEvent.objects.count() == events  # reading writes nothing
    assert figures == _direct(campaign)
    assert figures["put_right"] == 2
    assert figures["fines_imposed"] == figures["fines_collected"] == Decimal("500")
    by_unit = dict(selectors.campaign_figures(campaign).by_unit)
    assert sum(f.found for f in by_unit.values()) == 4
    by_grid = dict(selectors.campaign_figures(campaign).by_grid)
    assert sum(f.found for f in by_grid.values()) == 4
    goals = {g["goal"].metric: g["achieved"] for g in selectors.campaign_figures(campaign).goals}
    assert goals == {"found": 4, "put_right": 2}


def test_the_campaign_page_shows_the_same_figures(world, client):
    w, d = world, world.d
    with clock.pinned(AT):
        campaign = started(w)
        op = _operation(w, campaign)
        services.operation_file_problem(
            actor=d.users[R.INSPECTOR],
            operation=op,
            source="patrol",
            category=d.hours_category,
            description="占道",
            lon=d.point(0)[0],
            lat=d.point(0)[1],
        )
        client.force_login(d.users[R.LEADER])
        html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="fig-found">1<' in html
    assert 'data-testid="fig-put-right">0<' in html
