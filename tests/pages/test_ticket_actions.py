import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dispatch.actors import actor_for
from dispatch.models import Ticket, TicketEvent
from tests.pages.html import field_errors

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_buttons_follow_allowed_actions(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.DISPATCHED)

    client.force_login(accounts.worker)
    worker_html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    client.force_login(accounts.staff)
    staff_html = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert 'id="action-sign"' in worker_html
    assert 'id="action-return"' not in worker_html  # 退单 is the lead unit's move
    assert 'id="action-sign"' in staff_html
    assert 'id="action-return"' in staff_html
    assert 'id="action-reply"' not in staff_html  # not signed yet


def test_worker_signs_from_the_ticket_page(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.DISPATCHED)
    client.force_login(accounts.worker)

    response = client.post(f"/tickets/{ticket.pk}/sign/")

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.HANDLING
    assert TicketEvent.objects.filter(ticket=ticket, action="signed", actor=accounts.worker).count() == 1


def test_reply_with_a_fake_image_is_rejected_next_to_the_field(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.worker)
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")

    response = client.post(
        f"/tickets/{ticket.pk}/reply/", {"reply-text": "已现场疏通下水道，恢复正常", "reply-photo": fake}
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "reply-photo") == [
        "请上传有效图片。您上传的该文件不是图片或者图片已经损坏。"
    ]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.HANDLING
    assert ticket.reply_text == ""


def test_reply_without_text_shows_error_and_changes_nothing(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.worker)

    response = client.post(f"/tickets/{ticket.pk}/reply/", {"reply-text": ""})

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "reply-text") == ["该字段是必填项。"]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.HANDLING


def test_worker_replies_with_a_photo(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.worker)
    photo = SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")

    response = client.post(
        f"/tickets/{ticket.pk}/reply/", {"reply-text": "已现场疏通下水道，恢复正常", "reply-photo": photo}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.REPLIED
    assert ticket.reply_text == "已现场疏通下水道，恢复正常"
    assert ticket.reply_photo.name.endswith(".png")


def test_the_reply_photo_is_served_only_within_the_tickets_scope(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.worker)
    client.post(
        f"/tickets/{ticket.pk}/reply/",
        {
            "reply-text": "已现场处理",
            "reply-photo": SimpleUploadedFile("site.png", png_bytes(), content_type="image/png"),
        },
    )
    ticket.refresh_from_db()
    scoped = f"/api/tickets/{ticket.pk}/photo/"

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'src="{scoped}"' in page and "/media/" not in page
    assert client.get(f"/api/tickets/{ticket.pk}/").json()["reply_photo"] == f"http://testserver{scoped}"
    response = client.get(scoped)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()

    client.force_login(accounts.staff)  # the lead unit sees it too
    assert client.get(scoped).status_code == 200

    for outsider in (accounts.outsider_worker, accounts.other_staff):
        client.force_login(outsider)
        assert client.get(scoped).status_code == 404  # not even a hint that the ticket exists
        # nor through the raw upload folder, which only admins may browse
        assert client.get(f"/media/{ticket.reply_photo.name}").status_code == 302
    client.logout()
    assert client.get(scoped).status_code in (401, 403)


def test_a_ticket_without_a_photo_answers_404(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.worker)
    assert client.get(f"/api/tickets/{ticket.pk}/photo/").status_code == 404
    assert client.get(f"/api/tickets/{ticket.pk}/").json()["reply_photo"] is None


def test_return_needs_a_reason(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.DISPATCHED)
    client.force_login(accounts.staff)

    response = client.post(f"/tickets/{ticket.pk}/return/", {"return-reason": ""})

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "return-reason") == ["该字段是必填项。"]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED
    assert ticket.return_count == 0


def test_staff_returns_and_supervisor_redispatches(client, accounts, make_ticket, zhengzhou_small):
    ticket = make_ticket(status=Ticket.Status.DISPATCHED)
    client.force_login(accounts.staff)
    client.post(f"/tickets/{ticket.pk}/return/", {"return-reason": "属于教育部门职责，非本单位"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RETURN_PENDING

    client.force_login(accounts.supervisor)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="action-redispatch"' in html
    jiaoyu = zhengzhou_small.department("jiaoyu")
    response = client.post(
        f"/tickets/{ticket.pk}/redispatch/",
        {"redispatch-department": jiaoyu.pk, "redispatch-category_code": "教育文体", "redispatch-reason": "改派教育局"},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED
    assert ticket.lead_department == jiaoyu
    assert ticket.category_code == "教育文体"


def test_action_not_allowed_now_is_refused_with_a_message(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.DISPATCHED)
    client.force_login(accounts.staff)

    response = client.post(f"/tickets/{ticket.pk}/reply/", {"reply-text": "已经处理完毕了"}, follow=True)

    assert "操作未执行" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED


def test_unknown_action_is_404(client, accounts, make_ticket):
    ticket = make_ticket()
    client.force_login(accounts.staff)

    assert client.post(f"/tickets/{ticket.pk}/explode/").status_code == 404


def test_whistle_pulls_in_a_department_and_offers_only_nearby_units(client, accounts, make_ticket, zhengzhou_small):
    z = zhengzhou_small
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.worker)
    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    chengguan = z.department("chengguan")
    assert f'<option value="{chengguan.pk}">{chengguan.name}</option>' in html
    zhongmou = z.department("chengguan", z.zhongmou)
    assert f'<option value="{zhongmou.pk}">' not in html

    response = client.post(
        f"/tickets/{ticket.pk}/whistle/",
        {"whistle-departments": [chengguan.pk], "whistle-reason": "占道经营需城管联合执法"},
    )

    assert response.status_code == 302
    assert list(ticket.assists.values_list("department_id", "source")) == [(chengguan.pk, "whistle")]


def test_extension_request_rejects_too_many_days_next_to_the_field(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    client.force_login(accounts.staff)

    response = client.post(
        f"/tickets/{ticket.pk}/extension_request/",
        {"extension_request-days": "30", "extension_request-reason": "需协调多部门"},
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "extension_request-days") == ["确保该值小于或等于10。"]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.HANDLING


def test_the_timeline_names_people_and_their_units_not_usernames(client, accounts, make_ticket, zhengzhou_small):
    accounts.staff.first_name = "王伟"
    accounts.staff.save()
    accounts.dispatcher.first_name = ""  # an account without a name: its username, with its unit
    accounts.dispatcher.save()
    ticket = make_ticket(status=Ticket.Status.HANDLING)
    worker = zhengzhou_small.workers["nongda1"]
    client.force_login(accounts.dispatcher)

    html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    timeline = html[html.index('id="timeline"') :]

    assert "接线员（12345热线中心）" in timeline  # operator, named "接线员"
    assert "disp（12345热线中心）" in timeline
    assert "王伟（金水区住房和城乡建设局）" in timeline
    assert ">zhujian<" not in timeline and ">op<" not in timeline
    worker.name = "李娜"
    worker.save()
    assert actor_for(worker.user).label == "李娜（网格员）"


def test_the_ticket_page_polls_routing_until_the_ticket_is_routed(client, accounts, zhengzhou_small):
    from dispatch import services

    ticket = services.ticket_create(
        by=accounts.operator, content="农大家属院3号楼下水道堵塞污水外溢", caller_phone="13812345678"
    )
    client.force_login(accounts.operator)

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    waiting = client.get(f"/tickets/{ticket.pk}/progress/")
    services.ticket_route(ticket_id=ticket.pk)  # no model here: it waits for a person
    routed = client.get(f"/tickets/{ticket.pk}/progress/")

    assert 'id="routing-progress"' in page and 'hx-trigger="every 2s"' in page
    assert "正在智能分拨" in waiting.content.decode() and "HX-Refresh" not in waiting.headers
    assert routed["HX-Refresh"] == "true"
    assert 'id="routing-progress"' not in client.get(f"/tickets/{ticket.pk}/").content.decode()


@pytest.fixture
def awaiting_callback(make_ticket, accounts):
    from dispatch import services

    ticket = make_ticket(status=Ticket.Status.HANDLING)
    services.ticket_reply(ticket=ticket, by=accounts.staff, text="已疏通下水道并清理路面")
    services.ticket_reply_review(ticket=ticket, by=accounts.dispatcher, approve=True)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CALLBACK
    return ticket


def test_the_callback_section_has_the_script_and_a_recorded_reveal_with_a_tel_link(client, accounts, awaiting_callback):
    from dispatch.models import PhoneAccessLog

    client.force_login(accounts.dispatcher)
    html = client.get(f"/tickets/{awaiting_callback.pk}/").content.decode()
    section = html[html.index('id="action-callback"') :].split("</details>")[0]

    assert "回访话术" in section and "138****5678" in section
    for question in ("承办单位是否与您联系过", "问题是否已经解决", "是否满意", "不满意原因"):
        assert question in section
    assert "13812345678" not in html  # masked until revealed

    revealed = client.post(f"/tickets/{awaiting_callback.pk}/phone/", {"purpose": "回访"})

    assert revealed.status_code == 200
    assert 'href="tel:13812345678"' in revealed.content.decode()
    log = PhoneAccessLog.objects.get()
    assert (log.user, log.ticket_id, log.purpose) == (accounts.dispatcher, awaiting_callback.pk, "回访")


def test_a_user_who_may_not_reveal_gets_403_and_nothing_is_recorded(client, accounts, awaiting_callback):
    from dispatch.models import PhoneAccessLog

    client.force_login(accounts.other_staff)  # 教育局: may not even see the ticket
    assert client.post(f"/tickets/{awaiting_callback.pk}/phone/").status_code == 404
    client.force_login(accounts.supervisor)  # sees it, may not read the number
    response = client.post(f"/tickets/{awaiting_callback.pk}/phone/")

    assert response.status_code == 403
    assert PhoneAccessLog.objects.count() == 0


def test_an_unsatisfied_callback_needs_a_reason_then_reopens_the_ticket(client, accounts, awaiting_callback):
    client.force_login(accounts.dispatcher)
    url = f"/tickets/{awaiting_callback.pk}/callback/"
    answers = {"callback-contacted": "1", "callback-resolved": "unsolved", "callback-satisfaction": "unsatisfied"}

    refused = client.post(url, answers)

    assert refused.status_code == 400
    assert field_errors(refused.content.decode(), "callback-reason") == ["请选择不满意原因"]
    awaiting_callback.refresh_from_db()
    assert awaiting_callback.status == Ticket.Status.CALLBACK

    client.post(url, {**answers, "callback-reason": "unsolved", "callback-note": "污水仍在外溢"})

    awaiting_callback.refresh_from_db()
    assert (awaiting_callback.status, awaiting_callback.reopen_count) == (Ticket.Status.HANDLING, 1)
    event = TicketEvent.objects.filter(ticket=awaiting_callback, action="called_back").get()
    assert (event.data["contacted"], event.data["reason"], event.reason) == (True, "unsolved", "污水仍在外溢")


def test_a_satisfied_callback_asks_the_first_two_questions_too(client, accounts, awaiting_callback):
    client.force_login(accounts.dispatcher)

    refused = client.post(f"/tickets/{awaiting_callback.pk}/callback/", {"callback-satisfaction": "satisfied"})

    html = refused.content.decode()
    assert refused.status_code == 400
    # radio groups nest <div>s, so the messages are read from each field's wrapper up to the next field
    contacted = html[html.index('id="field-callback-contacted"') : html.index('id="field-callback-resolved"')]
    resolved = html[html.index('id="field-callback-resolved"') : html.index('id="field-callback-satisfaction"')]
    assert "请记录承办单位是否联系过诉求人" in contacted
    assert "请记录问题是否解决" in resolved
