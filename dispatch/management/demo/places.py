"""Demo texts that name Zhengzhou: the public complaint set anonymised its places as letters ("A市", "A1区",
"K2区", "A7县星沙"), and a few name another city's streets. A demo ticket filed in 金水区经八路街道 should
not speak of "A7县星沙": the letters become the ticket's own city and district (then other real districts
of the city, for a second or third place in one text) and the other city's names become Zhengzhou ones.
Only the demo tickets' texts change; the training CSV and its labels are left as they are."""

import re

# A letter (A–M in the data), an optional number, then 市/区/县; not inside a longer Latin word ("CBD区").
PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])([A-M])(\d{0,2})\s?([市区县])")
# Places of the source city (长沙) that the anonymisation left: its county seat area and two roads.
# "星沙" stands for the area of the ticket's street; the roads become real Zhengzhou roads.
OTHER_CITY_ROADS = {"五一大道": "金水路", "蔡锷南路": "经三路", "蔡锷北路": "经三路"}
STREET_AREA = "星沙"


def street_area(street_name: str) -> str:
    """The area a street office is named after: 经八路街道 → 经八路, 祭城路街道 → 祭城路, 龙子湖乡 → 龙子湖."""
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if street_name.endswith(suffix) and len(street_name) > len(suffix):
            return street_name[: -len(suffix)]
    return street_name


def localise_text(text: str, *, city: str, district: str, street: str, other_districts: list[str]) -> str:
    """The text with its anonymised places replaced: "A市" (a letter and 市) → the city; the first
    numbered place ("A1区", "K2区", "A7县") → the ticket's district, the next distinct ones → the other
    districts in turn (the same placeholder always the same name); 星沙 → the ticket's street area."""
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
    text = re.sub(f"{STREET_AREA}(街道|镇)", street, text).replace(STREET_AREA, street_area(street))
    for road, local in OTHER_CITY_ROADS.items():
        text = text.replace(road, local)
    return text
