"""The parts of a nominee's record (people.selectors.nominee_record) kept by apps above `people`:
the 督察 findings against the nominee (`duty`) and their evaluation score (`stats`). `people` sits
below both and may not import them; `web`, above every app, adds these gatherers when it starts.

Both read as the bureau's system account, not as the nominator: a nomination's record is the
bureau's whole record of the nominee (a finding made while an officer served in another unit is on
it too), and it is frozen into the nomination when it is made, so the reviewers see what was there
on that day. Labels are stored in Chinese (the source language) and translated on the page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation

from chengguan.core import clock
from chengguan.org.system import system_actor


def findings(*, user, unit, bureau, first: dt.date, last: dt.date) -> list[dict]:
    """督察 findings observed in `[first, last]` against the person (责任人) or against the unit or a
    unit below it (责任单位); a finding revoked on appeal (认定已撤销) holds nothing against them and is
    left out, as the evaluation leaves it out of its deductions."""
    from chengguan.duty.models import FindingState
    from chengguan.duty.selectors import findings_visible_to

    start, end = clock.period_bounds(first, last)
    qs = (
        findings_visible_to(system_actor(bureau))
        .filter(bureau=bureau, observed_at__gte=start, observed_at__lt=end)
        .exclude(state=FindingState.REVOKED)
    )
    qs = qs.filter(person=user) if user is not None else qs.filter(unit__path__startswith=unit.path)
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "on": f.observed_at.astimezone(clock.SHANGHAI).date().isoformat(),
                "kind": f.kind,
                "kind_label": str(f.get_kind_display()),
                "discipline": str(f.get_discipline_display()) if f.discipline else "",
                "unit": f.unit.name,
                "description": f.description[:200],
                "state": f.state,
                "state_label": str(f.get_state_display()),
            }
            for f in qs.order_by("observed_at", "pk")
        ]


def scores(*, user, unit, bureau, first: dt.date, last: dt.date) -> dict:
    """The evaluation (综合评价) of the person at the staff level or of the unit at the unit level over
    `[first, last]`, under the bureau's rules in force on `last`: score, rank among the rows of that
    level, the deductions and each indicator. `score` is None when nothing of the period reaches them
    (no case they reported, verified or handled)."""
    from chengguan.stats import indicators, rules
    from chengguan.stats import scores as scoring

    level = "staff" if user is not None else "unit"
    target = user if user is not None else unit
    ruleset = rules.rules_for(bureau, on=last)
    scope = indicators.Scope(bureau=bureau)
    rows = indicators.compute(ruleset, level, first, last, scope=scope)
    scored = scoring.score_rows(ruleset, level, rows, first, last, scope=scope)
    mine = next((s for s in scored if s.row.group_id == target.pk), None)
    result: dict = {
        "level": level,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "rule_version": ruleset.version,
        "score": None,
        "rank": None,
        "of": len(scored),
        "deducted": 0.0,
        "indicators": [],
    }
    if mine is None:
        return result
    names = ruleset.names(staff=level == "staff")
    result.update(
        score=mine.score,
        rank=mine.rank,
        deducted=round(mine.deducted, 2),
        indicators=[
            {"key": key, "name": names.get(key, key), "value": None if value is None else round(value, 4)}
            for key, value in mine.row.values.items()
        ],
    )
    return result


def register() -> None:
    from chengguan.people.selectors import add_record_part

    add_record_part("findings", findings)
    add_record_part("scores", scores)
