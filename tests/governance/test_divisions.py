import pytest
from django.core.management import call_command

from governance.models import Region
from governance.services.divisions import divisions_load


@pytest.mark.django_db
def test_load_divisions_loads_the_real_tree():
    result = divisions_load()

    assert result.created == 3530
    counts = {level: Region.objects.filter(level=level).count() for level in Region.Level.values}
    assert counts == {"city": 1, "district": 15, "street": 208, "community": 3306}
    assert Region.objects.filter(is_village=True).count() == 2185
    assert Region.objects.get(code="410100000000").parent is None
    assert Region.objects.exclude(level="city").filter(parent__isnull=True).count() == 0


@pytest.mark.django_db
def test_display_names_and_official_names():
    divisions_load()

    community = Region.objects.get(code="410105008001")
    assert (community.name, community.official_name) == ("农大社区", "农大社区居民委员会")
    village = Region.objects.get(code="410105008201")
    assert (village.name, village.is_village) == ("关虎屯村", True)
    assert Region.objects.get(code="410171560000").name == "明湖街道"
    assert Region.objects.get(code="410171560000").official_name == "郑州经济技术开发区明湖街道"


@pytest.mark.django_db
def test_load_divisions_twice_changes_nothing(capsys):
    call_command("load_divisions")
    before = list(Region.objects.order_by("code").values_list())

    call_command("load_divisions")

    assert "0 created, 0 updated, 3530 unchanged" in capsys.readouterr().out
    assert list(Region.objects.order_by("code").values_list()) == before


@pytest.mark.django_db
def test_load_divisions_repairs_an_edited_name():
    divisions_load()
    Region.objects.filter(code="410105008001").update(name="改错的名字")

    result = divisions_load()

    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.get(code="410105008001").name == "农大社区"


@pytest.mark.django_db
def test_load_divisions_limited_to_a_prefix_keeps_the_ancestors():
    divisions_load(prefixes=("410105008",))

    assert set(Region.objects.filter(level__in=["city", "district", "street"]).values_list("code", flat=True)) == {
        "410100000000",
        "410105000000",
        "410105008000",
    }
    assert Region.objects.filter(level="community").count() == 15
