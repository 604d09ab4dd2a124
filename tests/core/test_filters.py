"""The query filters of `core.filters` and the page numbers of `core.pagination` (issue #11, "Hypothesis
tests for the filters"): whatever text a client sends, a parameter is either read as what it means or
refused with its own code — never a server error, never a value the database cannot hold."""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chengguan.core.errors import FilterError
from chengguan.core.filters import MAX_ID, MAX_YEAR, MIN_YEAR, IdField, YearField, YesNoField
from chengguan.org.roles import RoleCode
from tests.api.conftest import assert_error
from tests.factories import bureau, community, staff, subdistrict

# Text as query strings carry it: any unicode, digits, signs, exponents and decimals near the bounds.
numberish = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "0", "-0", "1.0", "1.5", "1e3", "0x10", "٣", "1_000", str(MAX_ID + 1)]),
)


def _clean(field: forms.Field, raw: str):
    """The value, or the refusal's code."""
    try:
        return field.clean(raw)
    except forms.ValidationError as error:
        return error.code


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_id_in_range_is_read_as_itself(n):
    assert IdField(required=False).clean(str(n)) == n


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_ID + 1)))
def test_an_id_out_of_range_is_refused_with_its_code(n):
    assert _clean(IdField(required=False), str(n)) == FilterError.BAD_ID


@given(numberish)
def test_any_text_is_an_id_in_range_or_refused(raw):
    result = _clean(IdField(required=False), raw)
    assert result is None or result == FilterError.BAD_ID or (type(result) is int and 1 <= result <= MAX_ID)


@given(numberish)
def test_any_text_is_a_year_in_range_or_refused(raw):
    result = _clean(YearField(required=False), raw)
    assert result is None or result == FilterError.BAD_YEAR or MIN_YEAR <= result <= MAX_YEAR


@given(st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR))
def test_every_year_in_range_is_read_as_itself(year):
    assert YearField(required=False).clean(str(year)) == year


@given(st.text(max_size=12))
def test_yes_no_is_true_false_not_given_or_refused(raw):
    result = _clean(YesNoField(required=False), raw)
    expected = {"": None, "true": True, "True": True, "1": True, "false": False, "False": False, "0": False}
    assert result == expected.get(raw, FilterError.BAD_BOOLEAN)


# -- through the API: the defects of issue #11 (4) ---------------------------------------------------


@pytest.fixture
def leader_client(db) -> APIClient:
    b = bureau()
    community(subdistrict(b, code="001"), code="001")
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=staff(b, RoleCode.LEADER, username="leader").user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("name", ["community", "subdistrict", "unit"])
def test_a_case_filter_id_past_the_integer_column_is_a_field_error(leader_client, name):
    body = assert_error(
        leader_client.get("/api/v1/cases/", {name: "99999999999999999999"}), 400, FilterError.BAD_ID
    )
    assert list(body["fields"]) == [name]


def test_a_fractional_merchant_year_is_a_field_error(leader_client):
    answer = leader_client.get("/api/v1/merchants/", {"year": "1.5", "letter_status": "issued"})
    assert assert_error(answer, 400, FilterError.BAD_YEAR)["fields"].keys() == {"year"}
    letters = leader_client.get("/api/v1/merchants/letters/", {"year": "1.5"})
    assert_error(letters, 400, FilterError.BAD_YEAR)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=numberish)
def test_a_page_number_is_a_page_or_a_field_error(leader_client, raw):
    answer = leader_client.get("/api/v1/organisations/", {"page": raw})
    assert answer.status_code in (200, 400, 404), answer.content
    if answer.status_code == 400:
        assert answer.json()["code"] == FilterError.BAD_PAGE
    if answer.status_code == 404:  # past the last page only
        assert int(raw) > 1
