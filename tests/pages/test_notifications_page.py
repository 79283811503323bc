import pytest

from dispatch.models import Notification, NotificationRead
from dispatch.selectors import notifications_for_user
from governance import roles
from tests.factories import StaffProfileFactory, UserFactory

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


def test_mark_all_read_is_per_person_and_only_what_the_user_sees(client, accounts, make_ticket, zhengzhou_small):
    ticket = make_ticket()  # its 新派单 goes to 金水区住建局, shared by its staff
    colleague = UserFactory(username="zhujian2", roles=[roles.DEPARTMENT_STAFF])
    StaffProfileFactory(user=colleague, department=zhengzhou_small.department("zhujian"))
    client.force_login(accounts.staff)
    assert ticket.number in client.get("/notifications/?unread=1").content.decode()

    response = client.post("/notifications/read/")

    assert response.status_code == 302
    assert ticket.number not in client.get("/notifications/?unread=1").content.decode()
    read = set(NotificationRead.objects.filter(user=accounts.staff).values_list("notification_id", flat=True))
    assert read == set(notifications_for_user(accounts.staff).values_list("pk", flat=True))  # nothing beyond
    assert Notification.objects.filter(ticket=ticket).exclude(pk__in=read).exists()  # e.g. the grid's own

    client.force_login(colleague)  # the unit's message is still unread for the colleague
    assert ticket.number in client.get("/notifications/?unread=1").content.decode()


def test_opening_a_notification_marks_it_read_and_leads_to_the_ticket(client, accounts, make_ticket):
    ticket = make_ticket()
    note = notifications_for_user(accounts.staff).get(ticket=ticket)
    client.force_login(accounts.staff)
    assert f"/notifications/{note.pk}/open/" in client.get("/notifications/").content.decode()

    response = client.get(f"/notifications/{note.pk}/open/")

    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert NotificationRead.objects.filter(notification=note, user=accounts.staff).count() == 1
    client.force_login(accounts.other_staff)  # someone else's notification: 404, nothing recorded
    assert client.get(f"/notifications/{note.pk}/open/").status_code == 404
    assert not NotificationRead.objects.filter(user=accounts.other_staff).exists()


def test_one_notification_is_marked_read_from_its_row(client, accounts, make_ticket):
    first, second = make_ticket(), make_ticket()
    note = notifications_for_user(accounts.staff).get(ticket=first)
    client.force_login(accounts.staff)

    client.post("/notifications/read/", {"id": note.pk})

    unread = client.get("/notifications/?unread=1").content.decode()
    assert first.number not in unread and second.number in unread
    response = client.post("/notifications/read/", {"id": "x"}, follow=True)
    assert "消息编号无效" in response.content.decode()


def test_notifications_export_as_csv(client, accounts, make_ticket):
    ticket = make_ticket()
    client.force_login(accounts.staff)

    response = client.get("/notifications/?format=csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "时间,类型,工单编号,内容,已读"
    assert ticket.number in body
