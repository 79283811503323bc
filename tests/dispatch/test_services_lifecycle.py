"""The closed loop through the services: each move, and failed moves that change nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import ApplicationError, ConflictError
from dispatch import services
from dispatch.models import AppendOnlyError, Notification, Ticket, TicketAssist, TicketCaller, TicketEvent
from dispatch.selectors import allowed_actions, human_dispatch_queue, ticket_confirmed_examples
from tests.dispatch.conftest import WEAK_CONTENT

S = Ticket.Status
pytestmark = pytest.mark.django_db


def snapshot(ticket: Ticket) -> tuple:
    """Everything a failed move must leave as it was."""
    fresh = Ticket.objects.get(pk=ticket.pk)
    fields = {f.attname: getattr(fresh, f.attname) for f in Ticket._meta.concrete_fields}
    return fields, TicketEvent.objects.filter(ticket=ticket).count(), list(fresh.assists.values_list("pk", flat=True))


def actions(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id").values_list("action", flat=True))


def test_full_loop_from_filing_to_closed(world, file_ticket):
    ticket = file_ticket()

    assert ticket.number.startswith("ZZ") and len(ticket.number) == 16
    assert ticket.status == S.DISPATCHED
    assert ticket.lead_department == world.zhujian
    assert ticket.first_lead_department == world.zhujian
    assert list(ticket.assists.values_list("department", "source")) == [(world.chengguan.pk, "catalogue")]
    assert ticket.community == world.small.community
    assert ticket.grid == world.small.micro_grid
    assert ticket.dispatch_source == Ticket.DispatchSource.AI
    assert ticket.ai_category == "城乡建设" and ticket.ai_probability == 0.97 and ticket.ai_model_version == "test-1"
    assert [c["code"] for c in ticket.ai_top3] == ["城乡建设", "环境保护", "卫生计生"]
    assert ticket.sign_due is not None and ticket.sla_due == ticket.sign_due and ticket.return_due is not None
    assert (
        Notification.objects.filter(ticket=ticket, kind="grid", user=world.small.workers["nongda1a"].user).count() == 1
    )
    assert Notification.objects.filter(ticket=ticket, kind="dispatched", department=world.zhujian).count() == 1

    ticket = services.ticket_sign(ticket=ticket, by=world.staff)
    assert ticket.status == S.HANDLING and ticket.signed_at is not None
    assert ticket.sla_due == ticket.handle_due and ticket.handle_due > ticket.signed_at

    ticket = services.ticket_reply(ticket=ticket, by=world.staff, text="已督促物业于本周清洗水箱并送检，水质合格。")
    assert ticket.status == S.REPLIED and ticket.sla_due is None

    ticket = services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=True)
    assert ticket.status == S.CALLBACK and ticket.category_confirmed is True

    ticket = services.ticket_callback(ticket=ticket, by=world.dispatcher, satisfaction="satisfied")
    assert ticket.status == S.CLOSED and ticket.satisfaction == "satisfied" and ticket.closed_at is not None

    assert actions(ticket) == ["created", "routed", "signed", "replied", "reply_reviewed", "called_back"]
    transitions = list(TicketEvent.objects.filter(ticket=ticket).values_list("from_status", "to_status"))
    assert transitions == [
        ("", "received"),
        ("received", "dispatched"),
        ("dispatched", "handling"),
        ("handling", "replied"),
        ("replied", "callback"),
        ("callback", "closed"),
    ]
    assert ticket.version == 5
    assert list(ticket_confirmed_examples()) == [(ticket.content, "城乡建设")]


def test_sign_by_a_department_that_does_not_own_the_ticket_is_refused_and_changes_nothing(world, dispatched):
    before = snapshot(dispatched)

    with pytest.raises(PermissionDenied):
        services.ticket_sign(ticket=dispatched, by=world.staff_zm)

    assert snapshot(dispatched) == before


def test_signing_twice_is_a_conflict_and_changes_nothing(world, handling):
    before = snapshot(handling)

    with pytest.raises(ConflictError):
        services.ticket_sign(ticket=handling, by=world.staff)

    assert snapshot(handling) == before


def test_grid_worker_of_the_ticket_grid_signs_and_replies(world, dispatched):
    ticket = services.ticket_sign(ticket=dispatched, by=world.worker)
    ticket = services.ticket_reply(ticket=ticket, by=world.worker, text="网格员已现场核实并协调物业处理。")

    assert ticket.status == S.REPLIED
    assert TicketEvent.objects.get(ticket=ticket, action="signed").actor == world.worker


def test_grid_worker_of_another_grid_may_not_sign(world, dispatched):
    before = snapshot(dispatched)

    with pytest.raises(PermissionDenied):
        services.ticket_sign(ticket=dispatched, by=world.worker_other)

    assert snapshot(dispatched) == before


def test_close_at_intake_closes_without_routing(world, file_ticket):
    ticket = file_ticket(
        route=False, close_at_intake=True, answer="已告知供暖开始时间为11月15日。", category_code="城乡建设"
    )

    assert ticket.status == S.CLOSED_AT_INTAKE
    assert ticket.answer == "已告知供暖开始时间为11月15日。"
    assert services.ticket_route(ticket_id=ticket.pk).status == S.CLOSED_AT_INTAKE
    assert actions(ticket) == ["created", "closed_at_intake"]


def test_close_at_intake_needs_an_answer_and_files_nothing(world, file_ticket):
    with pytest.raises(ApplicationError) as err:
        file_ticket(route=False, close_at_intake=True, answer=" ")

    assert err.value.extra == {"field": "answer"}
    assert Ticket.objects.count() == 0


def test_low_confidence_waits_for_a_person_with_top3_then_human_dispatch_confirms_category(world, file_ticket, predict):
    predict("城乡建设", 0.55, auto=False)
    ticket = file_ticket(content=WEAK_CONTENT)

    assert ticket.status == S.PENDING_DISPATCH and ticket.lead_department is None
    assert ticket.ai_top3[0] == {"code": "城乡建设", "probability": 0.55}
    assert list(human_dispatch_queue(world.dispatcher)) == [ticket]

    ticket = services.ticket_dispatch(
        ticket=ticket, by=world.dispatcher, department=world.chengguan, category_code="城乡建设"
    )

    assert ticket.status == S.DISPATCHED and ticket.lead_department == world.chengguan
    assert ticket.dispatch_source == Ticket.DispatchSource.HUMAN and ticket.category_confirmed is True
    assert list(human_dispatch_queue(world.dispatcher)) == []


def test_no_active_model_sends_the_ticket_to_the_human_queue(world, file_ticket, monkeypatch):
    monkeypatch.setattr("dispatch.services.routing._classify_many", lambda texts: [None] * len(texts))

    ticket = file_ticket()

    assert ticket.status == S.PENDING_DISPATCH and ticket.ai_category == "" and ticket.routed_at is not None
    assert ticket.community == world.small.community


def test_routing_twice_routes_once(world, file_ticket):
    ticket = file_ticket()

    again = services.ticket_route(ticket_id=ticket.pk)

    assert again.status == S.DISPATCHED
    assert actions(ticket).count("routed") == 1
    assert Notification.objects.filter(ticket=ticket, kind="dispatched", department=world.zhujian).count() == 1


def test_return_with_reason_waits_for_review_and_review_redispatches(world, dispatched):
    ticket = services.ticket_return(ticket=dispatched, by=world.staff, reason="属城管占道经营，非住建职责")
    assert ticket.status == S.RETURN_PENDING and ticket.return_count == 1 and ticket.sla_due is None
    assert ticket.lead_department == world.zhujian  # keeps its owner until re-dispatched

    ticket = services.ticket_return_review(ticket=ticket, by=world.dispatcher, approve=True, department=world.chengguan)

    assert ticket.status == S.DISPATCHED and ticket.lead_department == world.chengguan
    assert ticket.first_lead_department == world.zhujian
    assert actions(ticket)[-2:] == ["returned", "return_reviewed"]


def test_return_without_reason_is_refused_and_changes_nothing(world, dispatched):
    before = snapshot(dispatched)

    with pytest.raises(ApplicationError) as err:
        services.ticket_return(ticket=dispatched, by=world.staff, reason="  ")

    assert err.value.extra == {"field": "reason"}
    assert snapshot(dispatched) == before


def test_return_after_its_limit_is_refused(world, dispatched):
    Ticket.objects.filter(pk=dispatched.pk).update(return_due="2020-01-01T00:00:00+08:00")
    before = snapshot(dispatched)

    with pytest.raises(ConflictError):
        services.ticket_return(ticket=dispatched, by=world.staff, reason="非本单位职责")

    assert snapshot(dispatched) == before
    assert "return" not in allowed_actions(world.staff, Ticket.objects.get(pk=dispatched.pk))


def test_refused_return_goes_back_to_the_same_unit(world, dispatched):
    ticket = services.ticket_return(ticket=dispatched, by=world.staff, reason="非本单位职责")

    ticket = services.ticket_return_review(ticket=ticket, by=world.dispatcher, approve=False, reason="属住建职责")

    assert ticket.status == S.DISPATCHED and ticket.lead_department == world.zhujian and ticket.sla_due is not None


def test_approved_return_without_department_goes_to_the_human_queue(world, dispatched):
    ticket = services.ticket_return(ticket=dispatched, by=world.staff, reason="非本单位职责")

    ticket = services.ticket_return_review(ticket=ticket, by=world.dispatcher, approve=True)

    assert ticket.status == S.PENDING_DISPATCH


def test_after_two_returns_the_district_fallback_owns_the_ticket(world, dispatched):
    ticket = services.ticket_return(ticket=dispatched, by=world.staff, reason="非本单位职责")
    ticket = services.ticket_return_review(ticket=ticket, by=world.dispatcher, approve=True, department=world.chengguan)
    ticket = services.ticket_return(ticket=ticket, by=world.staff_chengguan, reason="也非城管职责")

    ticket = services.ticket_return_review(ticket=ticket, by=world.dispatcher, approve=True, department=world.zhujian)

    assert ticket.lead_department == world.fallback
    assert ticket.dispatch_source == Ticket.DispatchSource.FALLBACK
    assert "return" not in allowed_actions(world.admin, ticket)
    with pytest.raises(ConflictError):
        services.ticket_return(ticket=ticket, by=world.admin, reason="兜底单位也想退")


def test_redispatch_after_too_many_returns_goes_to_the_fallback(world, dispatched):
    Ticket.objects.filter(pk=dispatched.pk).update(return_count=2)

    ticket = services.ticket_redispatch(
        ticket=dispatched, by=world.dispatcher, department=world.chengguan, reason="调整主办"
    )

    assert ticket.lead_department == world.fallback
    event = TicketEvent.objects.get(ticket=ticket, action="redispatched")
    assert event.data["requested"] == world.chengguan.pk and event.data["fallback"] is True


def test_extension_request_and_approval_move_the_deadline_by_working_days(world, handling):
    ticket = services.ticket_extension_request(ticket=handling, by=world.staff, days=3, reason="需协调产权单位")
    assert ticket.status == S.EXTENSION_PENDING
    old_due = ticket.handle_due

    ticket = services.ticket_extension_approve(ticket=ticket, by=world.supervisor, approve=True)

    assert ticket.status == S.HANDLING and ticket.extension_days == 3
    assert ticket.handle_due > old_due and ticket.sla_due == ticket.handle_due
    assert TicketEvent.objects.get(ticket=ticket, action="extension_decided").data["days"] == 3


def test_refused_extension_keeps_the_deadline(world, handling):
    ticket = services.ticket_extension_request(ticket=handling, by=world.staff, days=3, reason="需协调")
    due = ticket.handle_due

    ticket = services.ticket_extension_approve(ticket=ticket, by=world.dispatcher, approve=False, reason="可按期办结")

    assert ticket.status == S.HANDLING and ticket.handle_due == due and ticket.extension_days == 0


def test_extension_beyond_the_maximum_is_refused_and_changes_nothing(world, handling):
    before = snapshot(handling)

    with pytest.raises(ApplicationError) as err:
        services.ticket_extension_request(ticket=handling, by=world.staff, days=11, reason="需要很久")

    assert err.value.extra == {"field": "days"}
    assert snapshot(handling) == before


def test_review_sends_the_reply_back(world, handling):
    ticket = services.ticket_reply(ticket=handling, by=world.staff, text="已处理")

    ticket = services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=False, reason="答复过于简单")

    assert ticket.status == S.HANDLING and ticket.sla_due is not None
    assert Notification.objects.filter(ticket=ticket, kind="sent_back").count() == 1


def test_unsatisfied_callback_reopens(world, handling):
    ticket = services.ticket_reply(ticket=handling, by=world.staff, text="已处理完毕")
    ticket = services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=True)

    ticket = services.ticket_callback(
        ticket=ticket, by=world.dispatcher, satisfaction="unsatisfied", note="水仍有异味", reason="unsolved"
    )

    assert ticket.status == S.HANDLING and ticket.reopen_count == 1 and ticket.satisfaction == "unsatisfied"
    assert ticket.closed_at is None and ticket.sla_due == ticket.handle_due


def test_the_callback_records_the_scripts_answers_and_an_unsatisfied_one_needs_a_reason(world, handling):
    ticket = services.ticket_reply(ticket=handling, by=world.staff, text="已处理完毕")
    ticket = services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=True)
    with pytest.raises(ApplicationError) as err:
        services.ticket_callback(ticket=ticket, by=world.dispatcher, satisfaction="unsatisfied")
    assert err.value.extra == {"field": "reason"}
    ticket.refresh_from_db()
    assert ticket.status == S.CALLBACK and ticket.satisfaction == ""

    ticket = services.ticket_callback(
        ticket=ticket,
        by=world.dispatcher,
        satisfaction="unsatisfied",
        contacted=False,
        resolved="unsolved",
        reason="shirking",
    )

    event = TicketEvent.objects.filter(ticket=ticket, action="called_back").get()
    assert event.data == {
        "satisfaction": "unsatisfied",
        "contacted": False,
        "resolved": "unsolved",
        "reason": "shirking",
    }
    assert ticket.status == S.HANDLING
    note = Notification.objects.get(ticket=ticket, kind="reopened")
    assert "回访不满意（推诿扯皮），请重办" in note.message


def test_closed_ticket_reopens_and_close_without_callback(world, handling):
    ticket = services.ticket_reply(ticket=handling, by=world.staff, text="已处理完毕")
    ticket = services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=True)
    ticket = services.ticket_close(ticket=ticket, by=world.dispatcher, reason="来电人要求不回访")
    assert ticket.status == S.CLOSED and ticket.satisfaction == ""

    ticket = services.ticket_reopen(ticket=ticket, by=world.supervisor, reason="来电人再次反映")

    assert ticket.status == S.HANDLING and ticket.reopen_count == 1 and ticket.closed_at is None


def test_merge_keeps_every_caller_on_the_survivor(world, file_ticket):
    survivor = file_ticket()
    first = file_ticket(route=False, caller_name="李娜", caller_phone="13900001111")
    second = file_ticket(route=False, caller_name="赵强", caller_phone="13900002222")
    services.ticket_merge(ticket=second, into=first, by=world.operator)

    merged = services.ticket_merge(ticket=first, into=survivor, by=world.operator)

    assert merged.status == S.MERGED and merged.merged_into == survivor
    assert Ticket.objects.get(pk=second.pk).merged_into == survivor
    callers = set(TicketCaller.objects.filter(ticket=survivor).values_list("name", "phone"))
    assert callers == {("李娜", "13900001111"), ("赵强", "13900002222")}
    assert actions(survivor)[-1] == "merge_received"


def test_merge_into_a_closed_ticket_is_refused_and_changes_nothing(world, file_ticket):
    closed = file_ticket(route=False, close_at_intake=True, answer="已答复", category_code="城乡建设")
    other = file_ticket(route=False)
    before = snapshot(other)

    with pytest.raises(ConflictError):
        services.ticket_merge(ticket=other, into=closed, by=world.operator)

    assert snapshot(other) == before
    assert TicketCaller.objects.count() == 0


def test_whistle_pulls_departments_in_as_assists(world, handling):
    jiaotong = world.small.department("jiaotong")

    ticket = services.ticket_whistle(ticket=handling, by=world.worker, departments=[jiaotong], reason="涉及道路占用")

    assert TicketAssist.objects.get(ticket=ticket, department=jiaotong).source == "whistle"
    assert ticket.status == S.HANDLING
    assert Notification.objects.filter(ticket=ticket, kind="whistle", department=jiaotong).count() == 1


def test_whistle_by_an_unrelated_department_is_refused(world, handling):
    before = snapshot(handling)

    with pytest.raises(PermissionDenied):
        services.ticket_whistle(
            ticket=handling, by=world.staff_zm, departments=[world.small.department("jiaotong")], reason="x"
        )

    assert snapshot(handling) == before


def test_the_hotline_centre_is_never_whistled_in_nor_offered_for_it(world, handling):
    from dispatch.pages.forms import WhistleForm
    from governance.models import Department

    centre = Department.objects.get(dept_type="city_gov")
    before = snapshot(handling)

    with pytest.raises(ApplicationError) as err:
        services.ticket_whistle(ticket=handling, by=world.worker, departments=[centre], reason="请热线中心到场")

    assert err.value.extra["field"] == "departments"
    assert snapshot(handling) == before
    offered = WhistleForm(ticket=handling).fields["departments"].queryset
    assert not offered.filter(pk=centre.pk).exists() and offered.filter(dept_type="jiaotong").exists()


def test_urge_and_supervise(world, handling):
    ticket = services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快办理")
    ticket = services.ticket_urge(ticket=ticket, by=world.supervisor, reason="逾期督办", supervise=True)

    assert ticket.urge_count == 2 and ticket.supervised is True
    assert list(
        Notification.objects.filter(ticket=ticket, kind__in=["urge", "supervise"]).values_list("kind", flat=True)
    ) == [
        "supervise",
        "urge",
    ]


def test_events_cannot_be_edited_or_deleted(world, dispatched):
    event = TicketEvent.objects.filter(ticket=dispatched).first()

    with pytest.raises(AppendOnlyError):
        event.reason = "改写历史"
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=dispatched).update(reason="x")
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=dispatched).delete()

    assert TicketEvent.objects.get(pk=event.pk).reason == ""


def test_ticket_numbers_follow_the_day_sequence(world, file_ticket):
    numbers = [file_ticket(route=False).number for _ in range(3)]

    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    assert len({n[:10] for n in numbers}) == 1


def test_bad_phone_is_refused(world, file_ticket):
    with pytest.raises(ApplicationError) as err:
        file_ticket(route=False, caller_phone="12345")

    assert err.value.extra == {"field": "caller_phone"}
    assert Ticket.objects.count() == 0
