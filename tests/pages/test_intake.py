import pytest

from dispatch.models import Ticket, TicketCaller
from tests.pages.html import field_errors

pytestmark = pytest.mark.django_db


def intake_data(z, **overrides):
    data = {
        "caller_name": "李四",
        "caller_phone": "13900001111",
        "channel": "phone",
        "type": "complaint",
        "urgency": "normal",
        "address": "金水区文化路街道农大社区农大家属院5号楼",
        "content": "农大家属院5号楼前路灯不亮已经一周，晚上出行很不安全",
        "district": z.district.code,
        "street": z.street.code,
        "community": z.community.code,
        "grid": z.community_grid.pk,
    }
    data.update(overrides)
    return data


def test_intake_rejects_bad_phone_and_short_content_next_to_the_fields(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    response = client.post("/intake/", intake_data(zhengzhou_small, caller_phone="12345", content="太吵"))

    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "caller_phone") == ["请输入有效的手机号（11位）或固定电话（如 0371-12345678）"]
    assert field_errors(html, "content") == ["诉求内容过短，请至少填写 5 个字"]
    assert Ticket.objects.count() == 0


def test_intake_rejects_a_street_outside_the_district(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)
    data = intake_data(zhengzhou_small, street=zhengzhou_small.zhongmou_street.code, community="", grid="")

    response = client.post("/intake/", data)

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "street") == ["所选街道不属于所选区县"]
    assert Ticket.objects.count() == 0


def test_intake_files_a_ticket_and_shows_it(client, accounts, zhengzhou_small, django_capture_on_commit_callbacks):
    client.force_login(accounts.operator)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/intake/", intake_data(zhengzhou_small))

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.caller_phone == "13900001111"
    assert ticket.community == zhengzhou_small.community
    assert ticket.grid == zhengzhou_small.community_grid
    assert ticket.status == Ticket.Status.RECEIVED


def test_close_at_intake_needs_an_answer(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    response = client.post("/intake/", {**intake_data(zhengzhou_small), "intent": "close", "answer": ""})

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "answer") == ["即办办结需填写答复内容"]
    assert Ticket.objects.count() == 0


def test_close_at_intake(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    client.post(
        "/intake/",
        {
            **intake_data(zhengzhou_small),
            "intent": "close",
            "answer": "已告知市民路灯报修电话",
            "category_code": "城乡建设",
        },
    )

    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.CLOSED_AT_INTAKE
    assert ticket.answer == "已告知市民路灯报修电话"
    assert (ticket.category_code, ticket.category_confirmed) == ("城乡建设", True)


def test_close_at_intake_needs_a_category_and_files_nothing_without_one(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    response = client.post(
        "/intake/", {**intake_data(zhengzhou_small), "intent": "close", "answer": "已告知市民报修电话"}
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "category_code") == ["即办工单请确认事项类别（可采用智能分类建议）"]
    assert Ticket.objects.count() == 0


def test_the_caller_popup_fills_the_number_and_shows_the_history(client, accounts, make_ticket):
    earlier = make_ticket()  # caller 13812345678
    client.force_login(accounts.operator)

    html = client.get("/intake/?phone=138 1234 5678").content.decode()

    assert 'value="13812345678"' in html
    history = html[html.index('id="history-panel"') :]
    assert earlier.number in history.split("</section>")[0]


def test_a_withheld_caller_id_opens_an_empty_form(client, accounts):
    client.force_login(accounts.operator)

    html = client.get("/intake/?phone=anonymous").content.decode()

    assert 'name="caller_phone" id="id_caller_phone" value=""' in html
    assert "输入来电号码后显示" in html


def test_file_and_new_comes_back_to_an_empty_form(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    response = client.post("/intake/", {**intake_data(zhengzhou_small), "intent": "file_new"}, follow=True)

    ticket = Ticket.objects.get()
    assert response.redirect_chain == [("/intake/", 302)]
    assert f"工单 {ticket.number} 已受理" in response.content.decode()


def test_too_long_a_content_is_refused_in_plain_chinese(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    response = client.post("/intake/", {**intake_data(zhengzhou_small), "content": "噪" * 2001})

    assert response.status_code == 400
    assert field_errors(response.content.decode(), "content") == [
        "诉求内容最多 2000 字，现有 2001 字，请精简或将补充情况另行记录"
    ]
    assert Ticket.objects.count() == 0


def test_merge_at_intake_adds_the_caller_to_the_survivor(client, accounts, zhengzhou_small, make_ticket):
    survivor = make_ticket(status=Ticket.Status.DISPATCHED)
    client.force_login(accounts.operator)

    response = client.post("/intake/", {**intake_data(zhengzhou_small), "merge_into": str(survivor.pk)})

    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{survivor.pk}/"
    merged = Ticket.objects.exclude(pk=survivor.pk).get()
    assert merged.status == Ticket.Status.MERGED
    assert merged.merged_into == survivor
    assert list(TicketCaller.objects.filter(ticket=survivor).values_list("phone", flat=True)) == ["13900001111"]


def test_place_panel_resolves_a_typed_address(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    response = client.post(
        "/intake/place/", {"address": "金水区文化路街道农大社区农大家属院3号楼"}, headers={"HX-Trigger-Name": "address"}
    )

    html = response.content.decode()
    assert response["HX-Trigger-After-Swap"] == "placeChanged"
    assert f'<option value="{zhengzhou_small.district.code}" selected>' in html
    assert f'<option value="{zhengzhou_small.street.code}" selected>' in html
    assert f'<option value="{zhengzhou_small.community.code}" selected>' in html
    assert f'<option value="{zhengzhou_small.micro_grid.pk}" selected>' in html


@pytest.mark.parametrize(
    ("address", "note"),
    [
        ("金水区文化路街道农大社区农大家属院3号楼", "地址已自动识别"),
        ("金水區文化路街道農大社區農大家屬院3號樓", "地址已自动识别"),  # traditional characters
        ("金水区文化路街道", "已识别到文化路街道，请选择社区/村"),  # no community: not "识别" yet
    ],
)
def test_place_panel_says_recognised_only_when_the_community_was_found(
    client, accounts, zhengzhou_small, address, note
):
    client.force_login(accounts.operator)

    html = client.post("/intake/place/", {"address": address}, headers={"HX-Trigger-Name": "address"}).content.decode()

    assert f">{note}</span>" in html


def test_place_panel_cascades_and_drops_children_of_another_parent(client, accounts, zhengzhou_small):
    z = zhengzhou_small
    client.force_login(accounts.operator)

    response = client.post(
        "/intake/place/",
        {"district": z.zhongmou.code, "street": z.street.code, "community": z.community.code},
        headers={"HX-Trigger-Name": "district"},
    )

    html = response.content.decode()
    assert f'<option value="{z.zhongmou.code}" selected>' in html
    assert f'<option value="{z.zhongmou_street.code}">' in html  # the new district's streets are offered
    assert " selected>" not in html.split('name="street"')[1].split("</select>")[0]


def test_history_panel_lists_the_callers_earlier_tickets(client, accounts, make_ticket):
    earlier = make_ticket()
    client.force_login(accounts.operator)

    html = client.post("/intake/history/", {"caller_phone": "138 1234 5678"}).content.decode()

    assert earlier.number in html


def test_suggest_panel_without_a_model_says_so(client, accounts, zhengzhou_small):
    client.force_login(accounts.operator)

    html = client.post("/intake/suggest/", {"content": "小区门口垃圾堆积无人清理，气味很大"}).content.decode()

    assert 'id="ai-message"' in html


def test_dispatch_queue_one_click(client, accounts, make_ticket, zhengzhou_small):
    ticket = make_ticket(status=Ticket.Status.PENDING_DISPATCH)
    client.force_login(accounts.operator)
    assert ticket.number in client.get("/dispatch-queue/").content.decode()

    zhujian = zhengzhou_small.department("zhujian")
    client.post(f"/dispatch-queue/{ticket.pk}/", {"department": zhujian.pk, "category_code": "城乡建设"})

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED
    assert ticket.lead_department == zhujian
    assert ticket.category_code == "城乡建设"
    assert ticket.dispatch_source == Ticket.DispatchSource.HUMAN


def test_dispatch_queue_without_department_changes_nothing(client, accounts, make_ticket):
    ticket = make_ticket(status=Ticket.Status.PENDING_DISPATCH)
    client.force_login(accounts.operator)

    response = client.post(f"/dispatch-queue/{ticket.pk}/", {"department": ""}, follow=True)

    assert "请选择主办单位" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_DISPATCH


def test_duplicates_panel_offers_a_one_click_merge(client, accounts, make_ticket, zhengzhou_small):
    open_ticket = make_ticket(content="农大家属院3号楼下水道堵塞污水外溢，多次反映无人处理")
    client.force_login(accounts.operator)

    html = client.post(
        "/intake/duplicates/",
        {
            "content": "农大家属院3号楼下水道堵塞，污水外溢，多次反映无人处理",
            "community": zhengzhou_small.community.code,
        },
    ).content.decode()

    assert open_ticket.number in html
    assert f'name="merge_into" value="{open_ticket.pk}"' in html


def test_duplicates_panel_ignores_other_matters(client, accounts, make_ticket, zhengzhou_small):
    make_ticket(content="农大家属院3号楼下水道堵塞污水外溢，多次反映无人处理")
    client.force_login(accounts.operator)

    html = client.post(
        "/intake/duplicates/",
        {"content": "孩子学校收费不合理，要求退还补课费", "community": zhengzhou_small.community.code},
    ).content.decode()

    assert 'name="merge_into"' not in html


def test_place_panel_takes_the_district_the_place_names_give_and_says_so(client, accounts, zhengzhou_small):
    from governance.services.place_names import place_names_import

    place_names_import(text="name,aliases,kind,districts,street\n农业路,,road,金水区,\n经三路,,road,金水区,\n")
    client.force_login(accounts.operator)
    html = client.post(
        "/intake/place/", {"address": "农业路与经三路交叉口"}, headers={"HX-Trigger-Name": "address"}
    ).content.decode()
    assert "已识别到金水区（地名库：农业路、经三路），请选择街道和社区/村" in html
    assert f'value="{zhengzhou_small.district.code}" selected' in html


def test_suggest_panel_says_a_spot_is_needed_until_the_address_names_one(
    client, accounts, zhengzhou_small, monkeypatch
):
    from tests.dispatch.classifier_stub import FakePrediction

    prediction = FakePrediction.of("城乡建设", 0.97, auto=True)
    monkeypatch.setattr("dispatch.pages.views.operator.classify", lambda text, k=15: prediction)
    client.force_login(accounts.operator)
    call = {"content": "这边的路灯坏了好几天了，晚上很黑", "district": zhengzhou_small.zhongmou.code}

    held = client.post("/intake/suggest/", {**call, "address": "中牟县"}).content.decode()
    sent = client.post("/intake/suggest/", {**call, "address": "中牟县牟州大道东段"}).content.decode()

    assert "将进入人工派单" in held and "需明确具体位置" in held
    assert "将自动派单" in sent and "中牟县城市管理局" in sent
