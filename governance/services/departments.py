"""Departments (承办单位) for every level and the 派单目录 for the training categories."""

from dataclasses import dataclass

from django.db import transaction

from governance import names
from governance.models import Department, DispatchCatalogue, Region

# dept_type → (city department name, district counterpart suffix). The district counterpart is named
# after the district ("金水区城管局"); 生态环境 is a branch of the city bureau in Zhengzhou's districts.
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
}
# Public utilities serve the whole city.
UTILITIES = {
    "water": "郑州自来水投资控股有限公司（供水）",
    "gas": "郑州华润燃气股份有限公司（燃气）",
    "heating": "郑州热力集团有限公司（供热）",
    "power": "国网郑州供电公司（供电）",
}
CITY_GOV = "city_gov"
DISTRICT_GOV = "district_gov"
STREET_OFFICE = "street_office"
DEPARTMENT_TYPE_LABELS = {
    **{key: full.removeprefix("郑州市") for key, (full, _) in FUNCTIONAL_DEPARTMENTS.items()},
    "water": "供水",
    "gas": "燃气",
    "heating": "供热",
    "power": "供电",
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


@dataclass(frozen=True)
class SeedResult:
    departments_created: int
    catalogue_created: int


def _street_office_name(street: Region) -> str:
    if street.name.endswith("街道"):
        return f"{street.name}办事处"
    if street.name.endswith(("镇", "乡")):
        return f"{street.name}人民政府"
    return f"{street.name}管理委员会"


def _district_gov_name(district: Region) -> str:
    short = names.short_district_name(district.code, district.name)
    if district.code in names.DISTRICT_SHORT and district.code != "410104000000":
        return f"{short}管理委员会"
    return f"{short}人民政府"


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
        elif region.level == Region.Level.DISTRICT:
            short = names.short_district_name(region.code, region.name)
            for dept_type, (_, suffix) in FUNCTIONAL_DEPARTMENTS.items():
                add(region, dept_type, f"{short}{suffix}", Department.Level.DISTRICT)
            add(region, DISTRICT_GOV, _district_gov_name(region), Department.Level.DISTRICT)
        else:
            add(region, STREET_OFFICE, _street_office_name(region), Department.Level.STREET)
    return plan


@transaction.atomic
def departments_seed() -> SeedResult:
    """Create the departments for all loaded regions and the 派单目录; idempotent. Rows a supervisor edited
    in the admin (names, catalogue assignments, is_active) are not overwritten: existing rows are kept as
    they are, only missing ones are added."""
    plan = departments_plan()
    existing = set(Department.objects.filter(code__in=[d.code for d in plan]).values_list("code", flat=True))
    new = [d for d in plan if d.code not in existing]
    Department.objects.bulk_create(new, batch_size=2000)
    created_catalogue = 0
    for code, lead, assists, level, description in CATALOGUE:
        _, created = DispatchCatalogue.objects.get_or_create(
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
        created_catalogue += created
    return SeedResult(departments_created=len(new), catalogue_created=created_catalogue)
