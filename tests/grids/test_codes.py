"""Grid codes: 6-digit county + 3-digit street + 3-digit community + sequence (14 or 15 digits)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from chengguan.core.errors import ValidationFailed
from chengguan.grids.codes import make_grid_code, validate_grid_code
from tests import factories


@pytest.fixture
def mianfang(db):
    bureau = factories.bureau()
    sub = factories.subdistrict(bureau, code="003", name="棉纺路街道")
    return factories.community(sub, code="012", name="棉纺社区")


def refusal(code: str, community) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as err:
        validate_grid_code(code, community=community)
    return err.value


def test_fourteen_digit_code_of_the_community_is_valid(mianfang):
    assert make_grid_code(mianfang, 7) == "41010200301207"
    validate_grid_code("41010200301207", community=mianfang)


@override_settings(GRID_CODE_DIGITS=15)
def test_fifteen_digit_setting_uses_a_three_digit_sequence(mianfang):
    assert make_grid_code(mianfang, 7) == "410102003012007"
    validate_grid_code("410102003012007", community=mianfang)
    error = refusal("41010200301207", mianfang)
    assert error.code == "grid.code_format"
    assert "15 位" in error.fields["code"][0]


def test_fifteen_digits_are_refused_under_the_default_setting(mianfang):
    error = refusal("410102003012007", mianfang)
    assert error.code == "grid.code_format"
    assert "14 位" in error.message


@pytest.mark.parametrize(
    ("code", "wrong_part"),
    [
        ("41010300301207", "区县"),  # another county
        ("41010200401207", "街道"),  # another street
        ("41010200301307", "社区"),  # another community
    ],
)
def test_code_of_another_unit_is_a_mismatch(mianfang, code, wrong_part):
    error = refusal(code, mianfang)
    assert error.code == "grid.code_mismatch"
    assert wrong_part in error.fields["code"][0]


@pytest.mark.parametrize("code", ["", "4101020030120", "4101020030120A", "４１０１０２００３０１２０７"])
def test_malformed_codes_are_refused(mianfang, code):
    error = refusal(code, mianfang)
    assert error.code in {"grid.code_required", "grid.code_format"}
    assert error.fields["code"]


def test_sequence_zero_is_refused(mianfang):
    assert refusal("41010200301200", mianfang).code == "grid.code_sequence"
    with pytest.raises(ValidationFailed):
        make_grid_code(mianfang, 100)


def test_a_grid_must_belong_to_a_community(mianfang):
    error = refusal("41010200301207", mianfang.parent)
    assert error.code == "grid.not_a_community"
    assert error.fields["community"]
