"""The stats app's scheduled job: the rollup follows the cases (`stats.rollup.refresh`) under the
default rules and under each bureau's own rules in force, so that a read rarely has to refresh."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from chengguan.core import schedule
from chengguan.org.models import Organisation
from chengguan.stats import rollup, rules
from chengguan.stats.models import IndicatorRuleOverride


@schedule.job("stats.rollup", label=_("统计汇总表更新"), every=dt.timedelta(minutes=10))
def rollup_job(now: dt.datetime) -> dict:
    today = now.date()
    rule_sets = {rules.default_rules().version: rules.default_rules()}
    overriding = IndicatorRuleOverride.objects.values_list("bureau_id", flat=True).distinct()
    for bureau in Organisation.objects.filter(pk__in=overriding):
        ruleset = rules.rules_for(bureau, on=today)
        rule_sets[ruleset.version] = ruleset
    return {version: rollup.refresh(ruleset) for version, ruleset in sorted(rule_sets.items())}
