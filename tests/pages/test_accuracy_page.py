"""派单准确率复盘: AI share and right/wrong by category and first unit, wrong-category returns, confusions."""

from django.utils import timezone

from dispatch.models import Ticket
from dispatch.selectors.accuracy import accuracy_by_category, accuracy_by_unit, worst_confusions
from governance import roles
from tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory


def _ticket(n, *, ai, final, source="ai", first, lead=None, returns=0, district):
    return Ticket.objects.create(
        number=f"A{n}",
        content=f"第{n}条诉求",
        created_at=timezone.now(),
        district=district,
        ai_category=ai,
        category_code=final,
        dispatch_source=source,
        first_lead_department=first,
        lead_department=lead or first,
        return_count=returns,
        status=Ticket.Status.DISPATCHED,
    )


def test_accuracy_figures_and_page(db, client, zhengzhou_small):
    district = zhengzhou_small.district
    zhujian = DepartmentFactory(name="测试住建局", region=district)
    huanbao = DepartmentFactory(name="测试环保局", region=district)
    # 城乡建设: two right (one by a person), one the AI called 环境保护 → returned and moved to 住建
    _ticket(1, ai="城乡建设", final="城乡建设", first=zhujian, district=district)
    _ticket(2, ai="城乡建设", final="城乡建设", source="human", first=zhujian, district=district)
    wrong = _ticket(3, ai="环境保护", final="城乡建设", first=huanbao, lead=zhujian, returns=1, district=district)
    # 环境保护: one right
    _ticket(4, ai="环境保护", final="环境保护", first=huanbao, district=district)
    # no AI category: not counted
    Ticket.objects.create(
        number="A5",
        content="x",
        created_at=timezone.now(),
        category_code="城乡建设",
        first_lead_department=zhujian,
        district=district,
    )
    until = timezone.now() + timezone.timedelta(seconds=1)
    since = until - timezone.timedelta(days=1)

    by_category = {r.key: r for r in accuracy_by_category(since=since, until=until)}
    by_unit = {r.label: r for r in accuracy_by_unit(since=since, until=until)}
    confusions = worst_confusions(since=since, until=until)

    c = by_category["城乡建设"]
    assert (c.with_ai, c.ai_dispatched, c.ai_right, c.ai_wrong, c.returned_wrong, c.redispatched_wrong) == (
        3,
        2,
        2,
        1,
        1,
        1,
    )
    e = by_category["环境保护"]
    assert (e.with_ai, e.ai_right, e.ai_wrong, e.returned_wrong) == (1, 1, 0, 0)
    u = by_unit["测试环保局"]
    assert (u.with_ai, u.ai_right, u.ai_wrong, u.returned_wrong, u.redispatched_wrong) == (2, 1, 1, 1, 1)
    assert by_unit["测试住建局"].with_ai == 2
    assert confusions == [
        {"ai_category": "环境保护", "category": "城乡建设", "count": 1, "examples": [(wrong.pk, "A3", "第3条诉求")]}
    ]

    supervisor = UserFactory(username="acc-sup", roles=[roles.SUPERVISOR])
    StaffProfileFactory(user=supervisor, department=None, region=district)
    client.force_login(supervisor)
    html = client.get("/accuracy/?days=7").content.decode()
    assert 'id="accuracy-by-category"' in html and 'id="accuracy-by-unit"' in html
    assert "A3" in html and "测试环保局" in html


def test_accuracy_by_item_compares_the_item_chosen_from_the_words_with_the_final_one(db, client, zhengzhou_small):
    from governance.models import CatalogueItem

    district = zhengzhou_small.district
    unit = DepartmentFactory(name="测试城管局", region=district)
    lamp, vendor = CatalogueItem.objects.order_by("pk")[:2]

    def routed(n, *, ai_item, final, score=3.2, returns=0, source="ai"):
        t = _ticket(n, ai="城乡建设", final="城乡建设", source=source, first=unit, returns=returns, district=district)
        t.catalogue_item = final
        t.ai_routing = {"reason": "", "items": [{"item": ai_item.pk, "score": score, "words": ["路灯"]}]}
        t.save(update_fields=["catalogue_item", "ai_routing"])
        return t

    routed(1, ai_item=lamp, final=lamp)
    routed(2, ai_item=lamp, final=lamp, source="human")
    routed(3, ai_item=vendor, final=lamp, returns=1)  # the words chose another item; returned
    routed(4, ai_item=vendor, final=vendor)
    routed(5, ai_item=lamp, final=lamp, score=0.0)  # the operator picked the item at intake: no AI item
    no_item = _ticket(6, ai="城乡建设", final="城乡建设", first=unit, district=district)  # no final item
    no_item.ai_routing = {"reason": "", "items": [{"item": lamp.pk, "score": 2.0, "words": ["路灯"]}]}
    no_item.save(update_fields=["ai_routing"])
    until = timezone.now() + timezone.timedelta(seconds=1)
    since = until - timezone.timedelta(days=1)

    from dispatch.selectors.accuracy import accuracy_by_item

    rows = {r.key: r for r in accuracy_by_item(since=since, until=until)}

    a = rows[str(lamp.pk)]
    assert (a.with_ai, a.ai_dispatched, a.ai_right, a.ai_wrong, a.returned_wrong) == (3, 2, 2, 1, 1)
    assert a.label == f"{lamp.level1}/{lamp.level2}/{lamp.level3}"
    b = rows[str(vendor.pk)]
    assert (b.with_ai, b.ai_right, b.ai_wrong) == (1, 1, 0)
    assert set(rows) == {str(lamp.pk), str(vendor.pk)}

    supervisor = UserFactory(username="acc-item-sup", roles=[roles.SUPERVISOR])
    StaffProfileFactory(user=supervisor, department=None, region=district)
    client.force_login(supervisor)
    html = client.get("/accuracy/").content.decode()
    assert 'id="accuracy-by-item"' in html and lamp.level3 in html and "AI事项正确" in html
