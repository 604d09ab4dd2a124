"""Export of the (filtered) ledger to Excel, streamed with openpyxl's write-only mode."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from openpyxl import Workbook

from chengguan.core import text
from chengguan.core.i18n import source_choices
from chengguan.core.masking import mask_id_number, mask_phone

HEADER = [
    "单位名称",
    "统一社会信用代码",
    "法定代表人/经营者",
    "身份证号",
    "联系电话",
    "经营类别",
    "地址",
    "经度",
    "纬度",
    "门前责任区长度（米）",
    "经营状态",
    "单元网格",
    "社区",
    "街道",
    "责任中队",
]


def export_workbook(qs: QuerySet, *, full: bool = False) -> bytes:
    """The ledger as .xlsx. ID and phone numbers are masked unless `full` (roles that need them)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("商户台账")
    ws.append(HEADER)
    rows = qs.select_related(None).values_list(
        "name",
        "credit_code",
        "operator_name",
        "id_number",
        "phone",
        "business_type",
        "address",
        "lon",
        "lat",
        "frontage_m",
        "status",
        "grid__code",
        "community__name",
        "subdistrict__name",
        "squad__name",
    )
    from chengguan.merchants.models import BusinessType, MerchantStatus

    # Chinese labels, as the import reads them back (the file is the same whatever the UI language).
    types, states = source_choices(BusinessType), source_choices(MerchantStatus)
    for r in rows.iterator(chunk_size=2000):
        r = list(r)
        if not full:
            r[3], r[4] = mask_id_number(r[3]), mask_phone(r[4])
        r[5], r[10] = types.get(r[5], r[5]), states.get(r[10], r[10])
        r[9] = float(r[9])
        ws.append(text.row_for_output(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
