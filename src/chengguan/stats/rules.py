"""The indicator rules in force for a bureau: `data/indicators.yaml` with the bureau's overrides.

The file is the default rule set and carries its version; a bureau's `IndicatorRuleOverride`
replaces entries by key and may set its own weights and deductions. The version of the result
("2026.2" or "2026.2+<bureau code>.<override version>") goes with every figure computed under it.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chengguan.core import clock

RULES_FILE = Path(__file__).with_name("data") / "indicators.yaml"
# The posts besides the inspectors (`staff`) evaluated as levels of their own (岗位评价).
POSTS = ("operator", "dispatcher")


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    cohort: str = ""
    where: tuple[str, ...] = ()
    numerator: str = ""
    denominator: str = ""
    complement: bool = False
    sum: str = ""

    @property
    def is_rate(self) -> bool:
        return bool(self.numerator)


@dataclass(frozen=True)
class Weight:
    indicator: str
    weight: float
    invert: bool = False


@dataclass(frozen=True)
class RuleSet:
    version: str
    cohorts: dict[str, dict]
    indicators: tuple[Indicator, ...]
    staff_indicators: tuple[Indicator, ...]
    public_figures: tuple[dict, ...]
    weights: tuple[Weight, ...]
    staff_weights: tuple[Weight, ...]
    deductions: dict[str, float] = field(default_factory=dict)
    # 岗位评价 of the other posts: level ("operator", "dispatcher") -> its indicators, its weights.
    post_indicators: dict[str, tuple[Indicator, ...]] = field(default_factory=dict)
    post_weights: dict[str, tuple[Weight, ...]] = field(default_factory=dict)

    def level_indicators(self, level: str) -> tuple[Indicator, ...]:
        """The indicators of a level: the areas' and units', the inspectors' (staff) or a post's."""
        if level == "staff":
            return self.staff_indicators
        return self.post_indicators.get(level, self.indicators)

    def level_weights(self, level: str) -> tuple[Weight, ...]:
        if level == "staff":
            return self.staff_weights
        return self.post_weights.get(level, self.weights)

    def names(self, staff: bool = False, level: str = "") -> dict[str, str]:
        level = level or ("staff" if staff else "bureau")
        return {i.key: i.name for i in self.level_indicators(level)}

    def find(self, key: str, staff: bool = False, level: str = "") -> Indicator | None:
        level = level or ("staff" if staff else "bureau")
        return next((i for i in self.level_indicators(level) if i.key == key), None)


@functools.cache
def _default_data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def _indicator(entry: dict) -> Indicator:
    return Indicator(
        key=entry["key"],
        name=entry["name"],
        cohort=entry.get("cohort", ""),
        where=tuple(entry.get("where", ())),
        numerator=entry.get("numerator", ""),
        denominator=entry.get("denominator", ""),
        complement=bool(entry.get("complement", False)),
        sum=entry.get("sum", ""),
    )


def _weights(entries: list[dict]) -> tuple[Weight, ...]:
    return tuple(Weight(w["indicator"], float(w["weight"]), bool(w.get("invert"))) for w in entries)


def _merged(entries: list[dict], overrides: list[dict]) -> list[dict]:
    """`entries` with those of the same key replaced by `overrides` (new keys are appended)."""
    by_key = {e["key"]: e for e in overrides}
    out = [by_key.pop(e["key"], e) for e in entries]
    return out + list(by_key.values())


def build(data: dict, override=None) -> RuleSet:
    """A rule set from the file's data and an optional `IndicatorRuleOverride`."""
    data = copy.deepcopy(data)
    version = str(data["version"])
    indicators, staff = data["indicators"], data["staff_indicators"]
    weights, deductions = data["scores"]["weights"], dict(data["scores"].get("deductions", {}))
    staff_weights = data["scores"]["staff_weights"]
    if override is not None:
        version = f"{version}+{override.bureau.code or override.bureau_id}.{override.version}"
        indicators = _merged(indicators, override.indicators or [])
        staff = _merged(staff, override.staff_indicators or [])
        weights = override.weights or weights
        staff_weights = override.staff_weights or staff_weights
        deductions.update(override.deductions or {})
    return RuleSet(
        version=version,
        cohorts=data["cohorts"],
        indicators=tuple(_indicator(e) for e in indicators),
        staff_indicators=tuple(_indicator(e) for e in staff),
        public_figures=tuple(data["public_figures"]),
        weights=_weights(weights),
        staff_weights=_weights(staff_weights),
        deductions={k: float(v) for k, v in deductions.items()},
        post_indicators={
            post: tuple(_indicator(e) for e in data.get(f"{post}_indicators", ())) for post in POSTS
        },
        post_weights={post: _weights(data["scores"].get(f"{post}_weights", ())) for post in POSTS},
    )


def default_rules() -> RuleSet:
    return build(_default_data())


def rules_for(bureau, on: dt.date | None = None) -> RuleSet:
    """The rules in force for `bureau` on `on` (default today): its newest override valid by then."""
    if bureau is None:
        return default_rules()
    from chengguan.stats.models import IndicatorRuleOverride

    on = on or clock.today()
    override = (
        IndicatorRuleOverride.objects.select_related("bureau")
        .filter(bureau=bureau, valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .first()
    )
    return build(_default_data(), override)
