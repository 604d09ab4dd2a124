"""Loading the component/event classification (GB/T 30428.2-2013 lineage) into the database.

The classification comes from `data/taxonomy.yaml` (a copy of the shared reference, reconstructed
from public sources because the standard's appendix tables are not public) and the handling time
limits and filing/closing criteria from `data/time_limits.yaml` (our own, configurable data).

Category codes follow source S1 of taxonomy.yaml (Beijing Chaoyang dCM): kind prefix `10` for a
component (部件) or `20` for an event (事件), then the 4-digit minor class code (2-digit major + 2-digit
minor), e.g. 200102 = event 01-02 暴露垃圾. Entries that are not a plain 4-digit minor (local
extension ranges such as "0127-0144,0195,0198", wildcards such as "06xx") or whose name is "未确认"
are skipped and reported, never guessed.

Loading is idempotent: unchanged rows are not written and no audit event is recorded. A changed
file updates only the rows that differ, each with its own audit event (before/after of the changed
fields), plus one summary event `taxonomy.loaded` on the classification. New rows are not audited one by
one: the summary event lists the codes created by that load, which is what happened and is much cheaper
than one event per row of a 120-row standard.
Time limits or criteria the bureau edited in the admin (`Category.locally_edited`) are kept.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from chengguan.core import audit
from chengguan.core.errors import ValidationFailed
from chengguan.taxonomy.errors import TaxonomyError
from chengguan.taxonomy.models import Category, CategoryKind, Classification, MajorCategory, TimeUnit
from chengguan.taxonomy.services import require_taxonomy_admin

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "taxonomy.yaml"
DEFAULT_TIME_LIMITS_PATH = DATA_DIR / "time_limits.yaml"

CLASSIFICATION_CODE = "GB/T 30428.2-2013"
KIND_PREFIX = {CategoryKind.COMPONENT: "10", CategoryKind.EVENT: "20"}
_SECTIONS = {
    CategoryKind.COMPONENT: ("component_majors", "component_minors"),
    CategoryKind.EVENT: ("event_majors", "event_minors"),
}
_PLAIN_MAJOR = re.compile(r"^\d{2}$")
_PLAIN_MINOR = re.compile(r"^\d{4}$")
UNCONFIRMED_NAME = "未确认"
# Names in the reference sometimes carry a note on a source's spelling, e.g. "地下室（S1：公房地下室）".
_SOURCE_NOTE = re.compile(r"（S\d+[：:][^）]*）$")

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HANDLING_FIELDS = (
    "time_limit_amount",
    "time_limit_unit",
    "time_limit_source",
    "filing_criteria",
    "closing_criteria",
)


@dataclass(frozen=True)
class SkippedEntry:
    kind: str
    code: str
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{CategoryKind(self.kind).label} {self.code} {self.name}：{self.reason}"


@dataclass
class LoadReport:
    """What one load did; `changed` is False when the database already matched the files."""

    classification: Classification
    majors: int = 0
    majors_created: int = 0
    majors_updated: int = 0
    categories: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    kept_local_edits: int = 0
    activated: bool = False
    classification_changed: bool = False
    skipped: list[SkippedEntry] = field(default_factory=list)
    created_codes: list[str] = field(default_factory=list)
    unused_time_limits: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.deactivated
            or self.majors_created
            or self.majors_updated
            or self.activated
            or self.classification_changed
        )

    def summary(self) -> dict[str, Any]:
        return {
            "majors": self.majors,
            "majors_created": self.majors_created,
            "majors_updated": self.majors_updated,
            "categories": self.categories,
            "categories_created": self.created,
            "categories_updated": self.updated,
            "categories_unchanged": self.unchanged,
            "categories_deactivated": self.deactivated,
            "kept_local_edits": self.kept_local_edits,
            "activated": self.activated,
            "created_codes": self.created_codes,
            "skipped": [f"{s.kind}:{s.code}" for s in self.skipped],
        }


_yaml_cache: dict[tuple[str, int, int], dict] = {}


def _read_yaml(path: Path) -> dict:
    """Parse a data file; parsed files are cached per (path, mtime, size) since reloads are frequent."""
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key not in _yaml_cache:
            with open(path, encoding="utf-8") as fh:
                _yaml_cache[key] = yaml.load(fh, Loader=_YAML_LOADER)
        data = copy.deepcopy(_yaml_cache[key])
    except FileNotFoundError as exc:
        raise ValidationFailed(f"找不到分类数据文件：{path}", code=TaxonomyError.FILE_MISSING) from exc
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"分类数据文件格式错误：{path}：{exc}", code=TaxonomyError.BAD_FILE) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(f"分类数据文件内容不是映射：{path}", code=TaxonomyError.BAD_FILE)
    return data


def _clean_name(name: Any) -> str:
    return _SOURCE_NOTE.sub("", str(name or "")).strip()


def _classification_fields(data: dict) -> dict[str, str]:
    lineage = {item.get("id"): item for item in data.get("standards_lineage") or []}
    entry = lineage.get(CLASSIFICATION_CODE, {})
    source = "；".join(
        part
        for part in (
            str(entry.get("status", "")),
            str(entry.get("source", "")),
            "小类为依据公开实现重建，置信度见各条目（taxonomy.yaml 文件头）",
        )
        if part
    )
    return {"name": str(entry.get("title_zh") or CLASSIFICATION_CODE), "source": source}


def _handling_fields(entry: Any, where: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValidationFailed(f"{where}：处置时限条目格式错误", code=TaxonomyError.BAD_TIME_LIMIT)
    amount, unit = entry.get("amount"), entry.get("unit")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise ValidationFailed(
            f"{where}：处置时限必须是正整数（现为 {amount!r}）", code=TaxonomyError.BAD_TIME_LIMIT
        )
    if unit not in TimeUnit.values:
        raise ValidationFailed(
            f"{where}：时限单位必须是 working_hours 或 working_days（现为 {unit!r}）",
            code=TaxonomyError.BAD_TIME_LIMIT,
        )
    missing = [key for key in ("filing", "closing", "source") if not str(entry.get(key) or "").strip()]
    if missing:
        raise ValidationFailed(f"{where}：缺少 {', '.join(missing)}", code=TaxonomyError.BAD_TIME_LIMIT)
    return {
        "time_limit_amount": amount,
        "time_limit_unit": unit,
        "time_limit_source": str(entry["source"]).strip()[:200],
        "filing_criteria": str(entry["filing"]).strip(),
        "closing_criteria": str(entry["closing"]).strip(),
    }


@dataclass
class _Parsed:
    majors: dict[tuple[str, str], dict[str, Any]]
    categories: dict[str, dict[str, Any]]
    skipped: list[SkippedEntry]
    unused_time_limits: list[str]


def parse(data: dict, time_limits: dict) -> _Parsed:
    """Turn the two YAML documents into row values; raise if a loaded category has no time limit."""
    majors: dict[tuple[str, str], dict[str, Any]] = {}
    categories: dict[str, dict[str, Any]] = {}
    skipped: list[SkippedEntry] = []
    missing: list[str] = []
    used: set[tuple[str, str]] = set()
    for kind, (major_key, minor_key) in _SECTIONS.items():
        for item in data.get(major_key) or []:
            code, name = str(item.get("code", "")), _clean_name(item.get("zh"))
            if not _PLAIN_MAJOR.match(code):
                skipped.append(SkippedEntry(kind, code, name, "大类代码不是2位数字（地方扩展类）"))
                continue
            majors[(kind, code)] = {
                "name_zh": name,
                "name_en": str(item.get("en") or "")[:120],
            }
        limits = {str(k): v for k, v in (time_limits.get(kind) or {}).items()}
        for major_code, items in (data.get(minor_key) or {}).items():
            major_code = str(major_code)
            for item in items or []:
                code, name = str(item.get("code", "")), _clean_name(item.get("zh"))
                if not _PLAIN_MINOR.match(code):
                    skipped.append(SkippedEntry(kind, code, name, "不是4位小类代码（区间、列表或通配）"))
                    continue
                if name == UNCONFIRMED_NAME:
                    skipped.append(SkippedEntry(kind, code, name, "名称未确认，来源中未找到"))
                    continue
                if not code.startswith(major_code) or (kind, major_code) not in majors:
                    skipped.append(SkippedEntry(kind, code, name, f"与所属大类 {major_code} 不一致"))
                    continue
                where = f"time_limits.yaml {kind}.{code}（{name}）"
                if code not in limits:
                    missing.append(where)
                    continue
                used.add((kind, code))
                full_code = KIND_PREFIX[kind] + code
                categories[full_code] = {
                    "kind": kind,
                    "major_code": major_code,
                    "minor_code": code,
                    "name_zh": name,
                    "name_en": str(item.get("en") or "")[:120],
                    "confidence": str(item.get("confidence") or "")[:10],
                    "sources": [str(s) for s in item.get("sources") or []],
                    **_handling_fields(limits[code], where),
                }
    if missing:
        raise ValidationFailed(
            "以下小类没有处置时限，请在 time_limits.yaml 中补充：" + "；".join(missing),
            code=TaxonomyError.TIME_LIMIT_MISSING,
        )
    unused = [
        f"{kind}.{code}"
        for kind in _SECTIONS
        for code in (time_limits.get(kind) or {})
        if (kind, str(code)) not in used
    ]
    return _Parsed(majors, categories, skipped, unused)


def _diff(obj, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for name, value in values.items():
        current = getattr(obj, name)
        if current != value:
            before[name], after[name] = current, value
    return before, after


def _apply(obj, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = _diff(obj, values)
    for name, value in after.items():
        setattr(obj, name, value)
    if after:
        obj.save(update_fields=list(after))
    return before, after


def load_taxonomy_report(
    *,
    actor,
    path: str | Path | None = None,
    time_limits_path: str | Path | None = None,
    activate: bool = True,
) -> LoadReport:
    """Load (or reload) the classification and return what changed, what was skipped and why.

    Run by the installation's system account (the CLI, the demo) or an admin.
    """
    require_taxonomy_admin(actor, what="载入部件事件分类")
    data = _read_yaml(Path(path) if path else DEFAULT_PATH)
    time_limits = _read_yaml(Path(time_limits_path) if time_limits_path else DEFAULT_TIME_LIMITS_PATH)
    parsed = parse(data, time_limits)
    for entry in parsed.skipped:
        logger.info("taxonomy: skipped %s", entry)

    with transaction.atomic():
        classification, classification_changed = _load_classification(actor, data)
        report = LoadReport(
            classification=classification,
            skipped=parsed.skipped,
            unused_time_limits=parsed.unused_time_limits,
            classification_changed=classification_changed,
        )
        majors = _load_majors(actor, classification, parsed, report)
        _load_categories(actor, classification, majors, parsed, report)
        if activate:
            _activate(actor, classification, report)
        report.majors = len(majors)
        report.categories = len(parsed.categories)
        if report.changed:
            audit.record(actor=actor, action="taxonomy.loaded", obj=classification, after=report.summary())
    return report


def load_taxonomy(
    *,
    actor,
    path: str | Path | None = None,
    time_limits_path: str | Path | None = None,
    activate: bool = True,
) -> Classification:
    """Load the classification; see `load_taxonomy_report` for the details of what changed."""
    return load_taxonomy_report(
        actor=actor, path=path, time_limits_path=time_limits_path, activate=activate
    ).classification


def _load_classification(actor, data: dict) -> tuple[Classification, bool]:
    fields = _classification_fields(data)
    classification = Classification.objects.select_for_update().filter(code=CLASSIFICATION_CODE).first()
    if classification is None:
        classification = Classification.objects.create(code=CLASSIFICATION_CODE, **fields)
        audit.record(actor=actor, action="taxonomy.classification_created", obj=classification, after=fields)
        return classification, True
    before, after = _apply(classification, fields)
    if after:
        audit.record(
            actor=actor,
            action="taxonomy.classification_updated",
            obj=classification,
            before=before,
            after=after,
        )
    return classification, bool(after)


def _load_majors(actor, classification: Classification, parsed: _Parsed, report: LoadReport):
    existing = {(m.kind, m.code): m for m in MajorCategory.objects.filter(classification=classification)}
    result: dict[tuple[str, str], MajorCategory] = {}
    for (kind, code), values in parsed.majors.items():
        major = existing.get((kind, code))
        if major is None:
            major = MajorCategory.objects.create(
                classification=classification, kind=kind, code=code, **values
            )
            report.created_codes.append(f"{kind}:{code}")
            report.majors_created += 1
        else:
            before, after = _apply(major, values)
            if after:
                audit.record(
                    actor=actor, action="taxonomy.major_updated", obj=major, before=before, after=after
                )
                report.majors_updated += 1
        result[(kind, code)] = major
    return result


def _load_categories(actor, classification, majors, parsed: _Parsed, report: LoadReport) -> None:
    existing = {c.code: c for c in Category.objects.filter(classification=classification)}
    for code, spec in parsed.categories.items():
        values = {k: v for k, v in spec.items() if k != "major_code"}
        values["major"] = majors[(spec["kind"], spec["major_code"])]
        values["is_active"] = True
        category = existing.pop(code, None)
        if category is None:
            Category.objects.create(classification=classification, code=code, **values)
            report.created_codes.append(code)
            report.created += 1
            continue
        if category.locally_edited:
            if _diff(category, {k: values[k] for k in HANDLING_FIELDS})[1]:
                report.kept_local_edits += 1
            for name in HANDLING_FIELDS:
                values.pop(name)
        before, after = _apply(category, values)
        if after:
            audit.record(
                actor=actor,
                action="taxonomy.category_updated",
                obj=category,
                before=_plain(before),
                after=_plain(after),
            )
            report.updated += 1
        else:
            report.unchanged += 1
    for category in existing.values():
        if category.is_active:
            _apply(category, {"is_active": False})
            audit.record(
                actor=actor,
                action="taxonomy.category_deactivated",
                obj=category,
                before={"is_active": True},
                after={"is_active": False, "reason": "no longer in taxonomy.yaml"},
            )
            report.deactivated += 1


def _activate(actor, classification: Classification, report: LoadReport) -> None:
    """Make this classification the only active one (new cases use its categories)."""
    for other in (
        Classification.objects.select_for_update().filter(is_active=True).exclude(pk=classification.pk)
    ):
        _apply(other, {"is_active": False})
        audit.record(
            actor=actor,
            action="taxonomy.classification_deactivated",
            obj=other,
            before={"is_active": True},
            after={"is_active": False},
        )
        report.activated = True
    if not classification.is_active:
        _apply(classification, {"is_active": True})
        audit.record(
            actor=actor,
            action="taxonomy.classification_activated",
            obj=classification,
            before={"is_active": False},
            after={"is_active": True},
        )
        report.activated = True


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Audit payloads name related rows by id."""
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in values.items()}
