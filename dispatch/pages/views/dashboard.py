"""Supervisor dashboard "一屏观全域": filters → dashboard selectors → charts (Chart.js) and tables."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from common.inputs import is_id
from dispatch.actors import actor_for
from dispatch.pages.exports import csv_response, wants_csv
from dispatch.pages.filters import DashboardFilterForm
from dispatch.pages.views.common import SUPERVISOR_ROLES, role_required
from dispatch.selectors import stats
from dispatch.selectors.patrol import patrol_counts
from governance.models import Region


def _pct(value):
    return "" if value is None else f"{value * 100:.1f}%"


TALLY_COLUMNS = [
    ("名称", lambda t: t.label),
    ("受理量", lambda t: t.total),
    ("派单量", lambda t: t.dispatched),
    ("智能派单占比", lambda t: _pct(t.ai_share)),
    ("智能派单准确率", lambda t: _pct(t.ai_accuracy)),
    ("派单准确率", lambda t: _pct(t.accuracy)),
    ("退单", lambda t: t.returned),
    ("改派", lambda t: t.redispatched),
    ("响应率", lambda t: _pct(t.response_rate)),
    ("解决率", lambda t: _pct(t.resolution_rate)),
    ("满意率", lambda t: _pct(t.satisfaction_rate)),
]
OVERDUE_COLUMNS = [
    ("工单编号", lambda t: t.number),
    ("区县", lambda t: t.district.name if t.district else ""),
    ("街道", lambda t: t.street.name if t.street else ""),
    ("主办单位", lambda t: t.lead_department.name if t.lead_department else ""),
    ("状态", lambda t: t.get_status_display()),
    ("时限", lambda t: t.sla_due),
    ("诉求内容", lambda t: t.content[:200]),
]


def dashboard_filter(request, form: DashboardFilterForm) -> stats.DashboardFilter:
    """The period and region asked for, clamped to the supervisor's own subtree."""
    today = timezone.localdate()
    scope = actor_for(request.user).region
    data = form.cleaned_data if form.is_valid() else {}
    period = data.get("period") or "30"
    if period == "custom" and data.get("start") and data.get("end"):
        start, end = data["start"], data["end"]
    else:
        days = int(period) if is_id(period) else 30
        start, end = today - dt.timedelta(days=days - 1), today
    region = data.get("street") or data.get("district") or scope
    if scope is not None and scope.level != Region.Level.CITY and not region.code.startswith(scope.prefix):
        region = scope
    return stats.DashboardFilter(start=start, end=end, region=region)


@role_required(*SUPERVISOR_ROLES)
def dashboard(request):
    scope = actor_for(request.user).region
    form = DashboardFilterForm(request.GET or None, scope=scope)
    flt = dashboard_filter(request, form)
    if wants_csv(request):
        return _export(request, flt)
    breakdown = stats.dashboard_breakdown(flt=flt)
    volume = stats.dashboard_volume(flt=flt)
    sla = stats.dashboard_sla(flt=flt)
    patrol = patrol_counts(flt=flt)

    def chart_rows(tallies, limit=None):
        rows = tallies[:limit] if limit else tallies
        return {
            "labels": [t.label for t in rows],
            "ai_share": [t.ai_share for t in rows],
            "ai_accuracy": [t.ai_accuracy for t in rows],
            "accuracy": [t.accuracy for t in rows],
            "returned": [t.returned for t in rows],
            "redispatched": [t.redispatched for t in rows],
        }

    # Today is still filling up: marked (a dashed last segment and a note) instead of drawn as a cliff.
    volume["partial"] = flt.end >= timezone.localdate()
    charts = {
        "volume": volume,
        "by_category": chart_rows(breakdown["by_category"]),
        "by_department": chart_rows(breakdown["by_department"], 15),
        "sla": {"green": sla["green"], "yellow": sla["yellow"], "red": sla["red"]},
    }
    return render(
        request,
        "pages/dashboard.html",
        {
            "form": form,
            "flt": flt,
            "b": breakdown,
            "sla": sla,
            "patrol": patrol,
            "callbacks": stats.callback_reasons(flt=flt),
            "charts": charts,
            "query": request.GET.urlencode(),
        },
    )


def _export(request, flt):
    what = request.GET.get("list", "category")
    if what == "overdue":
        return csv_response(filename="overdue", columns=OVERDUE_COLUMNS, rows=stats.overdue_tickets(flt=flt).iterator())
    breakdown = stats.dashboard_breakdown(flt=flt)
    if what == "patrol":
        patrol = patrol_counts(flt=flt, limit=10_000)
        columns = [
            (patrol["level_label"], lambda r: r.label),
            ("网格发现", lambda r: r.found),
            ("自处", lambda r: r.self_handled),
            ("上报", lambda r: r.escalated),
        ]
        return csv_response(filename="patrol", columns=columns, rows=patrol["rows"])
    if what == "heat":
        heat = breakdown["heat"]
        columns = [("街道", lambda r: r["label"]), ("合计", lambda r: r["total"])]
        for i, cat in enumerate(heat["categories"]):
            columns.append((cat["label"], lambda r, i=i: r["cells"][i]))
        return csv_response(filename="heat", columns=columns, rows=heat["rows"])
    lists = {
        "category": breakdown["by_category"],
        "department": breakdown["by_department"],
        "rank_district": breakdown["rank_district"],
        "rank_street": breakdown["rank_street"],
        "rank_department": breakdown["rank_department"],
    }
    rows = lists.get(what, breakdown["by_category"])
    return csv_response(filename=f"dashboard-{what}", columns=TALLY_COLUMNS, rows=rows)
