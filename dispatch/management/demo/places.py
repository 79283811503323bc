"""Demo texts that name Zhengzhou: the public complaint set anonymised its places as letters ("A市", "A1区",
"K2区", "A7县星沙"), and a few name another city's streets. A demo ticket filed in 金水区经八路街道 should
not speak of "A7县星沙": the letters become the ticket's own city and district (then other real districts
of the city, for a second or third place in one text) and the other city's names become Zhengzhou ones.
Only the demo tickets' texts change; the training CSV and its labels are left as they are."""

import re

# A letter (A–M in the data), an optional number, then 市/区/县; not inside a longer Latin word ("CBD区").
PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])([A-M])(\d{0,2})\s?([市区县])")
# Places of the source city (长沙) that the anonymisation left. Its roads become real Zhengzhou roads (the
# same road always the same one); its towns and street areas (星沙, 榔梨镇, 洋湖街道 …) stand for the area of
# the ticket's street; its lakes and airport become Zhengzhou's. Many rows of the public set are segmented
# ("坪塘 镇", "含浦 中路"), so a space may sit between a name and its suffix.
# Stems of the source city's roads: "万家丽北路", "蔡锷 南路", "星沙大道" … → the Zhengzhou road (roads are read
# before towns, so 星沙大道 is a road and 星沙镇 a town).
OTHER_CITY_ROAD_STEMS = {
    "五一": "金水路",
    "星沙": "郑汴路",
    "坪塘": "大学路",
    "蔡锷": "经三路",
    "万家丽": "中州大道",
    "桐梓坡": "桐柏路",
    "劳动": "陇海路",
    "开元": "商都路",
    "远大": "金水东路",
    "黄兴": "花园路",
    "凉塘": "农业路",
    "营盘": "文化路",
    "黄星": "嵩山路",
    "含浦": "建设路",
}
ROAD = re.compile("(" + "|".join(OTHER_CITY_ROAD_STEMS) + r")\s?(?:[东西南北中]\s?)?(?:大道|路)")
OTHER_CITY_AREAS = ("星沙", "榔梨", "黄花", "暮云", "坪塘", "含浦", "黄兴", "洋湖", "泉塘", "桐梓坡", "东塘")
AREA_WITH_SUFFIX = re.compile("(" + "|".join(OTHER_CITY_AREAS) + r")\s?(?:街道|镇|乡)")
# Bare names only where they cannot be part of another word ("黄花" is also a flower, "黄兴" a person).
BARE_AREAS = re.compile("星沙|榔梨|暮云|坪塘|含浦|泉塘|桐梓坡|东塘")
OTHER_CITY_SIGHTS = {
    "梅溪湖": "龙子湖",
    "松雅湖": "如意湖",
    "洋湖": "西流湖",
    "黄花机场": "新郑机场",
    "黄花国际机场": "新郑国际机场",
    "万家丽": "中州大道",
}
SIGHT = re.compile(r"梅溪湖|松雅湖|洋湖|黄花\s?(?:国际\s?)?机场|万家丽")


def street_area(street_name: str) -> str:
    """The area a street office is named after: 经八路街道 → 经八路, 祭城路街道 → 祭城路, 龙子湖乡 → 龙子湖."""
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if street_name.endswith(suffix) and len(street_name) > len(suffix):
            return street_name[: -len(suffix)]
    return street_name


def localise_text(text: str, *, city: str, district: str, street: str, other_districts: list[str]) -> str:
    """The text with its anonymised places replaced: "A市" (a letter and 市) → the city; the first
    numbered place ("A1区", "K2区", "A7县") → the ticket's district, the next distinct ones → the other
    districts in turn (the same placeholder always the same name); the source city's roads → Zhengzhou roads,
    its towns and street offices → the ticket's street, its bare area names → the street's area."""
    names: dict[str, str] = {}
    spare = [d for d in other_districts if d != district]

    def replace(match: re.Match) -> str:
        letter, number, suffix = match.groups()
        if not number and suffix == "市":
            return city
        key = letter + number
        if key not in names:
            taken = len(names)
            names[key] = district if taken == 0 else spare[(taken - 1) % len(spare)] if spare else district
        return names[key]

    text = PLACEHOLDER.sub(replace, text)
    text = ROAD.sub(lambda m: OTHER_CITY_ROAD_STEMS[m.group(1)], text)
    text = AREA_WITH_SUFFIX.sub(street, text)
    text = SIGHT.sub(lambda m: OTHER_CITY_SIGHTS[re.sub(r"\s", "", m.group(0))], text)
    return BARE_AREAS.sub(street_area(street), text)
