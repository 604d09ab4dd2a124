"""Loading the classification: counts, skipped entries, time limits, idempotence and audited changes."""

from __future__ import annotations

import pytest
import yaml

from chengguan.core.audit import history, verify_chain
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.taxonomy.loader import CLASSIFICATION_CODE, load_taxonomy, load_taxonomy_report
from chengguan.taxonomy.models import Category, Classification, MajorCategory, TimeUnit
from chengguan.taxonomy.services import category_time_limit_update
from tests import factories

from .conftest import plain_minor_codes


def test_load_creates_one_category_per_plain_minor_entry(loaded):
    expected = plain_minor_codes()
    assert set(Category.objects.values_list("code", flat=True)) == expected
    assert loaded.categories == len(expected) == loaded.created
    classification = Classification.objects.get()
    assert classification.code == CLASSIFICATION_CODE
    assert classification.is_active
    assert "数字化城市管理信息系统" in classification.name
    assert classification.source


def test_codes_follow_the_kind_prefix_scheme(loaded):
    cover = Category.objects.get(code="100101")
    assert (cover.kind, cover.minor_code, cover.name_zh) == ("component", "0101", "上水井盖")
    assert cover.major.code == "01" and cover.major.name_zh == "公用设施"
    garbage = Category.objects.get(code="200102")
    assert (garbage.kind, garbage.minor_code, garbage.name_zh) == ("event", "0102", "暴露垃圾")
    assert garbage.confidence == "high"
    assert "S5" in garbage.sources


def test_source_notes_are_stripped_from_names(loaded):
    assert Category.objects.get(code="100503").name_zh == "地下室"


def test_every_category_has_a_time_limit_and_criteria(loaded):
    for category in Category.objects.all():
        assert category.time_limit_amount >= 1, category.code
        assert category.time_limit_unit in TimeUnit.values, category.code
        assert category.time_limit_source, category.code
        assert category.filing_criteria and category.closing_criteria, category.code


def test_local_examples_are_used_and_cited(loaded):
    illegal_structure = Category.objects.get(code="200101")
    assert (illegal_structure.time_limit_amount, illegal_structure.time_limit_unit) == (15, "working_days")
    assert illegal_structure.time_limit_source.startswith("S5")
    exposed_garbage = Category.objects.get(code="200102")
    assert (exposed_garbage.time_limit_amount, exposed_garbage.time_limit_unit) == (4, "working_hours")
    assert exposed_garbage.time_limit_source.startswith("S6")
    vendor = Category.objects.get(code="200501")
    assert (vendor.time_limit_amount, vendor.time_limit_unit) == (2, "working_hours")
    assert vendor.time_limit_source == "bureau default (configurable)"


def test_skipped_entries_are_reported_with_a_reason(loaded):
    skipped = {entry.code: entry.reason for entry in loaded.skipped}
    assert set(skipped) == {"local", "0127-0144,0195,0198", "0292-0298", "0309-0317", "0408", "06xx"}
    assert "4位" in skipped["06xx"]
    assert "未确认" in skipped["0408"]
    assert not Category.objects.filter(minor_code="0408", kind="component").exists()


def test_majors_of_both_kinds_are_loaded(loaded):
    assert MajorCategory.objects.filter(kind="component").count() == 6
    assert MajorCategory.objects.filter(kind="event").count() == 6
    assert loaded.majors == 12


def test_second_load_changes_nothing_and_writes_no_audit(loaded):
    events = AuditEvent.objects.count()
    before = list(Category.objects.order_by("code").values())
    report = load_taxonomy_report(actor=system_actor())
    assert not report.changed
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before))
    assert AuditEvent.objects.count() == events
    assert list(Category.objects.order_by("code").values()) == before


def test_first_load_is_audited_and_the_chain_verifies(loaded):
    classification = Classification.objects.get()
    (summary,) = history(classification).filter(action="taxonomy.loaded")
    assert set(plain_minor_codes()) <= set(summary.after["created_codes"])
    assert summary.after["categories_created"] == loaded.categories
    assert "component:0408" in summary.after["skipped"]
    report = verify_chain()
    assert report.ok, report


def _edit(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_changed_time_limit_updates_that_row_with_one_audit_event(loaded, data_copies):
    taxonomy, limits = data_copies
    _edit(limits, lambda d: d["event"]["0102"].update(amount=2))
    events_before = AuditEvent.objects.count()

    report = load_taxonomy_report(actor=system_actor(), path=taxonomy, time_limits_path=limits)

    assert (report.updated, report.created) == (1, 0)
    assert Category.objects.get(code="200102").time_limit_amount == 2
    new_events = AuditEvent.objects.filter(pk__gt=0).order_by("id")[events_before:]
    assert [e.action for e in new_events] == ["taxonomy.category_updated", "taxonomy.loaded"]
    change = new_events[0]
    assert change.object_id == str(Category.objects.get(code="200102").pk)
    assert change.before == {"time_limit_amount": 4}
    assert change.after == {"time_limit_amount": 2}


def test_changed_name_and_removed_entry(loaded, data_copies):
    taxonomy, limits = data_copies

    def change(data):
        data["event_minors"]["01"][1]["zh"] = "暴露垃圾（含散落垃圾）"
        data["event_minors"]["05"] = [e for e in data["event_minors"]["05"] if e["code"] != "0513"]

    _edit(taxonomy, change)
    report = load_taxonomy_report(actor=system_actor(), path=taxonomy, time_limits_path=limits)

    assert (report.updated, report.deactivated) == (1, 1)
    assert Category.objects.get(code="200102").name_zh == "暴露垃圾（含散落垃圾）"
    assert not Category.objects.get(code="200513").is_active
    assert report.unused_time_limits == ["event.0513"]


def test_missing_time_limit_fails_and_writes_nothing(db, data_copies):
    taxonomy, limits = data_copies
    _edit(limits, lambda d: d["component"].pop("0118"))
    with pytest.raises(ValidationFailed) as excinfo:
        load_taxonomy(actor=system_actor(), path=taxonomy, time_limits_path=limits)
    assert excinfo.value.code == "taxonomy.time_limit_missing"
    assert "0118" in excinfo.value.message and "路灯" in excinfo.value.message
    assert not Category.objects.exists()
    assert not AuditEvent.objects.exists()


def test_bad_unit_is_refused(db, data_copies):
    taxonomy, limits = data_copies
    _edit(limits, lambda d: d["event"]["0501"].update(unit="hours"))
    with pytest.raises(ValidationFailed) as excinfo:
        load_taxonomy(actor=system_actor(), path=taxonomy, time_limits_path=limits)
    assert excinfo.value.code == "taxonomy.bad_time_limit"
    assert not Category.objects.exists()


def test_reload_keeps_the_bureaus_own_time_limit(loaded, data_copies):
    taxonomy, limits = data_copies
    category = Category.objects.get(code="200501")
    category_time_limit_update(actor=system_actor(), category=category, amount=1, unit="working_hours")
    _edit(limits, lambda d: d["event"]["0501"].update(amount=3))

    report = load_taxonomy_report(actor=system_actor(), path=taxonomy, time_limits_path=limits)

    category.refresh_from_db()
    assert (category.time_limit_amount, category.locally_edited) == (1, True)
    assert report.kept_local_edits == 1
    assert not report.changed


def test_activation_switches_the_active_classification(loaded):
    classification = Classification.objects.get()
    other = Classification.objects.create(
        code="GB/T 47678.5-2026", name="城市运行管理服务平台 第5部分", is_active=True
    )
    report = load_taxonomy_report(actor=system_actor())
    other.refresh_from_db()
    classification.refresh_from_db()
    assert report.activated
    assert classification.is_active and not other.is_active
    assert history(other).filter(action="taxonomy.classification_deactivated").count() == 1


def test_only_the_system_or_an_admin_loads(district):
    dispatcher = factories.staff(district.bureau, RoleCode.DISPATCHER).user
    with pytest.raises(PermissionDenied):
        load_taxonomy(actor=dispatcher)
    assert not Category.objects.exists()
    admin = factories.staff(district.bureau, RoleCode.ADMIN).user
    load_taxonomy(actor=admin)
    (summary,) = AuditEvent.objects.filter(action="taxonomy.loaded")
    assert summary.actor_id == admin.pk


def test_load_without_activation_leaves_a_new_classification_inactive(db):
    classification = load_taxonomy(actor=system_actor(), activate=False)
    assert not classification.is_active
