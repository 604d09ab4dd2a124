"""The bureau's special-action figures (stats.campaign_figures): campaigns held and closed in the
period, their joint operations, problems found and put right, penalty cases and fines — equal to a
direct count of the linked cases after those cases change state, equal to each campaign's own page,
on the /stats/ page and /api/v1/stats/campaigns/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chengguan.campaigns import selectors as campaign_selectors
from chengguan.campaigns import services
from chengguan.campaigns.models import Campaign, CampaignCase, CampaignPenalty
from chengguan.cases.models import Case, CaseState
from chengguan.core import clock
from chengguan.enforcement.models import PenaltyCase
from chengguan.org.roles import RoleCode as R
from chengguan.stats import campaign_figures
from tests.campaigns.conftest import build_world, new_campaign, started
from tests.cases import conftest as case_fixtures
from tests.cases.flow import drive

AT = case_fixtures.QUIET_MOMENT  # in September 2026
PARTY = {"kind": "person", "name": "张三", "id_number": "410102199003071230"}
SEPT = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def _direct(campaigns) -> dict:
    """The figures counted straight from the cases and penalty cases, without the campaigns app."""
    cases = Case.objects.filter(pk__in=CampaignCase.objects.filter(campaign__in=campaigns).values("case_id"))
    penalties = PenaltyCase.objects.filter(
        pk__in=CampaignPenalty.objects.filter(campaign__in=campaigns).values("penalty_id")
    )
    decided = [p for p in penalties if p.decision_on]
    return {
        "found": cases.count(),
        "put_right": cases.filter(state=CaseState.CLOSED).count(),
        "penalties": penalties.count(),
        "fines_imposed": sum((p.fine_amount or 0 for p in decided), Decimal(0)),
        "fines_collected": sum(
            (p.fine_amount or 0 for p in decided if p.paid_on or p.collected_on_spot), Decimal(0)
        ),
    }


def _stats(f) -> dict:
    return {k: getattr(f, k) for k in ("found", "put_right", "penalties", "fines_imposed", "fines_collected")}


def _operation(w, campaign, day: int):
    return services.operation_record(
        actor=w.users[R.SQUAD_LEADER],
        campaign=campaign,
        kind="inspection",
        starts_at=dt.datetime(2026, 9, day, 9, tzinfo=clock.SHANGHAI),
        ends_at=dt.datetime(2026, 9, day, 11, tzinfo=clock.SHANGHAI),
        place="建设路夜市",
        participants=[{"name": "李四", "department": w.police, "cert_no": "J1"}],
    )


def _problem(w, op, i: int):
    d = w.d
    return services.operation_file_problem(
        actor=d.users[R.INSPECTOR],
        operation=op,
        source="patrol",
        category=d.hours_category,
        description=f"夜市摊点占道 {i}",
        lon=d.point(i)[0],
        lat=d.point(i)[1],
    )


def _busy_bureau(district):
    """A running campaign with three problems and a penalty case, a second one closed in September
    sharing one of those cases, one planned and one cancelled (neither held)."""
    w = build_world(district)
    d, lead = district, district.users[R.SQUAD_LEADER]
    running = started(w)
    op = _operation(w, running, 15)
    links = [_problem(w, op, i) for i in range(3)]
    penalty = services.operation_open_penalty(
        actor=d.users[R.HANDLER],
        operation=op,
        facts="占道经营拒不改正",
        parties=[PARTY],
        officers=[d.users[R.HANDLER], lead],
    )
    closed = started(w, name="油烟专项整治", starts_on=dt.date(2026, 8, 1), ends_on=dt.date(2026, 9, 20))
    _operation(w, closed, 2)
    services.campaign_attach_cases(actor=lead, campaign=closed)  # takes in the running one's cases
    services.campaign_transition(actor=lead, campaign=closed, action="begin_closing")
    services.campaign_transition(actor=lead, campaign=closed, action="close", summary="完成。")
    new_campaign(w, name="户外广告专项整治")  # planned: not held
    cancelled = new_campaign(w, name="渣土车专项整治")
    services.campaign_transition(actor=lead, campaign=cancelled, action="cancel", reason="并入市级行动")
    return w, running, closed, links, penalty


def test_the_bureau_s_campaign_figures_equal_a_direct_count_after_cases_change_state(district):
    with clock.pinned(AT):
        _w, running, closed, links, penalty = _busy_bureau(district)
        d = district
        figures = campaign_figures.campaign_figures(Campaign.objects.filter(bureau=d.bureau), *SEPT)
        held = Campaign.objects.filter(pk__in=[running.pk, closed.pk])
        assert (figures.held, figures.closed, figures.operations) == (2, 1, 2)
        assert _stats(figures) == _direct(held)
        assert figures.found == 3  # the cases both campaigns count are counted once
        # The cases and the penalty case move on in their own apps; nothing is written here.
        drive(d, CaseState.CLOSED, case=links[0].case)
        drive(d, CaseState.CLOSED, case=links[1].case)
        PenaltyCase.objects.filter(pk=penalty.penalty_id).update(
            fine_amount=Decimal("500"), decision_on=dt.date(2026, 9, 20), collected_on_spot=True
        )
        after = campaign_figures.campaign_figures(Campaign.objects.filter(bureau=d.bureau), *SEPT)
    assert _stats(after) == _direct(held)
    assert (after.put_right, after.penalties, after.fines_imposed) == (2, 1, Decimal("500"))
    # Each campaign's line is its own page's figures.
    for line in after.lines:
        assert line.results == campaign_selectors.campaign_figures(line.campaign).total
    assert [line.campaign.name for line in after.lines] == ["油烟专项整治", running.name]
    # October: only the running campaign is held, and nothing closed.
    october = campaign_figures.campaign_figures(
        Campaign.objects.filter(bureau=d.bureau), dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    )
    assert (october.held, october.closed) == (1, 0)


def test_the_stats_page_and_api_show_the_campaign_figures(district, client):
    with clock.pinned(AT):
        _w, running, _closed, links, _penalty = _busy_bureau(district)
        drive(district, CaseState.CLOSED, case=links[0].case)
        client.force_login(district.users[R.LEADER])
        html = client.get("/stats/?from=2026-09-01&to=2026-09-30").content.decode()
        api = client.get("/api/v1/stats/campaigns/?from=2026-09-01&to=2026-09-30")
        client.force_login(district.users[R.HANDLER])
        refused = client.get("/api/v1/stats/campaigns/")
    assert 'data-testid="campaigns-held">2<' in html
    assert 'data-testid="campaigns-found">3<' in html
    assert 'data-testid="campaigns-put-right">1<' in html
    assert running.name in html
    body = api.json()
    assert api.status_code == 200 and (body["held"], body["closed"], body["found"], body["put_right"]) == (
        2,
        1,
        3,
        1,
    )
    line = next(c for c in body["campaigns"] if c["id"] == running.pk)
    total = campaign_selectors.campaign_figures(running).total
    assert (line["found"], line["put_right"], line["penalties"]) == (
        total.found,
        total.put_right,
        total.penalties,
    )
    assert refused.status_code == 403
