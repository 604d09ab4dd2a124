"""Writes to the category system: routing rules and the bureau's own time limits and criteria.

Each service checks permission, validates, writes and records the audit event in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chengguan.core import audit, clock
from chengguan.core.errors import ValidationFailed
from chengguan.grids.models import Grid
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, OrgKind
from chengguan.taxonomy.errors import TaxonomyError
from chengguan.taxonomy.models import BureauTimeLimit, Category, MajorCategory, RoutingRule, TimeUnit
from chengguan.taxonomy.permissions import can_maintain_taxonomy

RULE_FIELDS = (
    "category",
    "major",
    "subdistrict",
    "community",
    "grid",
    "handler",
    "use_grid_squad",
    "is_active",
    "note",
)
_RELATED = ("category", "major", "subdistrict", "community", "grid", "handler")


def require_taxonomy_admin(actor, *, what: str) -> None:
    """`taxonomy.maintain`; `what` names the refused work in the message."""
    can_maintain_taxonomy.refuse(actor, what=what)


def check_routing_rule(
    *,
    handler: Organisation | None,
    category: Category | None = None,
    major: MajorCategory | None = None,
    subdistrict: Organisation | None = None,
    community: Organisation | None = None,
    grid: Grid | None = None,
    actor,
    **_ignored: Any,
) -> None:
    """Raise ValidationFailed (with per-field messages) unless the rule's parts fit together."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if handler is None:
        add("handler", "请选择处置单位")
    if category is not None and major is not None and category.major_id != major.pk:
        add("major", f"小类 {category.code} 不属于大类 {major}")
    if subdistrict is not None and subdistrict.kind != OrgKind.SUBDISTRICT:
        add("subdistrict", "请选择街道办事处")
    if community is not None:
        if community.kind != OrgKind.COMMUNITY:
            add("community", "请选择社区")
        elif subdistrict is not None and community.parent_id != subdistrict.pk:
            add("community", f"社区“{community}”不属于街道“{subdistrict}”")
    if grid is not None:
        if community is not None and grid.community_id != community.pk:
            add("grid", f"网格 {grid.code} 不属于社区“{community}”")
        if subdistrict is not None and grid.subdistrict_id != subdistrict.pk:
            add("grid", f"网格 {grid.code} 不属于街道“{subdistrict}”")
    if not org_selectors.sees_everything(actor):
        bureau = org_selectors.bureau_of(actor)
        for name, org in (("handler", handler), ("subdistrict", subdistrict), ("community", community)):
            shared_partner = org is not None and org.kind == OrgKind.PARTNER and org.bureau_id is None
            if org is not None and not shared_partner and (bureau is None or org.bureau_id != bureau.pk):
                add(name, "只能选择本局的单位或协作单位")
        if grid is not None and (bureau is None or grid.subdistrict.bureau_id != bureau.pk):
            add("grid", "只能选择本局的网格")
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code=TaxonomyError.INVALID_ROUTING_RULE, fields=errors)


def _rule_bureau(actor, asked: Organisation | None) -> Organisation | None:
    """The bureau a new rule is for: the actor's own, unless the installation names one (or none)."""
    if org_selectors.sees_everything(actor):
        if asked is not None and asked.kind != OrgKind.BUREAU:
            _refuse_field("bureau", "请选择城管局", TaxonomyError.INVALID_ROUTING_RULE)
        return asked
    own = org_selectors.bureau_of(actor)
    if own is None or (asked is not None and asked.pk != own.pk):
        _refuse_field("bureau", "只能为本局设置", TaxonomyError.INVALID_ROUTING_RULE)
    return own


def _refuse_field(field: str, message: str, code) -> None:
    raise ValidationFailed(message, code=code, fields={field: [message]})


def _snapshot(rule: RoutingRule, names=RULE_FIELDS) -> dict[str, Any]:
    found = {name: getattr(rule, f"{name}_id" if name in _RELATED else name) for name in names}
    return {"bureau": rule.bureau_id, **found} if names is RULE_FIELDS else found


def routing_rule_create(
    *,
    actor,
    handler: Organisation,
    category: Category | None = None,
    major: MajorCategory | None = None,
    subdistrict: Organisation | None = None,
    community: Organisation | None = None,
    grid: Grid | None = None,
    use_grid_squad: bool = False,
    is_active: bool = True,
    note: str = "",
    bureau: Organisation | None = None,
) -> RoutingRule:
    """Add a routing rule (category + area → handling organisation). A bureau's admin adds rules for
    their own bureau's cases; only the installation adds a default for every bureau (`bureau=None`)."""
    require_taxonomy_admin(actor, what="维护派遣规则")
    bureau = _rule_bureau(actor, bureau)
    values = {
        "bureau": bureau,
        "handler": handler,
        "category": category,
        "major": major,
        "subdistrict": subdistrict,
        "community": community,
        "grid": grid,
        "use_grid_squad": bool(use_grid_squad),
        "is_active": bool(is_active),
        "note": (note or "").strip(),
    }
    check_routing_rule(actor=actor, **values)
    with transaction.atomic():
        rule = RoutingRule.objects.create(**values)
        audit.record(actor=actor, action="taxonomy.routing_rule_created", obj=rule, after=_snapshot(rule))
    return rule


def routing_rule_update(*, actor, rule: RoutingRule, **fields: Any) -> RoutingRule:
    """Change a rule; only changed fields are written and audited. Deactivate with `is_active=False`."""
    require_taxonomy_admin(actor, what="维护派遣规则")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"不能修改的字段：{', '.join(sorted(unknown))}", code=TaxonomyError.INVALID_FIELD
        )
    with transaction.atomic():
        locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        if "note" in fields:
            fields["note"] = (fields["note"] or "").strip()
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        before = _snapshot(locked, changed)
        for name in changed:
            setattr(locked, name, fields[name])
        check_routing_rule(actor=actor, **{name: getattr(locked, name) for name in RULE_FIELDS})
        locked.save(update_fields=[f"{n}_id" if n in _RELATED else n for n in changed])
        audit.record(
            actor=actor,
            action="taxonomy.routing_rule_updated",
            obj=locked,
            before=before,
            after=_snapshot(locked, changed),
        )
    return locked


def _check_limit(amount, unit: str, *, fields: tuple[str, str]) -> None:
    """A time limit is a positive whole number of working hours or days (`fields` name them)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        errors[fields[0]] = ["处置时限必须是正整数"]
    if unit not in TimeUnit.values:
        errors[fields[1]] = ["时限单位必须是工作时或工作日"]
    if errors:
        raise ValidationFailed(
            next(iter(errors.values()))[0], code=TaxonomyError.INVALID_TIME_LIMIT, fields=errors
        )


def _local_source(actor) -> str:
    """Where a limit the bureau set comes from: who changed it, and when."""
    who = getattr(actor, "username", "") or "系统"
    return f"本局调整（{who}，{clock.today().isoformat()}）"


def category_time_limit_update(
    *,
    actor,
    category: Category,
    amount: int,
    unit: str,
    filing_criteria: str | None = None,
    closing_criteria: str | None = None,
    source: str | None = None,
) -> Category:
    """Set the bureau's own handling time limit (and optionally criteria) for a minor class.

    The row is marked `locally_edited`, so reloading taxonomy data later keeps the bureau's values.
    """
    require_taxonomy_admin(actor, what="修改处置时限和立案结案标准")
    _check_limit(amount, unit, fields=("time_limit_amount", "time_limit_unit"))
    source = source or _local_source(actor)
    values: dict[str, Any] = {
        "time_limit_amount": amount,
        "time_limit_unit": unit,
        "time_limit_source": source[:200],
    }
    if filing_criteria is not None:
        values["filing_criteria"] = filing_criteria.strip()
    if closing_criteria is not None:
        values["closing_criteria"] = closing_criteria.strip()
    with transaction.atomic():
        locked = Category.objects.select_for_update().get(pk=category.pk)
        compared = {k: v for k, v in values.items() if k != "time_limit_source"}
        changed = [name for name, value in compared.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        changed += ["time_limit_source", "locally_edited"]
        values["locally_edited"] = True
        before = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        audit.record(
            actor=actor,
            action="taxonomy.category_time_limit_updated",
            obj=locked,
            before=before,
            after={name: getattr(locked, name) for name in changed},
        )
    return locked


def bureau_time_limit_set(
    *, actor, bureau: Organisation, category: Category, amount: int, unit: str, source: str = ""
) -> BureauTimeLimit:
    """Set `bureau`'s own handling time limit for `category` (the installation's stays the default
    of every other bureau). Cases dispatched from now on get it; running clocks keep theirs."""
    require_taxonomy_admin(actor, what="修改处置时限和立案结案标准")
    if (
        not org_selectors.sees_everything(actor)
        and getattr(org_selectors.bureau_of(actor), "pk", None) != bureau.pk
    ):
        _refuse_field("bureau", "只能为本局设置", TaxonomyError.INVALID_TIME_LIMIT)
    _check_limit(amount, unit, fields=("amount", "unit"))
    source = (source or _local_source(actor))[:200]
    with transaction.atomic():
        row = BureauTimeLimit.objects.select_for_update().filter(bureau=bureau, category=category).first()
        before = {"amount": row.amount, "unit": row.unit} if row else {}
        if row is None:
            row = BureauTimeLimit.objects.create(
                bureau=bureau, category=category, amount=amount, unit=unit, source=source
            )
        else:
            row.amount, row.unit, row.source = amount, unit, source
            row.save(update_fields=["amount", "unit", "source"])
        audit.record(
            actor=actor,
            action="taxonomy.bureau_time_limit_set",
            obj=row,
            before=before,
            after={"bureau": bureau.pk, "category": category.code, "amount": amount, "unit": unit},
        )
    return row
