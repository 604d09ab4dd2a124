"""The evaluation indicators against a hand count (tests/stats/evaluation.py), level by level."""

from __future__ import annotations

import pytest

from chengguan.stats import indicators, rules
from tests.stats.evaluation import EXPECTED, NOW, SEP, september


@pytest.fixture
def sept(district):
    return september(district)


def _row(level: str, key: str | None = None):
    rows = indicators.compute(rules.default_rules(), level, *SEP, now=NOW)
    if key is None:
        assert len(rows) == 1, rows
        return rows[0]
    return next(r for r in rows if r.key == key)


def test_each_bureau_indicator_equals_the_hand_count(district, sept):
    row = _row("bureau")
    assert row.key == district.bureau.code
    got = {k: row.values[k] for k in EXPECTED}
    assert got == pytest.approx(EXPECTED)


def test_a_case_fed_back_after_national_day_is_on_time_when_its_working_days_allow(district, sept):
    on_time, late = sept["holiday_on_time"], sept["holiday_late"]
    assert on_time.handling_due_at.isoformat() == "2026-10-10T10:00:00+00:00"  # 18:00 Shanghai
    assert (on_time.handled_late, late.handled_late) == (False, True)
    grid = _row("grid", district.grids[2].code)
    assert (grid.values["dispatched"], grid.values["handled_on_time"]) == (2, 1)
    assert grid.values["on_time_handling_rate"] == 0.5


def test_spam_cancelled_and_merged_cases_count_in_no_cohort_figure(district, sept):
    assert sept["cancelled"].filed_at is not None and sept["merged"].state == "merged"
    row = _row("bureau")
    # Marked spam after closing: neither reported, filed nor closed.
    assert row.values["closed"] == 2 and row.values["filed"] == 9
    sept["spam"].__class__.objects.filter(pk=sept["spam"].pk).update(is_spam=False)
    again = _row("bureau")
    assert (again.values["filed"], again.values["closed"], again.values["reported"]) == (10, 3, 15)


def test_units_and_areas_split_the_cohort(district, sept):
    squad = _row("unit", district.squad.code or str(district.squad.pk))
    department = _row("unit", district.department.code or str(district.department.pk))
    # The redispatched case is the department's now; the supervised and hotline cases have no unit yet.
    assert (squad.values["filed"], department.values["filed"]) == (6, 1)
    assert department.values["redispatched"] == 1 and department.values["accurate_dispatch_rate"] == 0.0
    assert _row("subdistrict").values["filed"] == _row("community").values["filed"] == 9
    grids = {
        r.key: r.values["filed"] for r in indicators.compute(rules.default_rules(), "grid", *SEP, now=NOW)
    }
    g = [x.code for x in district.grids]
    assert grids == {g[0]: 5, g[1]: 1, g[2]: 2, g[3]: 1}


def test_rates_are_null_when_there_is_nothing_to_divide_by(district, sept):
    g3 = _row("grid", district.grids[3].code)  # only the supervised case, never dispatched
    assert g3.values["dispatched"] == 0
    for key in (
        "handling_rate",
        "on_time_handling_rate",
        "rework_rate",
        "extension_rate",
        "overdue_open_rate",
    ):
        assert g3.values[key] is None
    assert g3.values["close_rate"] == 0.0


def test_every_published_figure_has_one_entry_in_the_rules_and_one_function():
    from chengguan.stats import figures

    entries = rules.default_rules().public_figures
    assert [e["key"] for e in entries] == ["reports", *figures.LABELS]
    for entry in entries:
        module, name = entry["computed_by"].split(".")
        assert module == "figures" and callable(getattr(figures, name))
