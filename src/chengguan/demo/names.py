"""Name pools for the demo: districts of Zhengzhou, sub-districts, fictional communities and people.

County codes are the real GB/T 2260 codes of Zhengzhou's urban districts; sub-district names are
modelled on each district's real 街道; community names are made up from common place-name parts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class DistrictSpec:
    county_code: str
    name: str  # 中原区
    short: str  # 中原
    slug: str  # usernames of generated staff
    centre: tuple[float, float]  # approximate real centre (lon, lat), WGS-84
    subdistricts: tuple[str, ...]


def words(text: str) -> tuple[str, ...]:
    """A tuple of the space-separated words in `text` (keeps long name lists readable)."""
    return tuple(text.split())


DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        county_code="410102",
        name="中原区",
        short="中原",
        slug="zhongyuan",
        centre=(113.62, 34.75),
        subdistricts=words("林山寨 建设路 棉纺路 秦岭路 桐柏路 三官庙 绿东村 汝河路 航海西路 中原西路 须水"),
    ),
    DistrictSpec(
        county_code="410103",
        name="二七区",
        short="二七",
        slug="erqi",
        centre=(113.64, 34.72),
        subdistricts=words("淮河路 解放路 铭功路 一马路 蜜蜂张 五里堡 大学路 建中街 福华街 德化街 长江路"),
    ),
    DistrictSpec(
        county_code="410104",
        name="管城回族区",
        short="管城",
        slug="guancheng",
        centre=(113.69, 34.74),
        subdistricts=words("北下街 西大街 南关 城东路 东大街 二里岗 陇海马路 紫荆山南路 航海东路 商都路"),
    ),
    DistrictSpec(
        county_code="410105",
        name="金水区",
        short="金水",
        slug="jinshui",
        centre=(113.68, 34.78),
        subdistricts=words("经八路 花园路 人民路 杜岭 大石桥 南阳路 文化路 丰产路 东风路 北林路 未来路"),
    ),
    DistrictSpec(
        county_code="410108",
        name="惠济区",
        short="惠济",
        slug="huiji",
        centre=(113.63, 34.85),
        subdistricts=words("新城 刘寨 老鸦陈 长兴路 迎宾路 大河路 花园口 古荥"),
    ),
)

COMMUNITY_STEMS = words(
    """
    锦华 秀水 华山 嵩岳 伏牛 兴华 百花 锦艺 绿都 春晖 丰乐 友爱 和平 康乐 明珠 祥和 育才 工人 绿城 凤凰
    腾飞 碧波 翠竹 松林 长春 华美 金桥 银河 阳光 颐和 文博 体育 电厂 铁路 西站 化工 水利 电力 纺织 淮河
    颍河 伊河 洛河 冉屯 陇海 常庄 南流 杜庄 董岗 白寨 柿园 西岗 祥营 罗庄 五龙 七里 桃园 杏林 梧桐 玉兰
    海棠 紫荆 青年 幸福 安居 怡和 瑞祥 福寿 永安 崇德 尚学 启明 新华 建新 东明 西苑 南苑 北苑 广场 商城
    """
)
# "" (no suffix) first, then directions and the usual endings of community names.
COMMUNITY_SUFFIXES = ("", *words("东 西 南 北 里 苑 园 新村 路 街 花园"))

# Common surnames with rough weights for Henan (weight: surnames).
_SURNAME_WEIGHTS = {
    10: "王",
    9: "李张",
    7: "刘",
    5: "陈杨",
    4: "赵",
    3: "郭孙马",
    2: "朱胡高周吴徐宋郑田韩",
    1: "范程崔岳袁申贾冯魏孟许曹董梁吕苏闫谢秦常",
}
SURNAMES = tuple((name, weight) for weight, names in _SURNAME_WEIGHTS.items() for name in names)
GIVEN_CHARS = tuple(
    "伟芳娜敏静磊洋勇军杰涛明超秀霞平刚桂华丽强玲鹏辉林建国红志文斌宇浩凯帅晨"
    "欣雪倩婷亮峰阳晓东海新波宁博振永慧颖俊豪鑫冰莉琳瑞梅兰春雷飞龙彬佳思雨嘉"
)
MOBILE_PREFIXES = words(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 180 181 182 183 "
    "185 186 187 188 189 191 193 198 199"
)


def community_names(rng: random.Random) -> list[str]:
    """Every stem+suffix combination once, shuffled: draw from the front for unique names."""
    names = [f"{stem}{suffix}社区" for stem in COMMUNITY_STEMS for suffix in COMMUNITY_SUFFIXES]
    rng.shuffle(names)
    return names


class People:
    """Draws unique full names, mobile numbers and certificate numbers from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._names: set[str] = set()
        self._phones: set[str] = set()
        self._certs: set[str] = set()
        self._surnames = [s for s, _ in SURNAMES]
        self._weights = [w for _, w in SURNAMES]

    def full_name(self) -> str:
        while True:
            surname = self.rng.choices(self._surnames, self._weights)[0]
            size = 1 if self.rng.random() < 0.3 else 2
            name = surname + "".join(self.rng.choice(GIVEN_CHARS) for _ in range(size))
            if name not in self._names:
                self._names.add(name)
                return name

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def cert_no(self, county_code: str) -> str:
        """An enforcement certificate number (执法证号) in the style `41010223` + 5 digits."""
        while True:
            cert = f"{county_code}23{self.rng.randrange(10**5):05d}"
            if cert not in self._certs:
                self._certs.add(cert)
                return cert
