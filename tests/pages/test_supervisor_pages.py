import pytest

from dispatch.models import CityMode, Ticket
from tests.pages.html import field_errors

pytestmark = pytest.mark.django_db


def test_city_mode_switch_needs_confirmation(client, accounts):
    client.force_login(accounts.supervisor)

    response = client.post("/city-mode/", {"mode": "emergency", "reason": "暴雨红色预警"})

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "confirm") == ["该字段是必填项。"]
    assert CityMode.objects.count() == 0


def test_city_mode_switch_is_recorded(client, accounts):
    client.force_login(accounts.supervisor)

    response = client.post("/city-mode/", {"mode": "emergency", "reason": "暴雨红色预警", "confirm": "on"}, follow=True)

    switch = CityMode.objects.get()
    assert (switch.mode, switch.reason, switch.switched_by) == ("emergency", "暴雨红色预警", accounts.supervisor)
    html = response.content.decode()
    assert '<strong id="current-mode">应急</strong>' in html
    assert "暴雨红色预警" in html


def test_city_mode_is_closed_to_workers(client, accounts):
    client.force_login(accounts.worker)

    assert client.post("/city-mode/", {"mode": "emergency", "reason": "x", "confirm": "on"}).status_code == 403
    assert CityMode.objects.count() == 0


@pytest.mark.parametrize(
    ("tab", "status"),
    [
        ("return", Ticket.Status.RETURN_PENDING),
        ("extension", None),
        ("reply", None),
        ("callback", None),
    ],
)
def test_queues_list_their_tickets(client, accounts, make_ticket, tab, status):
    ticket = make_ticket(status=Ticket.Status.RETURN_PENDING)
    client.force_login(accounts.supervisor)

    html = client.get(f"/queues/?queue={tab}").content.decode()

    assert (ticket.number in html) is (status == Ticket.Status.RETURN_PENDING)
    assert 'id="tab-return"' in html


def test_queue_csv_export(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.RETURN_PENDING)
    client.force_login(accounts.supervisor)

    response = client.get("/queues/?queue=return&format=csv")

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines] == ["工单编号", ticket.number]


def test_model_versions_page_renders(client, accounts):
    client.force_login(accounts.supervisor)

    response = client.get("/models/")

    assert response.status_code == 200
    assert 'id="model-versions"' in response.content.decode()


def test_worklist_filters_by_light(client, accounts, make_ticket):
    red = make_ticket()
    green = make_ticket(content="小区电梯经常故障停运，老人上下楼困难")
    Ticket.objects.filter(pk=red.pk).update(sla_light=Ticket.Light.RED)
    client.force_login(accounts.staff)

    html = client.get("/worklist/?light=red").content.decode()

    assert red.number in html
    assert green.number not in html


def test_worklist_puts_red_first(client, accounts, make_ticket):
    first = make_ticket()
    second = make_ticket(content="小区电梯经常故障停运，老人上下楼困难")
    Ticket.objects.filter(pk=second.pk).update(sla_light=Ticket.Light.RED)
    client.force_login(accounts.staff)

    html = client.get("/worklist/").content.decode()

    assert html.index(second.number) < html.index(first.number)
