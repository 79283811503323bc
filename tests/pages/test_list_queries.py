"""The page lists read a fixed number of queries however many rows they show (3 rows or 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch.models import Ticket

pytestmark = pytest.mark.django_db

TOP3 = [
    {"code": "城乡建设", "probability": 0.6},
    {"code": "交通运输", "probability": 0.2},
    {"code": "不存在的类别", "probability": 0.1},
]


def _make(make_ticket, zhengzhou_small, n, *, status):
    """n tickets, alternating between 金水区 and 中牟县 so rows differ in place and suggestions."""
    z = zhengzhou_small
    for i in range(n):
        if i % 2:
            place = {"district": z.zhongmou, "street": z.zhongmou_street, "community": z.zhongmou_community}
            place["grid"] = z.zhongmou_grid
        else:
            place = {}
        ticket = make_ticket(status=status, **place)
        if status == Ticket.Status.PENDING_DISPATCH:
            # What routing stores when the model is unsure (page tests have no model).
            Ticket.objects.filter(pk=ticket.pk).update(ai_top3=TOP3[: 1 + i % 3])


def _queries(client, user, url) -> tuple[int, str]:
    client.force_login(user)
    client.get(url)  # warm per-process caches (the session, the address index)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    "url, status, role",
    [
        ("/dispatch-queue/", Ticket.Status.PENDING_DISPATCH, "dispatcher"),
        ("/worklist/", Ticket.Status.HANDLING, "staff"),
        ("/tickets/", Ticket.Status.DISPATCHED, "operator"),
    ],
)
def test_page_list_query_count_does_not_grow_with_rows(
    client, accounts, make_ticket, zhengzhou_small, url, status, role
):
    user = getattr(accounts, role)
    _make(make_ticket, zhengzhou_small, 3, status=status)
    few, html_few = _queries(client, user, url)
    _make(make_ticket, zhengzhou_small, 12, status=status)
    many, html_many = _queries(client, user, url)

    assert Ticket.objects.filter(status=status).count() == 15
    assert html_many.count("ZZ") > html_few.count("ZZ")  # the page does show the extra rows
    assert many == few
