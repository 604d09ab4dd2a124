"""Joint operations: who took part, and 行政强制法 第四十三条 on compulsory enforcement at night or on
a statutory holiday; enforcement support with its PDF request."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.campaigns import services
from chengguan.campaigns.errors import OperationError
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.org.roles import RoleCode as R
from tests.campaigns.conftest import started
from tests.cases import conftest as case_fixtures

AT = case_fixtures.QUIET_MOMENT
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=clock.SHANGHAI)


def _record(w, campaign, start, end, **kwargs):
    return services.operation_record(
        actor=w.users[R.SQUAD_LEADER],
        campaign=campaign,
        kind=kwargs.pop("kind", "enforcement"),
        starts_at=start,
        ends_at=end,
        place="建设路12号违建",
        **kwargs,
    )


@pytest.mark.parametrize(
    "start,end",
    [
        (_at(2026, 9, 16, 22, 30), _at(2026, 9, 16, 23, 30)),  # night
        (_at(2026, 9, 16, 5, 0), _at(2026, 9, 16, 8, 0)),  # before six in the morning
        (_at(2026, 10, 2, 9, 0), _at(2026, 10, 2, 11, 0)),  # National Day: a statutory holiday
    ],
)
def test_compulsory_enforcement_at_night_or_on_a_holiday_is_refused_unless_urgent(world, start, end):
    with clock.pinned(AT):
        campaign = started(world)
        with pytest.raises(ValidationFailed) as exc:
            _record(world, campaign, start, end)
        assert exc.value.code == OperationError.NIGHT_OR_HOLIDAY
        assert "第四十三条" in exc.value.message
        with pytest.raises(ValidationFailed) as no_reason:
            _record(world, campaign, start, end, urgent=True)
        assert "urgent_reason" in no_reason.value.fields
        op = _record(world, campaign, start, end, urgent=True, urgent_reason="违建危及行人安全，须立即拆除")
    assert op.urgent and op.urgent_reason


def test_daytime_enforcement_and_night_inspections_are_fine(world):
    with clock.pinned(AT):
        campaign = started(world)
        _record(world, campaign, _at(2026, 9, 16, 9), _at(2026, 9, 16, 11))
        _record(world, campaign, _at(2026, 9, 16, 22), _at(2026, 9, 16, 23, 30), kind="inspection")
        # An ordinary Saturday is no statutory holiday.
        _record(world, campaign, _at(2026, 9, 19, 9), _at(2026, 9, 19, 11))


def test_a_support_request_records_its_pdf_who_came_and_the_penalties(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chengguan.campaigns.models import CampaignPenalty
    from chengguan.enforcement import services as penalty_services

    settings.MEDIA_ROOT = str(tmp_path)
    w = world
    with clock.pinned(AT):
        campaign = started(w)
        op = _record(w, campaign, _at(2026, 9, 16, 9), _at(2026, 9, 16, 11))
        penalty = penalty_services.penalty_case_propose(
            actor=w.users[R.HANDLER],
            bureau=w.d.bureau,
            facts="阻碍执法",
            parties=[{"kind": "person", "name": "赵六", "id_number": "410102199003071230"}],
            officers=[w.users[R.HANDLER], w.users[R.SQUAD_LEADER]],
        )
        with pytest.raises(ValidationFailed) as exc:
            services.support_request_record(
                actor=w.users[R.SQUAD_LEADER],
                operation=op,
                kind="police",
                addressed_to=w.police,
                document=SimpleUploadedFile("a.pdf", b"not a pdf"),
            )
        assert "document" in exc.value.fields
        with pytest.raises(ValidationFailed) as wrong:
            services.support_request_record(
                actor=w.users[R.SQUAD_LEADER],
                operation=op,
                kind="police",
                addressed_to=w.market,
                document=SimpleUploadedFile("a.pdf", PDF),
            )
        assert "addressed_to" in wrong.value.fields
        req = services.support_request_record(
            actor=w.users[R.SQUAD_LEADER],
            operation=op,
            kind="police",
            addressed_to=w.police,
            document=SimpleUploadedFile("a.pdf", PDF),
            who_came="民警 2 名",
            outcome="当事人停止阻碍",
            penalties=[penalty],
        )
    assert req.document.read().startswith(b"%PDF")
    assert list(req.penalties.all()) == [penalty]
    assert CampaignPenalty.objects.filter(campaign=campaign, penalty=penalty).exists()


def test_the_operation_page_opens_a_penalty_case_for_the_campaign(world, client):
    from chengguan.campaigns import selectors

    w = world
    with clock.pinned(AT):
        campaign = started(w)
        op = _record(w, campaign, _at(2026, 9, 16, 9), _at(2026, 9, 16, 11), kind="inspection")
        client.force_login(w.users[R.HANDLER])
        data = {
            "penalty-facts": "占道经营拒不改正",
            "penalty-party_name": "张三",
            "penalty-party_id_number": "410102199003071230",
            "penalty-officers": [w.users[R.HANDLER].pk, w.users[R.SQUAD_LEADER].pk],
        }
        bad = client.post(f"/campaigns/operations/{op.pk}/penalty/", {**data, "penalty-party_id_number": "1"})
        assert bad.status_code == 400
        assert client.post(f"/campaigns/operations/{op.pk}/penalty/", data).status_code == 302
    assert selectors.campaign_figures(campaign).total.penalties == 1
