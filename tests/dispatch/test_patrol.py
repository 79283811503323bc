"""巡查上报: grid workers file what they find on patrol, handled on the spot (自行处置) or reported up (上报),
through one service that the API and the page share."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.errors import ApplicationError
from dispatch import services
from dispatch.models import Ticket, TicketEvent, TicketPhoto
from dispatch.services.patrol import patrol_report
from tests.dispatch.test_api import client_for

pytestmark = pytest.mark.django_db
FOUND = "农大家属院5号楼东侧垃圾桶满溢，周边有散落垃圾，影响环境卫生。"


def png(name="site.png", color=(200, 30, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_reported_up_is_filed_on_the_workers_own_grid_and_routed_like_a_call(
    world, predict, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = patrol_report(by=world.worker, content=FOUND, photos=[png(), png("b.png")], handled=False)
    assert ticket.channel == Ticket.Channel.PATROL
    assert ticket.grid == world.small.community_grid
    assert ticket.community == world.small.community and ticket.street == world.small.street
    assert ticket.address == "金水区文化路街道农大社区农大社区第1网格"
    assert ticket.caller_phone == "" and ticket.created_by == world.worker
    assert ticket.status == Ticket.Status.RECEIVED
    assert [p.kind for p in ticket.photos.all()] == [TicketPhoto.Kind.PATROL, TicketPhoto.Kind.PATROL]
    assert len(callbacks) == 1  # routing queued after commit
    services.ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED


def test_handled_on_the_spot_is_closed_with_before_and_after_photos_and_never_routed(
    world, predict, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = patrol_report(
            by=world.worker,
            content=FOUND,
            photos=[png()],
            handled=True,
            note="已联系保洁清运，现场已清理干净。",
            after_photos=[png("after.png", (30, 200, 30))],
            grid=world.small.micro_grid.code,
            category_code="城乡建设",
        )
    assert callbacks == []
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.dispatch_source == Ticket.DispatchSource.SELF
    assert ticket.grid == world.small.micro_grid
    assert ticket.reply_text == "已联系保洁清运，现场已清理干净。" and ticket.closed_at is not None
    assert ticket.category_code == "城乡建设" and ticket.category_confirmed
    assert [p.kind for p in ticket.photos.all()] == [TicketPhoto.Kind.BEFORE, TicketPhoto.Kind.AFTER]
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", "to_status"))
    assert actions == [("created", "received"), ("self_handled", "closed")]


def test_self_handling_needs_a_note_and_a_photo_of_the_result_and_writes_nothing_otherwise(world):
    with pytest.raises(ApplicationError) as err:
        patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=True, note="已处理完毕")
    assert err.value.extra["field"] == "after_photos"
    with pytest.raises(ApplicationError) as err:
        patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=True, after_photos=[png()])
    assert err.value.extra["field"] == "note"
    with pytest.raises(ApplicationError) as err:
        patrol_report(by=world.worker, content=FOUND, photos=[], handled=False)
    assert err.value.extra["field"] == "photos"
    not_an_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(ApplicationError) as err:
        patrol_report(by=world.worker, content=FOUND, photos=[not_an_image], handled=False)
    assert err.value.extra["field"] == "photos"
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists()


def test_only_grid_workers_on_their_own_grids_and_the_admin_file_patrol_reports(world, predict):
    with pytest.raises(PermissionDenied):  # another worker's grid
        patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=False, grid=world.small.zhongmou_grid)
    with pytest.raises(PermissionDenied):  # a micro-grid worker may not report on the community grid above
        patrol_report(
            by=world.small.workers["nongda1a"].user,
            content=FOUND,
            photos=[png()],
            handled=False,
            grid=world.small.community_grid.code,
        )
    for user in (world.operator, world.staff, world.supervisor):
        with pytest.raises(PermissionDenied):
            patrol_report(by=user, content=FOUND, photos=[png()], handled=False, grid=world.small.community_grid)
    with pytest.raises(PermissionDenied):  # nobody fakes a patrol finding through ordinary filing
        services.ticket_create(by=world.operator, content=FOUND, channel=Ticket.Channel.PATROL)
    assert not Ticket.objects.exists()
    ticket = patrol_report(by=world.admin, content=FOUND, photos=[png()], handled=False, grid=world.small.zhongmou_grid)
    assert ticket.district == world.small.zhongmou


def test_patrol_api_files_both_ways_and_serves_the_photos_only_within_scope(world, predict):
    api = client_for(world.worker)
    up = api.post("/api/patrol/", {"content": FOUND, "photos": [png(), png("2.png")]}, format="multipart")
    assert up.status_code == 201, up.content
    body = up.json()
    assert body["channel"] == "patrol" and body["status"] == "received" and len(body["photos"]) == 2
    photo_url = body["photos"][0]["url"]
    assert api.get(photo_url).status_code == 200
    assert client_for(world.worker_other).get(photo_url).status_code == 404
    done = api.post(
        "/api/patrol/",
        {"content": FOUND, "photos": [png()], "handled": "true", "note": "现场已清理。", "after_photos": [png()]},
        format="multipart",
    )
    assert done.status_code == 201 and done.json()["status"] == "closed"
    bad = api.post("/api/patrol/", {"content": FOUND, "photos": [png()], "handled": "true"}, format="multipart")
    assert bad.status_code == 400 and "note" in bad.content.decode()
    refused = client_for(world.operator).post("/api/patrol/", {"content": FOUND, "photos": [png()]}, format="multipart")
    assert refused.status_code == 403
    assert Ticket.objects.count() == 2


def test_the_api_leaves_the_model_figures_out_for_workers_and_staff(world, dispatched):
    for user, shown in ((world.dispatcher, True), (world.staff, False), (world.worker, False)):
        body = client_for(user).get(f"/api/tickets/{dispatched.pk}/").json()
        assert (body["ai_probability"] is not None, body["ai_top3"] != []) == (shown, shown), user


def test_a_finding_closed_on_the_spot_counts_as_closed_not_in_the_resolution_rate(world):
    from django.db.models import Sum
    from django.utils import timezone

    from dispatch.models import DailyTicketStat
    from dispatch.services.stats import stats_rollup_days

    patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=True, note="已清理。", after_photos=[png()])
    stats_rollup_days(days=[timezone.localdate()])

    sums = DailyTicketStat.objects.aggregate(t=Sum("total"), c=Sum("closed"), r=Sum("resolved"), d=Sum("dispatched"))
    assert sums == {"t": 1, "c": 1, "r": 0, "d": 0}


def test_found_self_handled_and_escalated_are_counted_by_the_level_below_the_region(world, predict, client):
    import datetime

    from django.utils import timezone

    from dispatch.selectors.patrol import patrol_counts
    from dispatch.selectors.stats import DashboardFilter

    s = world.small
    patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=False)
    patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=False, grid=s.micro_grid)
    patrol_report(by=world.worker, content=FOUND, photos=[png()], handled=True, note="已清理。", after_photos=[png()])
    patrol_report(by=world.worker_other, content=FOUND, photos=[png()], handled=False)  # 中牟县
    today = timezone.localdate()

    def rows(region):
        counts = patrol_counts(flt=DashboardFilter(start=today - datetime.timedelta(days=6), end=today, region=region))
        return counts["level_label"], [(r.label, r.found, r.self_handled, r.escalated) for r in counts["rows"]]

    assert rows(s.district) == ("街道", [("文化路街道", 3, 1, 2)])
    assert rows(s.street) == ("社区", [("农大社区", 3, 1, 2)])
    assert rows(s.community) == ("网格", [("农大社区第1网格", 2, 1, 1), ("农大家属院1-6号楼微网格", 1, 0, 1)])
    assert rows(None)[1] == [("文化路街道", 3, 1, 2), ("东风路街道", 1, 0, 1)]
    client.force_login(world.supervisor)
    response = client.get("/dashboard/", {"format": "csv", "list": "patrol"})
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "网格发现" in csv and "文化路街道,3,1,2" in csv
