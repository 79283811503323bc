"""factory_boy factories for the governance models, shared by every app's tests.

Region codes: synthetic districts use segments 40-69, streets 600-999, urban communities 500-599 and
villages 300-399, which the real division list never uses, so factories mix with the real
`zhengzhou_small` subtree (e.g. `CommunityRegionFactory(parent=zhengzhou_small.street)`).

    community = CommunityRegionFactory()                 # creates its street, district and the city
    village = VillageRegionFactory(parent=community.parent)
    user = UserFactory(roles=[roles.DISPATCHER])
    worker = GridWorkerFactory(role=GridWorker.Role.LEADER)
    grid = GridFactory(region=community)                  # community grid, code = community code + 3 digits
"""

import functools

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from governance import roles
from governance.models import Department, DispatchCatalogue, Grid, GridWorker, Place, Region, StaffProfile

TEST_PASSWORD = "pw-123456"


def _test_password_hash() -> str:
    # Hashing is deliberately slow (PBKDF2): hash the shared test password once per set of hashers
    # (some tests switch PASSWORD_HASHERS, and a hash is only checkable under the hashers that made it).
    return _hash_for(tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_for(hashers: tuple[str, ...]) -> str:
    return make_password(TEST_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    """Password "pw-123456" (TEST_PASSWORD) unless `password=` is given."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.LazyFunction(_test_password_hash)

    @classmethod
    def _create(cls, model_class, *args, password=None, **kwargs):
        if password and not password.startswith(("pbkdf2_", "argon2", "bcrypt", "md5$", "!")):
            password = make_password(password)
        return super()._create(model_class, *args, password=password, **kwargs)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """`UserFactory(roles=[roles.OPERATOR])` puts the user in those groups."""
        if not create or not extracted:
            return
        for name in extracted:
            group, _ = Group.objects.get_or_create(name=name)
            self.groups.add(group)


class CityRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "410100000000"
    name = "郑州市"
    official_name = "郑州市"
    level = Region.Level.CITY
    parent = None


class DistrictRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    parent = factory.SubFactory(CityRegionFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.prefix}{40 + n % 30:02d}000000")
    name = factory.Sequence(lambda n: f"测试{n}区")
    official_name = factory.SelfAttribute("name")
    level = Region.Level.DISTRICT


class StreetRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    parent = factory.SubFactory(DistrictRegionFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.prefix}{600 + n % 400:03d}000")
    name = factory.Sequence(lambda n: f"测试{n}街道")
    official_name = factory.SelfAttribute("name")
    level = Region.Level.STREET


class CommunityRegionFactory(factory.django.DjangoModelFactory):
    """An urban community (居委会; real ones are 001-199, 400+; synthetic ones 500-599)."""

    class Meta:
        model = Region

    parent = factory.SubFactory(StreetRegionFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.prefix}{500 + n % 100:03d}")
    name = factory.Sequence(lambda n: f"测试{n}社区")
    official_name = factory.LazyAttribute(lambda o: o.name + "居民委员会")
    level = Region.Level.COMMUNITY
    is_village = False


class VillageRegionFactory(CommunityRegionFactory):
    """A village (村委会; real ones are 200-2xx, synthetic ones 300-399)."""

    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.prefix}{300 + n % 100:03d}")
    name = factory.Sequence(lambda n: f"测试{n}村")
    official_name = factory.LazyAttribute(lambda o: o.name + "委会")
    is_village = True


# Chain helper: RegionFactory(level=...) is the plain model factory; prefer the level factories above.
RegionFactory = CommunityRegionFactory


class GridWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridWorker

    user = factory.SubFactory(UserFactory, roles=[roles.GRID_WORKER])
    name = factory.Sequence(lambda n: f"网格员{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    role = GridWorker.Role.FULL_TIME


class GridFactory(factory.django.DjangoModelFactory):
    """A community grid by default; pass kind/parent for micro grids, a village for rural grids, or a
    street with kind=DEDICATED for dedicated grids. The code nests under the region (or parent grid)."""

    class Meta:
        model = Grid

    region = factory.SubFactory(CommunityRegionFactory)
    parent = None
    kind = Grid.Kind.COMMUNITY
    name = factory.Sequence(lambda n: f"第{n}网格")
    place_type = ""
    responsible = factory.SubFactory(GridWorkerFactory)
    # Generated suffixes stay in 500-998, clear of the low codes the fixtures write by hand (…001, …002):
    # the sequence counts across a whole test run, and wrapped onto them (a duplicate code on PostgreSQL).
    code = factory.LazyAttributeSequence(
        lambda o, n: (
            f"{o.parent.code}{500 + n % 499:03d}"
            if o.parent is not None
            else f"{o.region.prefix}Z{1 + n % 9999:04d}"
            if o.kind == Grid.Kind.DEDICATED
            else f"{o.region.code}{500 + n % 499:03d}"
        )
    )


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    grid = factory.SubFactory(GridFactory, kind=Grid.Kind.MICRO)
    region = factory.SelfAttribute("grid.region")
    name = factory.Sequence(lambda n: f"测试{n}小区")
    kind = Place.Kind.RESIDENTIAL
    building_from = 1
    building_to = 6


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"T-{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    level = Department.Level.DISTRICT
    dept_type = "zhujian"
    region = factory.SubFactory(DistrictRegionFactory)
    is_active = True


class DispatchCatalogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchCatalogue
        django_get_or_create = ("category_code",)

    category_code = factory.Sequence(lambda n: f"测试类别{n}")
    category_name = factory.SelfAttribute("category_code")
    lead_department_type = "zhujian"
    assist_department_types = factory.LazyFunction(list)
    level = DispatchCatalogue.Level.DISTRICT
    fallback_department_type = "district_gov"


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """Department staff by default; pass department=None, region=… for operators and supervisors."""

    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory, roles=[roles.DEPARTMENT_STAFF])
    department = factory.SubFactory(DepartmentFactory)
    region = None
    phone = ""


def region_chain(*, village: bool = False) -> tuple[Region, Region, Region, Region]:
    """A fresh synthetic (city, district, street, community-or-village) chain with consistent codes."""
    street = StreetRegionFactory()
    community = (VillageRegionFactory if village else CommunityRegionFactory)(parent=street)
    return street.parent.parent, street.parent, street, community
