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


@pytest.fixture
def two_versions(settings, tmp_path):
    """Two real (tiny) model versions trained by the classifier's code; the second is active."""
    from classifier.registry import active_model_cache
    from classifier.training import Example, train_and_register

    settings.CLASSIFIER_ARTIFACTS_DIR = tmp_path / "models"
    texts = {
        "环境保护": "小区旁边工厂夜间排放废气，气味刺鼻，河道污水发黑发臭",
        "教育文体": "孩子上学的学校收取补课费，教师在校外办辅导班，学位分配不公平",
    }
    examples = [
        Example(text=f"{text}{i}", label=label, source="test") for label, text in texts.items() for i in range(12)
    ]
    versions = [train_and_register(examples=examples, cv="none", activate=True).version for _ in range(2)]
    active_model_cache.clear()
    yield versions
    active_model_cache.clear()


def test_model_versions_roll_back_and_activate(client, accounts, two_versions):
    first, second = two_versions
    client.force_login(accounts.supervisor)
    assert first.version in client.get("/models/").content.decode()

    client.post("/models/action/", {"action": "rollback"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_active, second.is_active) == (True, False)

    response = client.post("/models/action/", {"action": "activate", "version": second.version}, follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_active, second.is_active) == (False, True)
    assert f"已启用模型 {second.version}" in response.content.decode()


def test_activating_an_unknown_version_changes_nothing(client, accounts, two_versions):
    first, second = two_versions
    client.force_login(accounts.supervisor)

    response = client.post("/models/action/", {"action": "activate", "version": "nope"}, follow=True)

    assert "没有模型版本 nope" in response.content.decode()
    second.refresh_from_db()
    assert second.is_active is True


def test_rollback_is_offered_only_when_an_earlier_version_exists(client, accounts, two_versions):
    first, second = two_versions
    client.force_login(accounts.supervisor)
    assert 'id="model-rollback"' in client.get("/models/").content.decode()

    client.post("/models/action/", {"action": "rollback"})  # now the first (oldest) is active

    html = client.get("/models/").content.decode()
    assert 'id="model-rollback"' not in html
    assert "没有更早的版本可回滚" in html
