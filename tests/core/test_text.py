"""The one text normaliser (`core.text`, issue 11 item 1): what it refuses and keeps (Hypothesis),
and that every edge uses it — web forms, the API's parsers (JSON, form, multipart) — and that the
Excel exports never break on rows stored before it (openpyxl refused them: a 500 for every reader)."""

from __future__ import annotations

import io
import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chengguan.cases.models import Case
from chengguan.core import text
from chengguan.core.errors import TextError, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases import conftest as case_fixtures
from tests.cases.flow import report

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests

REFUSED = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]
ALLOWED_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n\r")
)


@given(ALLOWED_TEXT)
def test_text_without_control_characters_passes_unchanged(value):
    text.validate_text(value)
    assert text.for_output(value) == value
    assert text.strip_refused(value) == (value, 0)


@given(ALLOWED_TEXT, st.sampled_from(REFUSED), ALLOWED_TEXT)
def test_any_control_character_anywhere_is_refused_and_stripped(before, char, after):
    value = before + char + after
    with pytest.raises(ValidationError) as caught:
        text.validate_text(value)
    assert caught.value.code == TextError.CONTROL_CHARACTER
    cleaned, removed = text.strip_refused(value)
    assert cleaned == before + after and removed == 1
    assert text.refused_character(text.for_output(value)) is None


@given(
    st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8)
)
def test_parsed_data_is_refused_exactly_when_a_string_in_it_holds_a_control_character(data):
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for key, value in node.items():
                yield key
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    bad = any(text.refused_character(s) for s in strings(data))
    assert bool(list(text.field_errors(data))) == bad


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://a.example/x", "http//x"])
def test_only_http_links_pass(url):
    with pytest.raises(ValidationFailed) as caught:
        text.clean_url("link", url)
    assert caught.value.code == TextError.BAD_URL and "link" in caught.value.fields
    assert text.clean_url("link", " https://a.example/x ") == "https://a.example/x"


def test_emails_are_validated_and_lengths_bounded():
    with pytest.raises(ValidationFailed) as caught:
        text.clean_email("email", "not-an-email")
    assert caught.value.code == TextError.BAD_EMAIL
    with pytest.raises(ValidationFailed) as caught:
        text.clean_field("name", "x" * 51, max_length=50)
    assert caught.value.code == TextError.TOO_LONG and "50" in caught.value.fields["name"][0]


def test_every_django_form_text_field_refuses_control_characters():
    class AnyForm(forms.Form):
        name = forms.CharField()
        email = forms.EmailField()
        link = forms.URLField(assume_scheme="https")

    form = AnyForm({"name": "a\x0bb", "email": "a\x1f@example.com", "link": "https://x.example/\x01"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "email", "link"}
    assert "控制字符" in form.errors["name"][0]
    assert not AnyForm({"name": "a", "email": "a@example.com", "link": "javascript:alert(1)"}).is_valid()


def test_the_portal_report_page_shows_the_refusal_beside_the_description(client, district):
    lon, lat = district.point(0)
    data = {"public_category": "illegal_building", "description": "私搭\x0b雨棚", "lon": lon, "lat": lat}
    response = client.post(reverse("portal:report"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-description"' in body and "控制字符" in body
    assert not Case.objects.exists()


@pytest.fixture
def api(district):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=district.users[R.INSPECTOR])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_the_api_refuses_control_characters_with_a_field_error_and_changes_nothing(api, district, fmt):
    lon, lat = district.point(0)
    body = {"category": district.hours_category.code, "description": "堆放\x1f垃圾", "lon": lon, "lat": lat}
    before = (Case.objects.count(), AuditEvent.objects.count())
    response = api.post("/api/v1/cases/", body, format=fmt)
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == TextError.CONTROL_CHARACTER
    assert list(answer["fields"]) == ["description"] and "U+001F" in answer["fields"]["description"][0]
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_a_nul_deep_in_a_json_body_is_named_by_its_path(api, district):
    lon, lat = district.point(0)
    body = {"category": district.hours_category.code, "description": "垃圾", "lon": lon, "lat": lat}
    response = api.post(
        "/api/v1/cases/",
        json.dumps({**body, "extra": [{"x": "a\x00"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["extra.0.x"]


def test_the_excel_export_survives_old_rows_with_control_characters(district):
    case = report(district)
    # Stored before the check existed (or by SQL): openpyxl refused the cell, a 500 for every reader.
    Case.objects.filter(pk=case.pk).update(description="堆放\x0b垃圾\x1f", address="建设路\x01")
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=district.users[R.LEADER])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/cases/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert "堆放垃圾" in rows[1]
