import datetime as dt

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.models import DailyTicketStat, MonthlyTicketStat, StatsRollupState, Ticket
from dispatch.selectors.stats import (
    DashboardFilter,
    callback_reasons,
    dashboard_breakdown,
    dashboard_sla,
    dashboard_volume,
    period_pieces,
)
from dispatch.services.stats import FLAGS, stats_rollup_recent
from governance.models import Region
from tests.dispatch.classifier_stub import FakePrediction
from tests.pages.html import field_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def ai_routes(monkeypatch):
    """Routing sees a confident prediction of 城乡建设 (dispatched automatically to 住建局)."""
    monkeypatch.setattr(
        "dispatch.services.routing._classify_many", lambda texts: [FakePrediction.of("城乡建设", 0.97)] * len(texts)
    )


def day_sums() -> dict:
    rows = DailyTicketStat.objects.values(*FLAGS)
    return {name: sum(r[name] for r in rows) for name in FLAGS}


@pytest.fixture
def three_tickets(make_ticket, accounts, zhengzhou_small, ai_routes):
    """One AI-dispatched and signed, one human-dispatched then returned and re-dispatched, one 即办."""
    # Both are routed by the AI stub to 住建 by their matter items (二次供水, 基础设施) → dispatched.
    signed = make_ticket(
        status=Ticket.Status.PENDING_DISPATCH, content="农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味"
    )
    services.ticket_sign(ticket=signed, by=accounts.staff)
    bounced = make_ticket(
        status=Ticket.Status.PENDING_DISPATCH, content="学校门口的道路施工挖开后一直没有恢复，希望尽快修好"
    )
    bounced.refresh_from_db()
    services.ticket_return(ticket=bounced, by=accounts.staff, reason="属于教育部门")
    services.ticket_redispatch(
        ticket=bounced,
        by=accounts.supervisor,
        department=zhengzhou_small.department("jiaoyu"),
        category_code="教育文体",
        reason="改派教育局",
    )
    services.ticket_create(
        by=accounts.operator,
        content="咨询公积金提取需要哪些材料",
        caller_phone="13800000000",
        close_at_intake=True,
        answer="已告知所需材料",
        category_code="城乡建设",
    )
    return signed, bounced


def test_rollup_counts_each_outcome_exactly(three_tickets):
    days = stats_rollup_recent()

    assert days == [timezone.localdate()]
    sums = day_sums()
    assert sums["total"] == 3
    assert sums["closed_at_intake"] == 1
    assert sums["dispatched"] == 2
    assert sums["ai_dispatched"] == 2
    assert sums["ai_correct"] == 1
    assert sums["stayed"] == 1
    assert sums["returned"] == 1
    assert sums["redispatched"] == 1
    assert sums["signed"] == 1
    assert sums["responded"] == 1


def test_rollup_is_idempotent(three_tickets):
    stats_rollup_recent()
    first = sorted(DailyTicketStat.objects.values_list("street_code", "category_code", "department_id", "total"))

    stats_rollup_recent()
    stats_rollup_recent(now=timezone.now() + dt.timedelta(minutes=1))

    assert (
        sorted(DailyTicketStat.objects.values_list("street_code", "category_code", "department_id", "total")) == first
    )
    assert day_sums()["total"] == 3


def test_rollup_picks_up_a_later_move_on_an_older_ticket(three_tickets, accounts):
    signed, _ = three_tickets
    stats_rollup_recent()
    assert day_sums()["returned"] == 1

    services.ticket_return(ticket=signed, by=accounts.staff, reason="不属于本单位职责")
    stats_rollup_recent(now=timezone.now() + dt.timedelta(seconds=1))

    assert day_sums()["returned"] == 2
    assert day_sums()["stayed"] == 0


def test_breakdown_rates_and_confusion(three_tickets, zhengzhou_small, settings):
    settings.DASHBOARD_RANKING_MIN_TICKETS = 1
    stats_rollup_recent()
    today = timezone.localdate()

    b = dashboard_breakdown(flt=DashboardFilter(start=today, end=today, region=zhengzhou_small.district))

    assert b["total"].dispatched == 2
    assert b["total"].accuracy == 0.5
    assert b["total"].ai_accuracy == 0.5
    assert b["confusion"]["predicted"] == [{"code": "城乡建设", "label": "城乡建设"}]
    labels = [c["code"] for c in b["confusion"]["final"]]
    cells = dict(zip(labels, b["confusion"]["cells"][0], strict=True))
    assert cells == {"城乡建设": 1, "教育文体": 1}
    assert [t.label for t in b["rank_street"]] == ["文化路街道"]


def test_sla_panel_counts_open_tickets_by_light_from_the_rollup(three_tickets, zhengzhou_small, accounts):
    signed, bounced = three_tickets
    stats_rollup_recent()
    flt = DashboardFilter(start=timezone.localdate(), end=timezone.localdate())
    assert (dashboard_sla(flt=flt)["green"], dashboard_sla(flt=flt)["red"]) == (2, 0)

    Ticket.objects.filter(pk=signed.pk).update(sla_light=Ticket.Light.RED, sla_due=timezone.now())
    services.ticket_urge(ticket=signed, by=accounts.dispatcher, reason="请加快")  # an event: the run sees it
    assert dashboard_sla(flt=flt)["red"] == 0  # the counts are the roll-up's, not a live query
    stats_rollup_recent(now=timezone.now() + dt.timedelta(seconds=1))
    sla = dashboard_sla(flt=flt)

    assert (sla["green"], sla["yellow"], sla["red"]) == (1, 0, 1)
    assert [t.pk for t in sla["overdue"]] == [signed.pk]  # the overdue list is live


def test_dashboard_page_shows_the_rolled_up_numbers(client, accounts, three_tickets):
    stats_rollup_recent()
    client.force_login(accounts.supervisor)

    html = client.get("/dashboard/?period=7").content.decode()

    # The 即办 ticket has no place: outside the 金水区 supervisor's view.
    assert 'data-kpi="total">2<' in html
    assert 'data-kpi="returned">1<' in html
    assert 'data-kpi="redispatched">1<' in html
    assert 'id="dashboard-data"' in html


def test_dashboard_custom_period_needs_dates(client, accounts, zhengzhou_small):
    client.force_login(accounts.supervisor)

    html = client.get("/dashboard/?period=custom&start=&end=").content.decode()

    assert field_errors(html, "start") == ["请选择开始日期"]
    assert field_errors(html, "end") == ["请选择结束日期"]


def test_supervisor_cannot_look_outside_their_region(client, accounts, zhengzhou_small):
    client.force_login(accounts.supervisor)  # 金水区

    html = client.get(f"/dashboard/?district={zhengzhou_small.zhongmou.code}").content.decode()

    assert field_errors(html, "district") == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    assert "金水区 ·" in html


def test_dashboard_csv_export(client, accounts, three_tickets):
    stats_rollup_recent()
    client.force_login(accounts.supervisor)

    response = client.get("/dashboard/?period=7&format=csv&list=category")

    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body[0].startswith("名称,受理量,派单量")
    assert sorted(line.split(",")[0] for line in body[1:]) == ["城乡建设", "教育文体"]


def test_ticket_list_csv_masks_phones_and_defuses_formulas(client, accounts, make_ticket):
    make_ticket(content='=HYPERLINK("http://x") 小区噪音扰民严重')
    client.force_login(accounts.operator)

    response = client.get("/tickets/?format=csv")

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "138****5678" in lines[1]
    assert "13812345678" not in lines[1]
    assert ",\"'=HYPERLINK" in lines[1]


def test_first_run_backlog_is_filled_newest_first_within_the_budget(three_tickets):
    signed, bounced = three_tickets
    week_ago = timezone.now() - dt.timedelta(days=7)
    Ticket.objects.filter(pk=bounced.pk).update(created_at=week_ago)

    first = stats_rollup_recent(budget_seconds=0)
    state_after_first = StatsRollupState.objects.get()
    second = stats_rollup_recent(budget_seconds=0)

    assert first == [timezone.localdate()]
    assert state_after_first.watermark is None
    assert second == [timezone.localtime(week_ago).date()]
    assert StatsRollupState.objects.get().watermark is not None
    assert day_sums()["total"] == 3


@pytest.mark.parametrize(
    ("start", "end", "months", "ranges"),
    [
        (
            "2026-01-15",
            "2026-04-10",
            ["2026-02-01", "2026-03-01"],
            [("2026-01-15", "2026-01-31"), ("2026-04-01", "2026-04-10")],
        ),
        ("2026-03-01", "2026-03-31", ["2026-03-01"], []),
        ("2026-03-05", "2026-03-20", [], [("2026-03-05", "2026-03-20")]),
        ("2025-12-01", "2026-01-31", ["2025-12-01", "2026-01-01"], []),
    ],
)
def test_period_pieces(start, end, months, ranges):
    d = dt.date.fromisoformat

    got_months, got_ranges = period_pieces(d(start), d(end))

    assert got_months == [d(m) for m in months]
    assert got_ranges == [(d(a), d(b)) for a, b in ranges]


def test_long_periods_read_months_and_agree_with_the_days(three_tickets, zhengzhou_small):
    signed, bounced = three_tickets
    Ticket.objects.filter(pk=bounced.pk).update(created_at=timezone.now() - dt.timedelta(days=62))
    stats_rollup_recent()
    today = timezone.localdate()
    flt = DashboardFilter(start=today - dt.timedelta(days=89), end=today)
    assert period_pieces(flt.start, flt.end)[0]  # at least one whole month is read from MonthlyTicketStat

    b = dashboard_breakdown(flt=flt)
    volume = dashboard_volume(flt=flt)

    assert MonthlyTicketStat.objects.count() >= 1
    assert (b["total"].total, b["total"].dispatched, b["total"].redispatched) == (3, 2, 1)
    assert sum(sum(s["data"]) for s in volume["series"]) == 3
    street = dashboard_volume(flt=DashboardFilter(start=flt.start, end=flt.end, region=zhengzhou_small.street))
    assert sum(sum(s["data"]) for s in street["series"]) == 2


def test_rankings_list_units_below_the_minimum_sample_apart(three_tickets, zhengzhou_small, settings, client, accounts):
    settings.DASHBOARD_RANKING_MIN_TICKETS = 3  # the street has 2 dispatched tickets
    stats_rollup_recent()
    today = timezone.localdate()

    b = dashboard_breakdown(flt=DashboardFilter(start=today, end=today, region=zhengzhou_small.district))

    assert b["rank_street"] == []
    assert [(t.label, t.dispatched) for t in b["small_street"]] == [("文化路街道", 2)]
    client.force_login(accounts.supervisor)
    html = client.get("/dashboard/?period=7").content.decode()
    street_table = html[html.index('id="table-rank_street"') :].split("</table>")[0]
    assert 'class="small-sample"' in street_table and "文化路街道" in street_table
    assert "派单不少于 3 件的单位参与排名" in html


def test_todays_partial_day_is_marked_on_the_volume_chart(three_tickets, client, accounts):
    stats_rollup_recent()
    client.force_login(accounts.supervisor)

    today_html = client.get("/dashboard/?period=7").content.decode()
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    past_html = client.get(f"/dashboard/?period=custom&start={past}&end={past}").content.decode()

    assert 'id="partial-day"' in today_html and '"partial": true' in today_html
    assert 'id="partial-day"' not in past_html and '"partial": false' in past_html


def test_unsatisfied_callbacks_are_counted_by_reason_on_the_dashboard(make_ticket, accounts, client):
    def called_back(satisfaction, reason=""):
        ticket = make_ticket(status=Ticket.Status.HANDLING)
        services.ticket_reply(ticket=ticket, by=accounts.staff, text="已处理完毕，现场已恢复")
        services.ticket_reply_review(ticket=ticket, by=accounts.dispatcher, approve=True)
        services.ticket_callback(
            ticket=ticket,
            by=accounts.dispatcher,
            satisfaction=satisfaction,
            contacted=True,
            resolved="unsolved",
            reason=reason,
        )

    called_back("unsatisfied", "shirking")
    called_back("unsatisfied", "shirking")
    called_back("unsatisfied", "overdue")
    called_back("satisfied")
    today = timezone.localdate()

    found = callback_reasons(flt=DashboardFilter(start=today, end=today))
    elsewhere = callback_reasons(flt=DashboardFilter(start=today, end=today, region=_zhongmou()))

    assert (found["callbacks"], found["unsatisfied"]) == (4, 3)
    assert found["reasons"][:2] == [
        {"code": "shirking", "label": "推诿扯皮", "n": 2},
        {"code": "overdue", "label": "办理超时", "n": 1},
    ]
    assert (elsewhere["callbacks"], elsewhere["unsatisfied"]) == (0, 0)
    client.force_login(accounts.supervisor)
    html = client.get("/dashboard/?period=7").content.decode()
    assert '<td class="num" data-reason="shirking">2</td>' in html


def _zhongmou():
    return Region.objects.get(code="410122000000")
