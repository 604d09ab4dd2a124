"""The units every demo bureau has: departments, squads, partners, and who handles which category.

Modelled on a district bureau such as 郑州市中原区城市管理局: a command centre (数字城管监督指挥中心)
that runs intake and dispatch, functional departments, one enforcement squad (执法中队) per
sub-district plus a directly-managed and a construction-waste squad, and the partner agencies that
take cases the bureau does not handle itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from chengguan.demo.names import words
from chengguan.org.models import PartnerType

COMMAND_CENTRE = "数字城管监督指挥中心"
LEGAL = "法制科"
OFFICE = "办公室"
SANITATION = "市容环卫科"
MUNICIPAL = "市政设施科"
GREENING = "园林绿化科"
INSPECTION = "督查科"
DEPARTMENTS = (COMMAND_CENTRE, OFFICE, LEGAL, SANITATION, MUNICIPAL, GREENING, INSPECTION)
# Departments whose staff carry out enforcement and therefore hold a certificate (执法证).
ENFORCING_DEPARTMENTS = frozenset({LEGAL, INSPECTION})

DIRECT_SQUAD = "直属中队"
MUCK_SQUAD = "渣土中队"

POLICE = "police"
TRAFFIC = "traffic"
HOUSING = "housing"
WATER = "water"
GAS = "gas"
POWER = "power"
HEATING = "heating"


@dataclass(frozen=True)
class PartnerSpec:
    key: str
    name: str  # `{d}` is the district's short name, e.g. 中原
    partner_type: str


PARTNERS = (
    PartnerSpec(POLICE, "郑州市公安局{d}分局", PartnerType.POLICE),
    PartnerSpec(TRAFFIC, "郑州市公安局交通警察支队{d}大队", PartnerType.TRAFFIC_POLICE),
    PartnerSpec("court", "郑州市{d}区人民法院", PartnerType.COURT),
    PartnerSpec("market", "郑州市{d}区市场监督管理局", PartnerType.MARKET),
    PartnerSpec("ecology", "郑州市生态环境局{d}分局", PartnerType.ECOLOGY),
    PartnerSpec("planning", "郑州市自然资源和规划局{d}分局", PartnerType.NATURAL_RESOURCES),
    PartnerSpec("health", "郑州市{d}区卫生健康委员会", PartnerType.HEALTH),
    PartnerSpec(HOUSING, "郑州市{d}区住房和城乡建设局", PartnerType.HOUSING),
    PartnerSpec(WATER, "{d}供水服务中心", PartnerType.UTILITY),
    PartnerSpec(GAS, "{d}燃气服务中心", PartnerType.UTILITY),
    PartnerSpec(POWER, "{d}供电服务中心", PartnerType.UTILITY),
    PartnerSpec(HEATING, "{d}热力服务中心", PartnerType.UTILITY),
)

ROADS = words("建设路 中原路 桐柏路 华山路 嵩山路 秦岭路 伏牛路 淮河路 陇海路 航海路 棉纺路 工人路 百花路")


@dataclass(frozen=True)
class Route:
    """One routing rule: a major class (`major`) or a minor class (`minor`) to a unit.

    `unit` names a department, a squad or a partner key; `grid_squad` routes to the squad of the
    case's grid (the unit is then the fallback for grids without a squad).
    """

    kind: str  # "component" | "event"
    major: str
    unit: str
    minor: str = ""
    grid_squad: bool = False


ROUTES = (
    # Events the bureau's squads handle on their own beat (GB/T 30428.2 event majors).
    Route("event", "01", DIRECT_SQUAD, grid_squad=True),  # 市容环境
    Route("event", "02", DIRECT_SQUAD, grid_squad=True),  # 宣传广告
    Route("event", "03", DIRECT_SQUAD, grid_squad=True),  # 施工管理
    Route("event", "03", MUCK_SQUAD, minor="0303"),  # 施工废弃料
    Route("event", "05", DIRECT_SQUAD, grid_squad=True),  # 街面秩序
    # Emergencies go to whoever owns the network that failed.
    Route("event", "04", HOUSING),  # 突发事件
    Route("event", "04", WATER, minor="0402"),  # 自来水管破裂
    Route("event", "04", GAS, minor="0403"),  # 燃气管道破裂
    Route("event", "04", MUNICIPAL, minor="0404"),  # 下水道堵塞或破损
    Route("event", "04", HEATING, minor="0405"),  # 热力管道破裂
    Route("event", "04", MUNICIPAL, minor="0406"),  # 道路积水
    Route("event", "04", MUNICIPAL, minor="0407"),  # 道路积雪结冰
    Route("event", "04", POWER, minor="0408"),  # 架空线缆损坏
    Route("event", "04", POLICE, minor="0409"),  # 群体性事件
    # Components go to the unit that maintains them.
    Route("component", "01", MUNICIPAL),  # 公用设施
    Route("component", "01", WATER, minor="0101"),  # 上水井盖
    Route("component", "01", POWER, minor="0105"),  # 电力井盖
    Route("component", "01", HEATING, minor="0110"),  # 热力井盖
    Route("component", "01", GAS, minor="0111"),  # 燃气井盖
    Route("component", "01", POLICE, minor="0112"),  # 公安井盖
    Route("component", "01", POWER, minor="0116"),  # 电力设施
    Route("component", "01", POWER, minor="0117"),  # 电杆
    Route("component", "02", MUNICIPAL),  # 道路交通
    Route("component", "02", TRAFFIC, minor="0209"),  # 交通标志牌
    Route("component", "02", TRAFFIC, minor="0210"),  # 交通控制箱
    Route("component", "02", TRAFFIC, minor="0211"),  # 交通护栏
    Route("component", "02", TRAFFIC, minor="0214"),  # 交通信号灯
    Route("component", "02", TRAFFIC, minor="0219"),  # 交通岗亭
    Route("component", "03", SANITATION),  # 市容环境
    Route("component", "04", GREENING),  # 园林绿化
    Route("component", "05", HOUSING),  # 房屋土地
    Route("component", "06", HOUSING),  # 其他设施
)
