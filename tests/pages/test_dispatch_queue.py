"""The human dispatch queue: 派单时限 and waiting time per row, filters, 批量派单, the unit pickers."""

import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.models import Ticket
from dispatch.selectors.queue import QueueFilter, dispatch_clock, dispatch_queue_filter

pytestmark = pytest.mark.django_db

PENDING = Ticket.Status.PENDING_DISPATCH


def aged(ticket, **delta):
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - dt.timedelta(**delta))
    ticket.refresh_from_db()
    return ticket


def test_the_queue_clock_uses_the_shorter_limit_for_urgent_tickets(settings, make_ticket):
    settings.DISPATCH_QUEUE_LIMIT_MINUTES = 120
    settings.DISPATCH_QUEUE_URGENT_LIMIT_MINUTES = 30
    normal = aged(make_ticket(status=PENDING), minutes=45)
    urgent = aged(make_ticket(status=PENDING, urgency=Ticket.Urgency.EMERGENCY), minutes=45)

    assert dispatch_clock(normal).overdue is False
    assert dispatch_clock(urgent).overdue is True
    assert dispatch_clock(normal).due == normal.created_at + dt.timedelta(minutes=120)
    overdue = dispatch_queue_filter(Ticket.objects.filter(status=PENDING), QueueFilter(waiting="overdue"))
    assert list(overdue) == [urgent]


def test_filters_narrow_the_queue(make_ticket, zhengzhou_small):
    z = zhengzhou_small
    here = aged(make_ticket(status=PENDING), days=2)
    there = make_ticket(
        status=PENDING,
        channel=Ticket.Channel.WEB,
        district=z.zhongmou,
        street=z.zhongmou_street,
        community=None,
        grid=None,
        address="中牟县",
    )
    queue = Ticket.objects.filter(status=PENDING)

    assert list(dispatch_queue_filter(queue, QueueFilter(district=z.zhongmou.code))) == [there]
    assert list(dispatch_queue_filter(queue, QueueFilter(street=z.street.code))) == [here]
    assert list(dispatch_queue_filter(queue, QueueFilter(channel="web"))) == [there]
    assert list(dispatch_queue_filter(queue, QueueFilter(waiting="1d"))) == [here]


def test_the_queue_page_shows_waiting_time_limit_and_filters(client, accounts, make_ticket, zhengzhou_small):
    old = aged(make_ticket(status=PENDING), days=28, hours=3)
    new = make_ticket(status=PENDING, content="小区门口路灯不亮已经一周，晚上出行不便")
    client.force_login(accounts.dispatcher)

    html = client.get("/dispatch-queue/").content.decode()
    filtered = client.get("/dispatch-queue/?waiting=3d").content.decode()

    row = html[html.index(f'id="queue-{old.pk}"') :].split("</article>")[0]
    assert "已等待 <strong>28天3小时</strong>" in row and "overdue-row" in html.split(f'id="queue-{old.pk}"')[0][-80:]
    assert 'id="queue-filter"' in html and 'id="batch-form"' in html
    assert old.number in filtered and new.number not in filtered


def test_batch_dispatch_sends_the_ticked_rows_and_reports_a_conflict(client, accounts, make_ticket, zhengzhou_small):
    first = make_ticket(status=PENDING)
    second = make_ticket(status=PENDING, content="小区门口路灯不亮已经一周，晚上出行不便")
    moved = make_ticket(status=PENDING, content="楼下餐馆油烟直排，窗户都不敢开")
    stale = f"{moved.pk}:{moved.version}"
    services.ticket_dispatch(ticket=moved, by=accounts.dispatcher, department=zhengzhou_small.department("zhujian"))
    client.force_login(accounts.dispatcher)
    unit = zhengzhou_small.department("zhujian")

    response = client.post(
        "/dispatch-queue/batch/",
        {
            "tickets": [f"{first.pk}:{first.version}", f"{second.pk}:{second.version}", stale],
            "department": unit.pk,
            "category_code": "城乡建设",
        },
        follow=True,
    )

    html = response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.lead_department, first.category_code) == (Ticket.Status.DISPATCHED, unit, "城乡建设")
    assert second.status == Ticket.Status.DISPATCHED
    assert f"批量派单：2 件已派至 {unit.name}" in html
    assert "1 件已不在待派队列（可能已被他人派出），未重复派单" in html
    moved.refresh_from_db()
    assert moved.version == int(stale.split(":")[1]) + 1  # dispatched once, by the first call only


def test_batch_dispatch_with_a_changed_ticket_reports_it_and_dispatches_the_rest(
    accounts, make_ticket, zhengzhou_small
):
    first = make_ticket(status=PENDING)
    changed = make_ticket(status=PENDING, content="小区门口路灯不亮已经一周，晚上出行不便")
    shown = changed.version
    Ticket.objects.filter(pk=changed.pk).update(version=shown + 1)  # someone edited it since the page was shown

    result = services.tickets_dispatch_batch(
        tickets=[first, changed],
        by=accounts.dispatcher,
        department=zhengzhou_small.department("zhujian"),
        versions={first.pk: first.version, changed.pk: shown},
    )

    assert [t.pk for t in result.dispatched] == [first.pk]
    assert [t.pk for t, _ in result.conflicts] == [changed.pk]
    changed.refresh_from_db()
    assert changed.status == PENDING


def test_batch_dispatch_without_rows_or_unit_changes_nothing(client, accounts, make_ticket):
    ticket = make_ticket(status=PENDING)
    client.force_login(accounts.dispatcher)

    response = client.post("/dispatch-queue/batch/", {"department": ""}, follow=True)

    assert "批量派单未执行：请先勾选要批量派单的工单" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == PENDING


def test_unit_pickers_are_searchable_and_leave_out_the_hotline_centre(client, accounts, make_ticket, zhengzhou_small):
    queued = make_ticket(status=PENDING)
    handled = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.dispatcher)
    queue_html = client.get("/dispatch-queue/").content.decode()
    client.force_login(accounts.staff)
    ticket_html = client.get(f"/tickets/{handled.pk}/").content.decode()

    assert queue_html.count("data-unit-picker") >= 2  # the batch unit and each row's other unit
    assert "12345热线中心" not in queue_html.split(f'id="queue-{queued.pk}"')[1]
    whistle = ticket_html[ticket_html.index('id="action-whistle"') :].split("</details>")[0]
    assert "data-unit-picker" in whistle and "12345热线中心" not in whistle
