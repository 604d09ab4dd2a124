"""Ledger services: validation, automatic units from the location, audit with before/after."""

from __future__ import annotations

import random

import pytest

from chengguan.core.audit import history
from chengguan.core.coords import from_wgs84
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.merchants import services
from chengguan.org.system import system_actor
from tests.merchants.conftest import merchant_fields


def test_create_assigns_grid_community_subdistrict_and_squad_from_the_location(district):
    rng = random.Random(1)
    m = services.merchant_create(actor=district.users["inspector"], **merchant_fields(rng, district, 6))
    assert m.grid == district.grids[6]
    assert (m.community, m.subdistrict, m.squad, m.bureau) == (
        district.communities[1],
        district.subdistrict,
        district.squad,
        district.bureau,
    )
    event = history(m).get()
    assert event.action == "merchant.create" and event.after["grid"] == district.grids[6].code


def test_gcj02_input_is_converted(district):
    rng = random.Random(2)
    lon, lat = district.point(2)
    glon, glat = from_wgs84(lon, lat, "gcj02")
    m = services.merchant_create(
        actor=system_actor(), crs="gcj02", **merchant_fields(rng, district, 0, lon=glon, lat=glat)
    )
    assert m.grid == district.grids[2]


@pytest.mark.parametrize(
    ("field", "value", "code_field"),
    [
        ("credit_code", "91410102JURQ283FQA", "credit_code"),
        ("phone", "1381234", "phone"),
        ("phone", "021-1234", "phone"),
        ("id_number", "410102199013401234", "id_number"),
        ("name", "  ", "name"),
    ],
)
def test_bad_fields_are_refused_with_a_chinese_message(district, field, value, code_field):
    rng = random.Random(3)
    with pytest.raises(ValidationFailed) as err:
        services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, 0, **{field: value}))
    assert code_field in err.value.fields
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)


def test_valid_phone_and_id_forms_are_accepted(district):
    rng = random.Random(4)
    m = services.merchant_create(
        actor=system_actor(),
        **merchant_fields(rng, district, 0, phone="0371-67891234", id_number="11010519491231002X"),
    )
    assert m.phone == "0371-67891234" and m.id_number == "11010519491231002X"
    assert history(m).get().after["id_number"] == "110105********002X"


def test_outside_the_district_and_duplicates_are_refused(district):
    rng = random.Random(5)
    fields = merchant_fields(rng, district, 0)
    with pytest.raises(ValidationFailed) as err:
        services.merchant_create(actor=system_actor(), **{**fields, "lon": 114.5})
    assert err.value.code == "merchant.outside_district"
    services.merchant_create(actor=system_actor(), **fields)
    with pytest.raises(Conflict):
        services.merchant_create(actor=system_actor(), **fields)


def test_a_citizen_cannot_write_the_ledger(district):
    with pytest.raises(PermissionDenied):
        services.merchant_create(
            actor=district.users["citizen"], **merchant_fields(random.Random(6), district)
        )


def test_update_records_before_and_after_and_a_no_op_records_nothing(district):
    rng = random.Random(7)
    m = services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, 0))
    services.merchant_update(actor=district.users["inspector"], merchant=m, name=m.name)
    assert history(m).count() == 1
    lon, lat = district.point(7)
    m = services.merchant_update(
        actor=district.users["inspector"], merchant=m, lon=lon, lat=lat, frontage_m="20"
    )
    assert m.grid == district.grids[7]
    event = history(m).last()
    assert event.action == "merchant.update"
    assert event.before["frontage_m"] == "8.5" and event.after["frontage_m"] == "20.0"
    assert event.before["grid"] == district.grids[0].code and event.after["grid"] == district.grids[7].code
