"""Every write of the ledger and the letters: one function per use case, audited in its transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.cases.errors import CaseError
from chengguan.core import audit, clock, numbering
from chengguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from chengguan.core.masking import mask_id_number, mask_phone
from chengguan.grids.models import Grid
from chengguan.grids.selectors import locate_point
from chengguan.merchants import validation as v
from chengguan.merchants.errors import LetterError, MerchantError
from chengguan.merchants.models import (
    Letter,
    LetterStatus,
    Merchant,
    MerchantCase,
    MerchantStatus,
)
from chengguan.merchants.permissions import can_keep_ledger, can_link_cases, can_run_bulk_work, keeps_a_shop
from chengguan.merchants.states import LETTER_MACHINE
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.org.permissions import same_bureau

LEDGER_FIELDS = (
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
)


def snapshot(m: Merchant) -> dict:
    """The ledger record as the audit trail keeps it (ID and phone masked: 个人信息保护法 第五十一条)."""
    return {
        "name": m.name,
        "credit_code": m.credit_code,
        "operator_name": m.operator_name,
        "id_number": mask_id_number(m.id_number),
        "phone": mask_phone(m.phone),
        "business_type": m.business_type,
        "address": m.address,
        "lon": round(m.lon, 7),
        "lat": round(m.lat, 7),
        "grid": m.grid.code if m.grid_id else None,
        "frontage_m": str(m.frontage_m),
        "status": m.status,
    }


def clean_ledger_fields(data: dict, *, partial: bool = False, crs: str | None = None) -> dict:
    """Validate the ledger fields present in `data`; raise one error listing every bad field. With
    `crs`, a position outside the district is one of them (not a second refusal after the rest)."""
    cleaners: dict[str, Callable] = {
        "name": v.clean_name,
        "credit_code": v.clean_credit_code,
        "operator_name": lambda x: str(x or "").strip()[:50],
        "id_number": v.clean_id_number,
        "phone": v.clean_phone,
        "business_type": v.clean_business_type,
        "address": v.clean_address,
        "frontage_m": v.clean_frontage,
        "status": v.clean_status,
    }
    out: dict = {}
    errors: dict[str, list[str]] = {}
    for field, clean in cleaners.items():
        if field not in data and partial:
            continue
        try:
            out[field] = clean(data.get(field))
        except v.FieldError as exc:
            errors.setdefault(exc.field, []).append(exc.message)
    if "lon" in data or "lat" in data or not partial:
        try:
            out["lon"], out["lat"] = v.clean_coordinate(data.get("lon"), data.get("lat"))
        except v.FieldError as exc:
            errors.setdefault("lon", []).append(exc.message)
        else:
            if crs is not None and _outside_district(out["lon"], out["lat"], crs):
                errors.setdefault("lon", []).append(_("位置不在本辖区任何单元网格内"))
    if errors:
        first = next(iter(errors.values()))[0]
        outside_only = errors == {"lon": [_("位置不在本辖区任何单元网格内")]}
        code = MerchantError.OUTSIDE_DISTRICT if outside_only else MerchantError.INVALID
        raise ValidationFailed(first, code=code, fields=errors)
    return out


def _outside_district(lon: float, lat: float, crs: str) -> bool:
    from chengguan.grids.selectors import locate_wgs84

    try:
        wlon, wlat = locate_wgs84(lon, lat, crs)
    except (ValueError, ValidationFailed):
        return False  # a bad coordinate system is refused where the position is placed
    return locate_point(wlon, wlat) is None


def place(lon: float, lat: float, crs: str = "wgs84") -> tuple[float, float, Grid]:
    """WGS-84 position and the grid holding it; outside every grid is refused."""
    from chengguan.grids.selectors import locate_wgs84

    wlon, wlat = locate_wgs84(lon, lat, crs)
    grid = locate_point(wlon, wlat)
    if grid is None:
        raise ValidationFailed(
            _("位置不在本辖区任何单元网格内"),
            code=MerchantError.OUTSIDE_DISTRICT,
            fields={"lon": [_("不在辖区内")]},
        )
    return wlon, wlat, grid


def assign_units(m: Merchant, grid: Grid) -> None:
    m.grid = grid
    m.community_id = grid.community_id
    m.subdistrict_id = grid.subdistrict_id
    m.squad_id = grid.squad_id
    m.bureau_id = grid.community.bureau_id


def _check_bureau(actor, bureau_id: int) -> None:
    if not same_bureau(actor, bureau_id):
        raise PermissionDenied("该位置不属于您所在单位的辖区。", code=MerchantError.OTHER_BUREAU)


def merchant_create(*, actor, crs: str = "wgs84", **data) -> Merchant:
    """Add a unit to the ledger; its grid, community, sub-district and squad come from its location."""
    can_keep_ledger.refuse(actor, action=_("登记商户"))
    fields = clean_ledger_fields(data, crs=crs)
    wlon, wlat, grid = place(fields.pop("lon"), fields.pop("lat"), crs)
    with transaction.atomic():
        if Merchant.objects.filter(credit_code=fields["credit_code"]).exists():
            raise Conflict(
                _("该统一社会信用代码已在台账中"),
                code=MerchantError.DUPLICATE_CODE,
                fields={"credit_code": [_("已存在")]},
            )
        now = clock.now()
        m = Merchant(lon=wlon, lat=wlat, created_at=now, updated_at=now, **fields)
        assign_units(m, grid)
        _check_bureau(actor, m.bureau_id)
        m.save(force_insert=True)
        audit.record(actor=actor, action="merchant.create", obj=m, after=snapshot(m))
    return m


def merchant_update(*, actor, merchant: Merchant, crs: str = "wgs84", **data) -> Merchant:
    """Change ledger fields; a new location re-assigns the grid and its units. No change, no event."""
    can_keep_ledger.refuse(actor, action=_("修改商户台账"))
    fields = clean_ledger_fields(data, partial=True, crs=crs)
    with transaction.atomic():
        m = Merchant.objects.select_for_update(of=("self",)).select_related("grid").get(pk=merchant.pk)
        _check_bureau(actor, m.bureau_id)
        before = snapshot(m)
        if "lon" in fields:
            lon, lat = fields.pop("lon"), fields.pop("lat")
            wlon, wlat, grid = place(lon, lat, crs)
            m.lon, m.lat = wlon, wlat
            assign_units(m, grid)
        new_code = fields.get("credit_code", m.credit_code)
        if (
            new_code != m.credit_code
            and Merchant.objects.filter(credit_code=new_code).exclude(pk=m.pk).exists()
        ):
            raise Conflict("该统一社会信用代码已在台账中", code=MerchantError.DUPLICATE_CODE)
        for key, value in fields.items():
            setattr(m, key, value)
        after = snapshot(m)
        if after == before:
            return m
        m.updated_at = clock.now()
        m.save()
        audit.record(actor=actor, action="merchant.update", obj=m, before=before, after=after)
    return m


def merchant_account_link(*, actor, merchant: Merchant, account) -> Merchant:
    """Give the shop's operator their own view of it: `account` (a 商户 sign-in) sees this shop's
    letters and cases on their home page; None unlinks. No change, no event."""
    can_keep_ledger.refuse(actor, action=_("关联商户账号"))
    if account is not None and not keeps_a_shop(account):
        raise ValidationFailed(
            _("只能关联持有“商户”角色的账号。"),
            code=MerchantError.NOT_A_MERCHANT_ACCOUNT,
            fields={"account": [_("只能关联持有“商户”角色的账号。")]},
        )
    with transaction.atomic():
        m = Merchant.objects.select_for_update().get(pk=merchant.pk)
        _check_bureau(actor, m.bureau_id)
        new_id = account.pk if account is not None else None
        if m.account_id == new_id:
            return m
        before = {"account": m.account_id}
        m.account_id = new_id
        m.updated_at = clock.now()
        m.save(update_fields=["account", "updated_at"])
        audit.record(
            actor=actor, action="merchant.account_link", obj=m, before=before, after={"account": new_id}
        )
    return m


def merchant_add_photo(*, actor, merchant: Merchant, upload, caption: str = ""):
    from chengguan.core.evidence import inspect_upload
    from chengguan.merchants.models import MerchantPhoto

    can_keep_ledger.refuse(actor, action=_("上传商户照片"))
    info = inspect_upload(upload, allowed_kinds=("photo",))
    with transaction.atomic():
        photo = MerchantPhoto(merchant=merchant, caption=caption[:100], uploaded_at=clock.now())
        photo.uploaded_by = actor if getattr(actor, "pk", None) else None
        photo.file.save(f"{merchant.pk}.{info.extension}", ContentFile(info.data), save=False)
        photo.save()
        audit.record(actor=actor, action="merchant.photo_add", obj=merchant, after={"photo": photo.file.name})
    return photo


# --- letters --------------------------------------------------------------------------------------

LETTER_KEY = "merchants.letter"


def letter_prefix(bureau: Organisation) -> str:
    """`中原区城市管理局` (or short name `中原城管局`) → `中原城管三包字`: the bureau's abbreviation, which
    already ends in 城管, and the document type."""
    name = org_selectors.bureau_abbreviation(bureau)
    return f"{name}三包字" if name.endswith("城管") else f"{name}城管三包字"


def _new_letter(merchant: Merchant, year: int, prefix: str, now: dt.datetime) -> Letter:
    seq = numbering.next_number(f"{LETTER_KEY}.{merchant.bureau_id}", year)
    return Letter(
        merchant=merchant,
        bureau_id=merchant.bureau_id,
        year=year,
        seq=seq,
        number=numbering.format_document_number(prefix, year, seq, width=5),
        token=secrets.token_urlsafe(9),
        term_start=dt.date(year, 1, 1),
        term_end=dt.date(year, 12, 31),
        created_at=now,
    )


def letters_prepare(
    *,
    actor,
    merchants: Iterable[Merchant],
    year: int,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,
) -> int:
    """Number a letter for each merchant that has none for `year` (gapless, in ledger order)."""
    can_run_bulk_work.refuse(actor, action=_("生成责任书"))
    merchants = list(merchants)
    have = set(
        Letter.objects.filter(year=year, merchant__in=[m.pk for m in merchants]).values_list(
            "merchant_id", flat=True
        )
    )
    todo = [m for m in merchants if m.pk not in have]
    prefixes: dict[int, str] = {}
    created = 0
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        with transaction.atomic():
            now = clock.now()
            letters = []
            for m in chunk:
                if m.bureau_id not in prefixes:
                    prefixes[m.bureau_id] = letter_prefix(Organisation.objects.get(pk=m.bureau_id))
                letters.append(_new_letter(m, year, prefixes[m.bureau_id], now))
            Letter.objects.bulk_create(letters)
            audit.record(
                actor=actor,
                action="letter.prepare_batch",
                obj=("merchants.letter", f"{year}:{letters[0].number}"),
                after={
                    "year": year,
                    "count": len(letters),
                    "first": letters[0].number,
                    "last": letters[-1].number,
                },
            )
        created += len(chunk)
        if progress:
            progress(created)
    return created


def letter_prepare(*, actor, merchant: Merchant, year: int) -> Letter:
    """The letter of one merchant for `year`, numbered now if it has none yet."""
    can_keep_ledger.refuse(actor, action=_("生成责任书"))
    with transaction.atomic():
        existing = Letter.objects.filter(merchant=merchant, year=year).first()
        if existing:
            return existing
        letter = _new_letter(merchant, year, letter_prefix(merchant.bureau), clock.now())
        letter.save(force_insert=True)
        audit.record(actor=actor, action="letter.prepare", obj=letter, after={"number": letter.number})
    return letter


def letters_mark_issued(*, actor, letter_ids: list[int], job_id: int | None = None) -> int:
    """Printed letters are issued (one audit event for the batch, naming the job and the count)."""
    now = clock.now()
    n = 0
    with transaction.atomic():
        for start in range(0, len(letter_ids), 900):
            ids = letter_ids[start : start + 900]
            n += Letter.objects.filter(pk__in=ids, status=LetterStatus.NOT_ISSUED).update(
                status=LetterStatus.ISSUED, issued_at=now
            )
        if n:
            audit.record(
                actor=actor,
                action="letter.issue_batch",
                obj=("core.job", job_id or 0),
                after={"issued": n, "printed": len(letter_ids)},
            )
    return n


def letter_transition(*, actor, letter: Letter, action: str, upload=None, **data) -> Letter:
    """Take one step of the letter's life (`states.LETTER_MACHINE`); `upload` is the signed scan."""
    if upload is not None:
        data["scan"] = upload
    return LETTER_MACHINE.apply(letter, action, actor=actor, **data)


def letter_confirm_receipt(*, credit_code: str, number: str, client_address: str = "") -> Letter:
    """Self-service: a merchant confirms online that it received its letter (no login needed; the
    credit code and the letter number together are the proof)."""
    from chengguan.merchants.selectors import letter_lookup

    letter = letter_lookup(credit_code=credit_code, number=number)
    if letter is None:
        raise NotFound("未找到与该统一社会信用代码和编号对应的责任书", code=LetterError.NOT_FOUND)
    if letter.status in (LetterStatus.EXPIRED,):
        raise Conflict("该责任书已过期", code=LetterError.EXPIRED)
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.receipt_confirmed_at:
            return letter
        letter.receipt_confirmed_at = clock.now()
        letter.receipt_address = client_address[:64]
        letter.save(update_fields=["receipt_confirmed_at", "receipt_address"])
        audit.record(
            actor=None,
            action="letter.receipt_confirm",
            obj=letter,
            after={"confirmed_at": letter.receipt_confirmed_at},
            client_address=client_address,
        )
    return letter


def letters_renew(*, actor, year: int, bureau: Organisation | None = None, progress=None) -> dict:
    """The yearly renewal: letters of earlier years whose term has ended expire, and every open
    merchant gets a numbered letter for `year`."""
    can_run_bulk_work.refuse(actor, action=_("办理年度续签"))
    today = clock.today()
    merchants = Merchant.objects.filter(status=MerchantStatus.OPEN).order_by(
        "subdistrict__code", "grid__code", "id"
    )
    old = Letter.objects.filter(year__lt=year, term_end__lt=today).exclude(status=LetterStatus.EXPIRED)
    if bureau is not None:
        merchants = merchants.filter(bureau=bureau)
        old = old.filter(bureau=bureau)
    with transaction.atomic():
        expired = old.update(status=LetterStatus.EXPIRED)
        if expired:
            audit.record(
                actor=actor,
                action="letter.expire_batch",
                obj=("merchants.letter", f"<{year}"),
                after={"expired": expired, "before_year": year},
            )
    created = letters_prepare(
        actor=actor, merchants=merchants.select_related("bureau"), year=year, progress=progress
    )
    return {"expired": expired, "created": created}


def _check_case_link(actor, merchant: Merchant, case) -> None:
    """The actor may link; the case is one they can see; merchant and case are of one bureau."""
    from chengguan.cases.selectors import cases_visible_to

    can_link_cases.refuse(actor, action=_("关联案件与商户"))
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound("案件不存在或您无权查看。", code=CaseError.NOT_FOUND)
    if merchant.bureau_id != case.bureau_id:
        raise ValidationFailed(
            _("该商户不属于本案件所在辖区。"),
            code=MerchantError.OTHER_BUREAU,
            fields={"merchant": [_("该商户不属于本案件所在辖区")]},
        )


def merchant_link_case(*, actor, merchant: Merchant, case) -> MerchantCase:
    """Name a merchant on a case (the party of 店外经营, 乱堆物堆料 …); linking twice changes nothing."""
    _check_case_link(actor, merchant, case)
    with transaction.atomic():
        link, made = MerchantCase.objects.get_or_create(
            merchant=merchant,
            case=case,
            defaults={"linked_by": actor if getattr(actor, "pk", None) else None, "linked_at": clock.now()},
        )
        if made:
            audit.record(actor=actor, action="merchant.link_case", obj=merchant, after={"case": case.number})
    return link


def merchant_unlink_case(*, actor, merchant: Merchant, case) -> None:
    """Take a wrongly named merchant off a case; the audit trail keeps who linked and who unlinked."""
    _check_case_link(actor, merchant, case)
    with transaction.atomic():
        link = MerchantCase.objects.select_for_update().filter(merchant=merchant, case=case).first()
        if link is None:
            raise NotFound("该商户未关联此案件。", code=MerchantError.CASE_NOT_LINKED)
        before = {
            "case": case.number,
            "linked_by": link.linked_by_id,
            "linked_at": link.linked_at.isoformat(),
        }
        link.delete()
        audit.record(actor=actor, action="merchant.unlink_case", obj=merchant, before=before)
