"""Who is responsible where: the region tree, grids, grid workers, departments and the 派单目录."""

from django.conf import settings
from django.db import models

# Significant prefix length of a 12-digit statistical code at each level: 4101 | 05 | 001 | 002.
PREFIX_LENGTH = {"city": 4, "district": 6, "street": 9, "community": 12}


class Region(models.Model):
    """A node of city → district → street → community, keyed by its 12-digit statistical code.

    Everything below a region shares its code prefix (`region.prefix`), so subtree queries are a
    `code__startswith` on an indexed column instead of a recursive walk.
    """

    class Level(models.TextChoices):
        CITY = "city", "市"
        DISTRICT = "district", "区县"
        STREET = "street", "街道/乡镇"
        COMMUNITY = "community", "社区/村"

    code = models.CharField("统计用区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64, db_index=True)
    official_name = models.CharField("正式名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_village = models.BooleanField("村委会", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]


class GridWorker(models.Model):
    """A person responsible for grids, linked to a login account."""

    class Role(models.TextChoices):
        LEADER = "leader", "网格长"
        FULL_TIME = "full_time", "专职网格员"
        PART_TIME = "part_time", "兼职网格员"
        CADRE = "cadre", "下沉干部"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grid_worker")
    name = models.CharField("姓名", max_length=32)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("身份", max_length=16, choices=Role.choices, default=Role.FULL_TIME)

    class Meta:
        verbose_name = verbose_name_plural = "网格员"

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Grid(models.Model):
    """A grid of one of the four kinds.

    `code` begins with the code prefix of the region it belongs to (community, or street for dedicated
    grids), and a micro grid's code begins with its community grid's code: codes nest, so
    `Grid.objects.filter(code__startswith=region.prefix)` is every grid under a region.
    """

    class Kind(models.TextChoices):
        COMMUNITY = "community", "社区网格"
        MICRO = "micro", "微网格"
        RURAL = "rural", "农村网格"
        DEDICATED = "dedicated", "专属网格"

    code = models.CharField("网格编码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, db_index=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="grids")
    parent = models.ForeignKey(
        "self", verbose_name="上级网格", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    place_type = models.CharField("专属网格类别", max_length=32, blank=True)
    responsible = models.ForeignKey(
        GridWorker, verbose_name="责任网格员", on_delete=models.PROTECT, related_name="grids"
    )

    class Meta:
        verbose_name = verbose_name_plural = "网格"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A unit that handles tickets (承办单位), serving a region.

    `dept_type` is the functional type the 派单目录 speaks of ("chengguan", "zhujian", …); a city
    department and its district counterparts share it and differ by `level` and `region`.
    """

    class Level(models.TextChoices):
        CITY = "city", "市直部门"
        DISTRICT = "district", "区县部门"
        STREET = "street", "街道办事处/乡镇政府"
        UTILITY = "utility", "公共服务企业"

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices, db_index=True)
    dept_type = models.CharField("职能类型", max_length=32, db_index=True)
    region = models.ForeignKey(Region, verbose_name="服务区域", on_delete=models.PROTECT, related_name="departments")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "承办单位"
        ordering = ["code"]
        indexes = [models.Index(fields=["dept_type", "region"])]

    def __str__(self):
        return self.name


class DispatchCatalogue(models.Model):
    """派单目录: which department type owns a category of matter, and at which level.

    Data that supervisors edit in the admin, not code. The category code is the classifier's label.
    """

    class Level(models.TextChoices):
        CITY = "city", "市级"
        DISTRICT = "district", "区县级"

    category_code = models.CharField("事项类别编码", max_length=64, unique=True)
    category_name = models.CharField("事项类别", max_length=64)
    lead_department_type = models.CharField("主办单位职能类型", max_length=32)
    assist_department_types = models.JSONField("协办单位职能类型", default=list, blank=True)
    level = models.CharField("承办层级", max_length=16, choices=Level.choices, default=Level.DISTRICT)
    fallback_department_type = models.CharField(
        "兜底单位职能类型", max_length=32, default="district_gov", help_text="找不到主办单位或多次退单后的兜底承办单位"
    )
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单目录"
        ordering = ["category_code"]

    def __str__(self):
        return self.category_name


class StaffProfile(models.Model):
    """Where a non-grid-worker account works: department staff belong to a department; operators,
    dispatchers and supervisors have a region whose subtree they see."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    department = models.ForeignKey(
        Department, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    region = models.ForeignKey(
        Region, verbose_name="管辖区域", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"

    def __str__(self):
        return str(self.user)


class Place(models.Model):
    """小区/楼栋 and institution registry: a named place inside a grid, so an address finds its grid.

    Residential places (小区) belong to a community and cover a range of building numbers of one micro grid;
    institutions (学校, 医院, 市场…) are the places of dedicated grids and belong to a street.
    """

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", "小区"
        SCHOOL = "school", "学校"
        HOSPITAL = "hospital", "医院"
        MARKET = "market", "市场"
        PARK = "park", "园区"
        SCENIC = "scenic", "景区"
        ENTERPRISE = "enterprise", "企业"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=64, db_index=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.RESIDENTIAL)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.CASCADE, related_name="places")
    grid = models.ForeignKey(Grid, verbose_name="所属网格", on_delete=models.CASCADE, related_name="places")
    building_from = models.PositiveSmallIntegerField("起始楼号", null=True, blank=True)
    building_to = models.PositiveSmallIntegerField("截止楼号", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "小区楼栋/场所"
        ordering = ["region_id", "name", "building_from"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name", "building_from"], name="place_unique_per_grid"),
        ]

    def __str__(self):
        if self.building_from is not None:
            return f"{self.name}{self.building_from}-{self.building_to}号楼"
        return self.name


class PlaceName(models.Model):
    """地名库: a road, landmark or station that callers name without its district ("农业路与经三路交叉口",
    "二七万达广场", "地铁1号线紫荆山站"), with the districts it lies in (a road: every district it runs
    through) and, for a place whose street is known, that street.

    Address resolution reads it only where the divisions alone agree on no district
    (governance.selectors.address). A city loads its own 标准地名地址库 with `manage.py place_names_import`.
    """

    class Kind(models.TextChoices):
        ROAD = "road", "道路"
        LANDMARK = "landmark", "地标"
        STATION = "station", "车站"
        HOSPITAL = "hospital", "医院"
        SCHOOL = "school", "学校"
        PARK = "park", "公园广场"
        MARKET = "market", "市场"
        MALL = "mall", "商场"
        VILLAGE = "village", "村庄"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=64, unique=True)
    aliases = models.CharField("别名", max_length=255, blank=True, help_text="其他叫法，以 | 分隔")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    districts = models.ManyToManyField(
        Region,
        verbose_name="所在区县",
        related_name="place_names",
        limit_choices_to={"level": Region.Level.DISTRICT},
        help_text="道路填途经的全部区县；场所只填一个",
    )
    street = models.ForeignKey(
        Region,
        verbose_name="所在街道/乡镇",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"level": Region.Level.STREET},
        help_text="仅场所，且确知时填写",
    )

    class Meta:
        verbose_name = verbose_name_plural = "地名库"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split("|") if a.strip() and a.strip() != self.name]


class CatalogueItem(models.Model):
    """One matter item (事项) of the 派单目录: who leads and assists, at which level, and which place it needs.

    The three levels are the complaint taxonomy (一级/二级/三级); `subitem` splits an item whose units differ
    by kind of matter (噪音污染: 社会生活噪声 → 公安/社区, 施工噪声 → 住建/城管, 工业噪声 → 生态环境). `level1`
    is the classifier's category code. `signal_words` are the words that make the chooser pick the item.
    """

    class Level(models.TextChoices):
        CITY = "city", "市级"
        DISTRICT = "district", "区县级"
        STREET = "street", "街道/乡镇"
        COMMUNITY = "community", "社区/村"
        UTILITY = "utility", "公共服务企业"

    class Kind(models.TextChoices):
        TERRITORIAL = "territorial", "属地"
        FUNCTIONAL = "functional", "条线"
        UTILITY = "utility", "企业"

    class PlaceNeeded(models.TextChoices):
        STREET = "street", "须明确街道"
        # A matter at a spot (a lamp, a lift, a stall, a pollution source): its district's unit leads, but
        # only once the call says where: a street, or an address naming a road, a 小区, a village.
        SITE = "site", "须明确具体位置"
        DISTRICT = "district", "须明确区县"
        NONE = "none", "无需属地"

    class TimeLimitClass(models.TextChoices):
        EMERGENCY = "emergency", "紧急（2小时反馈）"
        UTILITY = "utility", "水电气暖（24小时）"
        GENERAL = "general", "一般（5个工作日）"
        COMPLEX = "complex", "复杂（15个工作日）"

    level1 = models.CharField("一级分类", max_length=32, db_index=True)
    level2 = models.CharField("二级分类", max_length=32)
    level3 = models.CharField("三级事项", max_length=32)
    subitem = models.CharField("细项", max_length=32, blank=True)
    lead_department_type = models.CharField("牵头单位职能类型", max_length=32)
    assist_department_types = models.JSONField("协办单位职能类型", default=list, blank=True)
    rural_lead_department_type = models.CharField(
        "乡镇牵头单位职能类型",
        max_length=32,
        blank=True,
        help_text="事发地在乡、镇时改由此类单位牵头（如 street_office：乡镇政府属地负责村内公共设施），原牵头单位协办；空则不变",
    )
    level = models.CharField("承办层级", max_length=16, choices=Level.choices)
    kind = models.CharField("属地/条线", max_length=16, choices=Kind.choices)
    place_needed = models.CharField("所需属地", max_length=16, choices=PlaceNeeded.choices)
    signal_words = models.CharField("识别词", max_length=500, blank=True, help_text="用顿号或空格分隔")
    time_limit_class = models.CharField(
        "时限类别", max_length=16, choices=TimeLimitClass.choices, default=TimeLimitClass.GENERAL
    )
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单目录事项"
        ordering = ["level1", "level2", "level3", "subitem"]
        constraints = [
            models.UniqueConstraint(fields=["level1", "level2", "level3", "subitem"], name="catalogue_item_path"),
        ]

    def __str__(self):
        return self.path

    @property
    def path(self) -> str:
        return "/".join(p for p in (self.level1, self.level2, self.level3, self.subitem) if p)

    @property
    def name(self) -> str:
        """What an operator reads: the item and its sub-item ("噪音污染·施工噪声")."""
        return f"{self.level3}·{self.subitem}" if self.subitem else self.level3

    @property
    def words(self) -> list[str]:
        return split_words(self.signal_words)


def split_words(text: str) -> list[str]:
    """Signal words as typed in the admin or the CSV: separated by 、 , ， ; or spaces; order kept, no repeats."""
    out: list[str] = []
    for raw in text.replace("、", " ").replace("，", " ").replace(",", " ").replace(";", " ").split():
        if raw not in out:
            out.append(raw)
    return out
