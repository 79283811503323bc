"""The sweep under a burst: one event per ticket, one notification per department, HOT updates."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dispatch import services
from dispatch.models import Notification, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _overdue(file_ticket, n):
    tickets = [file_ticket() for _ in range(n)]
    now = max(t.sign_due for t in tickets) + datetime.timedelta(minutes=1)
    return tickets, now


def test_a_burst_of_red_tickets_is_one_notification_for_their_department_with_every_number(world, file_ticket):
    tickets, now = _overdue(file_ticket, 3)
    numbers = sorted(t.number for t in tickets)

    result = services.sla_sweep(now=now)

    assert (result.red, result.yellow) == (3, 0)
    assert set(Ticket.objects.values_list("sla_light", "supervised")) == {("red", True)}
    assert TicketEvent.objects.filter(action="sla_red").count() == 3
    assert set(TicketEvent.objects.filter(action="sla_red").values_list("ticket_id", flat=True)) == {
        t.pk for t in tickets
    }
    red = Notification.objects.get(kind="red")
    assert (red.department, red.ticket) == (world.zhujian, None)
    assert red.message == f"红灯超期：3 件工单已超过时限，已督办（{'、'.join(numbers)}）"
    assert red.data == {"count": 3, "tickets": numbers}
    supervise = Notification.objects.get(kind="supervise")
    assert (supervise.region, supervise.message, supervise.data) == (
        world.small.district,
        "督办：本轮新增 3 件超期工单",
        {"count": 3},
    )


def test_more_than_five_tickets_name_the_first_five_and_keep_all_in_data(world, file_ticket):
    tickets, now = _overdue(file_ticket, 6)
    numbers = sorted(t.number for t in tickets)

    services.sla_sweep(now=now)

    red = Notification.objects.get(kind="red")
    assert red.message == f"红灯超期：6 件工单已超过时限，已督办（{'、'.join(numbers[:5])} 等）"
    assert red.data == {"count": 6, "tickets": numbers}


def test_yellow_burst_is_one_notification_and_the_department_reads_it_in_the_api(world, file_ticket):
    tickets = [file_ticket() for _ in range(2)]
    now = max(t.sign_due for t in tickets) - datetime.timedelta(minutes=1)
    Ticket.objects.update(sla_warn_at=now - datetime.timedelta(minutes=1))
    numbers = sorted(t.number for t in tickets)
    client = APIClient()
    client.force_authenticate(world.staff)

    result = services.sla_sweep(now=now)
    body = client.get("/api/notifications/").json()

    assert (result.red, result.yellow) == (0, 2)
    assert TicketEvent.objects.filter(action="sla_yellow").count() == 2
    rows = body["results"] if isinstance(body, dict) else body
    yellow = [row for row in rows if row["kind"] == "yellow"]
    assert len(yellow) == 1
    assert (yellow[0]["ticket"], yellow[0]["message"], yellow[0]["data"]) == (
        None,
        f"黄灯预警：2 件工单时限将到（{'、'.join(numbers)}）",
        {"count": 2, "tickets": numbers},
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HOT updates and fillfactor are PostgreSQL's")
def test_the_sweep_update_writes_no_index_entries_on_postgresql(world, file_ticket):
    """The sweep's UPDATEs change no column any index of the ticket table mentions (keys, INCLUDE,
    expressions, predicates), and the table keeps page space free (fillfactor): that is what lets
    PostgreSQL update in place without touching an index (HOT). Whether a given update is HOT also
    depends on the free space left on its page, which in a test that never commits depends on the
    tests before it, so the design is checked rather than the counter."""
    _, now = _overdue(file_ticket, 2)
    with connection.cursor() as cur:
        cur.execute("SELECT reloptions FROM pg_class WHERE relname = 'dispatch_ticket'")
        options = cur.fetchone()[0]
        cur.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'dispatch_ticket'")
        index_defs = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT pg_stat_get_xact_tuples_updated('dispatch_ticket'::regclass)")
        updated_before = cur.fetchone()[0]
        with CaptureQueriesContext(connection) as queries:
            services.sla_sweep(now=now)
        cur.execute("SELECT pg_stat_get_xact_tuples_updated('dispatch_ticket'::regclass)")
        updated = cur.fetchone()[0] - updated_before

    set_columns = set()
    for q in queries.captured_queries:
        sql = " ".join(q["sql"].split())
        for clause in re.findall(r'UPDATE "?dispatch_ticket"? SET (.*?) WHERE\b', sql, flags=re.IGNORECASE):
            set_columns |= set(re.findall(r'"?(\w+)"?\s*=', clause))
    assert options == ["fillfactor=85"]
    assert updated == 2
    assert set_columns >= {"sla_light", "updated_at"}

    def indexed(column):
        return any(re.search(rf'\b"?{column}"?\b', d) for d in index_defs)

    assert indexed("sla_due") and indexed("status")  # the search does find indexed columns
    assert not [column for column in set_columns if indexed(column)]
