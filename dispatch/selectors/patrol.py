"""Reads for 巡查上报: the grids a worker may report on, and the supervisors' 发现/自处/上报 counts.

发现 (found) is every patrol ticket filed in the period; 自处 (self-handled) those the grid worker closed on
the spot (dispatch source 网格自处, set only by the patrol service); 上报 (escalated) the rest, routed
like calls. The counts are a live query over patrol tickets only (a partial index on them), grouped by
the level below the region looked at: streets of a city or district, communities of a street, grids of
a community."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from dispatch.actors import actor_for
from dispatch.models import Ticket
from dispatch.selectors.stats import DashboardFilter
from dispatch.services.stats import day_bounds
from governance.models import Grid, Region

SELF_HANDLED = Q(dispatch_source=Ticket.DispatchSource.SELF)
PATROL_ROWS = 30
# The level a region's patrol counts are broken down by, and the name of the ticket field for it.
BREAKDOWN = {
    Region.Level.CITY: ("street", "街道"),
    Region.Level.DISTRICT: ("street", "街道"),
    Region.Level.STREET: ("community", "社区"),
    Region.Level.COMMUNITY: ("grid", "网格"),
}


def patrol_grids_for(user) -> QuerySet[Grid]:
    """The grids a grid worker may file patrol reports on: their own and the micro grids below them."""
    codes = actor_for(user).grid_codes
    if not codes:
        return Grid.objects.none()
    q = Q()
    for code in codes:
        q |= Q(code__startswith=code)
    return Grid.objects.filter(q).select_related("region").order_by("code")


@dataclass(frozen=True)
class PatrolRow:
    key: str
    label: str
    found: int
    self_handled: int

    @property
    def escalated(self) -> int:
        return self.found - self.self_handled

    @property
    def self_share(self) -> float | None:
        return self.self_handled / self.found if self.found else None


def patrol_counts(*, flt: DashboardFilter, limit: int = PATROL_ROWS) -> dict:
    """发现/自处/上报 over the filter's period and region: the total and rows by the level below
    (most found first, at most `limit` rows)."""
    start, end = day_bounds(flt.start)[0], day_bounds(flt.end)[1]
    region = flt.region
    level, level_label = BREAKDOWN[region.level if region is not None else Region.Level.CITY]
    tickets = Ticket.objects.filter(flt.ticket_scope, channel=Ticket.Channel.PATROL, created_at__gte=start)
    tickets = tickets.filter(created_at__lt=end)
    grouped = (
        tickets.values(f"{level}_id")
        .annotate(found=Count("id"), self_handled=Count("id", filter=SELF_HANDLED))
        .order_by("-found", f"{level}_id")
    )
    rows = list(grouped)
    keys = [r[f"{level}_id"] for r in rows[:limit] if r[f"{level}_id"] is not None]
    names = (
        dict(Grid.objects.filter(pk__in=keys).values_list("pk", "name"))
        if level == "grid"
        else dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    )
    out = [
        PatrolRow(
            key=str(r[f"{level}_id"] or ""),
            label=names.get(r[f"{level}_id"], "未定位"),
            found=r["found"],
            self_handled=r["self_handled"],
        )
        for r in rows[:limit]
    ]
    total = PatrolRow(
        key="",
        label="合计",
        found=sum(r["found"] for r in rows),
        self_handled=sum(r["self_handled"] for r in rows),
    )
    return {"level_label": level_label, "rows": out, "total": total}
