"""集中诉求预警 and 每月一题 reads: which hotspots a supervisor sees, and the month's most frequent matters."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from common.db import replica_reads
from dispatch.actors import actor_for, region_q
from dispatch.models import Hotspot, HotspotTicket, Ticket
from dispatch.selectors import ticket_list_for_user
from governance import roles
from governance.models import DispatchCatalogue, Region

READERS = (roles.SUPERVISOR, roles.ADMIN)


def hotspot_list_for_user(user, *, live_only: bool = True) -> QuerySet[Hotspot]:
    """Hotspots a supervisor may see: placed inside their region's subtree, or holding at least one
    ticket inside it (a city-wide surge shows to each district it touches). Others see none.
    `members_visible` (prefetched) are the links to the tickets the user may see."""
    actor = actor_for(user)
    qs = Hotspot.objects.select_related("region", "lead_department", "lead_ticket", "proactive_ticket")
    if not actor.has(*READERS):
        return qs.none()
    if live_only:
        qs = qs.filter(status__in=Hotspot.LIVE_STATUSES)
    region = actor.region
    if not actor.is_admin and region is not None and region.level != Region.Level.CITY:
        inside = HotspotTicket.objects.filter(hotspot=OuterRef("pk")).filter(region_q(region, prefix="ticket__"))
        qs = qs.filter(Q(region__code__startswith=region.prefix) | Q(Exists(inside)))
    visible = ticket_list_for_user(user, queryset=Ticket.objects.all())
    members = HotspotTicket.objects.filter(ticket__in=visible.values("pk")).order_by("ticket__created_at", "ticket_id")
    return qs.prefetch_related(Prefetch("members", queryset=members, to_attr="members_visible"))


def hotspot_tickets(user, hotspot: Hotspot) -> QuerySet[Ticket]:
    """The hotspot's tickets the user may see, oldest first."""
    from dispatch.selectors import ticket_queryset

    qs = ticket_list_for_user(user, queryset=ticket_queryset())
    return qs.filter(pk__in=HotspotTicket.objects.filter(hotspot=hotspot).values("ticket_id")).order_by(
        "created_at", "id"
    )


# --- 每月一题 -----------------------------------------------------------------------------------------


@dataclass
class Topic:
    region: Region
    category_code: str
    category_name: str
    count: int
    previous: int
    rank: int

    @property
    def trend(self) -> float | None:
        """Change against the previous month, in percent (None when the matter is new this month)."""
        if not self.previous:
            return None
        return round(100 * (self.count - self.previous) / self.previous, 1)

    @property
    def trend_label(self) -> str:
        # Words, not a signed number: a cell starting with + or - is a formula to spreadsheets.
        trend = self.trend
        if trend is None:
            return "新增"
        if trend == 0:
            return "持平"
        return f"{'上升' if trend > 0 else '下降'}{abs(trend):.1f}%"


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(nxt, datetime.time(), tzinfo=tz),
    )


@replica_reads
def monthly_topics(user, *, month: datetime.date, level: str = "district", top: int = 5) -> list[Topic]:
    """每月一题: per district (or street) in the user's scope, the `top` categories by tickets filed
    in `month`, with the previous month's count for the trend. Merged duplicates count once (the
    survivor carries them); 主动治理 tickets are the centre's own and are not counted."""
    if level not in ("district", "street"):
        raise ValueError(level)
    start, end = month_bounds(month)
    prev_start, _ = month_bounds(start.date() - datetime.timedelta(days=1))
    base = (
        ticket_list_for_user(user, queryset=Ticket.objects.all())
        .exclude(status=Ticket.Status.MERGED)
        .exclude(channel=Ticket.Channel.PROACTIVE)
        .exclude(category_code="")
        .filter(**{f"{level}__isnull": False})
    )

    def counts(a, b) -> Counter:
        rows = base.filter(created_at__gte=a, created_at__lt=b).values_list(f"{level}_id", "category_code")
        return Counter(rows)

    now_counts, prev_counts = counts(start, end), counts(prev_start, start)
    by_region = defaultdict(list)
    for (region, code), n in now_counts.items():
        by_region[region].append((code, n))
    regions = Region.objects.in_bulk(list(by_region))
    names = dict(DispatchCatalogue.objects.values_list("category_code", "category_name"))
    out = []
    for code in sorted(by_region):
        ranked = sorted(by_region[code], key=lambda cn: (-cn[1], cn[0]))[:top]
        for rank, (category, n) in enumerate(ranked, start=1):
            out.append(
                Topic(
                    regions[code],
                    category,
                    names.get(category, category),
                    n,
                    prev_counts.get((code, category), 0),
                    rank,
                )
            )
    return out
