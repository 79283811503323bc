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
