"""Reading categories: only the active classification, with the major class in the same query."""

from __future__ import annotations

import pytest

from chengguan.core.errors import NotFound
from chengguan.taxonomy.models import Category, Classification, MajorCategory
from chengguan.taxonomy.selectors import active_categories, category_by_code


def test_active_categories_hide_other_classifications_and_retired_rows(loaded):
    draft = Classification.objects.create(code="GB/T 47678.5-2026", name="草案", is_active=False)
    major = MajorCategory.objects.create(classification=draft, kind="event", code="06", name_zh="市容环境")
    Category.objects.create(
        classification=draft,
        major=major,
        kind="event",
        code="2006010",
        minor_code="0601",
        name_zh="暴露垃圾",
        time_limit_amount=4,
        time_limit_unit="working_hours",
    )
    Category.objects.filter(code="200513").update(is_active=False)
    codes = list(active_categories().values_list("code", flat=True))
    assert "2006010" not in codes and "200513" not in codes
    assert len(codes) == loaded.categories - 1


def test_active_categories_fetch_major_in_one_query(loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [(c.code, c.major.name_zh) for c in active_categories()]
    assert ("200501", "街面秩序") in names


def test_category_by_code(loaded):
    assert category_by_code("200102").name_zh == "暴露垃圾"
    assert category_by_code(" 100101 ").name_zh == "上水井盖"


@pytest.mark.parametrize("code", ["209999", "0102", ""])
def test_unknown_code_is_not_found_with_a_chinese_message(loaded, code):
    with pytest.raises(NotFound) as excinfo:
        category_by_code(code)
    assert excinfo.value.code == "taxonomy.unknown_category"
    assert excinfo.value.status == 404
    assert "未知的部件/事件分类代码" in excinfo.value.message
