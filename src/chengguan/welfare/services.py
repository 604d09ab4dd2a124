"""Every write of the welfare app: one function per use case, checked, applied and audited in one
transaction.

Audit payloads never hold personal data in clear: name, ID number and phone are masked, and the
hardship category with its evidence (sensitive, 个人信息保护法 第二十八条) is sealed as a keyed digest
that shows it changed without saying what it is."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from chengguan.core import audit, clock, phones
from chengguan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from chengguan.core.masking import mask_id_number, mask_name, mask_phone
from chengguan.grids.selectors import locate_point, locate_wgs84
from chengguan.org.models import Organisation
from chengguan.welfare import lottery
from chengguan.welfare.errors import DrawError, HelpError, SpotError, VendorError
from chengguan.welfare.models import (
    Application,
    Draw,
    DrawState,
    Hardship,
    HelpKind,
    HelpRecord,
    ReferralTo,
    Spot,
    SpotKind,
    Vendor,
    VendorCase,
    VendorStatus,
    WelfareSettings,
)
from chengguan.welfare.permissions import (
    can_keep_register,
    can_manage_spots,
    can_record_help,
    can_reveal_identity,
    can_run_draw,
    can_see_hardship,
)
from chengguan.welfare.states import DRAW_MACHINE

# --- the audit trail's view of a vendor ------------------------------------------------------------


def _sealed(vendor: Vendor) -> str:
    """A keyed digest of the sensitive fields: equal values give equal seals, nothing more."""
    if not vendor.hardship:
        return ""
    message = f"{vendor.pk}|{vendor.hardship}|{vendor.hardship_evidence}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def snapshot(vendor: Vendor) -> dict:
    """The register record as the audit trail keeps it (个人信息保护法 第五十一条)."""
    return {
        "name": mask_name(vendor.name),
        "id_number": mask_id_number(vendor.id_number),
        "phone": mask_phone(vendor.phone),
        "goods": vendor.goods,
        "grid": vendor.grid.code if vendor.grid_id else None,
        "consent": bool(vendor.consent_at),
        "sensitive": _sealed(vendor),
        "photo": bool(vendor.photo),
        "status": vendor.status,
    }


# --- cleaning ------------------------------------------------------------------------------------


def _field_error(field: str, message: str, code) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _place(lon, lat, crs: str, code) -> tuple[float, float, object]:
    wlon, wlat = locate_wgs84(lon, lat, crs)
    grid = locate_point(wlon, wlat)
    if grid is None:
        raise _field_error("lon", _("位置不在本辖区任何单元网格内。"), code)
    return wlon, wlat, grid


def _clean_vendor(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    out = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("请填写姓名。")]
    out["name"] = name[:50]
    raw_id = str(data.get("id_number") or "").strip().upper()
    try:
        # 居民身份证号码 (GB 11643-1999): region, birth date and the ISO 7064 check digit.
        out["id_number"] = ric.validate(raw_id) if raw_id else ""
    except StdnumError:
        errors["id_number"] = [_("身份证号码无效（位数、出生日期或校验位错误）")]
    phone = phones.normalise(str(data.get("phone") or ""))
    if phone is None:
        errors["phone"] = [_("联系电话不是有效的手机号或固定电话")]
    out["phone"] = phone or ""
    out["goods"] = str(data.get("goods") or "").strip()[:100]
    out["usual_place"] = str(data.get("usual_place") or "").strip()[:200]
    hardship = str(data.get("hardship") or "")
    if hardship and hardship not in Hardship.values:
        errors["hardship"] = [_("请从列表中选择困难类别。")]
    out["hardship"] = hardship
    out["hardship_evidence"] = str(data.get("hardship_evidence") or "").strip()[:300]
    if out["hardship"] and not out["hardship_evidence"]:
        errors["hardship_evidence"] = [_("请写明核实过的证明材料（如低保证、残疾证）。")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code=VendorError.INVALID, fields=errors)
    return out


def _check_bureau(actor, bureau: Organisation, rule, action: str) -> None:
    rule.refuse(actor, Vendor(bureau=bureau), action=action)


# --- the register --------------------------------------------------------------------------------


def vendor_register(
    *,
    actor,
    bureau: Organisation,
    consent: bool,
    sensitive_consent: bool = False,
    lon=None,
    lat=None,
    crs: str = "wgs84",
    photo=None,
    **data,
) -> Vendor:
    """Put a vendor on the register, with their consent recorded (个人信息保护法 第十三条、第十四条).
    A hardship category needs the separate consent (第二十九条) and a role that may see it."""
    _check_bureau(actor, bureau, can_keep_register, _("登记摊贩"))
    if not consent:
        raise _field_error("consent", str(VendorError.NO_CONSENT.label), VendorError.NO_CONSENT)
    fields = _clean_vendor(data)
    if fields["hardship"]:
        _check_bureau(actor, bureau, can_see_hardship, _("登记困难类别"))
        if not sensitive_consent:
            raise _field_error(
                "sensitive_consent",
                str(VendorError.NO_SENSITIVE_CONSENT.label),
                VendorError.NO_SENSITIVE_CONSENT,
            )
    grid = None
    if lon not in (None, "") and lat not in (None, ""):
        lon, lat, grid = _place(lon, lat, crs, VendorError.OUTSIDE_DISTRICT)
    else:
        lon = lat = None
    now = clock.now()
    with transaction.atomic():
        if (
            fields["id_number"]
            and Vendor.objects.filter(bureau=bureau, id_number=fields["id_number"]).exists()
        ):
            raise Conflict(
                str(VendorError.DUPLICATE_ID.label),
                code=VendorError.DUPLICATE_ID,
                fields={"id_number": [_("已存在")]},
            )
        vendor = Vendor(
            bureau=bureau,
            lon=lon,
            lat=lat,
            grid=grid,
            consent_at=now,
            sensitive_consent_at=now if fields["hardship"] else None,
            created_by=actor,
            created_at=now,
            updated_at=now,
            **fields,
        )
        vendor.save()
        if photo:
            vendor.photo.save(f"{vendor.pk}.jpg", photo, save=False)
            vendor.save(update_fields=["photo"])
        audit.record(actor=actor, action="vendor.register", obj=vendor, after=snapshot(vendor))
    return vendor


def vendor_set_hardship(
    *, actor, vendor: Vendor, hardship: str, hardship_evidence: str, sensitive_consent: bool
) -> Vendor:
    """Record (or correct) the hardship category seen, with its evidence and the separate consent."""
    can_see_hardship.refuse(actor, vendor, action=_("登记困难类别"))
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        _alive(vendor)
        if not sensitive_consent:
            raise _field_error(
                "sensitive_consent",
                str(VendorError.NO_SENSITIVE_CONSENT.label),
                VendorError.NO_SENSITIVE_CONSENT,
            )
        fields = _clean_vendor(
            {"name": vendor.name, "hardship": hardship, "hardship_evidence": hardship_evidence}
        )
        if not fields["hardship"]:
            raise _field_error("hardship", _("请从列表中选择困难类别。"), VendorError.INVALID)
        before = snapshot(vendor)
        vendor.hardship, vendor.hardship_evidence = fields["hardship"], fields["hardship_evidence"]
        vendor.sensitive_consent_at = vendor.sensitive_consent_at or clock.now()
        vendor.updated_at = clock.now()
        vendor.save(update_fields=["hardship", "hardship_evidence", "sensitive_consent_at", "updated_at"])
        audit.record(
            actor=actor, action="vendor.set_hardship", obj=vendor, before=before, after=snapshot(vendor)
        )
    return vendor


def _alive(vendor: Vendor) -> None:
    if vendor.status == VendorStatus.ERASED:
        raise Conflict(str(VendorError.ERASED.label), code=VendorError.ERASED)


REVEAL_REASON_MIN = 4


def vendor_reveal_identity(*, actor, vendor: Vendor, reason: str) -> dict:
    """The vendor's full ID number and phone, for one stated reason (个人信息保护法 第五十一条: access
    on a need, and recorded). The audit record names the reason and what was shown, masked: the
    trail proves the reveal without becoming a second copy of the number."""
    can_reveal_identity.refuse(actor, vendor, action=_("查看完整身份证号码和电话"))
    reason = " ".join(str(reason or "").split())[:200]
    if len(reason) < REVEAL_REASON_MIN:
        raise _field_error(
            "reason", _("查看完整号码须写明事由（将记入审计日志）。"), VendorError.NO_REVEAL_REASON
        )
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        _alive(vendor)
        audit.record(
            actor=actor,
            action="vendor.reveal_identity",
            obj=vendor,
            after={
                "reason": reason,
                "id_number": mask_id_number(vendor.id_number),
                "phone": mask_phone(vendor.phone),
            },
        )
    return {"id_number": vendor.id_number, "phone": vendor.phone, "reason": reason}


def vendor_withdraw_consent(*, actor, vendor: Vendor, sensitive_only: bool = False) -> Vendor:
    """The person withdraws consent (个人信息保护法 第十五条、第四十七条): the sensitive data alone, or
    everything. Their data leaves the register; an anonymous stub (bureau, grid, what they sold, the
    help given) stays so the yearly figures still add up."""
    can_keep_register.refuse(actor, vendor, action=_("登记撤回同意"))
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        _alive(vendor)
        before = snapshot(vendor)
        vendor.hardship = vendor.hardship_evidence = ""
        vendor.sensitive_consent_at = None
        changed = ["hardship", "hardship_evidence", "sensitive_consent_at", "updated_at"]
        if not sensitive_only:
            if vendor.photo:
                vendor.photo.delete(save=False)
            vendor.name = vendor.id_number = vendor.phone = vendor.usual_place = ""
            vendor.lon = vendor.lat = None
            vendor.photo = ""
            vendor.consent_at = None
            vendor.status, vendor.erased_at = VendorStatus.ERASED, clock.now()
            changed += ["name", "id_number", "phone", "usual_place", "lon", "lat", "photo", "consent_at"]
            changed += ["status", "erased_at"]
            # Notes of follow-ups may name the person: they go too; what was given stays.
            HelpRecord.objects.filter(vendor=vendor).update(outcome="", given_by="")
        vendor.updated_at = clock.now()
        vendor.save(update_fields=changed)
        action = "vendor.withdraw_sensitive_consent" if sensitive_only else "vendor.erase"
        audit.record(actor=actor, action=action, obj=vendor, before=before, after=snapshot(vendor))
    return vendor


# --- vendors on cases (the "涉及摊贩" section of the case page) --------------------------------------


def vendor_link_case(*, actor, vendor: Vendor, case) -> VendorCase:
    """Name a registered vendor on a closed-loop case; linking twice changes nothing."""
    can_keep_register.refuse(actor, vendor, action=_("关联案件"))
    if case.bureau_id != vendor.bureau_id:
        raise PermissionDenied(_("该案件不属于本局。"), code=VendorError.OTHER_BUREAU)
    _alive(vendor)
    with transaction.atomic():
        link, made = VendorCase.objects.get_or_create(
            vendor=vendor, case=case, defaults={"linked_by": actor, "linked_at": clock.now()}
        )
        if made:
            audit.record(actor=actor, action="vendor.link_case", obj=vendor, after={"case": case.number})
    return link


def vendor_unlink_case(*, actor, vendor: Vendor, case) -> None:
    can_keep_register.refuse(actor, vendor, action=_("取消关联"))
    with transaction.atomic():
        link = VendorCase.objects.select_for_update().filter(vendor=vendor, case=case).first()
        if link is None:
            raise NotFound(str(VendorError.CASE_NOT_LINKED.label), code=VendorError.CASE_NOT_LINKED)
        link.delete()
        audit.record(actor=actor, action="vendor.unlink_case", obj=vendor, before={"case": case.number})


def welfare_settings_update(*, actor, bureau: Organisation, vending_categories: list[str]) -> WelfareSettings:
    """The category codes of a vending case for this bureau (721 工作法)."""
    _check_bureau(actor, bureau, can_manage_spots, _("修改帮扶设置"))
    codes = ",".join(c.strip() for c in vending_categories if c.strip())
    with transaction.atomic():
        row, _made = WelfareSettings.objects.select_for_update().get_or_create(
            bureau=bureau, defaults={"vending_categories": codes}
        )
        before = {"vending_categories": row.vending_categories}
        row.vending_categories = codes
        row.save(update_fields=["vending_categories"])
        audit.record(
            actor=actor,
            action="welfare.settings",
            obj=row,
            before=before,
            after={"vending_categories": codes},
        )
    return row


# --- spots and draws -----------------------------------------------------------------------------


def spot_create(
    *,
    actor,
    bureau: Organisation,
    code: str,
    name: str,
    kind: str,
    lon,
    lat,
    pitches: int,
    capacity: int,
    opening_hours: str,
    managing_unit: Organisation,
    rules: str = "",
    address: str = "",
    crs: str = "wgs84",
) -> Spot:
    """A designated vending spot (便民疏导点 / 摊点群 / 临时摊点) in one of the bureau's grids."""
    _check_bureau(actor, bureau, can_manage_spots, _("设立疏导点"))
    errors: dict[str, list[str]] = {}
    code, name = str(code or "").strip(), str(name or "").strip()
    if not code:
        errors["code"] = [_("请填写编号。")]
    if not name:
        errors["name"] = [_("请填写名称。")]
    if kind not in SpotKind.values:
        errors["kind"] = [_("请从列表中选择类型。")]
    if not isinstance(pitches, int) or not 1 <= pitches <= 500:
        errors["pitches"] = [_("摊位数须为 1 到 500。")]
    if not isinstance(capacity, int) or capacity < 1 or (isinstance(pitches, int) and capacity < pitches):
        errors["capacity"] = [_("容纳人数不能少于摊位数。")]
    if not str(opening_hours or "").strip():
        errors["opening_hours"] = [_("请填写开放时间。")]
    if managing_unit is None or managing_unit.bureau_id != bureau.pk:
        errors["managing_unit"] = [_("请选择本局的单位。")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=SpotError.INVALID, fields=errors)
    lon, lat, grid = _place(lon, lat, crs, SpotError.OUTSIDE_DISTRICT)
    if grid.community.bureau_id != bureau.pk:
        raise _field_error("lon", _("位置不在本辖区任何单元网格内。"), SpotError.OUTSIDE_DISTRICT)
    with transaction.atomic():
        if Spot.objects.filter(bureau=bureau, code=code).exists():
            raise Conflict(
                str(SpotError.DUPLICATE_CODE.label),
                code=SpotError.DUPLICATE_CODE,
                fields={"code": [_("已存在")]},
            )
        spot = Spot.objects.create(
            bureau=bureau,
            code=code[:20],
            name=name[:100],
            kind=kind,
            address=str(address or "")[:200],
            lon=lon,
            lat=lat,
            grid=grid,
            pitches=pitches,
            capacity=capacity,
            opening_hours=opening_hours.strip()[:100],
            rules=str(rules or "")[:4000],
            managing_unit=managing_unit,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="spot.create",
            obj=spot,
            after={"code": spot.code, "name": spot.name, "kind": kind, "grid": grid.code, "pitches": pitches},
        )
    return spot


def draw_announce(
    *,
    actor,
    spot: Spot,
    term: str,
    term_start: dt.date,
    term_end: dt.date,
    applications_close_at: dt.datetime,
) -> Draw:
    """Announce the draw of a term: the seed is made now and only its SHA-256 is published, so it is
    fixed before anyone applies (the draw cannot be steered by choosing it afterwards)."""
    can_run_draw.refuse(actor, spot, action=_("发布摇号"))
    errors = {}
    if not str(term or "").strip():
        errors["term"] = [_("请填写期次。")]
    if term_end < term_start:
        errors["term_end"] = [_("结束日期不能早于开始日期。")]
    if applications_close_at <= clock.now():
        errors["applications_close_at"] = [_("申请截止时间须在现在之后。")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=DrawError.INVALID, fields=errors)
    seed = lottery.new_seed()
    with transaction.atomic():
        if Draw.objects.filter(spot=spot, term_start=term_start).exists():
            raise Conflict(str(DrawError.DUPLICATE_TERM.label), code=DrawError.DUPLICATE_TERM)
        draw = Draw.objects.create(
            spot=spot,
            term=term.strip()[:50],
            term_start=term_start,
            term_end=term_end,
            applications_close_at=applications_close_at,
            seed=seed,
            seed_hash=lottery.commitment(seed),
            announced_at=clock.now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="welfare_draw.announce",
            obj=draw,
            after={"spot": spot.code, "term": draw.term, "seed_hash": draw.seed_hash},
        )
    return draw


def draw_apply(*, actor, draw: Draw, vendor: Vendor) -> Application:
    """One application per person per term (any spot of the bureau); hardship applicants are in the
    priority group. The application number is the next in the draw, and is what the draw ranks."""
    can_keep_register.refuse(actor, vendor, action=_("申请摊位"))
    if draw.spot.bureau_id != vendor.bureau_id:
        raise PermissionDenied(_("该疏导点不属于本局。"), code=VendorError.OTHER_BUREAU)
    with transaction.atomic():
        draw = Draw.objects.select_for_update().select_related("spot").get(pk=draw.pk)
        vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        _alive(vendor)
        if draw.state != DrawState.OPEN or clock.now() >= draw.applications_close_at:
            raise Conflict(str(DrawError.CLOSED.label), code=DrawError.CLOSED)
        if Application.objects.filter(vendor=vendor, term_start=draw.term_start).exists():
            raise Conflict(str(DrawError.ALREADY_APPLIED.label), code=DrawError.ALREADY_APPLIED)
        number = f"{draw.applications.count() + 1:04d}"
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    draw=draw,
                    vendor=vendor,
                    term_start=draw.term_start,
                    number=number,
                    priority=vendor.is_hardship,
                    applied_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(str(DrawError.ALREADY_APPLIED.label), code=DrawError.ALREADY_APPLIED) from None
        # The group is not written down here: it is sensitive, and the draw's ranking shows it.
        audit.record(
            actor=actor, action="welfare_draw.apply", obj=draw, after={"number": number, "vendor": vendor.pk}
        )
    return application


def draw_transition(*, actor, draw: Draw, action: str, **data) -> Draw:
    return DRAW_MACHINE.apply(draw, action, actor=actor, **data)


# --- help ----------------------------------------------------------------------------------------


def help_record(
    *,
    actor,
    vendor: Vendor,
    kind: str,
    on: dt.date,
    what: str = "",
    quantity: str = "",
    given_by: str = "",
    referral_to: str = "",
    follow_up_of: HelpRecord | None = None,
    outcome: str = "",
) -> HelpRecord:
    """Goods given (what, how much, by whom), a referral, or a follow-up and its outcome."""
    can_record_help.refuse(actor, vendor, action=_("登记帮扶"))
    _alive(vendor)
    errors: dict[str, list[str]] = {}
    if kind not in HelpKind.values:
        errors["kind"] = [_("请从列表中选择帮扶方式。")]
    if kind == HelpKind.GOODS and not (str(what).strip() and str(quantity).strip()):
        errors["what"] = [_("物资帮扶须写明物资和数量。")]
    if kind == HelpKind.REFERRAL and referral_to not in ReferralTo.values:
        errors["referral_to"] = [_("请选择转介去向。")]
    if kind == HelpKind.FOLLOW_UP and not str(outcome).strip():
        errors["outcome"] = [_("回访须写明结果。")]
    if follow_up_of is not None and follow_up_of.vendor_id != vendor.pk:
        errors["follow_up_of"] = [_("只能回访本人的帮扶记录。")]
    if on is None or on > clock.today():
        errors["on"] = [_("日期不能晚于今天。")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=HelpError.INVALID, fields=errors)
    with transaction.atomic():
        record = HelpRecord.objects.create(
            bureau_id=vendor.bureau_id,
            vendor=vendor,
            kind=kind,
            on=on,
            what=str(what).strip()[:100],
            quantity=str(quantity).strip()[:50],
            given_by=str(given_by).strip()[:100],
            referral_to=referral_to if kind == HelpKind.REFERRAL else "",
            follow_up_of=follow_up_of,
            outcome=str(outcome).strip()[:500],
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="welfare_help.record",
            obj=record,
            after={
                "vendor": vendor.pk,
                "kind": kind,
                "on": on.isoformat(),
                "what": record.what,
                "quantity": record.quantity,
            },
        )
    return record
