"""A row may give a field its own spec: the case machine's `unit` is an organisation to dispatch to,
but a time unit when asking for an extension. The kernel cleans, the API documents and the page asks
for each by its row's spec."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from chengguan.cases.states import CASE_MACHINE, Action
from chengguan.core.errors import ValidationFailed
from chengguan.core.workflow.api import request_serializer
from chengguan.core.workflow.forms import action_form

DISPATCH = CASE_MACHINE.get(Action.DISPATCH)
EXTENSION = CASE_MACHINE.get(Action.REQUEST_EXTENSION)


def test_the_row_spec_wins_over_the_machine_spec():
    assert CASE_MACHINE.spec(DISPATCH, "unit").kind == "ref"
    assert CASE_MACHINE.spec(EXTENSION, "unit").kind == "choice"


def test_the_kernel_cleans_by_the_row_spec():
    cleaned = CASE_MACHINE.clean(EXTENSION, {"amount": "2", "reason": "待材料", "unit": "working_days"})
    assert cleaned == {"amount": 2, "reason": "待材料", "unit": "working_days"}
    with pytest.raises(ValidationFailed) as refused:
        CASE_MACHINE.clean(EXTENSION, {"amount": 2, "reason": "待材料", "unit": "fortnight"})
    assert refused.value.code == "case.invalid_fields" and set(refused.value.fields) == {"unit"}
    assert CASE_MACHINE.clean(DISPATCH, {"unit": "7"}) == {"unit": 7}


def test_the_api_and_the_page_use_the_row_spec():
    assert isinstance(request_serializer(CASE_MACHINE, EXTENSION)().fields["unit"], serializers.ChoiceField)
    assert isinstance(request_serializer(CASE_MACHINE, DISPATCH)().fields["unit"], serializers.IntegerField)
    choices = dict(action_form(CASE_MACHINE, Action.REQUEST_EXTENSION).fields["unit"].choices)
    assert {"working_hours", "working_days"} <= set(choices)
