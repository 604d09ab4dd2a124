"""Generated ledger data: credit codes, shop names and addresses for the demo and the tests."""

from __future__ import annotations

import random

from stdnum.cn import uscc

# GB 32100-2015 code alphabet (no I, O, S, V, Z).
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SHOP_WORDS = (
    "老街坊",
    "百味",
    "鑫源",
    "福满楼",
    "金太阳",
    "聚贤",
    "宏达",
    "嘉禾",
    "康宁",
    "顺心",
    "好邻居",
    "中原",
    "绿城",
    "二七",
    "豫香",
    "锦绣",
    "万家",
    "和顺",
    "新概念",
    "明亮",
)
SHOPS = {
    "catering": ("烩面馆", "餐馆", "包子铺", "火锅店", "胡辣汤", "小吃店", "烧烤"),
    "retail": ("百货商店", "服装店", "鞋店", "文具店", "母婴店"),
    "convenience": ("便利店", "超市", "副食店"),
    "fruit_veg": ("水果店", "生鲜超市", "蔬菜店"),
    "beauty": ("美发店", "美容院", "理发店"),
    "repair": ("家电维修", "手机维修", "修鞋配钥匙"),
    "building": ("五金店", "建材店", "灯具店"),
    "auto": ("汽车美容", "汽修厂", "轮胎店"),
    "pharmacy": ("大药房", "药店"),
    "hotel": ("快捷酒店", "宾馆"),
    "service": ("干洗店", "照相馆", "打印店", "彩票站"),
    "other": ("商行", "经营部"),
}
TYPE_WEIGHTS = (
    ("catering", 30),
    ("retail", 20),
    ("convenience", 12),
    ("fruit_veg", 8),
    ("beauty", 8),
    ("repair", 5),
    ("building", 4),
    ("auto", 3),
    ("pharmacy", 3),
    ("hotel", 2),
    ("service", 4),
    ("other", 1),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "建国伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅志宏海波鹏辉"
STREETS = (
    "建设西路",
    "中原路",
    "桐柏路",
    "伏牛路",
    "嵩山路",
    "华山路",
    "秦岭路",
    "棉纺路",
    "淮河路",
    "汝河路",
    "颍河路",
    "协作路",
    "工人路",
    "西站路",
    "陇海西路",
    "航海西路",
    "百花路",
    "友爱路",
)


def credit_code(rng: random.Random, region: str = "410102") -> str:
    """A well-formed 统一社会信用代码: 9 (工商) + 1/2 (企业/个体工商户) + region + body + check digit."""
    kind = rng.choice("12")
    body = "".join(rng.choice(CODE_ALPHABET) for _ in range(9))
    first17 = f"9{kind}{region}{body}"
    return first17 + uscc.calc_check_digit(first17)


def bad_credit_code(rng: random.Random) -> str:
    good = credit_code(rng)
    wrong = next(c for c in CODE_ALPHABET if c != good[-1])
    return good[:-1] + wrong


def business_type(rng: random.Random) -> str:
    keys, weights = zip(*TYPE_WEIGHTS, strict=True)
    return rng.choices(keys, weights)[0]


def shop_name(rng: random.Random, btype: str, street: str) -> str:
    return f"{rng.choice(SHOP_WORDS)}{rng.choice(SHOPS[btype])}（{street}店）"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def address(rng: random.Random, street: str, district: str = "郑州市中原区") -> str:
    return f"{district}{street}{rng.randint(1, 400)}号"
