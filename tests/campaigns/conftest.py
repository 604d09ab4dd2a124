"""The closed-loop district of tests/cases with what a campaign needs: its kinds, a police and a
market-regulation partner each with a contact login, and a planned campaign led by the squad."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from chengguan.campaigns import services
from chengguan.campaigns.models import Campaign, CampaignKind
from chengguan.org.models import Organisation, OrgKind, PartnerType
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.cases import conftest as case_fixtures

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests


@dataclass
class World:
    d: object
    kind: CampaignKind
    police: Organisation
    market: Organisation
    court: Organisation
    police_contact: object
    market_contact: object

    @property
    def users(self):
        return self.d.users


def build_world(d) -> World:
    police = factories.OrganisationFactory(
        kind=OrgKind.PARTNER, partner_type=PartnerType.POLICE, parent=d.bureau, name="公安分局"
    )
    market = factories.OrganisationFactory(
        kind=OrgKind.PARTNER, partner_type=PartnerType.MARKET, parent=d.bureau, name="市场监管局"
    )
    court = factories.OrganisationFactory(
        kind=OrgKind.PARTNER, partner_type=PartnerType.COURT, parent=d.bureau, name="区人民法院"
    )
    police_contact = factories.staff(police, R.PARTNER_CONTACT, username="police_contact").user
    market_contact = factories.staff(market, R.PARTNER_CONTACT, username="market_contact").user
    kind = services.campaign_kind_add(actor=d.users[R.ADMIN], bureau=d.bureau, name="占道经营")
    return World(d, kind, police, market, court, police_contact, market_contact)


@pytest.fixture
def world(district) -> World:
    return build_world(district)


def new_campaign(w: World, **kwargs) -> Campaign:
    d = w.d
    defaults = dict(
        actor=d.users[R.SQUAD_LEADER],
        bureau=d.bureau,
        name="夜市占道经营专项整治",
        kind=w.kind,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 10, 31),
        lead_unit=d.squad,
        units=[d.department],
        grids=d.grids[:3],
        categories=[d.hours_category],
        goals=[
            {"name": "发现问题", "metric": "found", "target": 10},
            {"name": "整改到位", "metric": "put_right", "target": 8},
        ],
        partners=[
            {"organisation": w.police, "contact_name": "李警官", "contact_phone": "13900001111"},
            {"organisation": w.market, "contact_name": "王科长"},
        ],
    )
    defaults.update(kwargs)
    return services.campaign_create(**defaults)


def started(w: World, **kwargs) -> Campaign:
    c = new_campaign(w, **kwargs)
    return services.campaign_transition(actor=w.users[R.SQUAD_LEADER], campaign=c, action="start")
