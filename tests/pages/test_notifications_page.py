import pytest

from dispatch.models import Notification

pytestmark = pytest.mark.django_db


def test_department_staff_read_their_units_notifications(client, accounts, make_ticket):
    ticket = make_ticket()  # dispatched to 金水区住建局
    client.force_login(accounts.staff)

    page = client.get("/notifications/").content.decode()

    assert ticket.number in page
    assert "新派单" in page
    assert "未读" in page


def test_other_units_do_not_see_them(client, accounts, make_ticket):
    ticket = make_ticket()
    client.force_login(accounts.other_staff)

    page = client.get("/notifications/").content.decode()

    assert ticket.number not in page


def test_mark_all_read_only_touches_what_the_user_sees(client, accounts, make_ticket):
    ticket = make_ticket()
    mine = Notification.objects.filter(ticket=ticket, department__staff__user=accounts.staff)
    others = Notification.objects.filter(ticket=ticket).exclude(pk__in=mine.values("pk"))
    assert mine.exists() and others.exists()
    client.force_login(accounts.staff)

    response = client.post("/notifications/read/")

    assert response.status_code == 302
    assert not mine.filter(read_at__isnull=True).exists()
    assert not others.filter(read_at__isnull=False).exists()
    assert ticket.number not in client.get("/notifications/?unread=1").content.decode()


def test_notifications_export_as_csv(client, accounts, make_ticket):
    ticket = make_ticket()
    client.force_login(accounts.staff)

    response = client.get("/notifications/?format=csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "时间,类型,工单编号,内容,已读"
    assert ticket.number in body
