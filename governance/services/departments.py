"""Departments (承办单位) for every level, the first-level 派单目录, and seeding the item-level one."""

from dataclasses import dataclass

from django.db import transaction

from governance import names
from governance.caching import governance_cache_invalidate
from governance.models import Department, DispatchCatalogue, Region

# dept_type → (city department name, district counterpart suffix). The district counterpart is named
# after the district ("金水区城管局"); 生态环境 is a branch of the city bureau in Zhengzhou's districts.
# The item-level 派单目录 (fixtures/dispatch_catalogue.csv) names these types; every type it names exists.
FUNCTIONAL_DEPARTMENTS = {
    "chengguan": ("郑州市城市管理局", "城市管理局"),
    "sthj": ("郑州市生态环境局", "生态环境分局"),
    "zhujian": ("郑州市住房和城乡建设局", "住房和城乡建设局"),
    "jiaotong": ("郑州市交通运输局", "交通运输局"),
    "jiaoyu": ("郑州市教育局", "教育局"),
    "renshe": ("郑州市人力资源和社会保障局", "人力资源和社会保障局"),
    "weijian": ("郑州市卫生健康委员会", "卫生健康委员会"),
    "shangwu": ("郑州市商务局", "商务局"),
    "wenlv": ("郑州市文化广电和旅游局", "文化广电和旅游局"),
    "shichang": ("郑州市市场监督管理局", "市场监督管理局"),
    "shuili": ("郑州市水利局", "水利局"),
    "minzheng": ("郑州市民政局", "民政局"),
    "ziran": ("郑州市自然资源和规划局", "自然资源和规划分局"),
    "yingji": ("郑州市应急管理局", "应急管理局"),
    "gongan": ("郑州市公安局", "公安分局"),
    "sifa": ("郑州市司法局", "司法局"),
    "nongye": ("郑州市农业农村工作委员会", "农业农村工作委员会"),
    "tuiyi": ("郑州市退役军人事务局", "退役军人事务局"),
    "yibao": ("郑州市医疗保障局", "医疗保障局"),
    "fagai": ("郑州市发展和改革委员会", "发展和改革委员会"),
    "caizheng": ("郑州市财政局", "财政局"),
    "gongxin": ("郑州市工业和信息化局", "工业和信息化局"),
    "keji": ("郑州市科学技术局", "科学技术局"),
    "shuiwu": ("国家税务总局郑州市税务局", "税务局"),
    "jiwei": ("中共郑州市纪律检查委员会 郑州市监察委员会", "纪委监委"),
    "zuzhi": ("中共郑州市委组织部", "委组织部"),
    "xuanchuan": ("中共郑州市委宣传部", "委宣传部"),
    "tongzhan": ("中共郑州市委统战部（市民族宗教事务局）", "委统战部"),
    "fayuan": ("郑州市中级人民法院", "人民法院"),
    "gonghui": ("郑州市总工会", "总工会"),
    "jiaojing": ("郑州市公安局交通警察支队", "交警大队"),
    "xiaofang": ("郑州市消防救援支队", "消防救援大队"),
}
# City bodies with no district counterpart in the catalogue.
CITY_ONLY_DEPARTMENTS = {
    "gongjijin": "郑州住房公积金管理中心",
    "youzheng": "郑州市邮政管理局",
    "qixiang": "郑州市气象局",
    "waiban": "郑州市人民政府外事办公室",
    "renda": "郑州市人大常委会办公厅",
    "zhengxie": "政协郑州市委员会办公厅",
    "guozi": "郑州市人民政府国有资产监督管理委员会",
    "jinrong": "郑州市地方金融管理局",
    "wangxin": "中共郑州市委网络安全和信息化委员会办公室",
    "tuanwei": "共青团郑州市委员会",
    "fulian": "郑州市妇女联合会",
    "guofang": "郑州市国防动员办公室",
}
# Public utilities and enterprises serve the whole city; two of them only the city proper.
UTILITIES = {
    "water": "郑州自来水投资控股有限公司（供水）",
    "gas": "郑州华润燃气股份有限公司（燃气）",
    "heating": "郑州热力集团有限公司（供热）",
    "power": "国网郑州供电公司（供电）",
    "bus": "郑州市公共交通集团有限公司（公交）",
    "metro": "郑州地铁集团有限公司（地铁）",
    "telecom": "中国移动、联通、电信郑州分公司（通信）",
}
# The city's bus group and heating company do not serve the counties and county-level cities (中牟县,
# 巩义市 …): their buses and heating are the county's own, overseen by its department of this type.
COUNTY_COUNTERPARTS = {"bus": "jiaotong", "heating": "zhujian"}
CITY_GOV = "city_gov"
DISTRICT_GOV = "district_gov"
STREET_OFFICE = "street_office"
DEPARTMENT_TYPE_LABELS = {
    **{key: full.removeprefix("郑州市") for key, (full, _) in FUNCTIONAL_DEPARTMENTS.items()},
    **{key: full.removeprefix("郑州市") for key, full in CITY_ONLY_DEPARTMENTS.items()},
    **{key: full.split("（")[-1].rstrip("）") for key, full in UTILITIES.items()},
    CITY_GOV: "市12345热线中心",
    DISTRICT_GOV: "区县政府（兜底）",
    STREET_OFFICE: "街道办事处/乡镇政府",
}

# The 派单目录 for the 7 categories of the training data (category code = classifier label).
CATALOGUE = [
    (
        "城乡建设",
        "zhujian",
        ["chengguan"],
        "district",
        "住房、物业、违建、市政设施、老旧小区改造；占道与环境卫生由城管协办。",
    ),
    ("环境保护", "sthj", [], "district", "噪声、油烟、废气、污水、扬尘等污染投诉。"),
    ("交通运输", "jiaotong", [], "district", "公交、出租、网约车、道路运输与交通设施。"),
    ("教育文体", "jiaoyu", ["wenlv"], "district", "学校、招生、培训机构；文化体育场所由文广旅协办。"),
    ("劳动和社会保障", "renshe", [], "district", "欠薪、劳动合同、社保、就业与人才政策。"),
    ("商贸旅游", "shangwu", ["wenlv"], "district", "商业经营、消费、预付卡；旅游景区与旅行社由文广旅协办。"),
    ("卫生计生", "weijian", [], "district", "医疗机构、医保、计生与公共卫生。"),
]
# The eight first-level categories of the taxonomy without labelled examples: the classifier never
# predicts them, but operators and dispatchers pick them, and items of them are routed by their words.
UNTRAINED_CATALOGUE = [
    ("政法", "gongan", ["sifa"], "district", "户籍证件、社会治安、交通管理、法律服务；法律服务与调解由司法局承办。"),
    (
        "民政",
        "minzheng",
        [],
        "district",
        "低保救助、婚姻殡葬、养老福利、社区建设；退役军人事务由退役军人事务局承办。",
    ),
    (
        "农村农业",
        "nongye",
        [],
        "district",
        "惠农补贴、土地承包、村务、动物防疫；林业与水利由自然资源、水利部门承办。",
    ),
    ("国土资源", "ziran", [], "district", "征地补偿、耕地保护、矿产、土地权属。"),
    ("党务政务", "district_gov", [], "district", "党的建设、宗教、群团、网络信息与政务服务。"),
    ("经济管理", "fagai", ["caizheng"], "district", "金融、税收、国资、能源与安全生产。"),
    ("科技与信息产业", "gongxin", [], "city", "电信服务与资费、互联网、知识产权、科技项目。"),
    ("纪检监察", "jiwei", [], "district", "干部作风、贪污贿赂、失职渎职、滥用职权的举报。"),
]
CATALOGUE = CATALOGUE + UNTRAINED_CATALOGUE


@dataclass(frozen=True)
class SeedResult:
    departments_created: int
    catalogue_created: int
    items_created: int = 0


def _street_office_name(street: Region) -> str:
    if street.name.endswith("街道"):
        return f"{street.name}办事处"
    if names.is_township(street.name):
        return f"{street.name}人民政府"
    return f"{street.name}管理委员会"


def _district_gov_name(district: Region) -> str:
    short = names.short_district_name(district.code, district.name)
    if district.code in names.DISTRICT_SHORT and district.code != "410104000000":
        return f"{short}管理委员会"
    return f"{short}人民政府"


def _district_department_name(district: Region, dept_type: str, suffix: str) -> str:
    """The district counterpart's name as Zhengzhou writes it: "金水区城市管理局", "郑州市公安局金水分局",
    "中共金水区委组织部"; counties and county-level cities have their own 公安局 and 交警大队."""
    short = names.short_district_name(district.code, district.name)
    is_zone = district.code in names.DISTRICT_SHORT and district.code != "410104000000"
    is_urban_district = not names.is_county(district.code, district.name)
    if dept_type == "gongan":
        return f"郑州市公安局{short.removesuffix('区')}分局" if is_urban_district else f"{short}公安局"
    if dept_type == "jiaojing":
        return (
            f"郑州市公安局交通警察支队{short.removesuffix('区')}大队"
            if is_urban_district
            else f"{short}公安局交通警察大队"
        )
    if dept_type == "shuiwu":
        return f"国家税务总局郑州市{short}税务局" if is_urban_district else f"国家税务总局{short}税务局"
    if suffix.startswith("委"):
        return f"中共{short}党工委{suffix[1:]}" if is_zone else f"中共{short}{suffix}"
    return f"{short}{suffix}"


def departments_plan() -> list[Department]:
    """Unsaved departments for every region present: city, each district, each street."""
    plan: list[Department] = []

    def add(region: Region, dept_type: str, name: str, level: str):
        plan.append(
            Department(code=f"{region.prefix}-{dept_type}", name=name, level=level, dept_type=dept_type, region=region)
        )

    for region in Region.objects.filter(level__in=["city", "district", "street"]).order_by("code"):
        if region.level == Region.Level.CITY:
            for dept_type, (full, _) in FUNCTIONAL_DEPARTMENTS.items():
                add(region, dept_type, full, Department.Level.CITY)
            for dept_type, label in UTILITIES.items():
                add(region, dept_type, label, Department.Level.UTILITY)
            add(region, CITY_GOV, "郑州市12345热线中心", Department.Level.CITY)
            for dept_type, name in CITY_ONLY_DEPARTMENTS.items():
                add(region, dept_type, name, Department.Level.CITY)
        elif region.level == Region.Level.DISTRICT:
            for dept_type, (_, suffix) in FUNCTIONAL_DEPARTMENTS.items():
                add(region, dept_type, _district_department_name(region, dept_type, suffix), Department.Level.DISTRICT)
            add(region, DISTRICT_GOV, _district_gov_name(region), Department.Level.DISTRICT)
        else:
            add(region, STREET_OFFICE, _street_office_name(region), Department.Level.STREET)
    return plan


def catalogue_rows_add(model, rows) -> int:
    """Add the category rows of the 派单目录 that are missing (rows there are kept as edited); `model` is
    DispatchCatalogue or a migration's historical copy of it. Returns how many were added."""
    created_total = 0
    for code, lead, assists, level, description in rows:
        _, created = model.objects.get_or_create(
            category_code=code,
            defaults={
                "category_name": code,
                "lead_department_type": lead,
                "assist_department_types": assists,
                "level": level,
                "fallback_department_type": DISTRICT_GOV,
                "description": description,
            },
        )
        created_total += created
    return created_total


@transaction.atomic
def departments_seed() -> SeedResult:
    """Create the departments for all loaded regions and the 派单目录; idempotent. Rows a supervisor edited
    in the admin (names, catalogue assignments, is_active) are not overwritten: existing rows are kept as
    they are, only missing ones are added."""
    plan = departments_plan()
    existing = set(Department.objects.filter(code__in=[d.code for d in plan]).values_list("code", flat=True))
    new = [d for d in plan if d.code not in existing]
    Department.objects.bulk_create(new, batch_size=2000)
    governance_cache_invalidate()
    created_catalogue = catalogue_rows_add(DispatchCatalogue, CATALOGUE)
    from governance.services.catalogue import catalogue_seed  # the catalogue checks types against these rows

    items = catalogue_seed()
    return SeedResult(departments_created=len(new), catalogue_created=created_catalogue, items_created=items.created)
