"""The 巡查上报 page: the worker's grids to choose from, the service's refusals shown at their fields (400,
nothing written), other roles refused, and the worker's phone pages: no model figures, photos by kind."""

import pytest

from dispatch.models import Ticket, TicketPhoto
from tests.dispatch.test_patrol import png

pytestmark = pytest.mark.django_db


def test_the_form_offers_the_workers_own_grid_first_and_the_micro_grids_below_it(client, accounts, zhengzhou_small):
    client.force_login(accounts.worker)
    page = client.get("/patrol/").content.decode()
    z = zhengzhou_small
    assert f'value="{z.community_grid.code}" selected' in page
    assert z.micro_grid.code in page and z.micro_grid_2.code in page
    assert z.community_grid_2.code not in page and z.zhongmou_grid.code not in page


def test_a_refused_report_shows_the_reason_at_its_field_and_files_nothing(client, accounts, zhengzhou_small):
    client.force_login(accounts.worker)
    answer = client.post(
        "/patrol/",
        {"content": "路灯不亮", "grid": zhengzhou_small.community_grid.code, "outcome": "handled", "photos": png()},
    )
    assert answer.status_code == 400
    assert "处置情况不能为空" in answer.content.decode()
    answer = client.post(
        "/patrol/", {"content": "路灯不亮", "grid": zhengzhou_small.zhongmou_grid.code, "outcome": "report"}
    )
    assert answer.status_code == 400
    assert not Ticket.objects.exists()


def test_a_patrol_report_from_the_page_lands_on_its_ticket(client, accounts, zhengzhou_small, celery_eager):
    client.force_login(accounts.worker)
    answer = client.post(
        "/patrol/",
        {
            "content": "农大家属院门口共享单车乱停放",
            "grid": zhengzhou_small.micro_grid.code,
            "outcome": "handled",
            "note": "已现场摆放整齐",
            "photos": [png("a.png"), png("b.png")],
            "after_photos": png("c.png"),
        },
    )
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and answer.url == f"/tickets/{ticket.pk}/"
    assert ticket.status == Ticket.Status.CLOSED and ticket.grid == zhengzhou_small.micro_grid
    assert sorted(ticket.photos.values_list("kind", flat=True)) == ["after", "before", "before"]
    page = client.get(answer.url).content.decode()
    assert page.count(f"/api/tickets/{ticket.pk}/photos/") == 6  # link + image for each of three
    assert "置信度" not in page


@pytest.mark.parametrize("who", ["operator", "staff", "supervisor"])
def test_other_roles_do_not_get_the_patrol_page(client, accounts, who):
    client.force_login(getattr(accounts, who))
    assert client.get("/patrol/").status_code == 403
    assert not TicketPhoto.objects.exists()
