"""事项小类 (matter items) below the 7 categories, and the building a text names.

The classifier knows 7 broad categories; a duplicate hint needs to know that "下水道堵了" and "排水井
返水" are one matter while "楼道灯坏了" at the same building is another. An item is a small list of the
words callers use for one kind of matter, the way a 12345 centre's 事项目录 names them (排水, 照明,
电梯, 供暖 …); a text may name several items, or none (then only text similarity is left).
"""

import re

from classifier.text import normalize

# item → the words that name it (substrings of the normalised text). Order does not matter.
ITEMS: dict[str, tuple[str, ...]] = {
    "排水": (
        "下水道",
        "下水井",
        "排水",
        "污水",
        "返水",
        "反水",
        "冒水",
        "脏水",
        "化粪池",
        "堵塞",
        "疏通",
        "管道堵",
        "堵了",
        "雨水篦子",
        "雨水口",
        "下水口",
        "排水口",
        "清掏",
    ),
    "供水": ("停水", "没水", "来水", "水压", "自来水", "供水", "水质", "水箱", "水发黄"),
    "供暖": ("暖气", "供暖", "供热", "室温", "热力", "不热", "采暖"),
    "燃气": ("燃气", "天然气", "煤气", "漏气"),
    "供电": ("停电", "断电", "供电", "电压", "跳闸", "变压器", "没电"),
    "照明": ("路灯", "楼道灯", "声控灯", "照明", "灯不亮", "灯坏", "灯一直不亮", "灯全灭", "黑灯瞎火"),
    "电梯": ("电梯",),
    "井盖": ("井盖", "井没有盖", "没有盖子", "没盖", "窨井"),
    "路面": (
        "塌陷",
        "下沉",
        "深坑",
        "大坑",
        "路面破损",
        "坑洼",
        "坑坑洼洼",
        "路塌",
        "开挖",
        "挖开",
        "回填",
        "沟槽",
        "道路破损",
        "村道",
        "泥坑",
        "路烂",
    ),
    "漏水": ("漏水", "漏雨", "渗水", "滴水", "防水", "渗漏", "返潮"),
    "外墙": ("外墙", "瓷砖", "墙皮", "墙面脱落", "墙砖", "外立面"),
    "违建": (
        "违建",
        "违章",
        "私搭",
        "乱建",
        "彩钢",
        "铁皮棚",
        "搭建",
        "加盖",
        "圈占",
        "围起来",
        "私建",
        "阳光房",
        "玻璃房",
        "违法建设",
        "铁皮",
        "盖房",
        "违法搭建",
    ),
    "结构": ("承重墙", "破墙", "砸墙", "房屋结构"),
    "绿化": ("绿化", "绿地", "树木", "修剪", "种菜", "菜园"),
    "垃圾": ("垃圾", "清运", "保洁", "环境脏乱"),
    "油烟": ("油烟", "排烟", "烟熏", "熏得"),
    "噪声": ("噪音", "噪声", "吵", "扰民", "声音很大", "打桩", "叮叮当当", "睡不着", "嗡嗡", "低频"),
    "施工": ("工地", "施工", "作业", "打桩"),
    "扬尘": ("扬尘", "灰尘", "渣土", "粉尘", "防尘", "一层灰", "灰太大", "灰很大", "尘土"),
    "排污": ("排污", "乱排", "泡沫", "偷排"),
    "占道": ("占道", "人行道", "摆摊", "出店", "桌椅", "桌子", "摊贩", "小摊", "早市", "夜市", "卖菜"),
    "停车": ("停车费", "停车收费", "车位", "乱停"),
    "物业收费": ("物业费", "收费标准", "涨价", "涨到", "上调", "公示"),
    "犬只": ("狗", "犬", "遛狗", "咬伤", "咬了", "金毛", "泰迪", "哈士奇", "拴绳"),
    "欠薪": ("欠薪", "拖欠", "工资", "工钱", "讨薪", "欠我们"),
    "社保": ("社保", "社会保险", "养老保险", "医保", "断缴", "补缴", "买保险", "交保险", "缴保险"),
    "离职": ("离职证明", "解除劳动合同", "解除劳动关系", "辞退", "开除", "离职", "经济补偿", "补偿金"),
    "退费": (
        "退款",
        "退费",
        "退钱",
        "不退",
        "余额",
        "课时费",
        "跑路",
        "联系不上",
        "找不到人",
        "找不到负责人",
        "定金",
        "预付款",
        "不履约",
        "失联",
        "卷款",
    ),
    "预付卡": ("健身", "会员卡", "年卡", "办卡", "充值", "美容", "理发"),
    "培训": ("培训", "补课", "课时", "辅导"),
    "食品": ("过期", "变质", "食品", "牛奶", "乳制品", "食物中毒", "吃出", "异物", "不新鲜", "发霉"),
    "公交": ("公交", "甩站", "不进站", "不靠站", "站台"),
    "网约车": ("网约车", "出租车", "绕路", "绕行", "绕了远路", "拒载"),
    "医疗": ("医院", "卫生服务中心", "卫生院", "接种", "疫苗", "门诊", "护士", "医生", "开药", "药费", "过度医疗"),
    "学校": ("学校", "入学", "招生", "学区", "老师", "放学", "上学", "幼儿园", "赞助费", "择校费"),
    "飞线充电": ("飞线", "私拉电线", "拉电线", "扯电线", "充电瓶车", "电瓶车充电", "电动车充电", "楼道充电"),
    "充电桩": ("充电桩", "充电设施", "充电难", "充电困难"),
    "高空抛物": ("高空抛物", "往下扔", "往楼下扔", "抛物", "坠物"),
    "门禁": ("门禁", "随意进出", "随便进出", "外来人员"),
    "广场舞": ("广场舞", "跳舞", "音响", "音箱", "音量"),
    "消防通道": ("消防通道", "消防车通道", "堵塞通道", "占用通道", "消防车"),
    "快递": ("快递柜", "快递", "驿站"),
    "树木": ("树倒", "倒伏", "大树", "树枝", "倾倒", "修剪"),
    "共享单车": ("共享单车", "单车", "盲道"),
    "交通拥堵": ("拥堵", "堵车", "堵死", "水泄不通", "违停", "乱停", "排老长", "排长队", "左转"),
    "不动产证": ("房产证", "房本", "不动产权证", "不动产证", "办证", "网签"),
    "无证行医": ("无证行医", "黑诊所", "诊所", "没有执照", "没资质", "输液", "吊瓶"),
    "积水": ("积水", "被淹", "淹了", "就淹", "泡着水", "内涝", "隧道", "下穿", "成河", "成了河", "小河"),
    "废气": (
        "废气",
        "黑烟",
        "冒烟",
        "异味",
        "刺鼻",
        "呛人",
        "臭味",
        "喷漆",
        "油漆味",
        "挥发性有机物",
        "焚烧",
        "烧东西",
        "塑料味",
        "烟又黑",
    ),
    "动物饲养": ("鸽子", "信鸽", "养鸡", "家禽", "粪便", "粪"),
    "蚊虫": ("蚊子", "蚊虫", "苍蝇", "蟑螂", "老鼠", "消杀"),
    "加班": ("加班", "超时用工", "十二个小时", "劳动合同", "不签合同"),
    "装修垃圾": ("装修垃圾", "建筑垃圾", "装修渣", "渣子"),
    "黑车": ("黑车", "非法营运", "拉客"),
    "公交线路": ("开通公交", "没有公交", "公交线路", "线路调整", "增加班次"),
    "天桥": ("天桥", "过街", "地下通道"),
    "信号灯": ("信号机",),
    "楼道堆物": ("杂物", "堆放", "堆物", "破烂", "堆满", "乱堆"),
    "出入口": ("出入口", "封闭小区", "锁门", "门被锁", "大门锁", "封门"),
    "业委会": ("业主委员会", "业委会", "业主大会", "换届"),
    "健身器材": ("健身器材", "健身设施", "健身路径", "单杠", "双杠"),
}

_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
BUILDING_RE = re.compile(r"(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:号楼|号院|栋|幢|号住宅楼)")
COMPOUND_RE = re.compile(r"([\u4e00-\u9fa5\d]{2,8}?(?:家属院|小区|花园|公寓|大厦|新村|社区|商业街|市场|广场))")
ESTATE_RE = re.compile(r"([\u4e00-\u9fa5\d]{2,6}?(?:家属院|小区|花园|公寓|大厦|新村|商业街))")
_TYPE_WORD = re.compile(r"(?:家属院|小区|花园|公寓|大厦|新村|商业街)$")
# Words a caller puts before a name: "还是二建家属院的", "俺们小区", "住在红云小区".
_LEADING_WORDS = re.compile(r"^(?:还是|就是|也是|都是|是|住在|在|俺们|我们|咱们|你们|他们|俺|我|咱)+")
_NOT_A_NAME = (
    "这",
    "那",
    "我",
    "本",
    "该",
    "所在",
    "整个",
    "咱",
    "对面",
    "附近",
    "旁边",
    "隔壁",
    "全",
    "各",
    "老旧",
    "高档",
)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _NUMERALS.get(tens, 0) * 10 + _NUMERALS.get(ones, 0)
    return _NUMERALS.get(text, 0)


# Words read as one before the items are looked up: a traffic light is not a lamp ("红绿灯坏了" is no 照明).
_AS_ONE = {"红绿灯": "信号机", "信号灯": "信号机", "交通灯": "信号机"}


def matter_items(text: str) -> frozenset[str]:
    """The items a text names (several are possible: a construction site's noise is 施工 and 噪声)."""
    text = normalize(text)
    for word, one in _AS_ONE.items():
        text = text.replace(word, one)
    return frozenset(item for item, words in ITEMS.items() if any(w in text for w in words))


def buildings(text: str) -> frozenset[int]:
    """Building numbers the text names ("3号楼", "十二栋" → 3, 12)."""
    return frozenset(n for n in (_number(m) for m in BUILDING_RE.findall(normalize(text))) if n)


def compounds(text: str) -> frozenset[str]:
    """Named courtyards and estates ("农大家属院", "绿城小区"), read after the district, street and
    community names are cut out (so "北下街社区西大街小区" gives "西大街小区"); "这个小区" names none."""
    from dispatch.duplicates import strip_admin_places

    found = set()
    for run in re.split(r"[^\u4e00-\u9fa5\d]+", strip_admin_places(text)):
        for name in ESTATE_RE.findall(run):
            name = _LEADING_WORDS.sub("", name)
            if not name.startswith(_NOT_A_NAME) and ESTATE_RE.fullmatch(name):
                found.add(name)
    return frozenset(found)


def _common_suffix(x: str, y: str) -> int:
    n = 0
    while n < min(len(x), len(y)) and x[-1 - n] == y[-1 - n]:
        n += 1
    return n


def same_estate(a: frozenset[str], b: frozenset[str]) -> bool:
    """No estate named on one side, or one named on both: a shorter form counts ("三厂家属院"), and so
    does a longer one sharing the last two characters of the name ("市二建家属院" / "二建家属院")."""
    if not a or not b:
        return True
    return any(_common_suffix(x, y) >= len(_TYPE_WORD.search(x).group()) + 2 for x in a for y in b)


LINE_RE = re.compile(r"(\d{1,3})\s*路(?=公交|车|汽车|线|班|[^\u4e00-\u9fa5]|$|[在的那这早晚经])")


def lines(text: str) -> frozenset[int]:
    """Bus line numbers the text names ("86路公交", "2路车" → 86, 2)."""
    return frozenset(int(n) for n in LINE_RE.findall(normalize(text)))


UNIT_RE = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,3}|[东西中])边?单元")


def units(text: str) -> frozenset[str]:
    """单元 a text names ("2单元", "二单元" → "2"; "东单元", "东边单元" → "东")."""
    found = set()
    for u in UNIT_RE.findall(normalize(text)):
        found.add(u if u in "东西中" else str(_number(u)))
    return frozenset(found)


# A side of a place: "南门", "北侧", "西边", "村东头" ("东西" is a thing, and "东边单元" a 单元).
SIDE_RE = re.compile(r"(?<![东南西北])([东南西北])(?:门|侧|边|头|面)(?!单元)")


def sides(text: str) -> frozenset[str]:
    """The sides of a place a text names ("南门", "南边" → 南; "西侧" → 西)."""
    return frozenset(SIDE_RE.findall(normalize(text)))


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(rf"([{_PROVINCES}][A-Z])[ ·.・]?([A-Z0-9]{{4}}[A-Z0-9挂学警]{{1,2}})(?![A-Z0-9])")


def plates(text: str) -> frozenset[str]:
    """Car plates a text names, written one way ("豫A·T3862", "豫at3862" → "豫AT3862")."""
    return frozenset(a + b for a, b in PLATE_RE.findall(normalize(text).upper()))


# The kind of establishment or vehicle a text is about: two calls about a 小学 and a 中学, a company and a
# 洗浴中心, a taxi and a 网约车 are different matters even at one place and of one 事项小类. A kind word
# is a substring of the normalised text; a text may name several (then any shared kind keeps the hint).
KINDS: dict[str, tuple[str, ...]] = {
    "小学": ("小学",),
    "中学": ("中学", "初中", "高中"),
    "幼儿园": ("幼儿园",),
    "医院": ("医院",),
    "诊所": ("诊所", "卫生室", "卫生服务站", "卫生院", "门诊部"),
    "药店": ("药店", "药房"),
    "超市": ("超市",),
    "餐馆": ("饭店", "餐馆", "饭馆", "餐厅", "食堂"),
    "酒店": ("酒店", "宾馆", "旅馆"),
    "商场": ("商场", "购物中心"),
    "公司": ("公司",),
    "工厂": ("工厂", "加工厂", "厂子", "车间"),
    "网吧": ("网吧",),
    "歌厅": ("KTV", "歌厅"),
    "洗浴": ("洗浴", "浴池", "澡堂"),
    "出租车": ("出租车", "的士", "的哥"),
    "网约车": ("网约车", "滴滴"),
}

# What is wrong, for the few aspects that sit beside any matter: what it costs (收费), how one was treated
# (态度), whether the place may do it at all (资质). A caller about lost parcels and one about the parcel
# station's fee, or about a clinic's bills and its doctor's licence, call about two matters.
ASPECTS: dict[str, tuple[str, ...]] = {
    "收费": (
        "收费",
        "多收",
        "乱收",
        "要价",
        "价格",
        "标价",
        "价签",
        "高价",
        "退费",
        "不退",
        "押金",
        "保管费",
        "补课费",
    ),
    "态度": ("态度", "不耐烦", "骂人", "服务差", "甩脸"),
    "资质": ("执业证", "资质", "无证", "没有证", "合格证", "许可证", "营业执照", "没证"),
}


# Establishments a call names as actors or as where it went next, not as what it is about: "老人下不了楼
# 去医院", "维保公司说配件要等", "让自来水公司来关阀门" (found on fresh6's re-calls after its one run).
_INCIDENTAL = re.compile(
    r"(?:去|送|到|上|住)了?(?:医院|诊所)|(?:维保|物业|自来水|供水|燃气|热力|供电|电力|快递|保险|通信)公司"
)


def _named(groups: dict[str, tuple[str, ...]], normal: str) -> frozenset[str]:
    """The groups whose words occur in an already normalised text (KTV in upper case)."""
    normal = normal.upper()
    return frozenset(name for name, words in groups.items() if any(w in normal for w in words))


def kinds(text: str) -> frozenset[str]:
    """The kinds of establishment or vehicle a text is about ("小蓝帽幼儿园" → 幼儿园; "坐的出租车" →
    出租车), leaving out those it names only as actors or as where it went next (_INCIDENTAL)."""
    return _named(KINDS, _INCIDENTAL.sub(" ", normalize(text)))


def aspects(text: str) -> frozenset[str]:
    """The aspects of a matter a text complains of (收费, 态度, 资质), or none."""
    return _named(ASPECTS, normalize(text))
