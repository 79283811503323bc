"""Display names and search aliases for the official division names.

The NBS strings carry the committee's legal suffix ("…社区居民委员会", "…村委会", "…村民委员会"); people say
"文化路街道农大社区" or "关虎屯村". Display names drop the suffix; aliases are the strings the address
resolver looks for. A *strong* alias names the unit unmistakably (it keeps 区/街道/镇/社区/村); a *weak* alias
is the bare core ("文化路", "农大") that also names roads and shops, so it only counts when corroborated.
"""

# Longest first: one suffix is removed, once.
URBAN_SUFFIXES = (
    "社区居民管理委员会",
    "社区居民居委会",
    "居民居委会",
    "社区居民委员会",
    "社区管理委员会",
    "居民管理委员会",
    "社区居委会",
    "社区委员会",
    "居民委员会",
    "居委会",
    "社区",
)
VILLAGE_SUFFIXES = ("村民委员会", "村委会", "村")

# Short names people use for districts whose official name is long, and 郑东新区, which has no code of
# its own (its streets are coded under 金水区).
DISTRICT_ALIASES = {
    "410104000000": ("管城区",),
    "410105000000": ("郑东新区", "郑东"),
    "410171000000": ("经开区", "经济技术开发区", "郑州经开区"),
    "410172000000": ("高新区", "高新技术产业开发区", "郑州高新区"),
    "410173000000": ("航空港区", "航空港", "港区", "郑州航空港区", "航空港经济综合实验区"),
}
# The short form used in department names ("经开区城管局").
DISTRICT_SHORT = {
    "410104000000": "管城区",
    "410171000000": "经开区",
    "410172000000": "高新区",
    "410173000000": "航空港区",
}
# Bare names of counties and county-level cities are safe to match weakly; bare district names are not
# ("上街" is a verb, "中原路"/"金水路" are roads, "新郑路" is a road in 管城区).
WEAK_DISTRICT_CORES = {"410122000000": "中牟", "410181000000": "巩义", "410182000000": "荥阳", "410185000000": "登封"}
CITY_ALIASES = ("郑州市", "郑州", "河南省郑州市")


def community_kind_is_village(code: str) -> bool:
    """NBS: the last segment 200-399 is a 村民委员会; 001-199 居民委员会, 400+ special units (urban)."""
    segment = int(code[9:12])
    return 200 <= segment < 400


def strip_suffix(name: str, suffixes) -> tuple[str, str]:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def community_display_name(official: str) -> str:
    """'翠花社区居民委员会' → '翠花社区', '陈村村委会' → '陈村', '新中村民委员会' → '新中村'."""
    core, suffix = strip_suffix(official, VILLAGE_SUFFIXES)
    if suffix:
        return core if core.endswith(("村", "社区")) else core + "村"
    core, suffix = strip_suffix(official, URBAN_SUFFIXES)
    if not suffix:
        return official
    return core if core.endswith("社区") else core + "社区"


def street_display_name(official: str, district_official: str | None) -> str:
    """'郑州经济技术开发区明湖街道' → '明湖街道'; other names are already what people say."""
    if district_official and official.startswith(district_official) and len(official) > len(district_official):
        return official[len(district_official) :]
    return official


def display_name(*, official: str, level: str, parent_official: str | None = None) -> str:
    if level == "community":
        return community_display_name(official)
    if level == "street":
        return street_display_name(official, parent_official)
    return official


def core_name(display: str, level: str) -> str:
    """The name without its unit word: '文化路街道' → '文化路', '马寨镇' → '马寨', '农大社区' → '农大'."""
    for suffix in ("街道", "镇", "乡", "社区", "村"):
        if display.endswith(suffix) and len(display) > len(suffix):
            return display[: -len(suffix)]
    return display


def short_district_name(code: str, name: str) -> str:
    return DISTRICT_SHORT.get(code, name)


def is_township(name: str) -> bool:
    """A street-level division that is a township (乡/镇), not an urban 街道 or a zone's committee."""
    return name.endswith(("镇", "乡"))


def is_county(code: str, name: str) -> bool:
    """A district-level division that is a county or county-level city (中牟县, 巩义市), not a 区 or a zone."""
    return not short_district_name(code, name).endswith("区")
