"""Personal data is masked for roles that do not need it in full (ARCHITECTURE.md, Personal data)."""

from __future__ import annotations

import pytest

from chengguan.core.masking import mask_address, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        ("+86 138-1234-1234", "138****1234"),
        ("0371-66881234", "0371-****1234"),
        ("037166881234", "0371-****1234"),
        ("010-62751234", "010-****1234"),
        ("021 5555 1234", "021-****1234"),
        ("12319", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_numbers_keep_only_the_prefix_and_last_four_digits(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("41010219900307123X", "410102********123X"),
        ("410102900307123", "410102*****7123"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_numbers_keep_the_region_and_the_last_four(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三丰", "张**"),
        ("李四", "李*"),
        ("欧阳娜娜", "欧***"),
        ("王", "*"),
        (" 赵六 ", "赵*"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_keep_only_the_surname(raw, masked):
    assert mask_name(raw) == masked


def test_addresses_hide_the_house_number():
    assert mask_address("郑州市中原区建设路88号3单元") == "郑州市中原区****"
    assert mask_address("中原区") == "中原区"
    assert mask_address(None) == ""


def test_a_masked_value_never_contains_the_hidden_digits():
    phone = "13899995678"
    assert "9999" not in mask_phone(phone)
    assert "19900307" not in mask_id_number("410102199003071234")


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("身份证410102199003071234，电话13812345678", "身份证410102********1234，电话138****5678"),
        ("证号 41010219900307123X 联系", "证号 410102********123X 联系"),
        ("证号41010219900307123x", "证号410102********123x"),
        ("旧证410102900307123", "旧证410102*****7123"),
        ("座机0371-66881234或+86 13812345678", "座机0371-****1234或138****5678"),
        ("工单号 GD41010219900307123X5 不是证号", "工单号 GD41010219900307123X5 不是证号"),
        ("编号 2026120200011234567890 太长", "编号 2026120200011234567890 太长"),
        ("垃圾堆了三天", "垃圾堆了三天"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_and_phone_numbers_typed_into_free_text_are_masked(raw, masked):
    """Issue 11 item 7: the one masking for every public surface."""
    from chengguan.core.masking import mask_personal_numbers

    assert mask_personal_numbers(raw) == masked
