"""What each penalty document says, drawn from the case.

One builder per `DocumentType`. The wording follows the structure of the model documents bureaus use
(当事人, 违法事实, 证据, 依据, 决定/告知内容, 权利救济, 签名与印章); every period and its article is read
from `core/data/legal_periods.yaml`, so a document never states a deadline the software does not apply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from chengguan.core import legal_periods
from chengguan.core.clock import SHANGHAI
from chengguan.core.pdf import OfficialDocument, cn_date
from chengguan.enforcement.models import DocumentType, PartyKind, PenaltyCase, PenaltyParty
from chengguan.enforcement.periods import article_label, review_periods_end, statement_period
from chengguan.org import selectors as org_selectors
from chengguan.people import selectors as people_selectors

T = DocumentType


@dataclass
class DocumentContext:
    """Everything a builder needs, read once from the case."""

    case: PenaltyCase
    doc_type: str
    number: str
    issued_on: dt.date
    parties: list[PenaltyParty]
    officers: list[str]
    served_document: str = ""  # 送达回证: what is being served
    evidence: list = field(default_factory=list)  # the register's entries (PenaltyEvidence)
    extra: dict = field(default_factory=dict)

    @property
    def authority(self) -> str:
        return self.case.bureau.name

    @property
    def party_names(self) -> str:
        return "、".join(p.name for p in self.parties)


def _period(period_id: str) -> tuple[str, str]:
    """(length as written, article as staff read it) of a statutory period."""
    p = legal_periods.get(period_id)
    if p.days is not None:
        length = f"{p.days}个工作日" if p.working_days else f"{p.days}日"
    else:
        length = f"{p.months}个月" if p.months else f"{p.years}年"
    return length, article_label(p.article)


_END_PUNCTUATION = "。；;，,.！!？?、：: \n\t"
_DOUBLED = re.compile(r"([。；，、！？])[。；，、！？]+")


def _clause(text: str) -> str:
    """Text a user entered, as a clause the document's own sentence continues and ends (no "。。")."""
    return (text or "").strip().rstrip(_END_PUNCTUATION)


def tidy(text: str) -> str:
    """One mark where two met (a clause's own end and the sentence's): "。。", "，。" → "。"."""
    return _DOUBLED.sub(lambda m: m.group(0)[-1], text)


class _Document(OfficialDocument):
    """The official layout with every paragraph's punctuation tidied."""

    def paragraph(self, text: str, **kwargs) -> None:
        super().paragraph(tidy(text), **kwargs)


def _facts(case: PenaltyCase) -> str:
    return _clause(case.facts)


def _violated(case: PenaltyCase, unknown: str = "有关法律、法规、规章的规定") -> str:
    """违法依据: the provisions broken (a case written before the two were separate has one text)."""
    return _clause(case.violated_provisions or case.legal_basis) or unknown


def _basis(case: PenaltyCase) -> str:
    """处罚依据: the provisions the penalty is imposed under."""
    return _clause(case.legal_basis) or "—"


def _money(amount: Decimal | None) -> str:
    return f"人民币{amount:,.2f}元" if amount else "—"


def _penalty(case: PenaltyCase) -> str:
    return f"罚款{_money(case.fine_amount)}" if case.fine_amount else "警告"


def _party_rows(parties: list[PenaltyParty]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for p in parties:
        if p.kind == PartyKind.PERSON:
            rows.append(("当事人", f"{p.name}（公民身份号码：{p.id_number}）"))
        else:
            rep = f"，法定代表人：{p.legal_representative}" if p.legal_representative else ""
            rows.append(("当事人", f"{p.name}（统一社会信用代码：{p.credit_code}{rep}）"))
        if p.address:
            rows.append(("住所/地址", p.address))
    return rows


def _basis_rows(ctx: DocumentContext) -> list[tuple[str, str]]:
    return [("案号", ctx.case.number or "—"), *_party_rows(ctx.parties)]


def _remedies(doc: OfficialDocument) -> None:
    recon, recon_art = _period("arl_application_period")
    suit, suit_art = _period("all_direct_suit")
    doc.paragraph(
        f"如不服本决定，可以在收到本决定书之日起{recon}内依法申请行政复议（{recon_art}），"
        f"或者在{suit}内依法向人民法院提起行政诉讼（{suit_art}）。"
        "申请行政复议或者提起行政诉讼的，不停止本决定的执行，法律另有规定的除外。"
    )


def _payment(doc: OfficialDocument, case: PenaltyCase) -> None:
    days, article = _period("apl_fine_payment")
    rate = legal_periods.get("apl_late_payment_surcharge")
    doc.paragraph(
        f"当事人应当自收到本决定书之日起{days}内，到指定银行或者通过电子支付系统缴纳罚款（{article}）。"
        f"到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额"
        f"（{article_label(rate.article)}）。"
    )


def _evidence_paragraph(doc: OfficialDocument, ctx: DocumentContext) -> None:
    """The facts' proof as the evidence register lists it (证据清单, 行政处罚法 第四十六条)."""
    if not ctx.evidence:
        return
    items = "；".join(
        f"{e.no}. {e.title}（{e.get_kind_display()}，{cn_date(e.collected_at.astimezone(SHANGHAI).date())}，"
        f"{'、'.join(e.officer_names)}取证）"
        for e in ctx.evidence
    )
    doc.paragraph(f"以上事实有下列证据证明：{items}。")


def _signatures_party_officers(doc: OfficialDocument) -> None:
    doc.signature_lines(["当事人签名", "日期", "执法人员签名", "执法证号"])


# ---------------------------------------------------------------- one builder per type


def _filing_approval(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    doc.fields(
        [
            *_basis_rows(ctx),
            (
                "案件来源",
                f"数字城管案件 {case.origin_case.number}" if case.origin_case_id else "执法检查发现",
            ),
            ("承办人", "、".join(ctx.officers)),
            ("受案日期", cn_date(case.proposed_on) if case.proposed_on else "—"),
            ("立案日期", cn_date(case.filed_on) if case.filed_on else "—"),
        ]
    )
    doc.heading("简要案情")
    doc.paragraph(case.facts)
    doc.heading("立案依据")
    doc.paragraph(
        "经初步核实，有违法事实，属于本机关管辖，且在追责时效内，依照《中华人民共和国行政处罚法》"
        "第五十四条第二款的规定，建议立案调查。"
        + (f"涉嫌违反：{_violated(case)}。" if case.violated_provisions or case.legal_basis else "")
        + (f"拟适用的处罚依据：{_basis(case)}。" if case.legal_basis else "")
    )
    doc.signature_lines(["承办人意见", "承办机构负责人意见", "执法机关负责人审批", "审批日期"])


def _inspection_record(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    doc.fields(
        [
            *_basis_rows(ctx),
            ("检查时间", cn_date(ctx.issued_on)),
            (
                "检查地点",
                case.origin_case.address if case.origin_case_id and case.origin_case.address else "—",
            ),
            ("执法人员", "、".join(ctx.officers)),
        ]
    )
    doc.paragraph(
        "执法人员出示执法证件，表明身份，告知当事人有申请回避的权利（《中华人民共和国行政处罚法》"
        "第四十二条、第四十三条、第五十五条）。"
    )
    doc.heading("现场检查（勘验）情况")
    doc.paragraph(case.facts)
    doc.paragraph(f"涉嫌违反：{_violated(case, '待调查确认')}。")
    doc.paragraph("以上笔录已交当事人核对（或向当事人宣读），当事人确认无误。")
    _signatures_party_officers(doc)
    doc.signature_lines(["见证人签名", "记录人签名"])


def _inquiry_record(doc: OfficialDocument, ctx: DocumentContext) -> None:
    doc.fields(
        [
            *_basis_rows(ctx),
            ("询问时间", cn_date(ctx.issued_on)),
            ("询问人", "、".join(ctx.officers)),
        ]
    )
    doc.paragraph(
        "问：我们是城市管理综合行政执法人员，这是我们的执法证件。依照《中华人民共和国行政处罚法》"
        "第五十五条，你有如实回答询问、协助调查的义务，也有申请执法人员回避的权利，听清楚了吗？"
    )
    doc.paragraph("答：")
    doc.paragraph(f"问：请陈述以下事实的经过：{_facts(ctx.case)}。")
    doc.paragraph("答：")
    doc.paragraph(f"本案涉及的规定：{_violated(ctx.case, '待调查确认')}。")
    doc.paragraph("以上笔录我已看过（或已向我宣读），与我所说一致。")
    _signatures_party_officers(doc)


def _rectification_order(doc: OfficialDocument, ctx: DocumentContext) -> None:
    doc.fields(_basis_rows(ctx))
    doc.paragraph(f"经查，{_facts(ctx.case)}。")
    doc.paragraph(
        f"上述行为违反了{_violated(ctx.case)}的规定。依照《中华人民共和国"
        "行政处罚法》第二十八条第一款的规定，责令你（单位）立即改正违法行为。"
    )
    doc.paragraph("逾期不改正的，本机关将依法处理。")
    _signatures_party_officers(doc)
    doc.seal(ctx.authority, ctx.issued_on)


def _prior_notice(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    hearing, hearing_art = _period("apl_hearing_request")
    doc.fields(_basis_rows(ctx))
    doc.paragraph(f"经查，{_facts(case)}。")
    _evidence_paragraph(doc, ctx)
    doc.paragraph(
        f"你（单位）的上述行为违反了{_violated(case)}的规定。依据{_basis(case)}的规定，"
        f"本机关拟对你（单位）作出{_penalty(case)}的行政处罚。"
    )
    doc.paragraph(
        "依照《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩；"
        "本机关不得因当事人陈述、申辩而给予更重的处罚。"
    )
    if case.hearing_offered or ctx.extra.get("hearing"):
        doc.paragraph(
            f"依照《中华人民共和国行政处罚法》第六十三条的规定，你（单位）有权要求听证，"
            f"应当在收到本告知书之日起{hearing}内提出（{hearing_art}），逾期视为放弃。"
        )
    period = statement_period(case.bureau)
    days = (
        max(period.days, legal_periods.get("apl_hearing_request").days)
        if case.hearing_offered
        else period.days
    )
    doc.paragraph(
        f"陈述、申辩请于收到本告知书之日起{days}个工作日内向本机关提出（{_clause(period.rule)}），"
        "逾期视为放弃上述权利。"
    )
    doc.seal(ctx.authority, ctx.issued_on)
    doc.signature_lines(["当事人签收", "签收日期"])


def _hearing_rights_notice(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    hearing, hearing_art = _period("apl_hearing_request")
    doc.fields(_basis_rows(ctx))
    doc.paragraph(
        f"本机关拟依据{_basis(case)}的规定，对你（单位）作出{_penalty(case)}的行政处罚。"
        "该处罚属于《中华人民共和国行政处罚法》第六十三条规定的听证范围。"
    )
    doc.paragraph(
        f"你（单位）有权要求举行听证。如要求听证，应当在收到本告知书之日起{hearing}内向本机关提出"
        f"（{hearing_art}）；逾期未提出的，视为放弃听证权利。当事人不承担听证的费用。"
    )
    doc.seal(ctx.authority, ctx.issued_on)
    doc.signature_lines(["当事人签收", "签收日期"])


def _hearing_notice(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    notice, notice_art = _period("apl_hearing_notice")
    doc.fields(
        [
            *_basis_rows(ctx),
            ("听证时间", cn_date(case.hearing_on) if case.hearing_on else "—"),
            ("听证地点", ctx.case.bureau.address or f"{ctx.authority}听证室"),
        ]
    )
    doc.paragraph(
        f"根据你（单位）的申请，本机关决定就{_facts(case)}一案举行听证。本通知于举行听证"
        f"{notice}前送达（{notice_art}）。"
    )
    doc.paragraph(
        "你（单位）可以亲自参加听证，也可以委托一至二人代理；认为主持人与本案有直接利害关系的，"
        "有权申请回避。无正当理由拒不出席听证的，视为放弃听证权利（《中华人民共和国行政处罚法》第六十四条）。"
    )
    doc.seal(ctx.authority, ctx.issued_on)
    doc.signature_lines(["当事人签收", "签收日期"])


def _decision_body(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    doc.fields(_basis_rows(ctx))
    doc.paragraph(f"经查，{_facts(case)}。")
    _evidence_paragraph(doc, ctx)
    if case.procedure == "general":
        doc.paragraph(
            "本机关于"
            + (cn_date(case.notice_served_on) if case.notice_served_on else "—")
            + "向你（单位）送达了行政处罚事先告知书，告知了拟作出处罚的事实、理由、依据及陈述、申辩"
            + ("和要求听证" if case.hearing_offered else "")
            + "的权利。"
        )
    doc.paragraph(
        f"你（单位）的上述行为违反了{_violated(case)}的规定。依据{_basis(case)}的规定，"
        f"本机关决定：给予{_penalty(case)}的行政处罚。"
    )
    if case.fine_amount and not case.collected_on_spot:
        _payment(doc, case)
    elif case.collected_on_spot:
        doc.paragraph(
            "罚款已当场收缴，并出具专用票据（《中华人民共和国行政处罚法》第六十八条、第六十九条）。"
        )
    _remedies(doc)
    doc.paragraph(
        "逾期不申请行政复议、不提起行政诉讼又不履行本决定的，本机关将依法申请人民法院强制执行"
        "（《中华人民共和国行政强制法》第五十三条）。"
    )


def _decision(doc: OfficialDocument, ctx: DocumentContext) -> None:
    _decision_body(doc, ctx)
    doc.seal(ctx.authority, ctx.case.decision_on or ctx.issued_on)
    doc.signature_lines(["当事人签收", "签收日期"])


def _simple_decision(doc: OfficialDocument, ctx: DocumentContext) -> None:
    doc.fields([("决定日期", cn_date(ctx.case.decision_on or ctx.issued_on))])
    _decision_body(doc, ctx)
    doc.paragraph(
        "本决定依照《中华人民共和国行政处罚法》第五十一条、第五十二条的规定当场作出并当场交付当事人。"
    )
    _signatures_party_officers(doc)
    doc.seal(ctx.authority, ctx.case.decision_on or ctx.issued_on)


def _service_receipt(doc: OfficialDocument, ctx: DocumentContext) -> None:
    service, service_art = _period("apl_service_of_decision")
    doc.fields(
        [
            *_basis_rows(ctx),
            ("案由", ctx.case.facts),
            ("依据", _basis(ctx.case)),
            ("受送达人", ctx.party_names),
        ]
    )
    doc.table(
        ("送达文书名称及文号", "送达地点", "送达方式", "收件人签名", "送达日期"),
        [(ctx.served_document or "—", "", "直接送达", "", "")],
        (0.42, 0.17, 0.13, 0.14, 0.14),
    )
    doc.paragraph(
        "当事人不在场的，行政处罚决定书应当在" + service + "内依照民事诉讼法的有关规定送达当事人"
        f"（{service_art}）。受送达人拒绝签收的，送达人应当记明情况，由见证人签名或者以拍照、录像等方式记录。"
    )
    doc.signature_lines(["送达人签名", "见证人签名"])
    doc.seal(ctx.authority, ctx.issued_on)


def _reminder(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    wait, wait_art = _period("acl_reminder_before_court_application")
    doc.fields(_basis_rows(ctx))
    doc.paragraph(
        f"本机关于{cn_date(case.decision_on) if case.decision_on else '—'}作出{case.decision_number}"
        f"行政处罚决定书（依据：{_basis(case)}），对你（单位）处以{_penalty(case)}，"
        f"该决定书已于{cn_date(case.decision_served_on) if case.decision_served_on else '—'}送达。"
        "你（单位）至今未履行缴纳罚款的义务。"
    )
    doc.paragraph(
        "依照《中华人民共和国行政强制法》第三十五条、第五十四条的规定，现催告你（单位）于收到本催告书之日起"
        f"{wait}内履行上述义务（{wait_art}）。依照该法第三十六条，你（单位）有权进行陈述和申辩。"
        "逾期仍不履行且无正当理由的，本机关将依法申请人民法院强制执行。"
    )
    doc.seal(ctx.authority, ctx.issued_on)
    doc.signature_lines(["当事人签收", "签收日期"])


def _court_application(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    window, window_art = _period("acl_court_application_window")
    review_end = review_periods_end(case.decision_served_on) if case.decision_served_on else None
    doc.fields([("申请人", ctx.authority), *_basis_rows(ctx)])
    doc.heading("申请事项")
    doc.paragraph(f"请求人民法院强制执行{case.decision_number}行政处罚决定书：{_penalty(case)}。")
    doc.heading("事实和理由")
    doc.paragraph(
        f"{_facts(case)}。申请人依据{_basis(case)}作出上述决定，已依法送达。被申请人在法定期限内"
        "未申请行政复议或者提起行政诉讼，又不履行；申请人于"
        f"{cn_date(case.reminder_served_on) if case.reminder_served_on else '—'}送达催告书，"
        "催告期满仍未履行。"
    )
    doc.paragraph(
        "依照《中华人民共和国行政强制法》第五十三条、第五十四条、第五十五条的规定，特申请强制执行。"
        f"本申请在复议、诉讼期限届满（{cn_date(review_end) if review_end else '—'}）之日起{window}内提出"
        f"（{window_art}）。"
    )
    doc.paragraph("附：行政处罚决定书及送达回证、催告书及送达回证、当事人的意见及催告情况、财产状况等材料。")
    doc.paragraph("此致", indent=True)
    doc.paragraph("人民法院", indent=False)
    doc.seal(ctx.authority, ctx.issued_on)


def _closing_report(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    how = "当事人已缴纳罚款" if case.paid_on else "已申请人民法院强制执行"
    doc.fields(
        [
            *_basis_rows(ctx),
            ("立案日期", cn_date(case.filed_on) if case.filed_on else "—"),
            ("处罚决定", f"{case.decision_number}，{_penalty(case)}"),
            ("违法依据", _violated(case)),
            ("处罚依据", _basis(case)),
            ("执行情况", how + (f"（{cn_date(case.paid_on)}）" if case.paid_on else "")),
            ("承办人", "、".join(ctx.officers)),
        ]
    )
    doc.heading("结案意见")
    doc.paragraph(
        "本案行政处罚决定已执行完毕（或已依法申请强制执行），程序合法，案卷材料齐全，建议结案归档"
        "（《中华人民共和国行政处罚法》第四十七条，全过程记录归档保存）。"
    )
    doc.signature_lines(["承办人", "承办机构负责人", "执法机关负责人审批", "审批日期"])


def _statement_record(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    doc.fields(
        [
            *_basis_rows(ctx),
            ("时间", cn_date(ctx.issued_on)),
            ("地点", ctx.case.bureau.address or ctx.authority),
            ("陈述申辩人", ctx.party_names),
            ("执法人员", "、".join(ctx.officers)),
        ]
    )
    served = cn_date(case.notice_served_on) if case.notice_served_on else "—"
    doc.paragraph(
        f"本机关于{served}向你（单位）送达了行政处罚事先告知书，拟依据{case.legal_basis or '—'}作出"
        f"{_penalty(case)}的行政处罚。"
        "依照《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩；"
        "本机关必须充分听取你（单位）的意见，不得因陈述、申辩而给予更重的处罚。"
    )
    doc.heading("陈述、申辩内容")
    doc.paragraph("陈述申辩人：")
    doc.paragraph("　")
    doc.paragraph("提交的证据或材料：")
    doc.heading("执法人员复核意见")
    doc.paragraph(
        "对当事人提出的事实、理由和证据进行复核；事实、理由或者证据成立的，应当采纳（第四十五条）。"
    )
    doc.paragraph("以上笔录我已看过（或已向我宣读），与我所说一致。")
    doc.signature_lines(["陈述申辩人签名", "日期", "执法人员签名", "记录人签名"])


def _hearing_record(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    doc.fields(
        [
            *_basis_rows(ctx),
            ("听证时间", cn_date(case.hearing_on) if case.hearing_on else cn_date(ctx.issued_on)),
            ("听证地点", ctx.case.bureau.address or f"{ctx.authority}听证室"),
            ("听证主持人", "________________"),
            ("记录人", "________________"),
            ("案件调查人员", "、".join(ctx.officers)),
            ("当事人及委托代理人", ctx.party_names),
        ]
    )
    doc.paragraph(
        "主持人宣布听证纪律，核对参加人身份，告知当事人有申请主持人回避的权利（《中华人民共和国行政处罚法》"
        "第六十四条第四项）。听证公开举行，涉及国家秘密、商业秘密或者个人隐私依法予以保密的除外。"
    )
    doc.heading("调查人员提出的违法事实、证据和处罚建议")
    doc.paragraph(f"经查，{case.facts}。")
    _evidence_paragraph(doc, ctx)
    doc.paragraph(f"依据{case.legal_basis or '—'}，建议给予{_penalty(case)}的行政处罚。")
    doc.heading("当事人的申辩和质证（第六十四条第七项）")
    doc.paragraph("　")
    doc.heading("当事人最后陈述")
    doc.paragraph("　")
    doc.paragraph(
        "听证笔录交当事人或者其代理人核对无误后签字或者盖章；拒绝签字或者盖章的，由听证主持人在笔录中"
        "注明（第六十四条第八项）。本机关依据听证笔录作出决定（第六十五条）。"
    )
    doc.signature_lines(["当事人签名", "主持人签名", "记录人签名", "日期"])


def _preservation_notice(doc: OfficialDocument, ctx: DocumentContext) -> None:
    case = ctx.case
    days, article = _period("apl_evidence_registration_preservation")
    doc.fields(_basis_rows(ctx))
    doc.paragraph(
        f"经查，你（单位）涉嫌{case.facts}，涉嫌违反{case.legal_basis or '有关法律、法规、规章的规定'}。"
        "因证据可能灭失或者以后难以取得，经本机关负责人批准，依照《中华人民共和国行政处罚法》"
        "第五十六条的规定，对下列物品先行登记保存："
    )
    preserved = [e for e in ctx.evidence if e.method == "preserved"]
    rows = [(f"{e.no}. {e.title}", e.get_kind_display(), "", e.place or "") for e in preserved]
    doc.table(
        ("物品名称", "种类", "数量", "存放地点"),
        rows or [("", "", "", ""), ("", "", "", ""), ("", "", "", "")],
        (0.46, 0.18, 0.12, 0.24),
    )
    doc.paragraph(
        "先行登记保存期间，当事人或者有关人员不得损毁、销毁或者转移证据。"
        f"本机关将在{days}内作出处理决定（{article}）。"
    )
    doc.seal(ctx.authority, ctx.issued_on)
    doc.signature_lines(["当事人签收", "签收日期", "执法人员签名", "执法证号"])


BUILDERS: dict[str, Callable[[OfficialDocument, DocumentContext], None]] = {
    T.FILING_APPROVAL: _filing_approval,
    T.INSPECTION_RECORD: _inspection_record,
    T.INQUIRY_RECORD: _inquiry_record,
    T.RECTIFICATION_ORDER: _rectification_order,
    T.PRIOR_NOTICE: _prior_notice,
    T.HEARING_RIGHTS_NOTICE: _hearing_rights_notice,
    T.HEARING_NOTICE: _hearing_notice,
    T.DECISION: _decision,
    T.SERVICE_RECEIPT: _service_receipt,
    T.REMINDER: _reminder,
    T.COURT_APPLICATION: _court_application,
    T.CLOSING_REPORT: _closing_report,
    T.SIMPLE_DECISION: _simple_decision,
    T.STATEMENT_RECORD: _statement_record,
    T.HEARING_RECORD: _hearing_record,
    T.PRESERVATION_NOTICE: _preservation_notice,
}


def officer_names(case: PenaltyCase, *, on: dt.date) -> list[str]:
    """Officers as named on paper: full name and the number of the enforcement certificate in force
    on the document's date, from the people app's registry (执法证号, shown to the party: 行政处罚法
    第五十五条)."""
    officers = list(case.officers.all().order_by("id"))
    numbers = people_selectors.certificate_numbers(officers, on=on)
    names = []
    for user in officers:
        profile = org_selectors.profile_of(user)
        name = profile.full_name if profile else user.get_username()
        names.append(f"{name}（执法证号{numbers[user.pk]}）" if user.pk in numbers else name)
    return names


def render(ctx: DocumentContext) -> bytes:
    """The PDF of one document."""
    doc = _Document(
        authority=ctx.authority,
        title=str(DocumentType(ctx.doc_type).label),
        number=ctx.number,
        pdf_title=f"{DocumentType(ctx.doc_type).label} {ctx.number}",
    )
    BUILDERS[ctx.doc_type](doc, ctx)
    return doc.to_bytes()
