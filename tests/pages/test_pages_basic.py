import pytest
from django.urls import reverse

from dispatch.models import Ticket
from dispatch.pages.templatetags import highlight_terms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("operator", "/intake/"),
        ("dispatcher", "/dispatch-queue/"),
        ("worker", "/worklist/"),
        ("staff", "/worklist/"),
        ("supervisor", "/dashboard/"),
        ("admin", "/dashboard/"),
    ],
)
def test_home_sends_each_role_to_its_landing_page(client, accounts, who, landing):
    client.force_login(getattr(accounts, who))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == landing


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/worklist/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_logs_in_and_lands(client, accounts):
    response = client.post(reverse("login"), {"username": "op", "password": "pw-123456"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_with_wrong_password_shows_error(client, accounts):
    response = client.post(reverse("login"), {"username": "op", "password": "nope"})

    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_role_without_access_gets_403(client, accounts):
    client.force_login(accounts.worker)

    assert client.get("/dashboard/").status_code == 403
    assert client.get("/intake/").status_code == 403


def test_nav_shows_only_the_roles_pages(client, accounts):
    client.force_login(accounts.worker)

    html = client.get("/worklist/").content.decode()

    assert "我的工单" in html
    assert "一屏观全域" not in html
    assert "受理登记" not in html


def test_highlight_escapes_text_and_terms():
    html = highlight_terms("<b>噪音</b> 扰民 <script>", ["噪音", "<script>"])

    assert html == "&lt;b&gt;<mark>噪音</mark>&lt;/b&gt; 扰民 <mark>&lt;script&gt;</mark>"


def test_ticket_content_is_escaped_on_every_page(client, accounts, make_ticket):
    evil = '<script>alert("x")</script>小区门口垃圾堆积'
    ticket = make_ticket(content=evil, caller_name="<img src=x onerror=alert(1)>")

    for user, url in [
        (accounts.staff, f"/tickets/{ticket.pk}/"),
        (accounts.staff, "/worklist/"),
        (accounts.operator, "/tickets/"),
        (accounts.operator, f"/tickets/{ticket.pk}/"),
    ]:
        client.force_login(user)
        html = client.get(url).content.decode()
        assert '<script>alert("x")' not in html, url
        assert "&lt;script&gt;alert(" in html, url
        assert "<img src=x" not in html, url


def test_out_of_scope_ticket_is_404(client, accounts, make_ticket):
    ticket = make_ticket()
    client.force_login(accounts.outsider_worker)

    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/sign/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED
