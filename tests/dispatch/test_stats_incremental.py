"""The incremental roll-up gives the same rows as recomputing every day from the tickets, on random
histories: tickets filed over several days, then moved about (status, light, place, units, categories,
returns, callbacks, automatic routing) in random rounds, each round applied through the snapshots."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from dispatch.models import (
    DailyDistrictVolume,
    DailyTicketStat,
    MonthlyTicketStat,
    OpenTicketLight,
    Ticket,
    TicketEvent,
    TicketStatSnapshot,
)
from dispatch.models.stats import COUNT_FIELDS, DIMENSIONS
from dispatch.services.stats import stats_rollup_days, stats_rollup_recent, stats_rollup_tickets

pytestmark = pytest.mark.django_db
S, L = Ticket.Status, Ticket.Light


def _rows():
    return {
        model.__name__: sorted(model.objects.values_list(period, *dims, *counts), key=repr)
        for model, period, dims, counts in (
            (DailyTicketStat, "day", DIMENSIONS, COUNT_FIELDS),
            (MonthlyTicketStat, "month", DIMENSIONS, COUNT_FIELDS),
            (DailyDistrictVolume, "day", ("district_code", "category_code"), ("total",)),
            (OpenTicketLight, "district_code", ("street_code", "light"), ("total",)),
        )
    }


def _places(z):
    return [
        {"district": None, "street": None},
        {"district": z.district, "street": None},
        {"district": z.district, "street": z.street},
        {"district": z.zhongmou, "street": z.zhongmou_street},
    ]


def _random_fields(rng, z, units, now):
    first = rng.choice(units)
    signed = rng.choice([None, now - dt.timedelta(hours=3)])
    return {
        **rng.choice(_places(z)),
        "status": rng.choice(S.values),
        "sla_light": rng.choice(L.values),
        "category_code": rng.choice(["", "城乡建设", "教育"]),
        "ai_category": rng.choice(["", "城乡建设", "交通运输"]),
        "first_lead_department": first,
        "lead_department": rng.choice([first, first, *units]),
        "return_count": rng.choice([0, 0, 1, 2]),
        "reopen_count": rng.choice([0, 1]),
        "satisfaction": rng.choice(["", *Ticket.Satisfaction.values]),
        "signed_at": signed,
        "sign_due": rng.choice([None, now - dt.timedelta(hours=4), now]),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_equals_full_recompute_on_random_histories(zhengzhou_small, seed):
    rng = random.Random(seed)
    z = zhengzhou_small
    units = [None, z.department("zhujian"), z.department("jiaoyu")]
    now = timezone.now()
    # A month boundary inside the history, so month rows move too.
    days = [now - dt.timedelta(days=d) for d in (0, 1, 2, 31, 40)]
    tickets = Ticket.objects.bulk_create(
        [
            Ticket(
                number=f"T{seed}{i:05d}",
                content="诉求",
                created_at=rng.choice(days),
                **_random_fields(rng, z, units, now),
            )
            for i in range(60)
        ]
    )
    stats_rollup_recent()  # the backlog: every day computed whole, with snapshots

    for _ in range(4):
        moved = rng.sample(tickets, 15)
        for ticket in moved:
            Ticket.objects.filter(pk=ticket.pk).update(**_random_fields(rng, z, units, now))
            if rng.random() < 0.3:
                TicketEvent.objects.create(
                    ticket=ticket, action="routed", data={"auto": rng.random() < 0.5}, created_at=timezone.now()
                )
        stats_rollup_tickets(ticket_ids=[t.pk for t in moved] + [tickets[0].pk])  # an unchanged one too
        incremental = _rows()

        stats_rollup_days(days={timezone.localtime(t.created_at).date() for t in tickets})

        assert _rows() == incremental
    assert TicketStatSnapshot.objects.count() == 60
    open_now = Ticket.objects.exclude(status__in=Ticket.FINAL_STATUSES).count()
    assert sum(OpenTicketLight.objects.values_list("total", flat=True)) == open_now
    assert sum(r[len(DIMENSIONS) + 1] for r in _rows()["DailyTicketStat"]) == 60  # every ticket once


def test_a_run_reads_only_the_touched_tickets(zhengzhou_small, django_assert_max_num_queries):
    z = zhengzhou_small
    now = timezone.now()
    Ticket.objects.bulk_create(
        [
            Ticket(number=f"H{i:05d}", content="诉求", created_at=now - dt.timedelta(days=i % 3), district=z.district)
            for i in range(30)
        ]
    )
    stats_rollup_recent()
    touched = Ticket.objects.create(number="NEW1", content="新诉求", created_at=timezone.now(), street=z.street)

    # However long the history: the state, the touched tickets (events, new tickets), the lock, their
    # rows, their snapshots, a read and a write per roll-up table (four), the snapshot upsert, the
    # watermark, and the test transaction's savepoint pair.
    with django_assert_max_num_queries(18):
        days = stats_rollup_recent(now=timezone.now() + dt.timedelta(seconds=1))

    assert days == [timezone.localdate()]
    assert TicketStatSnapshot.objects.get(ticket=touched).street_code == z.street.code
    assert DailyTicketStat.objects.get(street_code=z.street.code).total == 1


def test_the_backlog_is_the_days_with_tickets_and_no_snapshots_newest_first(zhengzhou_small):
    from dispatch.services.stats import _backlog_days

    now = timezone.now()
    Ticket.objects.bulk_create(
        [Ticket(number=f"B{d}", content="诉求", created_at=now - dt.timedelta(days=d)) for d in (0, 3, 40)]
    )
    today = timezone.localdate()
    assert _backlog_days() == [today, today - dt.timedelta(days=3), today - dt.timedelta(days=40)]

    stats_rollup_days(days=[today - dt.timedelta(days=3)])

    assert _backlog_days() == [today, today - dt.timedelta(days=40)]
    assert TicketStatSnapshot.objects.get().day == today - dt.timedelta(days=3)
