"""The intake page files once per rendered form: a double click or a resubmitted form is one ticket."""

import re

import pytest

from dispatch.models import Ticket
from tests.pages.test_intake import intake_data

pytestmark = pytest.mark.django_db


def form_key(client) -> str:
    html = client.get("/intake/").content.decode()
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)


def test_each_rendered_form_carries_a_fresh_key(client, accounts):
    client.force_login(accounts.operator)

    assert form_key(client) != form_key(client)


def test_a_double_submit_of_one_form_files_one_ticket(
    client, accounts, zhengzhou_small, django_capture_on_commit_callbacks
):
    client.force_login(accounts.operator)
    data = {**intake_data(zhengzhou_small), "idempotency_key": form_key(client)}

    with django_capture_on_commit_callbacks(execute=False):
        first = client.post("/intake/", data)
        second = client.post("/intake/", data, follow=True)

    ticket = Ticket.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/tickets/{ticket.pk}/"
    assert second.redirect_chain[0][0] == f"/tickets/{ticket.pk}/"
    assert "该表单已提交过，未重复受理" in second.content.decode()


def test_the_same_form_sent_back_changed_is_refused_and_files_nothing(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)
    data = {**intake_data(zhengzhou_small), "idempotency_key": form_key(client)}
    client.post("/intake/", data)

    changed = client.post("/intake/", {**data, "content": data["content"] + "，另外垃圾桶也满了"})

    assert changed.status_code == 400
    assert "已用于另一个请求" in changed.content.decode()
    assert Ticket.objects.count() == 1
    assert (
        re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', changed.content.decode()).group(1)
        != data["idempotency_key"]
    )


def test_a_form_without_a_key_still_files(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)
    client.post("/intake/", intake_data(zhengzhou_small))

    assert Ticket.objects.count() == 1
