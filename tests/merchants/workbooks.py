"""Ledger workbooks with planted bad rows, as a bureau's Excel export would look."""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from chengguan.merchants import data
from chengguan.merchants.importer import COLUMNS
from chengguan.merchants.models import BusinessType

BAD_KINDS = ("checksum", "phone", "name", "duplicate", "outside")


def make_workbook(path: Path, *, rows: int, bad: int, bbox, seed: int = 7) -> dict[int, str]:
    """Write `rows` data rows of which exactly `bad` are bad (cycling through BAD_KINDS).

    Returns {line number: kind} of the planted bad rows. A duplicate repeats the credit code of an
    earlier good row, so the earlier row stays good and the later one is the bad one."""
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = bbox
    labels = dict(BusinessType.choices)
    bad_lines = set(rng.sample(range(rows // 10 + 2, rows + 2), bad))
    planted: dict[int, str] = {}
    good_codes: list[str] = []
    out = [[label for _, label in COLUMNS]]
    k = 0
    for line in range(2, rows + 2):
        btype = data.business_type(rng)
        street = rng.choice(data.STREETS)
        row = {
            "name": data.shop_name(rng, btype, street),
            "credit_code": data.credit_code(rng),
            "operator_name": data.person(rng),
            "id_number": "",
            "phone": data.mobile(rng) if rng.random() < 0.8 else f"0371-6{rng.randrange(10**7):07d}",
            "business_type": labels[btype],
            "address": data.address(rng, street),
            "lon": round(rng.uniform(min_lon + 1e-5, max_lon - 1e-5), 7),
            "lat": round(rng.uniform(min_lat + 1e-5, max_lat - 1e-5), 7),
            "crs": "wgs84",
            "frontage_m": round(rng.uniform(3, 30), 1),
            "status": "营业",
        }
        if line in bad_lines:
            kind = BAD_KINDS[k % len(BAD_KINDS)]
            k += 1
            planted[line] = kind
            if kind == "checksum":
                row["credit_code"] = data.bad_credit_code(rng)
            elif kind == "phone":
                row["phone"] = "12345"
            elif kind == "name":
                row["name"] = ""
            elif kind == "duplicate":
                row["credit_code"] = rng.choice(good_codes)
            else:
                row["lon"] = round(max_lon + 0.05, 7)
        else:
            good_codes.append(row["credit_code"])
        out.append([row[key] for key, _ in COLUMNS])
    write_xlsx(path, out)
    return planted


def _cell(ref: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, rows: list[list]) -> None:
    """A minimal SpreadsheetML workbook (inline strings), as small exporters write them; openpyxl
    takes ~20 s for 20,000 rows on a busy machine, this takes a second."""
    cols = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    body = "".join(
        f'<row r="{r}">' + "".join(_cell(f"{cols[c]}{r}", v) for c, v in enumerate(row) if v != "") + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    last = f"{cols[len(rows[0]) - 1]}{len(rows)}"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with ZipFile(path, "w", ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                "</Types>"
            ),
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="商户台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
            f'<dimension ref="A1:{last}"/><sheetData>{body}</sheetData></worksheet>',
        )
