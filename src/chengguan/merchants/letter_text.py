"""The wording of the city-management responsibility letter (城市管理责任书·门前三包).

Kept apart from the drawing code so the bureau can revise the wording without touching layout.
The obligations follow the 门前三包 practice set out in 《城市市容和环境卫生管理条例》（国务院令第101号）
and the local city-appearance regulations: cleanliness, greenery and order in the frontage zone, from
the building wall to the kerb.
"""

from __future__ import annotations

TITLE = "城市管理责任书"
SUBTITLE = "（门前三包）"

PREAMBLE = (
    "为加强城市管理，营造整洁、有序、优美的城市环境，根据《城市市容和环境卫生管理条例》和本市城市市容"
    "和环境卫生管理的有关规定，实行临街单位、门店“门前三包”责任制。经城市管理部门与责任单位协商，"
    "签订本责任书，双方共同遵守。"
)

SCOPE_HEADING = "一、责任区域"
SCOPE = (
    "责任区域为责任单位经营场所临街一侧，自建筑物墙体（外立面）起至道路路缘石（马路牙子）止的区域，"
    "沿街长度见上文“责任区长度”；与相邻单位相接的，以双方分界线为界。"
)

OBLIGATIONS_HEADING = "二、责任内容"
OBLIGATIONS: tuple[tuple[str, str], ...] = (
    (
        "（一）包市容整洁：",
        "保持责任区域内地面干净，无积存垃圾、污水、油渍和杂物；门窗、招牌、外立面整洁完好，"
        "不乱贴乱画、乱挂乱晒；冬季降雪后及时清扫责任区域内的积雪。",
    ),
    (
        "（二）包绿化：",
        "爱护责任区域内的树木、花草和绿化设施，不在树上悬挂、晾晒物品，不向树池、绿地倾倒污水和垃圾，"
        "发现损坏及时劝阻并报告。",
    ),
    (
        "（三）包秩序：",
        "不出店经营、占道经营，不在责任区域内乱堆物堆料、乱搭乱建；车辆按标线有序停放，"
        "户外广告和招牌设置须依法审批；维护责任区域内的公共秩序。",
    ),
)

DUTIES_HEADING = "三、双方责任"
DUTIES: tuple[str, ...] = (
    "1. 责任单位应指定专人负责门前三包工作，发现问题及时整改，接受城市管理部门和社区的监督检查。",
    "2. 城市管理部门负责宣传指导和日常巡查，对履行责任好的单位予以表扬；对违反规定、经劝导拒不整改的，"
    "依照有关法律法规处理。",
)

TERM = "四、责任期限：自{start}起至{end}止。期满后根据经营情况续签。"
COPIES = "五、本责任书一式两份，责任单位和城市管理部门各执一份，自双方签字（盖章）之日起生效。"

SIGN_MERCHANT = ("责任单位（盖章）：", "法定代表人/经营者（签字）：", "签订日期：　　　年　　月　　日")
SIGN_BUREAU = ("城市管理部门（盖章）：", "责任中队/社区：{unit}", "签订日期：　　　年　　月　　日")

VERIFY_CAPTION = "扫码核验真伪"
FOOTER = "本责任书编号唯一，可扫描二维码或访问核验网址查验真伪。"
